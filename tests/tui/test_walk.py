"""Whole collaborations walked through every stage with key presses only.

The walk does not know the municipality's rules: it answers every checklist item the
screen shows, adds every kind of record the municipality keeps, records contributions,
and then presses "v" (next stage) until the collaboration is ended. Forms that open are
filled (every required field, every check box); advisory findings are confirmed with
ctrl+y; a blocking finding is read from the screen and remedied (unanswered checks,
records whose kind the finding names) or the test fails showing it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from tuikit import SIZE, agree, decide, fill_form, form_errors, satisfy, screen_name, settle


async def new_organisation(pilot: Any, name: str, orgnr: str) -> None:
    await pilot.press("o")
    await settle(pilot)
    assert screen_name(pilot.app) == "OrganisationsScreen"
    await pilot.press("n")
    await settle(pilot)
    await fill_form(pilot, {"name": name, "orgnr": orgnr})
    assert screen_name(pilot.app) == "OrganisationScreen", form_errors(pilot.app)


async def new_collaboration(pilot: Any, title: str, form: str, every_fact: bool = False) -> int:
    """From an organisation's screen: c, fill, save → the collaboration's screen
    (``every_fact``: every field of the form filled in, not only the required ones)."""
    await pilot.press("c")
    await settle(pilot)
    await fill_form(pilot, {"title": title, "form": form, "unit": "Arbetsmarknad",
                            "purpose": "Fler i arbete", "participants": "8 deltagare",
                            "case_number": "AMN 2026/17"}, fill_all=every_fact)
    assert screen_name(pilot.app) == "CollaborationScreen", form_errors(pilot.app)
    return pilot.app.screen.collab_id


async def answer_checklist(pilot: Any) -> None:
    """Answer every item of the checklist tab with the default answer (met)."""
    app = pilot.app
    await pilot.press("a")  # shows the checklist tab
    await settle(pilot)
    table = app.screen.query_one("#checks")
    table.focus()
    await pilot.press("home")
    for _row in range(table.row_count):
        await pilot.press("enter")
        await settle(pilot)
        await fill_form(pilot)
        assert screen_name(app) == "CollaborationScreen", form_errors(app)
    answers = app.services.checklist(app.screen.collab_id)
    assert all(a is not None for _item, a in answers), "unanswered checks remain"


async def add_record(pilot: Any, index: int, count: int) -> None:
    await pilot.press("p")
    await settle(pilot)
    if count > 1:
        assert screen_name(pilot.app) == "ChooseScreen"
        await pilot.press(*(["down"] * index), "enter")
        await settle(pilot)
    await fill_form(pilot)
    assert screen_name(pilot.app) == "CollaborationScreen", form_errors(pilot.app)


async def add_records(pilot: Any, only: set[str] | None = None) -> None:
    kinds = list(pilot.app.services.view.record_kinds())
    for i, key in enumerate(kinds):
        if only is None or key in only:
            await add_record(pilot, i, len(kinds))


async def add_contributions(pilot: Any, org_name: str) -> None:
    for party, category in ((None, "money"), (org_name, "staff")):
        await pilot.press("k")
        await settle(pilot)
        # the parties by name: the municipality first (the default), then the organisation
        [choices] = [f.choices for f in pilot.app.screen.fields if f.key == "party"]
        value = dict(choices)[party] if party else choices[0][1]
        await fill_form(pilot, {"party": value, "category": category, "amount": "250000"})
        assert screen_name(pilot.app) == "CollaborationScreen", form_errors(pilot.app)


async def advance_to_end(pilot: Any, collab_id: int, org_name: str, at_active: Any = None) -> list[str]:
    """Press v until the collaboration is ended; returns the stages it went through.

    ``at_active``: called with the pilot once the collaboration is active (and followed up).
    """
    app = pilot.app
    services = app.services
    stages = [services.collaboration(collab_id).stage]
    remedied: set[str] = set()
    for _step in range(20):
        stage = services.collaboration(collab_id).stage
        if stage == "ended":
            return stages
        if stage == "active" and not services.store.follow_ups(collab_id):
            await pilot.press("u")
            await settle(pilot)
            await fill_form(pilot, {"summary": "Målen nås", "goals_met": "Ja"})
            assert screen_name(app) == "CollaborationScreen", form_errors(app)
            if at_active is not None:
                await at_active(pilot)
        await pilot.press("v")
        await settle(pilot)
        if screen_name(app) == "FormScreen":
            await fill_form(pilot)
            if screen_name(app) == "FindingsScreen" and not app.screen.can_confirm:
                # blocked from a form: fill in the optional fields too and try again
                await pilot.press("escape")
                await settle(pilot)
                await fill_form(pilot, fill_all=True)
        if screen_name(app) == "FindingsScreen":
            findings = app.screen.findings
            if app.screen.can_confirm:
                await pilot.press("ctrl+y")
                await settle(pilot)
            else:
                await pilot.press("escape")
                await settle(pilot)
                if screen_name(app) == "FormScreen":
                    await pilot.press("escape")
                    await settle(pilot)
                await remedy(pilot, findings, remedied, org_name)
        assert screen_name(app) == "CollaborationScreen", (screen_name(app), form_errors(app))
        now = services.collaboration(collab_id).stage
        if now != stages[-1]:
            stages.append(now)
    raise AssertionError(f"stuck at {services.collaboration(collab_id).stage}: {stages}")


async def remedy(pilot: Any, findings: list, remedied: set[str], org_name: str) -> None:
    """Satisfy blocking findings through the UI, or fail naming them."""
    services = pilot.app.services
    kinds = services.view.record_kinds()
    todo = []
    for f in (f for f in findings if f.blocking):
        if f.rule_id.startswith("core.checks") and "checks" not in remedied:
            todo.append("checks")
        named = [k for k, kind in kinds.items() if k in f.rule_id or kind.label.lower() in f.message.lower()]
        todo += [f"record:{k}" for k in named if f"record:{k}" not in remedied]
        if "contribution" in f.rule_id or "bidrag" in f.message.lower():
            todo.append("contributions")
    if not todo:
        raise AssertionError("blocked: " + "; ".join(f"{f.rule_id}: {f.message}" for f in findings))
    for item in todo:
        remedied.add(item)
        if item == "checks":
            await answer_checklist(pilot)
        elif item == "contributions":
            await add_contributions(pilot, org_name)
        else:
            await add_records(pilot, {item.split(":", 1)[1]})


def assert_audited(services: Any, collab_id: int, actor: str) -> None:
    report = services.verify_audit()
    assert report.ok, report
    events = services.events(entity="collaboration", entity_id=collab_id, limit=1000)
    assert events and {e.actor for e in events} == {actor}
    actions = {e.action for e in events}
    assert any(a.startswith("transition.") and a.endswith(".ended") for a in actions), actions
    assert "check.answer" in actions


async def walk(app: Any, orgnr: str, form: str, title: str, every_fact: bool = False,
               at_active: Any = None) -> tuple[int, list[str]]:
    org_name = f"Förening för {title}"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "CollaborationsScreen"
        await new_organisation(pilot, org_name, orgnr)
        collab_id = await new_collaboration(pilot, title, form, every_fact)
        await answer_checklist(pilot)
        await add_records(pilot)
        await add_contributions(pilot, org_name)
        stages = await advance_to_end(pilot, collab_id, org_name, at_active)
        await pilot.press("escape")
        await settle(pilot)
    return collab_id, stages


IOP_PATH = ["initiative", "preparation", "decided", "agreement", "active", "ended"]


async def walk_an_iop(make_app, orgnr, municipality: str) -> None:
    """Walk an IOP from initiative to ended by keys and check what was stored and audited
    (shared with test_walk_more.py, which runs Linköping's on the other core)."""
    app = make_app(municipality, user="anna")
    collab_id, stages = await walk(app, orgnr(11), "iop", "Språkcafé")
    s = app.services
    assert stages == IOP_PATH
    d = s.detail(collab_id)
    assert d["collaboration"].stage == "ended"
    assert d["decision"].outcome == "start" and d["decision"].motivation
    assert d["decision"].decided_by == "anna"
    if s.view.decision_authority("iop").kind == "board":
        assert d["decision"].minute_paragraph == "paragraf 12"
    # the end date is optional (no source sets a longest period): typed when the walk
    # filled every field, else the agreement runs until it is terminated
    a = d["agreement"]
    assert a is not None and a.start is not None and (a.end is None or a.end.isoformat() == "2027-12-31")
    assert d["follow_ups"] and d["follow_ups"][0].summary == "Målen nås"
    assert d["termination"] is not None and d["termination"].decided_by == "anna"
    assert len(d["contributions"]) == 2
    assert_audited(s, collab_id, "anna")


async def correct_and_attach(pilot: Any, attachment: Path) -> None:
    """While active, by keys: correct a contribution line, correct the participants,
    attach a file."""
    app = pilot.app
    tabs = app.screen.query_one("TabbedContent")
    while tabs.active != "contributions":
        await pilot.press("right_square_bracket")
        await settle(pilot)
    await pilot.press("home")  # the first line: the municipality's
    await pilot.press("r")
    await settle(pilot)
    await fill_form(pilot, {"amount": "300 000"})
    assert screen_name(app) == "CollaborationScreen", form_errors(app)
    await pilot.press("e")
    await settle(pilot)
    await fill_form(pilot, {"participants": "12 deltagare"})
    assert screen_name(app) == "CollaborationScreen", form_errors(app)
    await pilot.press("d")
    await settle(pilot)
    await fill_form(pilot, {"kind": "agreement", "path": str(attachment), "reference": "AMN 2026/18"})
    assert screen_name(app) == "CollaborationScreen", form_errors(app)


async def test_stockholm_iop_walks_through_every_stage(make_app, orgnr, tmp_path):
    """Issue 12: every fact entered through the forms, a contribution and the participant
    count corrected and a file attached while active, all by keys; then what was stored,
    the audit trail and audit verify."""
    attachment = tmp_path / "overenskommelse.pdf"
    attachment.write_bytes(b"%PDF-1.4 undertecknad overenskommelse")
    app = make_app("stockholm", user="anna")
    collab_id, stages = await walk(app, orgnr(11), "iop", "Språkcafé", every_fact=True,
                                   at_active=lambda pilot: correct_and_attach(pilot, attachment))
    s = app.services
    assert stages == IOP_PATH
    d = s.detail(collab_id)
    c = d["collaboration"]
    assert c.stage == "ended" and c.participants == "12 deltagare"
    assert all(getattr(c, f) for f in ("case_number", "unit", "manager", "purpose", "challenge", "policy_link",
                                       "target_group", "activity", "referral")), c
    assert sorted(x.amount for x in d["contributions"]) == [250000, 300000]
    [doc] = d["documents"]
    assert doc.sha256 == hashlib.sha256(attachment.read_bytes()).hexdigest() and doc.reference == "AMN 2026/18"
    actions = {e.action for e in s.events(entity="collaboration", entity_id=collab_id, limit=500)}
    assert {"contribution.update", "collaboration.update", "document.attach", "decision.record",
            "agreement.record", "follow_up.record", "termination.record"} <= actions
    assert_audited(s, collab_id, "anna")
    assert s.verify_audit().ok and s.verify_documents() == []


async def test_blocked_transition_shows_findings_and_keeps_stage(make_app, orgnr):
    app = make_app("stockholm")
    s = app.services
    org = s.register_organisation("Förening", orgnr(1))
    c = s.register_initiative("Läxhjälp", "iop", [org.id])
    s.advance(c.id, "preparation")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "CollaborationScreen"
        await pilot.press("v")  # preparation → decision form
        await settle(pilot)
        await fill_form(pilot, {"motivation": "Behovet finns", "considerations": "Alternativ prövade"})
        assert screen_name(app) == "FindingsScreen"
        findings = app.screen.findings
        assert any(f.blocking for f in findings)
        assert not app.screen.can_confirm
        shown = "\n".join(str(w.render()) for w in app.screen.query(".finding"))
        for f in findings:
            assert f.rule_id in shown
        assert "core.checks.answered" in shown and "Källa" in shown
        await pilot.press("ctrl+y")  # not offered: nothing happens
        await settle(pilot)
        assert screen_name(app) == "FindingsScreen"
        await pilot.press("escape")
        await settle(pilot)
        # the decision form is still open with what was typed
        assert screen_name(app) == "FormScreen"
        assert app.screen.values()["motivation"] == "Behovet finns"
        await pilot.press("escape")
        await settle(pilot)
    assert s.collaboration(c.id).stage == "preparation"
    assert s.store.decision(c.id) is None


async def test_advisory_transition_needs_confirmation(make_app, orgnr):
    """An agreement whose period starts later: moving to active is advisory (core rule)."""
    app = make_app("stockholm")
    s = app.services
    org = s.register_organisation("Förening", orgnr(1))
    c = s.register_initiative("Läxhjälp", "iop", [org.id])
    s.advance(c.id, "preparation")
    satisfy(s, c.id, org.name)
    decide(s, c.id)
    agree(s, c.id, start="2027-02-01")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert screen_name(app) == "FindingsScreen"
        assert app.screen.can_confirm
        assert {f.rule_id for f in app.screen.findings} >= {"core.agreement.started"}
        assert all(not f.blocking for f in app.screen.findings)
        await pilot.press("escape")  # not confirmed: nothing changes
        await settle(pilot)
        assert s.collaboration(c.id).stage == "agreement"
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert screen_name(app) == "CollaborationScreen"
    assert s.collaboration(c.id).stage == "active"
    confirmed = s.events(action_prefix="transition.confirm_advisory", entity_id=c.id)
    assert len(confirmed) == 1 and confirmed[0].actor == "anna"
    assert "core.agreement.started" in str(confirmed[0].after)
