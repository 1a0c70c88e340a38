"""Every transition allowed and refused, through the services on a real database file."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from corekit import TODAY, agree, answer_all, consult, decide_start, drive, new_collab, new_org

from samverkan.domain import lifecycle
from samverkan.domain.errors import PermissionDenied, TransitionRefused, ValidationError
from samverkan.services import ConfirmationNeeded


def snapshot(s, cid):
    """What a refused transition must leave untouched."""
    c = s.collaboration(cid)
    return (c.stage, c.version, s.store.count_events(), s.store.decision(cid), s.store.agreement(cid),
            s.store.termination(cid), len(s.store.outbox()))


def transitions(s, cid):
    return [e.action for e in s.events(entity="collaboration", entity_id=cid, newest_first=False, limit=1000)
            if e.action.startswith("transition.") and e.action.count(".") == 2]


# -- allowed ------------------------------------------------------------------------------


def test_informal_skips_the_agreement(s):
    c = new_collab(s, "informal")
    assert lifecycle.next_stages("informal", "decided") == ("active",)
    c = drive(s, c.id, "ended")
    assert transitions(s, c.id) == ["transition.initiative.preparation", "transition.preparation.decided",
                                    "transition.decided.active", "transition.active.ended"]
    assert s.store.agreement(c.id) is None and s.store.termination(c.id).reason == "Perioden är slut."


def test_an_externally_funded_project_may_go_on_without_an_agreement(s):
    """A project the organisation runs on funding it was granted is joined "av mer
    informell karaktär": the written agreement is optional (Stockholm AMF 2024 s. 9)."""
    assert lifecycle.next_stages("external", "decided") == ("agreement", "active")
    assert lifecycle.next_stages("iop", "decided") == ("agreement",)
    c = drive(s, new_collab(s, "external").id, "decided")
    c, _ = s.advance(c.id, "active")
    assert c.stage == "active" and s.store.agreement(c.id) is None


def test_where_the_delegation_order_decides_a_manager_or_the_board_may(s):
    """Testby names no authority for procurement: the core's default is the delegation
    order, under which both a manager's and the board's decision stand."""
    assert s.view.decision_authority("procurement").kind == "delegation"
    by_manager = drive(s, new_collab(s, "procurement").id, "preparation")
    answer_all(s, by_manager.id)
    s.decide(by_manager.id, "start", "Behov finns.")
    assert s.store.decision(by_manager.id).authority == "manager"
    by_board = drive(s, new_collab(s, "procurement").id, "preparation")
    answer_all(s, by_board.id)
    s.decide(by_board.id, "start", "Behov finns.", meeting_date="2026-11-10", minute_paragraph="§ 7")
    d = s.store.decision(by_board.id)
    assert (d.authority, d.minute_paragraph) == ("board", "§ 7")


@pytest.mark.parametrize("form", ["iop", "procurement"])
def test_formal_forms_pass_through_the_agreement(s, form):
    c = drive(s, new_collab(s, form).id, "ended")
    assert transitions(s, c.id) == [
        "transition.initiative.preparation", "transition.preparation.decided", "transition.decided.agreement",
        "transition.agreement.active", "transition.active.ended"]
    assert c.stage == "ended" and c.version == 6


def test_preparation_to_declined_records_the_decline(s):
    c = drive(s, new_collab(s, "procurement").id, "preparation")
    c, findings = s.decide(c.id, "decline", "Ryms inte i budgeten.", "Prövat mot budgetuppdraget.")
    assert (c.stage, findings) == ("declined", [])
    d = s.store.decision(c.id)
    assert (d.outcome, d.decided_by, d.motivation) == ("decline", "anna", "Ryms inte i budgeten.")


def test_a_transition_writes_stage_version_and_audit_event_together(s):
    c = new_collab(s)
    before = s.store.count_events()
    c2, _ = s.advance(c.id, "preparation", version=c.version)
    assert (c2.stage, c2.version) == ("preparation", c.version + 1)
    event = s.events(limit=1)[0]
    assert event.action == "transition.initiative.preparation"
    assert event.before["stage"] == "initiative" and event.after["stage"] == "preparation"
    assert s.store.count_events() == before + 1


# -- refused ------------------------------------------------------------------------------

REFUSED = [
    ("informal", "decided", "agreement", "it can move to: active"),
    ("iop", "decided", "active", "it can move to: agreement"),
    ("informal", "initiative", "decided", "it can move to: preparation"),
    ("iop", "initiative", "active", "it can move to: preparation"),
    ("iop", "preparation", "agreement", "it can move to: decided, declined"),
    ("iop", "agreement", "ended", "it can move to: active"),
    ("informal", "active", "preparation", "it can move to: ended"),
    ("iop", "preparation", "initiative", "it can move to: decided, declined"),
    ("informal", "preparation", "preparation", "it can move to: decided, declined"),
    ("informal", "ended", "active", "none (final stage)"),
    ("procurement", "declined", "preparation", "none (final stage)"),
    ("informal", "initiative", "finished", "unknown stage 'finished'"),
]


@pytest.mark.parametrize(("form", "stage", "target", "message"), REFUSED)
def test_refused_transitions_change_nothing(s, form, stage, target, message):
    c = new_collab(s, form)
    if stage == "declined":
        drive(s, c.id, "preparation")
        s.decide(c.id, "decline", "Nej.")
    else:
        drive(s, c.id, stage)
    before = snapshot(s, c.id)
    with pytest.raises(ValidationError, match=re.escape(message)):
        s.advance(c.id, target)
    assert snapshot(s, c.id) == before


def test_every_stage_pair_is_either_allowed_or_refused(s):
    allowed = {(f, a, b) for f in ("informal", "iop") for a in lifecycle.STAGES
               for b in lifecycle.next_stages(f, a)}
    assert ("informal", "decided", "active") in allowed and ("iop", "decided", "agreement") in allowed
    assert not any(a in lifecycle.FINAL_STAGES for _, a, _ in allowed)
    assert len(allowed) == 2 * 6  # per form: 1 + 2 + 1 + 1 + 1 out of the non-final stages
    with pytest.raises(ValidationError, match="cannot go from 'decided' to 'agreement'"):
        lifecycle.path("informal", "decided", "agreement")
    assert lifecycle.path("iop", "initiative", "active") == [
        ("initiative", "preparation"), ("preparation", "decided"), ("decided", "agreement"), ("agreement", "active")]


def test_an_agreement_is_refused_for_informal_and_before_the_decision(s):
    informal = drive(s, new_collab(s, "informal").id, "decided")
    with pytest.raises(ValidationError, match="informal collaborations have no written agreement"):
        agree(s, informal.id)
    early = drive(s, new_collab(s, "iop").id, "preparation")
    with pytest.raises(ValidationError, match="recorded after the decision"):
        agree(s, early.id)
    assert s.store.agreement(informal.id) is None and s.store.agreement(early.id) is None


def test_a_final_collaboration_can_no_longer_be_changed(s):
    c = drive(s, new_collab(s, "informal").id, "ended")
    with pytest.raises(ValidationError, match="can no longer be changed"):
        s.answer_check(c.id, "national.competence", "met")


# -- gates through the services: blocked transitions store nothing ----------------------------


def test_decide_with_unanswered_checks_is_refused_and_stores_no_decision(s):
    c = drive(s, new_collab(s, "iop").id, "preparation")
    before = snapshot(s, c.id)
    with pytest.raises(TransitionRefused) as refused:
        decide_start(s, c.id)
    unanswered = {f.message.rsplit("[", 1)[1].rstrip("]") for f in refused.value.findings
                  if f.rule_id == "core.checks.answered"}
    assert unanswered == {i.id for i, _ in s.checklist(c.id) if i.required}
    assert "testby.iop.no_market" in unanswered and "testby.volunteers" not in unanswered
    assert snapshot(s, c.id) == before and s.store.decision(c.id) is None


def test_a_blocking_check_not_met_refuses_the_decision(s):
    c = drive(s, new_collab(s, "informal").id, "preparation")
    answer_all(s, c.id)
    s.answer_check(c.id, "national.democracy.government", "not_met", "Motarbetar styrelseskicket.")
    before = snapshot(s, c.id)
    with pytest.raises(TransitionRefused) as refused:
        decide_start(s, c.id)
    assert [(f.rule_id, f.blocking) for f in refused.value.findings] == [("core.checks.met", True)]
    assert "SOU 2019:35" in str(refused.value.findings[0].source)
    assert snapshot(s, c.id) == before


def test_only_advisory_findings_need_confirmation_which_is_audited(s):
    c = drive(s, new_collab(s, "iop").id, "preparation")
    answer_all(s, c.id)
    s.answer_check(c.id, "testby.volunteers", "not_met", "Inga frivilliga ännu.")
    before = snapshot(s, c.id)
    with pytest.raises(ConfirmationNeeded) as needed:
        decide_start(s, c.id)
    assert [(f.rule_id, f.blocking) for f in needed.value.findings] == [("core.checks.met", False)]
    assert snapshot(s, c.id) == before
    c, findings = decide_start(s, c.id, confirm=True)
    assert c.stage == "decided" and [f.rule_id for f in findings] == ["core.checks.met"]
    confirm = s.events(action_prefix="transition.confirm_advisory", limit=1)[0]
    assert confirm.after["to"] == "decided" and confirm.after["findings"][0]["blocking"] is False


def test_the_municipality_gate_blocks_an_iop_initiated_by_the_municipality(s):
    c = drive(s, new_collab(s, "iop", initiator="municipality").id, "preparation")
    answer_all(s, c.id)
    with pytest.raises(TransitionRefused) as refused:
        decide_start(s, c.id)
    [finding] = refused.value.findings
    assert finding.rule_id == "testby.iop.initiator"
    assert str(finding.source) == "Riktlinjer för samverkan med civilsamhället i Testby (KS 2025-17, 2025-03-01), avsnitt 4.1"
    assert s.store.decision(c.id) is None


def test_a_board_decision_needs_its_meeting_and_paragraph(s):
    c = drive(s, new_collab(s, "iop").id, "preparation")
    answer_all(s, c.id)
    with pytest.raises(ValidationError, match="meeting date"):
        s.decide(c.id, "start", "Motivering.")
    c, _ = decide_start(s, c.id)
    d = s.store.decision(c.id)
    assert (d.authority, d.body, d.minute_paragraph) == ("board", "Kultur- och fritidsnämnden", "§ 12")


def test_a_conflicted_decider_is_refused_and_another_manager_may_decide(s, testby_services):
    c = drive(s, new_collab(s, "informal").id, "preparation")
    answer_all(s, c.id)
    s.declare_conflict("Sitter i föreningens styrelse.", organisation_id=c.organisation_ids[0])
    with pytest.raises(PermissionDenied, match="anna has declared a conflict of interest"):
        decide_start(s, c.id)
    assert s.collaboration(c.id).stage == "preparation" and s.store.decision(c.id) is None
    assert s.events(action_prefix="decision.refused_jaev", limit=1)[0].after["user"] == "anna"
    bertil = testby_services("bertil")
    c, _ = decide_start(bertil, c.id)
    assert c.stage == "decided" and s.store.decision(c.id).decided_by == "bertil"


def test_the_agreement_stage_needs_a_dated_agreement_and_the_consultation(s):
    c = drive(s, new_collab(s, "iop").id, "decided")
    with pytest.raises(TransitionRefused) as refused:
        s.advance(c.id, "agreement")
    assert {f.rule_id for f in refused.value.findings} == {"core.agreement.dates", "testby.iop.consultation"}
    sections = {section.key: "Text" for section in s.form_rules("iop").sections}
    s.record_agreement(c.id, signed_on=None, start="2026-11-01", end=None, sections=sections)
    consult(s, c.id)
    with pytest.raises(TransitionRefused) as refused:
        s.advance(c.id, "agreement")
    assert [f.message for f in refused.value.findings] == ["Avtalet saknar datum för undertecknande."]
    # an open-ended agreement (no end date) is enough: no source sets a longest period
    s.record_agreement(c.id, signed_on="2026-10-20", start="2026-11-01", end=None, sections=sections)
    assert s.advance(c.id, "agreement")[0].stage == "agreement"


def test_an_agreement_that_has_not_started_needs_confirmation(s):
    c = drive(s, new_collab(s, "procurement").id, "decided")
    agree(s, c.id, start=(TODAY + dt.timedelta(days=40)).isoformat(), end="2028-01-01")
    s.advance(c.id, "agreement")
    before = snapshot(s, c.id)
    with pytest.raises(ConfirmationNeeded):
        s.advance(c.id, "active")
    assert snapshot(s, c.id) == before
    c, findings = s.advance(c.id, "active", confirm=True)
    assert c.stage == "active" and [f.rule_id for f in findings] == ["core.agreement.started"]


def test_ending_needs_the_termination_which_end_records(s):
    c = drive(s, new_collab(s, "informal").id, "active")
    before = snapshot(s, c.id)
    with pytest.raises(TransitionRefused) as refused:
        s.advance(c.id, "ended")
    assert [f.rule_id for f in refused.value.findings] == ["core.termination.recorded"]
    assert snapshot(s, c.id) == before
    c, _ = s.end(c.id, "Föreningen lade ner verksamheten.")
    t = s.store.termination(c.id)
    assert (c.stage, t.kind, t.decided_by) == ("ended", "terminated", "anna")
    assert [n["subject"] for n in s.store.outbox(collab_id=c.id)] == [
        "Samverkan har startat: Samverkan informal", "Samverkan har avslutats: Samverkan informal"]


# -- the CLI shows every finding ----------------------------------------------------------------


def test_cli_advance_lists_every_blocking_finding(cli, testby):
    assert cli("init", "--municipality", "testby").exit_code == 0
    assert cli("org", "add", "Läxhjälpen", "--orgnr", "802000-0009").exit_code == 0
    cid = cli("collab", "add", "Läxhjälp", "--form", "iop", "--org", "802000-0009",
              "--initiator", "municipality").output.strip()
    assert cli("collab", "advance", cid, "--to", "preparation").output.strip() == f"collaboration {cid} is now preparation"
    refused = cli("collab", "advance", cid, "--to", "decided")
    assert refused.exit_code == 1
    assert "Error: collaboration 1 cannot move to 'decided':" in refused.stderr
    for rule in ("core.checks.answered", "core.decision.recorded", "testby.iop.initiator"):
        assert f"[BLOCKING] {rule}:" in refused.stderr
    assert "source: Riktlinjer för samverkan med civilsamhället i Testby (KS 2025-17, 2025-03-01), avsnitt 4.1" in refused.stderr
    jump = cli("collab", "advance", cid, "--to", "active")
    assert jump.exit_code == 1 and "it can move to: decided, declined" in jump.stderr
    assert "preparation" in cli("collab", "show", cid).output


def test_cli_check_shows_what_is_left_before_the_agreement(cli, testby):
    cli("init", "--municipality", "testby")
    cli("org", "add", "Läxhjälpen", "--orgnr", "802000-0009")
    cid = cli("collab", "add", "Läxhjälp", "--form", "iop", "--org", "1").output.strip()
    result = cli("collab", "check", cid, "--to", "agreement")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "initiative -> preparation: no findings"
    assert any(line.startswith("preparation -> decided:") for line in lines)
    assert any(line.startswith("decided -> agreement: ") for line in lines)
    assert "testby.iop.consultation" in result.output and "core.agreement.dates" in result.output
    assert "avsnitt 4.4" in result.output
    informal = cli("collab", "add", "Fika", "--form", "informal", "--org", "1").output.strip()
    assert cli("collab", "check", informal, "--to", "preparation").exit_code == 0
    assert cli("collab", "check", informal, "--to", "agreement").exit_code == 1


def test_an_organisation_can_be_referred_to_by_id_or_number(s):
    org = new_org(s)
    assert s.organisation(org.id) == s.organisation(org.orgnr) == s.organisation(org.orgnr.replace("-", ""))


def test_an_agreement_at_the_agreement_stage_cannot_lose_its_dates(s):
    c = drive(s, new_collab(s, "procurement").id, "agreement")
    with pytest.raises(ValidationError, match="must keep its signing date, end date"):
        s.record_agreement(c.id, signed_on=None, start="2026-11-01", end=None)
    assert s.store.agreement(c.id).end is not None
    corrected = s.record_agreement(c.id, signed_on="2026-10-21", start="2026-11-01", end="2027-12-31")
    assert s.store.agreement(c.id).end == corrected.end
