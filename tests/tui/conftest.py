"""TUI fixtures: apps on real databases with a fixed today, and pilot helpers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tuikit import TODAY, settings_for

#: the municipalities the TUI tests are written against (compare, first run, snapshots):
#: pinned, so that installing another municipality plugin changes none of them
MUNICIPALITIES = "stockholm,linkoping,tui"


@pytest.fixture(autouse=True)
def pinned_municipalities(isolated_config, monkeypatch: pytest.MonkeyPatch) -> None:
    """Load only Stockholm, Linköping and the TUI's own plugin (SAMVERKAN_LOAD_PLUGINS)."""
    monkeypatch.setenv("SAMVERKAN_LOAD_PLUGINS", MUNICIPALITIES)


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Freeze the blinking cursor so screens are deterministic."""
    from textual.widgets import Input, TextArea

    monkeypatch.setattr(Input, "cursor_blink", False, raising=False)
    monkeypatch.setattr(TextArea, "cursor_blink", False, raising=False)


@pytest.fixture
def make_app(make_services) -> Callable[..., Any]:
    """Factory: a SamverkanApp on services for ``municipality`` (None: a blank database)."""
    from samverkan_tui.app import SamverkanApp

    def factory(municipality: str | None = "stockholm", user: str = "anna", lang: str = "sv",
                services: Any = None, db: Path | None = None) -> SamverkanApp:
        if services is None:
            if municipality is None:
                from samverkan.plugin.manager import get_plugin_manager
                from samverkan.services import Services

                services = Services.open(db, user, "test", registry=get_plugin_manager(), today=TODAY)
            else:
                services = make_services(municipality, user=user, db=db, today=TODAY)
        return SamverkanApp(settings_for(services, lang), services=services)

    return factory


