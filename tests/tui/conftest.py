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
def quick_idle_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """Look for idleness in 5 ms windows instead of Textual's 20 ms.

    Pilot waits, after every key it presses, until the process has used almost no CPU
    over a whole window (``textual._wait.wait_for_idle``), twice; with 20 ms windows a
    walk of a thousand keys spent most of its time asleep. The test is the same (no
    CPU used over the window), on a shorter window, and the helpers still wait for the
    app's workers and message queues (``tuikit.settle``).
    """
    import textual._wait as wait

    monkeypatch.setattr(wait, "SLEEP_GRANULARITY", 1 / 200)
    monkeypatch.setattr(wait, "SLEEP_IDLE", 1 / 200 / 20)


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


