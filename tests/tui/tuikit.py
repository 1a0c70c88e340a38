"""Helpers for the TUI tests: fixed dates, pilot helpers and settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from samverkan.config import Settings

TODAY = dt.date(2026, 11, 22)
SIZE = (80, 24)


def settings_for(services: Any, lang: str = "sv") -> Settings:
    """Settings as the CLI would resolve them, for the database ``services`` uses."""
    return Settings(db_path=Path(services.store.path), config_path=Path("/nonexistent"),
                    user=services.actor, origin="test", lang=lang)



async def settle(pilot: Any) -> None:
    """Wait until the app's workers finished and the screen is idle."""
    app = pilot.app
    for _i in range(50):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            break


async def type_text(pilot: Any, text: str) -> None:
    """Type ``text`` key by key."""
    await pilot.press(*[("space" if ch == " " else ch) for ch in text])
