"""Snapshots of every screen at 80x24, in Swedish, and the home screen in English.

Deterministic: a fixed today (Services(today=...)), fixed timestamps, fixed content,
no clock in the header, no cursor blink. Update with ``--snapshot-update`` and review
the SVGs in tests/tui/__snapshots__/.
"""

from __future__ import annotations

import pytest
from tuikit import SIZE, fixed_clock, populate, settle


@pytest.fixture
def snap_app(make_app, orgnr, monkeypatch):
    def factory(lang: str = "sv"):
        fixed_clock(monkeypatch)
        app = make_app("stockholm", user="anna", lang=lang)
        app.ids = populate(app.services, orgnr)
        return app
    return factory


def keys(*presses: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
            await settle(pilot)
    return run_before


def test_home(snap_compare, snap_app):
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys())


def test_home_english(snap_compare, snap_app):
    assert snap_compare(snap_app("en"), terminal_size=SIZE, run_before=keys())


def test_home_search(snap_compare, snap_app):
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("slash", *"språk", "enter"))


def test_filter_form(snap_compare, snap_app):
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("f"))


def test_detail_overview(snap_compare, snap_app):
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("enter"))


def test_detail_checklist(snap_compare, snap_app):
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("enter", "a"))


def test_detail_decision_tab(snap_compare, snap_app):
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("down", "enter", "]", "]"))


def test_detail_events_tab(snap_compare, snap_app):
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("enter", "[", ))


def test_detail_contributions_tab(snap_compare, snap_app):
    """The informal collaboration's lines with their numbers (r from the overview shows them)."""
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("down", "enter", "r"))


def test_contribution_form(snap_compare, snap_app):
    """Correcting the second line: prefilled, the party's name with markup shown literally."""
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("down", "enter", "r", "down", "r"))


def test_follow_up_form(snap_compare, snap_app):
    """Who took part, one field per party (the municipality first)."""
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("down", "enter", "u"))


def test_answer_form(snap_compare, snap_app):
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("enter", "a", "enter"))


def test_decision_form(snap_compare, snap_app):
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("enter", "v"))


def test_findings(snap_compare, snap_app):
    assert snap_compare(snap_app(), terminal_size=SIZE,
                        run_before=keys("enter", "v", "tab", *"Motivering", "tab", *"Skäl", "ctrl+s"))


def test_new_collaboration_form(snap_compare, snap_app):
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("n"))


def test_organisations(snap_compare, snap_app):
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("o"))


def test_organisation_detail(snap_compare, snap_app):
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("o", "enter"))


def test_edit_organisation_form(snap_compare, snap_app):
    """The first organisation by name has markup in its name: prefilled literally."""
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("o", "enter", "e"))


def test_audit_log(snap_compare, snap_app):
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("l"))


def test_compare(snap_compare, snap_app):
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("j"))


def test_compare_rule(snap_compare, snap_app):
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("j", "d", "down", "down", "k"))


def test_value_table_report(snap_compare, make_app, tmp_path, monkeypatch):
    """Linköping's value table from its demo data, as 80x24 shows it."""
    from samverkan.services.demo import load_demo

    fixed_clock(monkeypatch)
    app = make_app(None, db=tmp_path / "linkoping-demo.db")
    load_demo(app.services, "linkoping")
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("r", "enter"))


def test_help(snap_compare, snap_app):
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("question_mark"))


def test_command_palette(snap_compare, snap_app):
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("ctrl+p", *"logg"))


def test_first_run(snap_compare, make_app, tmp_path):
    app = make_app(None, db=tmp_path / "blank.db")
    assert snap_compare(app, terminal_size=SIZE, run_before=keys())


def test_import_dialog_after_an_import(snap_compare, snap_app, orgnr, monkeypatch):
    """Progress bar full, the summary and the invalid rows with their lines."""
    from pathlib import Path

    monkeypatch.chdir("/")  # the dialog names the directory relative paths start from

    # a fixed path (not $TMPDIR, which differs between machines): the dialog shows it
    path = Path("/tmp") / "samverkan-snapshot-import.csv"
    rows = ["namn;organisationsnummer;juridisk form;kontakt"]
    rows += [f"Importerad förening {i};{orgnr(500 + i)};;" for i in range(1, 6)]
    rows += ["Fel kontrollsiffra;802000-0000;;", "[bold]Utan nummer[/bold];;;"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    try:
        presses = ["o", "i", *str(path), "enter"]
        assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys(*presses))
    finally:
        path.unlink(missing_ok=True)


def test_sroi_follow_up_form(snap_compare, make_app, tmp_path, monkeypatch):
    """Linköping's SROI as a form: the figures, then the outcomes as rows; "8 deltagare"
    refused under the rows naming the row and the column, the focus in that cell."""
    from tuikit import type_text

    from samverkan.services.demo import load_demo

    fixed_clock(monkeypatch)
    app = make_app("linkoping", db=tmp_path / "linkoping-sroi.db")
    load_demo(app.services, "linkoping")

    async def run_before(pilot) -> None:
        await keys("enter", "u")(pilot)
        form = pilot.app.screen
        for key, value in (("summary", "Första året"), ("eval:investment", "400 000"), ("eval:years", "3")):
            form.widget_for(key).focus()
            await type_text(pilot, value)
        form.widget_for("rows:outcomes").cell(0, "name").focus()
        await pilot.pause()
        for i, value in enumerate(["Deltagare i arbete", "8 deltagare", "50 000", "20", "10", "25", "50"]):
            if i:
                await pilot.press("tab")
            await type_text(pilot, value)
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_attach_form(snap_compare, snap_app, monkeypatch):
    """The document form: kind, title, file, diarienummer; relative paths start at /."""
    monkeypatch.chdir("/")  # the form names the directory relative paths start from
    assert snap_compare(snap_app(), terminal_size=SIZE, run_before=keys("enter", "d"))
