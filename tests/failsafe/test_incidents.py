"""An unexpected error shows one line with an incident id; the traceback goes to the
administrator's log, never to the user's screen.

The defect is real: a table dropped behind the application's back, which no refusal
foresees (SQLite says "no such table").
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from failkit import invoke, make_office, tuikit

from samverkan.runtime.config import os_user
from samverkan.services import Services


@pytest.fixture
def broken(tmp_path: Path, registry, monkeypatch) -> tuple[Path, Path]:
    """An office database whose check answers table was dropped; the log directory."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    db = tmp_path / "db" / "office.db"
    make_office(db, tmp_path / "files")
    conn = sqlite3.connect(db)
    try:
        conn.execute("DROP TABLE check_answers")
    finally:
        conn.close()
    return db, tmp_path / "state" / "samverkan" / "log" / "samverkan.log"


def test_the_cli_shows_one_line_and_logs_the_traceback(broken):
    db, log = broken
    r = invoke(db, ["collab", "show", "1"])
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    found = re.search(r"unexpected error \(OperationalError\); it is logged for the administrator "
                      r"as incident ([0-9a-f]{8})", r.stderr)
    assert found, r.stderr
    text = log.read_text(encoding="utf-8")
    assert f"incident {found.group(1)}" in text and "Traceback" in text and "check_answers" in text
    assert f"database: {db}" in text


async def test_the_tui_exits_with_one_line_and_logs_the_traceback(broken, registry):
    from samverkan_tui.app import Incident, SamverkanApp

    db, log = broken
    kit = tuikit()
    s = Services.open(db, os_user(), "test", registry=registry)
    app = SamverkanApp(kit.settings_for(s), services=s)
    try:
        with pytest.raises(Incident) as stopped:
            async with app.run_test(size=(100, 30)) as pilot:
                await kit.settle(pilot)
                await pilot.press("enter")  # the collaboration's checklist: no such table
                await kit.settle(pilot)
    finally:
        s.store.close()
    line = str(stopped.value)
    assert "\n" not in line and "Traceback" not in line
    found = re.search(r"händelse ([0-9a-f]{8})", line)  # the interface's language: Swedish
    assert found, line
    assert app.return_code == 1
    text = log.read_text(encoding="utf-8")
    assert f"incident {found.group(1)}" in text and "Traceback" in text and "TUI, screen" in text
