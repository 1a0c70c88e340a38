"""The overview (issue 13, point 2): one key from home, every figure equal to SQL run
separately on the demo data's file, and a snapshot at 80x24 in Swedish."""

from __future__ import annotations

import sqlite3

import pytest
from tuikit import SIZE, fixed_clock, screen_name, screen_text, settle

from samverkan.services.demo import load_demo


@pytest.fixture
def overview_app(make_app, tmp_path, monkeypatch):
    fixed_clock(monkeypatch)
    app = make_app(None, db=tmp_path / "overview.db")
    load_demo(app.services, "stockholm")
    return app


def table(app, selector: str) -> dict[str, list[str]]:
    grid = app.screen.query_one(selector)
    return {str(key.value): [str(c) for c in grid.get_row(key)] for key in grid.rows}


async def test_the_overview_shows_what_sql_counts(overview_app):
    app = overview_app
    db = sqlite3.connect(app.services.database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert screen_name(app) == "OverviewScreen"
        per_form = table(app, "#overview-form-stage")
        for form, total in db.execute("SELECT form, count(*) FROM collaborations GROUP BY form"):
            assert per_form[form][-1] == str(total), form
        for form, stage, n in db.execute("SELECT form, stage, count(*) FROM collaborations GROUP BY 1, 2"):
            columns = ["initiative", "preparation", "decided", "declined", "agreement", "active", "ended"]
            assert per_form[form][1 + columns.index(stage)] == str(n), (form, stage)
        money = table(app, "#overview-money")
        for form, municipality, partners in db.execute(
                "SELECT c.form, sum(CASE WHEN k.is_municipality THEN k.amount ELSE 0 END),"
                " sum(CASE WHEN k.is_municipality THEN 0 ELSE k.amount END) FROM contributions k"
                " JOIN collaborations c ON c.id = k.collaboration_id"
                " WHERE c.stage IN ('agreement', 'active') GROUP BY 1"):
            assert money[form][1:] == [f"{municipality:,}".replace(",", " "), f"{partners:,}".replace(",", " ")]
        today = app.services.today.isoformat()
        overdue = db.execute("SELECT count(*) FROM collaborations WHERE stage = 'active'"
                             " AND next_follow_up < ?", [today]).fetchone()[0]
        waiting = db.execute("SELECT count(*) FROM collaborations WHERE stage = 'preparation'").fetchone()[0]
        text = screen_text(app)
        assert f"Försenade uppföljningar: {overdue}" in text and f"väntar på beslut: {waiting}" in text
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "CollaborationsScreen"
    db.close()


def test_overview_snapshot(snap_compare, overview_app):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
    assert snap_compare(overview_app, terminal_size=SIZE, run_before=run_before)
