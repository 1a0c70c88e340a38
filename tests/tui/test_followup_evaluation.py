"""SROI in the follow-up form by keys (issue 12, point 4): the investment, years and rate as
labelled fields, the outcomes as rows; a bad value refused under the rows naming the row
and the column, the focus in that cell, nothing typed lost and nothing stored; the result
a table on the follow-ups tab and the overview, never a dump."""

from __future__ import annotations

import io
import json
import sqlite3
from typing import Any

import pytest
from rich.console import Console
from tuikit import SIZE, fill_form, focus, form_errors, screen_name, settle, type_text

from samverkan_tui.screens.collaboration import CollaborationScreen

ROW_1 = ["Deltagare i arbete", "10", "50 000", "20", "10", "25", "50", ""]
ROW_2 = ["Minskat försörjningsstöd", "4", "25000", "0", "0", "0", "0", "1"]
ROW_KEYS = ["name", "quantity", "proxy", "deadweight", "displacement", "attribution", "drop_off", "duration"]


@pytest.fixture
def lkpg_app(make_app, tmp_path):
    """The TUI on Linköping's demo data (collaboration 1: an active IOP, yearly SROI)."""
    from samverkan.services.demo import load_demo

    def factory(lang: str = "sv"):
        app = make_app("linkoping", lang=lang, db=tmp_path / f"lkpg-{lang}.db")
        if app.services.is_empty():
            load_demo(app.services, "linkoping")
        return app
    return factory


def plain(renderable: Any, width: int = 100) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def stored_follow_ups(app: Any, collab_id: int) -> list[dict[str, Any]]:
    conn = sqlite3.connect(app.services.store.path)
    try:
        return [json.loads(r[0]) for r in conn.execute(
            "SELECT evaluation FROM follow_ups WHERE collaboration_id = ? ORDER BY rowid", [collab_id])]
    finally:
        conn.close()


async def open_follow_up_form(pilot: Any, collab_id: int = 1) -> Any:
    app = pilot.app
    await settle(pilot)
    app.push_screen(CollaborationScreen(collab_id))
    await settle(pilot)
    await pilot.press("u")
    await settle(pilot)
    assert screen_name(app) == "FormScreen"
    return app.screen


async def type_row(pilot: Any, rows: Any, index: int, values: list[str], by_keys: bool = False) -> None:
    """Type a row into its empty cells: to its first cell (by tab with ``by_keys``), then
    tab between the cells."""
    first = rows.cell(index, "name")
    if by_keys:
        await focus(pilot, first)
    else:
        first.focus()
        await pilot.pause()
    for i, value in enumerate(values):
        if i:
            await pilot.press("tab")
        await type_text(pilot, value)


async def test_sroi_is_entered_as_rows_refused_per_cell_and_shown_as_a_table(lkpg_app):
    app = lkpg_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_follow_up_form(pilot)
        labels = [f.label for f in form.fields]
        assert labels[-4:] == ["Investering (kr)", "Antal år som räknas", "Diskonteringsränta (%)", "Utfall"]
        assert form.values()["eval:discount_rate"] == "3,5"  # the municipality's default, shown as typed
        rows = form.widget_for("rows:outcomes")
        await fill_form(pilot, {"summary": "Första året", "eval:investment": "400 000", "eval:years": "3"},
                        save=False)
        await type_row(pilot, rows, 0, ROW_1, by_keys=True)
        await pilot.press("ctrl+n")  # a second row, the focus in its first cell
        await settle(pilot)
        assert app.focused is rows.cell(1, "name")
        await type_row(pilot, rows, 1, [*ROW_2[:1], "8 deltagare", *ROW_2[2:]])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert form_errors(app) == ["Utfall 2, Antal personer: inte ett heltal: '8 deltagare'"]
        assert app.focused is rows.cell(1, "quantity")  # the cell the message names
        focused_help = str(rows.query_one(".rows-focus").render())
        assert focused_help == "Utfall 2 · Antal personer – Hur många personer utfallet gäller"
        typed = form.values()["rows:outcomes"]
        assert [list(r.values()) for r in typed] == [ROW_1, [ROW_2[0], "8 deltagare", *ROW_2[2:]]]
        assert stored_follow_ups(app, 1) == []  # nothing stored

        await pilot.press("home", "ctrl+k")
        await type_text(pilot, "4")
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert screen_name(app) == "CollaborationScreen", form_errors(app)
        assert screen.query_one("TabbedContent").active == "followups"
        shown = plain(screen.query_one("#followups-text").content)
        overview = plain(screen.query_one("#overview-text").content)
    [evaluation] = stored_follow_ups(app, 1)
    assert evaluation["outcomes"][1] == {"name": "Minskat försörjningsstöd", "quantity": 4, "proxy": 25000,
                                         "deadweight": 0.0, "displacement": 0.0, "attribution": 0.0,
                                         "drop_off": 0.0, "duration": 1}
    assert evaluation["discount_rate"] == 0.035 and evaluation["sroi"]["present_value"] == 544_393
    lines = shown.splitlines()
    for expected in (("Nuvärde (kr)", "544 393"), ("Nettonuvärde (kr)", "144 393"), ("SROI-kvot", "1.36"),
                     ("Deltagare i arbete", "500 000", "270 000", "447 775"), ("Summa", "544 393"),
                     ("Diskonteringsränta (%)", "3,5")):
        assert any(all(part in line for part in expected) for line in lines), (expected, shown)
    assert "discount_rate" not in shown and "{'" not in shown and "sroi" not in shown
    assert "Senaste utvärdering (2026-11-22)" in overview and "144 393" in overview
    [event] = app.services.events(entity="collaboration", entity_id=1, action_prefix="follow_up.record")
    after = event.after["evaluation"]
    assert event.actor == "anna" and (json.loads(after) if isinstance(after, str) else after)["sroi"]["ratio"] == 1.36
    assert app.services.verify_audit().ok


async def test_rows_are_added_and_removed_and_empty_ones_skipped(lkpg_app):
    app = lkpg_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await open_follow_up_form(pilot)
        rows = form.widget_for("rows:outcomes")
        await fill_form(pilot, {"summary": "Halvår", "eval:years": "1"})  # begun: the rest is asked for
        assert app.screen is form and form_errors(app) == ["Får inte vara tomt"]  # under Investering (kr)
        await fill_form(pilot, {"eval:investment": "100000"}, save=False)
        await type_row(pilot, rows, 0, ["Felskrivet", "1", "1", "0", "0", "0", "0"])
        await pilot.press("ctrl+n", "ctrl+n")  # two more rows; the last stays empty
        await settle(pilot)
        await type_row(pilot, rows, 1, ["Deltagare i arbete", "2", "100000", "0", "0", "0", "0"])
        assert [r.plain for r in (line.query_one(".rows-number").render() for line in rows.lines())] == \
            ["1", "2", "3"]
        rows.cell(0, "proxy").focus()
        await pilot.pause()
        await pilot.press("ctrl+t")  # removes the first row; the focus stays in its column
        await settle(pilot)
        assert len(rows.lines()) == 2 and app.focused is rows.cell(0, "proxy")
        assert str(rows.lines()[0].query_one(".rows-number").render()) == "1"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(app) == "CollaborationScreen", form_errors(app)
    [evaluation] = stored_follow_ups(app, 1)
    assert [o["name"] for o in evaluation["outcomes"]] == ["Deltagare i arbete"]
    assert evaluation["sroi"]["present_value"] == 193_237  # 200 000 / 1.035


def test_an_evaluation_left_empty_is_none_and_a_default_alone_counts_as_empty():
    """Nothing typed (the rate left at its default): nothing is evaluated this time; once
    anything is typed, the rest is asked for (the form's read, without the screen)."""
    from samverkan.domain.errors import ValidationError
    from samverkan_linkoping import sroi
    from samverkan_tui.case_forms import read_evaluation

    empty = {"eval:investment": "", "eval:years": "", "eval:discount_rate": "3,5",
             "rows:outcomes": [dict.fromkeys(ROW_KEYS, "")]}
    assert read_evaluation(sroi.form(), empty) == {}
    with pytest.raises(ValidationError) as exc:
        read_evaluation(sroi.form(), {**empty, "eval:years": "2"})
    assert exc.value.field == "investment"


async def test_the_english_interface_names_row_and_field_in_english(lkpg_app):
    from samverkan_tui import i18n

    app = lkpg_app("en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            form = await open_follow_up_form(pilot)
            rows = form.widget_for("rows:outcomes")
            await fill_form(pilot, {"summary": "Year one", "eval:investment": "400000", "eval:years": "3"},
                            save=False)
            await type_row(pilot, rows, 0, ["Deltagare i arbete", "10", "50000", "120"])
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert form_errors(app) == ["Utfall 1, Dödvikt (%): must be at most 100, got 120"]
            assert app.focused is rows.cell(0, "deadweight")
    finally:
        i18n.set_language("sv")
