"""What a real case needs, entered, shown and corrected by keys (issue 12): contribution
lines, every fact of a collaboration, who took part in a follow-up, the legal-form advice.

Each test reads what was written with its own SQLite connection (test_edit.row) and the
audit events the same transactions added.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from test_edit import collect_notes, open_collaboration, press_edit, row
from tuikit import SIZE, decide, fill_form, form_errors, satisfy, screen_name, settle


def contribution_rows(app: Any, collab_id: int) -> list[dict[str, Any]]:
    conn = sqlite3.connect(app.services.store.path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(
            "SELECT * FROM contributions WHERE collaboration_id = ? ORDER BY id", [collab_id])]
    finally:
        conn.close()


def contribution_events(app: Any, collab_id: int) -> list[Any]:
    return app.services.events(entity="collaboration", entity_id=collab_id, action_prefix="contribution.",
                               newest_first=False)


def error_under(form: Any, key: str) -> str:
    box = form.query_one(f"#err-{[f.key for f in form.fields].index(key)}")
    return str(box.render()) if box.display else ""


def active_informal(s: Any, orgnr: Any) -> tuple[Any, Any]:
    org = s.register_organisation("Stadsmissionen", orgnr(1))
    c = s.register_initiative("Promenadgrupp", "informal", [org.id])
    s.advance(c.id, "preparation")
    satisfy(s, c.id, org.name)  # two lines: the municipality's money, the organisation's staff
    decide(s, c.id)
    s.advance(c.id, "active", confirm=True)
    return org, c


async def test_contribution_lines_are_added_corrected_and_removed(make_app, orgnr):
    app = make_app("stockholm")
    s = app.services
    org = s.register_organisation("Stadsmissionen", orgnr(1))
    c = s.register_initiative("Språkcafé", "iop", [org.id])
    s.advance(c.id, "preparation")
    async with app.run_test(size=SIZE) as pilot:
        await open_collaboration(pilot)
        screen = app.screen
        notes = collect_notes(app)
        await pilot.press("k")
        await settle(pilot)
        form = app.screen
        [party] = [f for f in form.fields if f.key == "party"]
        assert [label for label, _v in party.choices] == ["Stockholms stad", "Stadsmissionen"]
        assert form.values()["party"] == "kommunen"  # the municipality first, and the default
        await fill_form(pilot, {"party": str(org.id), "category": "staff", "amount": "120 000"})
        assert app.screen is screen, form_errors(app)
        [line] = contribution_rows(app, c.id)
        assert notes == [f"Bidraget är registrerat (rad {line['id']})."]
        # the lines are on their own tab, with their numbers, the new one under the cursor
        table = screen.query_one("#contributions-table")
        assert screen.query_one("TabbedContent").active == "contributions"
        assert [cell.plain for cell in table.get_row_at(0)] == [
            str(line["id"]), "Stadsmissionen", "Personal", "120 000"]
        assert (line["party"], line["organisation_id"], line["is_municipality"], line["category"],
                line["amount"]) == ("Stadsmissionen", org.id, 0, "staff", 120000)

        await pilot.press("r")  # corrects the line under the cursor, prefilled
        await settle(pilot)
        form = app.screen
        assert form.values() == {"party": str(org.id), "category": "staff", "amount": "120 000"}
        await fill_form(pilot, {"amount": "-5"})
        assert app.screen is form and "negativt" in error_under(form, "amount")
        await fill_form(pilot, {"amount": "2000000000000", "category": "money"})
        assert app.screen is form and "största belopp" in error_under(form, "amount")
        assert form.values() == {"party": str(org.id), "category": "money", "amount": "2000000000000"}
        assert contribution_rows(app, c.id) == [line]  # nothing written yet
        await fill_form(pilot, {"party": "kommunen", "amount": "130000"})
        assert app.screen is screen, form_errors(app)
        [corrected] = contribution_rows(app, c.id)
        assert (corrected["id"], corrected["party"], corrected["organisation_id"],
                corrected["is_municipality"], corrected["category"], corrected["amount"]) == (
            line["id"], "Stockholms stad", None, 1, "money", 130000)
        assert table.get_row_at(0)[1].plain == "Stockholms stad"

        await pilot.press("x")  # removes it after a confirmation that names the line
        await settle(pilot)
        assert screen_name(app) == "FormScreen"
        assert "Rad {}: Stockholms stad, Pengar, 130 000 kr per år".format(line["id"]) in app.screen.intro
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen, form_errors(app)
        assert table.row_count == 0 and notes[-1] == "Bidragsraden är borttagen."
    assert contribution_rows(app, c.id) == []
    events = contribution_events(app, c.id)
    assert [e.action for e in events] == ["contribution.add", "contribution.update", "contribution.remove"]
    added, updated, removed = events
    assert added.before is None and added.after["amount"] == 120000
    assert (updated.before["amount"], updated.after["amount"]) == (120000, 130000)
    assert (updated.before["party"], updated.after["party"]) == ("Stadsmissionen", "Stockholms stad")
    assert removed.before["amount"] == 130000 and removed.after is None
    assert {e.actor for e in events} == {"anna"}
    assert s.verify_audit().ok


async def test_a_line_of_a_collaboration_ended_meanwhile_is_kept(make_app, orgnr):
    """The refusal is the form's message, the typed amount stays; once the screen shows
    the ended collaboration, no key for a line is offered."""
    app = make_app("stockholm")
    s = app.services
    _org, c = active_informal(s, orgnr)
    before = contribution_rows(app, c.id)
    async with app.run_test(size=SIZE) as pilot:
        await open_collaboration(pilot)
        screen = app.screen
        await pilot.press("r")  # from the overview: shows the lines first
        await settle(pilot)
        assert screen.query_one("TabbedContent").active == "contributions"
        await pilot.press("r")
        await settle(pilot)
        form = app.screen
        s.end(c.id, "Gruppen har upphört", kind="terminated", confirm=True)
        await fill_form(pilot, {"amount": "90000"})
        assert app.screen is form
        assert form_errors(app) == [f"samverkan {c.id} är avslutad; den kan inte längre ändras"]
        assert form.query_one("#form-error").display and form.values()["amount"] == "90000"
        await pilot.press("escape")
        await settle(pilot)
        screen.reload()
        await settle(pilot)
        assert not any(screen.check_action(a, ()) for a in
                       ("contribution", "edit_contribution", "remove_contribution"))
    assert contribution_rows(app, c.id) == before
    assert contribution_events(app, c.id) == []


async def test_edit_form_offers_every_fact_and_the_overview_shows_them(make_app, orgnr):
    app = make_app("stockholm")
    s = app.services
    org = s.register_organisation("Stadsmissionen", orgnr(1))
    c = s.register_initiative("Promenadgrupp", "informal", [org.id], unit="Stadsdel")
    # short values: fill_form types them key by key
    facts = {"case_number": "KS 26/12", "challenge": "Ensamhet", "policy_link": "Äldreplan",
             "activity": "Promenader", "participants": "20 per år", "referral": "Via BH"}
    async with app.run_test(size=SIZE) as pilot:
        await open_collaboration(pilot)
        form = await press_edit(pilot)
        assert [f.key for f in form.fields] == [
            "title", "initiator", "case_number", "unit", "manager", "purpose", "challenge",
            "policy_link", "target_group", "activity", "participants", "referral", "start", "end",
            "compensated", "singles_out"]
        assert form.values()["compensated"] is False and form.values()["unit"] == "Stadsdel"
        await fill_form(pilot, {**facts, "compensated": True, "singles_out": False})
        assert screen_name(app) == "CollaborationScreen", form_errors(app)
        overview = app.screen.query_one("#overview-text").render().plain
        for label, value in (("Diarienummer", "KS 26/12"), ("Samhällsutmaning", "Ensamhet"),
                             ("Politisk koppling", "Äldreplan"), ("Verksamhet", "Promenader"),
                             ("Deltagare", "20 per år"), ("Anvisning", "Via BH"),
                             ("Ersättning utgår", "ja"), ("En org. särskiljs", "nej")):
            assert f"{label}:".ljust(19) + value in overview, (label, overview)
    stored = row(app, "collaborations", c.id)
    assert {k: stored[k] for k in facts} == facts
    assert (stored["compensated"], stored["singles_out"], stored["unit"]) == (1, 0, "Stadsdel")
    [event] = s.events(entity="collaboration", entity_id=c.id, action_prefix="collaboration.update")
    assert {k: event.after[k] for k in facts} == facts and event.after["compensated"] in (1, True)
    assert event.before["case_number"] == "" and event.before["compensated"] in (0, False)


async def test_new_collaboration_form_takes_the_case_facts(make_app, orgnr):
    app = make_app("stockholm")
    org = app.services.register_organisation("Stadsmissionen", orgnr(1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        keys = {f.key for f in app.screen.fields}
        assert {"activity", "participants", "referral", "challenge", "case_number", "policy_link"} <= keys
        await fill_form(pilot, {"title": "Läxhjälp", "org": str(org.id), "case_number": "KS 9",
                                "activity": "Läxor", "participants": "30 elever",
                                "referral": "Skolan", "challenge": "Betyg"})
        assert screen_name(app) == "CollaborationScreen", form_errors(app)
        collab_id = app.screen.collab_id
    stored = row(app, "collaborations", collab_id)
    assert (stored["case_number"], stored["activity"], stored["participants"], stored["referral"],
            stored["challenge"]) == ("KS 9", "Läxor", "30 elever", "Skolan", "Betyg")
    assert app.services.collaboration(collab_id).organisation_ids == [org.id]


async def test_follow_up_records_who_took_part_for_each_party(make_app, orgnr):
    app = make_app("stockholm")
    s = app.services
    org, c = active_informal(s, orgnr)
    # an earlier follow-up where only the municipality took part: not joint
    s.record_follow_up(c.id, "Första träffen", done_on="2026-10-01", participants={"kommunen": "Eva"})
    async with app.run_test(size=SIZE) as pilot:
        await open_collaboration(pilot)
        await pilot.press("u")
        await settle(pilot)
        form = app.screen
        labels = [f.label for f in form.fields if f.key.startswith("took_part:")]
        assert labels == ["Bidrog för Stockholms stad", "Bidrog för Stadsmissionen"]
        await fill_form(pilot, {"summary": "Varje vecka", "took_part:0": "Anna (handläggare)",
                                "took_part:1": "Karin, Olle"})
        assert screen_name(app) == "CollaborationScreen", form_errors(app)
        await pilot.press("left_square_bracket", "left_square_bracket")  # events, then follow-ups
        await settle(pilot)
        shown = app.screen.query_one("#followups-text").render().plain
        assert "Gemensam:        nej" in shown and "Gemensam:        ja" in shown
        assert "Stockholms stad: Anna (handläggare)" in shown and "Stadsmissionen: Karin, Olle" in shown
    conn = sqlite3.connect(s.store.path)
    try:
        stored = conn.execute("SELECT participants, joint FROM follow_ups WHERE collaboration_id = ? "
                              "ORDER BY done_on DESC, id DESC LIMIT 1", [c.id]).fetchone()
    finally:
        conn.close()
    assert json.loads(stored[0]) == {"Stockholms stad": "Anna (handläggare)", "Stadsmissionen": "Karin, Olle"}
    assert stored[1] == 1
    recorded = s.events(entity="collaboration", entity_id=c.id, action_prefix="follow_up.record")
    assert len(recorded) == 2 and recorded[0].actor == "anna"  # newest first: the one entered
    assert json.loads(recorded[0].after["participants"]) == {org.name: "Karin, Olle",
                                                             "Stockholms stad": "Anna (handläggare)"}
    assert recorded[0].after["joint"] == 1 and json.loads(recorded[1].after["participants"]) == {
        "Stockholms stad": "Eva"} and recorded[1].after["joint"] == 0


async def test_registering_an_organisation_gives_the_legal_form_advice(make_app, orgnr):
    """Group digit 8 (ideell förening, stiftelse) with the legal form aktiebolag: the
    registration stands, and the officer is told in Swedish."""
    app = make_app("stockholm")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o", "n")
        await settle(pilot)
        notes = collect_notes(app)
        await fill_form(pilot, {"name": "Läxhjälpen", "orgnr": orgnr(7), "legal_form": "aktiebolag"})
        assert screen_name(app) == "OrganisationScreen", form_errors(app)
        assert notes == ["Organisationen är registrerad.",
                         f"organisationsnummer {orgnr(7)} har gruppsiffran 8, som ges till ideell förening "
                         "och stiftelse; kontrollera den juridiska formen 'aktiebolag'"]
        org_id = app.screen.org_id
        # a correction that fits the digit gives no advice
        await press_edit(pilot)
        await fill_form(pilot, {"legal_form": "ideell förening"})
        assert notes[2:] == ["Ändringarna är sparade."]
    stored = row(app, "organisations", org_id)
    assert (stored["name"], stored["orgnr"], stored["legal_form"]) == ("Läxhjälpen", orgnr(7), "ideell förening")
    [created] = app.services.events(entity="organisation", entity_id=org_id, action_prefix="organisation.create")
    assert created.after["legal_form"] == "aktiebolag"


async def test_a_free_text_line_is_corrected_under_its_own_party(make_app, orgnr):
    """A line entered in free text (a municipal administration) opens as it is; a new
    amount keeps its party."""
    app = make_app("stockholm")
    s = app.services
    org = s.register_organisation("Stadsmissionen", orgnr(1))
    c = s.register_initiative("Språkcafé", "iop", [org.id])
    [line] = s.set_contributions(c.id, [{"party": "Socialförvaltningen", "category": "premises",
                                         "amount": 40000, "is_municipality": True}])
    async with app.run_test(size=SIZE) as pilot:
        await open_collaboration(pilot)
        await pilot.press("r", "r")
        await settle(pilot)
        form = app.screen
        assert form.values() == {"party": "Socialförvaltningen", "category": "premises", "amount": "40 000"}
        await fill_form(pilot, {"amount": "45000"})
        assert screen_name(app) == "CollaborationScreen", form_errors(app)
    [stored] = contribution_rows(app, c.id)
    assert (stored["id"], stored["party"], stored["is_municipality"], stored["amount"]) == (
        line.id, "Socialförvaltningen", 1, 45000)
    [event] = contribution_events(app, c.id)
    assert event.action == "contribution.update" and event.before["amount"] == 40000
