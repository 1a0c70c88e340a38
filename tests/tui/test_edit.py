"""Editing organisations and collaborations, driven by keys, on a real SQLite database.

Each test reads the row back with its own SQLite connection (not through the services),
so what is checked is what was written, and the audit event the same transaction added.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from tuikit import MARKUP, SIZE, fill_form, focus, form_errors, screen_name, screen_text, settle


def row(app: Any, table: str, row_id: int) -> dict[str, Any]:
    """The stored row, read with a separate connection."""
    conn = sqlite3.connect(app.services.store.path)
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute(f"SELECT * FROM [{table}] WHERE id = ?", [row_id]).fetchone())
    finally:
        conn.close()


def updates(app: Any, entity: str, entity_id: int) -> list[Any]:
    return app.services.events(entity=entity, entity_id=entity_id, action_prefix=f"{entity}.update")


def collect_notes(app: Any) -> list[str]:
    notes: list[str] = []
    app.notify = lambda message, **kwargs: notes.append(message)
    return notes


async def open_organisation(pilot: Any) -> None:
    """Home → organisations → the first one (the list is sorted by name)."""
    await settle(pilot)
    await pilot.press("o")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert screen_name(pilot.app) == "OrganisationScreen"


async def open_collaboration(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert screen_name(pilot.app) == "CollaborationScreen"


async def press_edit(pilot: Any) -> Any:
    await pilot.press("e")
    await settle(pilot)
    assert screen_name(pilot.app) == "FormScreen"
    return pilot.app.screen


async def test_edit_organisation_name(make_app, orgnr):
    app = make_app("stockholm")
    org = app.services.register_organisation("Stadsmissionen", orgnr(1), contact="info@example.org")
    async with app.run_test(size=SIZE) as pilot:
        await open_organisation(pilot)
        form = await press_edit(pilot)
        # the contact persons are changed one by one on the organisation, not here
        assert form.values() == {"name": "Stadsmissionen", "orgnr": orgnr(1), "legal_form": "ideell förening"}
        notes = collect_notes(app)
        await fill_form(pilot, {"name": "Stockholms Stadsmission"})
        assert screen_name(app) == "OrganisationScreen", form_errors(app)
        assert notes == ["Ändringarna är sparade."]
        shown = app.screen.query_one("#org-facts").render().plain
        assert "Stockholms Stadsmission" in shown
    stored = row(app, "organisations", org.id)
    assert (stored["name"], stored["orgnr"], stored["version"]) == ("Stockholms Stadsmission", orgnr(1), 2)
    [event] = updates(app, "organisation", org.id)
    assert event.action == "organisation.update" and event.actor == "anna"
    assert (event.before["name"], event.after["name"]) == ("Stadsmissionen", "Stockholms Stadsmission")
    assert event.before["version"] == 1 and event.after["version"] == 2
    assert [c.name for c in app.services.contacts(org.id)] == ["info@example.org"]  # untouched
    assert app.services.verify_audit().ok


async def test_invalid_organisation_number_is_shown_under_the_field(make_app, orgnr):
    app = make_app("stockholm")
    org = app.services.register_organisation("Stadsmissionen", orgnr(1))
    async with app.run_test(size=SIZE) as pilot:
        await open_organisation(pilot)
        form = await press_edit(pilot)
        await fill_form(pilot, {"name": "Nytt namn", "orgnr": "802012-3456"})
        assert screen_name(app) == "FormScreen"
        error_box = form.query_one(f"#err-{[f.key for f in form.fields].index('orgnr')}")
        assert error_box.display and "kontrollsiffran" in str(error_box.render())  # Swedish interface
        assert not form.query_one("#form-error").display  # under the field, not above the form
        assert form.values() == {"name": "Nytt namn", "orgnr": "802012-3456", "legal_form": "ideell förening"}
        assert app.focused is form.widget_for("orgnr")
        await pilot.press("escape")
        await settle(pilot)
    stored = row(app, "organisations", org.id)
    assert (stored["name"], stored["orgnr"], stored["version"]) == ("Stadsmissionen", orgnr(1), 1)
    assert updates(app, "organisation", org.id) == []


async def test_organisation_number_of_another_organisation_is_refused(make_app, orgnr):
    """The store's unique index would end the update with a database error; the form
    names the organisation that has the number instead."""
    app = make_app("stockholm")
    first = app.services.register_organisation("Afrikagruppen", orgnr(1))
    org = app.services.register_organisation("Stadsmissionen", orgnr(2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("down", "enter")  # the second by name: Stadsmissionen
        await settle(pilot)
        form = await press_edit(pilot)
        assert form.values()["name"] == "Stadsmissionen"
        await fill_form(pilot, {"orgnr": orgnr(1).replace("-", "")})
        assert screen_name(app) == "FormScreen"
        error_box = form.query_one(f"#err-{[f.key for f in form.fields].index('orgnr')}")
        assert error_box.display and "Afrikagruppen" in str(error_box.render())
        assert form.values()["orgnr"] == orgnr(1).replace("-", "")
    assert row(app, "organisations", org.id)["orgnr"] == orgnr(2)
    assert row(app, "organisations", first.id)["version"] == 1
    assert updates(app, "organisation", org.id) == []


async def test_saving_without_changes_calls_no_service(make_app, orgnr):
    app = make_app("stockholm")
    org = app.services.register_organisation("Stadsmissionen", orgnr(1), contact="info@example.org")
    async with app.run_test(size=SIZE) as pilot:
        await open_organisation(pilot)
        await press_edit(pilot)
        notes = collect_notes(app)
        # the same number written without the dash is no change either
        await fill_form(pilot, {"orgnr": orgnr(1).replace("-", "")})
        assert screen_name(app) == "OrganisationScreen", form_errors(app)
        assert notes == ["Inget ändrades."]
    assert row(app, "organisations", org.id)["version"] == 1
    assert updates(app, "organisation", org.id) == []


async def test_edit_collaboration_title_purpose_unit(make_app, orgnr):
    app = make_app("stockholm")
    s = app.services
    org = s.register_organisation("Stadsmissionen", orgnr(1))
    c = s.register_initiative("Språkcafé", "iop", [org.id], unit="Arbetsmarknad",
                              purpose="Fler i arbete", start="2027-01-01")
    s.advance(c.id, "preparation")
    async with app.run_test(size=SIZE) as pilot:
        await open_collaboration(pilot)
        form = await press_edit(pilot)
        keys = [f.key for f in form.fields]
        assert "stage" not in keys and "form" not in keys and "org" not in keys
        assert form.values()["title"] == "Språkcafé" and form.values()["start"] == "2027-01-01"
        notes = collect_notes(app)
        # empty the prefilled text area by keys first: tuikit's fill_form clears one with
        # ctrl+a, which in a TextArea moves to the line start (select all is f7)
        await focus(pilot, form.widget_for("purpose"))
        await pilot.press("f7", "delete")
        assert form.values()["purpose"] == ""
        await fill_form(pilot, {"title": "Språkcafé i Rinkeby", "purpose": "Svenska och arbete",
                                "unit": "Stadsdel Rinkeby"})
        assert screen_name(app) == "CollaborationScreen", form_errors(app)
        assert notes == ["Ändringarna är sparade."]
        overview = app.screen.query_one("#overview-text").render().plain
        assert "Språkcafé i Rinkeby" in overview and "Stadsdel Rinkeby" in overview
    stored = row(app, "collaborations", c.id)
    assert (stored["title"], stored["purpose"], stored["unit"]) == (
        "Språkcafé i Rinkeby", "Svenska och arbete", "Stadsdel Rinkeby")
    assert (stored["stage"], stored["form"], stored["start"]) == ("preparation", "iop", "2027-01-01")
    [event] = updates(app, "collaboration", c.id)
    assert event.action == "collaboration.update" and event.actor == "anna"
    assert (event.before["title"], event.before["purpose"], event.before["unit"]) == (
        "Språkcafé", "Fler i arbete", "Arbetsmarknad")
    assert (event.after["title"], event.after["purpose"], event.after["unit"]) == (
        "Språkcafé i Rinkeby", "Svenska och arbete", "Stadsdel Rinkeby")
    assert event.after["version"] == event.before["version"] + 1 == stored["version"]
    assert app.services.verify_audit().ok


async def test_stale_collaboration_edit_overwrites_nothing(make_app, orgnr):
    app = make_app("stockholm")
    s = app.services
    org = s.register_organisation("Stadsmissionen", orgnr(1))
    c = s.register_initiative("Språkcafé", "iop", [org.id], unit="Arbetsmarknad")
    async with app.run_test(size=SIZE) as pilot:
        await open_collaboration(pilot)
        form = await press_edit(pilot)
        # someone else saves while the form is open
        s.update_collaboration(c.id, s.collaboration(c.id).version, unit="Annan enhet")
        await fill_form(pilot, {"title": "Mitt namn", "unit": "Min enhet"})
        assert screen_name(app) == "FormScreen"
        errors = form_errors(app)
        assert any("har ändrats av någon annan" in e and "ingenting skrevs över" in e for e in errors), errors
        assert form.query_one("#form-error").display
        assert form.values()["title"] == "Mitt namn" and form.values()["unit"] == "Min enhet"
    stored = row(app, "collaborations", c.id)
    assert (stored["title"], stored["unit"], stored["version"]) == ("Språkcafé", "Annan enhet", 2)
    assert len(updates(app, "collaboration", c.id)) == 1  # only the other one's


async def test_stale_organisation_edit_overwrites_nothing(make_app, orgnr):
    app = make_app("stockholm")
    s = app.services
    org = s.register_organisation("Stadsmissionen", orgnr(1))
    async with app.run_test(size=SIZE) as pilot:
        await open_organisation(pilot)
        form = await press_edit(pilot)
        s.update_organisation(org.id, org.version, legal_form="stiftelse")
        await fill_form(pilot, {"name": "Mitt namn"})
        assert screen_name(app) == "FormScreen"
        assert any("har ändrats av någon annan" in e for e in form_errors(app))
        assert form.values()["name"] == "Mitt namn" and form.values()["legal_form"] == "ideell förening"
    stored = row(app, "organisations", org.id)
    assert (stored["name"], stored["legal_form"], stored["version"]) == ("Stadsmissionen", "stiftelse", 2)


async def test_markup_typed_into_a_name_is_stored_and_shown_literally(make_app, orgnr):
    app = make_app("stockholm")
    org = app.services.register_organisation("Stadsmissionen", orgnr(1))
    async with app.run_test(size=SIZE) as pilot:
        await open_organisation(pilot)
        await press_edit(pilot)
        await fill_form(pilot, {"name": f"Förening {MARKUP}"})
        assert screen_name(app) == "OrganisationScreen", form_errors(app)
        assert f"Förening {MARKUP}" in app.screen.query_one("#org-facts").render().plain
        assert f"Förening {MARKUP}" in screen_text(app)
        await press_edit(pilot)  # and the form shows it literally again
        assert app.screen.values()["name"] == f"Förening {MARKUP}"
    assert row(app, "organisations", org.id)["name"] == f"Förening {MARKUP}"


async def test_edit_is_in_help_and_palette_and_s_ends(make_app, orgnr):
    """e edits on an active collaboration too; ending moved to s."""
    from tuikit import decide, satisfy

    app = make_app("stockholm")
    s = app.services
    org = s.register_organisation("Stadsmissionen", orgnr(1))
    c = s.register_initiative("Promenadgrupp", "informal", [org.id])
    s.advance(c.id, "preparation")
    satisfy(s, c.id, org.name)
    decide(s, c.id)
    s.advance(c.id, "active", confirm=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_collaboration(pilot)
        await press_edit(pilot)
        assert "Ändra samverkan" in screen_text(app)
        await pilot.press("escape", "question_mark")
        await settle(pilot)
        help_table = app.screen.query_one("#help-table")
        listed = {help_table.get_row_at(i)[2].plain: help_table.get_row_at(i)[0].plain
                  for i in range(help_table.row_count)}
        assert listed["collab.edit"] == "e" and listed["collab.end"] == "s"
        await pilot.press("escape", "ctrl+p")
        await settle(pilot)
        await pilot.press(*"redigera")
        await settle(pilot)
        assert "Samverkan: Redigera" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "FormScreen" and "Ändra samverkan" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert screen_name(app) == "FormScreen" and "Avsluta samverkan" in screen_text(app)
    assert s.collaboration(c.id).stage == "active"
