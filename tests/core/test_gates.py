"""Every core gate, blocking and passing, evaluated on contexts built by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan.domain.lifecycle import CORE_GATES, Finding, Gate, GateContext, evaluate
from samverkan.domain.model import (
    Agreement,
    CheckAnswer,
    CheckItem,
    Collaboration,
    ConflictDeclaration,
    Decision,
    Source,
    Termination,
)
from samverkan.domain.rules import AgreementSection, DecisionAuthority

TODAY = dt.date(2026, 11, 22)
SRC = Source("Testdokument", "s. 1")
GATES = {g.id: g for g in CORE_GATES}


def ctx(to_stage: str, form: str = "iop", **kw) -> GateContext:
    c = Collaboration("Läxhjälp", form, [7], id=1, stage="preparation")
    return GateContext(collaboration=c, from_stage=c.stage, to_stage=to_stage, actor="anna", today=TODAY, **kw)


def decision(outcome: str = "start", by: str = "anna", authority: str = "manager") -> Decision:
    extra = {"meeting_date": TODAY, "minute_paragraph": "§ 3"} if authority == "board" else {}
    return Decision(1, outcome, by, authority, "Behovet finns.", "", TODAY, **extra)


def run(gate_id: str, c: GateContext) -> list[Finding]:
    return GATES[gate_id].evaluate(c)


ITEM = CheckItem("x.required", "Krav", SRC)
SOFT = CheckItem("x.soft", "Mjukt krav", SRC, blocking_if_not_met=False)
NOTE = CheckItem("x.note", "Motivera", SRC, needs_note=True)
OTHER_FORM = CheckItem("x.grant_only", "Bara bidrag", SRC, forms=("grant",))
OPTIONAL = CheckItem("x.optional", "Frivillig", SRC, required=False)


def answers(*pairs: tuple[str, str, str]) -> dict[str, CheckAnswer]:
    return {cid: CheckAnswer(1, cid, a, note) for cid, a, note in pairs}


# -- core.checks ---------------------------------------------------------------------


def test_checks_gate_blocks_an_unanswered_required_check():
    found = run("core.checks", ctx("decided", checks=[ITEM, OPTIONAL, OTHER_FORM]))
    assert [(f.rule_id, f.blocking) for f in found] == [("core.checks.answered", True)]
    assert "[x.required]" in found[0].message and found[0].source == SRC


def test_checks_gate_blocks_not_met_and_advises_on_a_soft_check():
    found = run("core.checks", ctx("decided", checks=[ITEM, SOFT],
                                   answers=answers(("x.required", "not_met", ""), ("x.soft", "not_met", ""))))
    assert [(f.rule_id, f.blocking, f.message.rsplit(" ", 1)[1]) for f in found] == [
        ("core.checks.met", True, "[x.required]"), ("core.checks.met", False, "[x.soft]")]


def test_checks_gate_blocks_an_answer_without_the_needed_note():
    found = run("core.checks", ctx("decided", checks=[NOTE], answers=answers(("x.note", "met", ""))))
    assert [f.rule_id for f in found] == ["core.checks.note"]


def test_checks_gate_passes_when_every_check_is_answered():
    a = answers(("x.required", "met", ""), ("x.soft", "not_applicable", ""), ("x.note", "met", "ingen marknad"))
    assert run("core.checks", ctx("decided", checks=[ITEM, SOFT, NOTE, OPTIONAL, OTHER_FORM], answers=a)) == []


def test_checks_gate_only_guards_the_decision():
    assert run("core.checks", ctx("declined", checks=[ITEM])) == []
    assert run("core.checks", ctx("agreement", checks=[ITEM])) == []


# -- core.decision.* -------------------------------------------------------------------


def test_decision_recorded_blocks_without_a_decision_and_with_the_wrong_outcome():
    assert [f.message for f in run("core.decision.recorded", ctx("decided"))] == ["Inget beslut är registrerat."]
    wrong = run("core.decision.recorded", ctx("decided", decision=decision("decline")))
    assert len(wrong) == 1 and wrong[0].blocking and "'decline'" in wrong[0].message
    wrong = run("core.decision.recorded", ctx("declined", decision=decision("start")))
    assert len(wrong) == 1 and "'start'" in wrong[0].message


def test_decision_recorded_passes_with_the_matching_decision():
    assert run("core.decision.recorded", ctx("decided", decision=decision("start"))) == []
    assert run("core.decision.recorded", ctx("declined", decision=decision("decline"))) == []


def test_decision_authority_blocks_a_manager_where_the_board_decides():
    board = DecisionAuthority("board", "Kultur- och fritidsnämnden", SRC)
    found = run("core.decision.authority", ctx("decided", decision=decision(), authority=board))
    assert len(found) == 1 and found[0].blocking and found[0].source == SRC
    assert "nämnden" in found[0].message and "Kultur- och fritidsnämnden" in found[0].message


def test_decision_authority_passes_when_the_right_body_decides():
    board = DecisionAuthority("board", "KFN", SRC)
    manager = DecisionAuthority("manager", "chef", SRC)
    assert run("core.decision.authority", ctx("decided", decision=decision(authority="board"), authority=board)) == []
    assert run("core.decision.authority", ctx("decided", decision=decision(), authority=manager)) == []
    assert run("core.decision.authority", ctx("decided", decision=decision(), authority=None)) == []


@pytest.mark.parametrize("target", [{"collaboration_id": 1}, {"organisation_id": 7}])
def test_jaev_blocks_a_decider_with_a_declared_conflict(target):
    conflicts = [ConflictDeclaration("anna", "styrelseledamot i föreningen", **target)]
    found = run("core.decision.jaev", ctx("decided", decision=decision(by="anna"), conflicts=conflicts))
    assert len(found) == 1 and found[0].blocking and "anna har anmält jäv" in found[0].message
    assert "Kommunallagen" in str(found[0].source)


def test_jaev_passes_when_someone_else_or_another_organisation_is_conflicted():
    conflicts = [ConflictDeclaration("bertil", "släkt", collaboration_id=1),
                 ConflictDeclaration("anna", "annan förening", organisation_id=99)]
    assert run("core.decision.jaev", ctx("decided", decision=decision(by="anna"), conflicts=conflicts)) == []


# -- core.agreement.*, core.termination.* ----------------------------------------------------


def test_agreement_dates_block_without_agreement_and_without_dates():
    assert [f.message for f in run("core.agreement.dates", ctx("agreement"))] == ["Inget avtal är registrerat."]
    bare = Agreement(1, None, None, None)
    msgs = [f.message for f in run("core.agreement.dates", ctx("agreement", agreement=bare))]
    assert msgs == ["Avtalet saknar startdatum.", "Avtalet saknar datum för undertecknande."]


def test_an_agreement_without_an_end_date_passes():
    """No source sets a longest period ("Någon längsta tid anges inte"): an agreement
    may run until it is terminated."""
    open_ended = Agreement(1, TODAY, TODAY, None)
    assert run("core.agreement.dates", ctx("agreement", agreement=open_ended)) == []


def test_agreement_dates_pass_with_a_signed_period():
    a = Agreement(1, TODAY, TODAY, TODAY + dt.timedelta(days=365))
    assert run("core.agreement.dates", ctx("agreement", agreement=a)) == []


def test_agreement_not_started_is_advisory_and_a_started_one_passes():
    future = Agreement(1, TODAY, TODAY + dt.timedelta(days=10), TODAY + dt.timedelta(days=100))
    found = run("core.agreement.started", ctx("active", agreement=future))
    assert len(found) == 1 and not found[0].blocking and "2026-12-02" in found[0].message
    started = Agreement(1, TODAY, TODAY, TODAY + dt.timedelta(days=100))
    assert run("core.agreement.started", ctx("active", agreement=started)) == []


def test_agreement_sections_block_when_required_advise_when_advised_and_pass_when_filled():
    sections = [AgreementSection("roles", "Roller", SRC, required=True),
                AgreementSection("exit", "Uppsägning", SRC, required=False),
                AgreementSection("goals", "Mål", SRC, required=True)]
    bare = Agreement(1, TODAY, TODAY, TODAY + dt.timedelta(days=365))
    found = run("core.agreement.sections", ctx("agreement", agreement=bare, sections=sections))
    assert [(f.blocking, f.message) for f in found] == [
        (True, "Avtalet ska innehålla avsnittet 'Roller' [roles]."),
        (False, "Avtalet bör innehålla avsnittet 'Uppsägning' [exit]."),
        (True, "Avtalet ska innehålla avsnittet 'Mål' [goals]."),
    ]
    assert all(f.source == SRC for f in found)
    # the goals section is the agreement's goals field when it is written there
    full = Agreement(1, TODAY, TODAY, TODAY + dt.timedelta(days=365), goals="Tio i arbete",
                     sections={"roles": "Föreningen leder", "exit": "Tre månader"})
    assert run("core.agreement.sections", ctx("agreement", agreement=full, sections=sections)) == []
    assert run("core.agreement.sections", ctx("agreement", sections=sections)) == []  # no agreement: the dates gate


def test_termination_recorded_blocks_without_a_termination_and_passes_with_one():
    found = run("core.termination.recorded", ctx("ended"))
    assert len(found) == 1 and found[0].blocking
    t = Termination(1, TODAY, "expired", "Perioden är slut.")
    assert run("core.termination.recorded", ctx("ended", termination=t)) == []


# -- the gate machinery -----------------------------------------------------------------------

COVERED = {"core.checks", "core.decision.recorded", "core.decision.authority", "core.decision.jaev",
           "core.agreement.dates", "core.agreement.sections", "core.agreement.started",
           "core.termination.recorded"}


def test_every_core_gate_is_covered_by_a_test_above():
    assert set(GATES) == COVERED


def test_a_gate_that_raises_becomes_a_blocking_finding_and_is_reported():
    def broken(_ctx):
        raise KeyError("missing")

    errors = []
    ok = Gate("x.ok", SRC, lambda c: ["råd"], blocking=False)
    found = evaluate([ok, Gate("x.broken", SRC, broken)], ctx("decided"), on_error=lambda g, e: errors.append(g.id))
    assert [(f.rule_id, f.blocking) for f in found] == [("x.broken", True), ("x.ok", False)]
    assert "Regeln kunde inte prövas: KeyError" in found[0].message
    assert errors == ["x.broken"]


def test_a_gate_applies_only_to_its_stages_and_forms():
    g = Gate("x.g", SRC, lambda c: ["nej"], to_stages=("agreement",), forms=("iop",))
    assert g.evaluate(ctx("agreement", form="iop"))[0].message == "nej"
    assert g.evaluate(ctx("agreement", form="grant")) == []
    assert g.evaluate(ctx("decided", form="iop")) == []
