"""The declarative gate kinds (samverkan.domain.gate_kinds), on contexts built by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from samverkan.domain import gate_kinds as gk
from samverkan.domain.lifecycle import Finding, GateContext
from samverkan.domain.model import (
    Agreement,
    CheckAnswer,
    Collaboration,
    Contribution,
    Decision,
    Record,
    Source,
    Termination,
)

TODAY = dt.date(2026, 11, 22)
SRC = Source("Riktlinjer", "s. 1")
OTHER = Source("Riktlinjer", "s. 3")


def ctx(to_stage: str = "decided", **kw) -> GateContext:
    fields = {k: kw.pop(k) for k in ("initiator", "compensated", "policy_link") if k in kw}
    c = Collaboration("Läxhjälp", "iop", [7], id=1, stage="preparation", **fields)
    return GateContext(collaboration=c, from_stage=c.stage, to_stage=to_stage, actor="anna", today=TODAY, **kw)


def common(**kw):
    return {"rule_id": "x.gate", "source": SRC, "message": "Saknas.", **kw}


def found(check, c: GateContext) -> list[tuple[str, bool]]:
    return [(f.message, f.blocking) for f in check(c)]


def record(kind: str = "consultation", **data) -> Record:
    return Record(1, kind, data)


def test_severity_by_stage():
    sev = gk.Severity(True, (("decided", False), ("agreement", True)))
    assert (sev.at("decided"), sev.at("agreement"), sev.at("ended")) == (False, True, True)


def test_initiator():
    check = gk.Initiator(**common(), initiator="organisation")
    assert found(check, ctx(initiator="municipality")) == [("Saknas.", True)]
    assert found(check, ctx(initiator="organisation")) == []


@pytest.mark.parametrize(("answer", "refused"), [
    (None, False), ("met", False), ("not_met", False), ("not_applicable", True)])
def test_check_refuses_not_applicable_by_default(answer, refused):
    check = gk.CheckAnswer(**common(), check_id="x.no_market")
    answers = {"x.no_market": CheckAnswer(1, "x.no_market", answer, "Motiverat.")} if answer else {}
    assert bool(found(check, ctx(answers=answers))) is refused
    unanswered = gk.CheckAnswer(**common(), check_id="x.no_market", refuse=("unanswered",))
    assert bool(found(unanswered, ctx(answers=answers))) is (answer is None)


def test_record_must_exist_and_not_be_in_the_future():
    check = gk.RecordBefore(**common(severity=gk.Severity(True, (("decided", False),))),
                            record="consultation", date_field="date", not_after=("today",))
    assert found(check, ctx("decided")) == [("Saknas.", False)]
    assert found(check, ctx("agreement")) == [("Saknas.", True)]
    future = record(date=(TODAY + dt.timedelta(days=1)).isoformat())
    assert found(check, ctx("agreement", records=[future])) == [("Saknas.", True)]
    assert found(check, ctx("agreement", records=[record(date=TODAY.isoformat())])) == []
    assert found(check, ctx("agreement", records=[record()])) == []  # undated: counts as today


def test_record_before_the_signing_says_when_it_came_too_late():
    check = gk.RecordBefore(**common(), record="consultation", date_field="date",
                            not_after=("today", "agreement.signed_on"), message_late="Efter {limit}.")
    signed = Agreement(1, dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2027, 9, 30))
    late = record(date="2026-10-01")
    assert found(check, ctx("agreement", agreement=signed, records=[late])) == [("Efter 2026-09-01.", True)]
    early = record(date="2026-08-01")
    assert found(check, ctx("agreement", agreement=signed, records=[late, early])) == []
    # no agreement yet: only today limits
    assert found(check, ctx("decided", records=[late])) == []


def test_record_conditions_test_the_newest_record_that_counts():
    conds = (gk.Condition("recommendation", "not_equals", "advises_against", "Avrådde ({date}: {advice}).",
                          gk.Severity(False), OTHER),
             gk.Condition("date", "not_after", "today", "Framtida ({date})."))
    check = gk.RecordBefore(**common(), record="consultation", conditions=conds)
    against = record(recommendation="advises_against", date="2026-11-01", advice="Nej")
    findings = list(check(ctx(records=[record(recommendation="supports"), against])))
    assert [(f.message, f.blocking, f.source) for f in findings] == [("Avrådde (2026-11-01: Nej).", False, OTHER)]
    assert found(check, ctx(records=[against, record(recommendation="supports")])) == []
    assert found(check, ctx(records=[record(date="2027-01-01")])) == [("Framtida (2027-01-01).", True)]


def _c(party: str, amount: int, municipal: bool = False) -> Contribution:
    return Contribution(1, party, "money" if municipal else "staff", amount, is_municipality=municipal)


def test_contributions_one_message_or_one_per_side_and_party():
    one = gk.Contributions(**common())
    assert found(one, ctx(contributions=[_c("Kommunen", 10, True)])) == [("Saknas.", True)]
    assert found(one, ctx(contributions=[_c("Kommunen", 10, True), _c("Förening", 5)])) == []
    each = gk.Contributions(**common(message=""), message_municipality="Kommunen saknas.",
                            message_partner="Parten saknas.", message_party="{party} bidrar inte.")
    assert [m for m, _ in found(each, ctx())] == ["Kommunen saknas.", "Parten saknas."]
    three = [_c("Kommunen", 10, True), _c("Förening", 5), _c("Annan", 0)]
    assert [m for m, _ in found(each, ctx(contributions=three))] == ["Annan bidrar inte."]


@pytest.mark.parametrize(("municipal", "partner", "side"), [
    (600, 400, None), (400, 600, None), (601, 399, "mer"), (300, 700, "mindre"), (0, 0, None)])
def test_share_within_benchmark_and_tolerance(municipal, partner, side):
    check = gk.Share(**common(message="{percent} % ({municipality} av {value}), {side} än {target} ± {tolerance}."),
                     benchmark=Decimal("0.5"), tolerance=Decimal("0.1"), above="mer", below="mindre")
    contributions = [_c("Kommunen", municipal, True), _c("Förening", partner)] if municipal + partner else []
    messages = [m for m, _ in found(check, ctx(contributions=contributions))]
    if side is None:
        assert messages == []
    else:
        percent = f"{Decimal(municipal * 100) / Decimal(1000):.2f}"
        assert messages == [f"{percent} % ({municipal} kr av 1 000 kr), {side} än 50 ± 10."]


def test_documented_skips_what_is_not_recorded():
    check = gk.Documented(**common(), fields=("decision.policy_link", "collaboration.policy_link"))
    assert found(check, ctx()) == [("Saknas.", True)]  # no decision: the collaboration's field alone
    assert found(check, ctx(policy_link="Budget 2026")) == []
    decision = Decision(1, "start", "anna", "manager", "Behov.", "", TODAY, policy_link="Verksamhetsplan")
    assert found(check, ctx(decision=decision)) == []
    considerations = gk.Documented(**common(), fields=("decision.considerations",))
    assert found(considerations, ctx()) == []
    assert found(considerations, ctx(decision=decision)) == [("Saknas.", True)]


def test_fact_with_when_conditions():
    when = (gk.Condition("termination.kind", "equals", "terminated"), gk.Condition("agreement", "present", True))
    check = gk.Fact(**common(when=when), field_path="termination.procurement_unit_involved", equals=True)
    agreement = Agreement(1, TODAY, TODAY, TODAY)
    ended = Termination(1, TODAY, "terminated", "Kraven uppfylls inte.")
    assert found(check, ctx("ended", termination=ended, agreement=agreement)) == [("Saknas.", True)]
    assert found(check, ctx("ended", termination=ended)) == []  # no agreement
    expired = Termination(1, TODAY, "expired", "Tiden är ute.")
    assert found(check, ctx("ended", termination=expired, agreement=agreement)) == []
    assert found(check, ctx("ended")) == []  # no termination: the fact is absent
    paid = gk.Fact(**common(), field_path="collaboration.compensated", equals=False)
    assert found(paid, ctx(compensated=True)) == [("Saknas.", True)]


def test_python_gate_messages_take_the_declared_severity():
    def consulted(c: GateContext):
        yield "Inget samråd."
        yield Finding("x.other", "Egen.", OTHER, blocking=False)

    check = gk.Python(**common(severity=gk.Severity(True, (("decided", False),))), function=consulted)
    assert [(f.rule_id, f.blocking) for f in check(ctx("decided"))] == [("x.gate", False), ("x.other", False)]
    assert [(f.rule_id, f.blocking) for f in check(ctx("agreement"))] == [("x.gate", True), ("x.other", False)]


def test_path_errors_name_the_fields():
    assert gk.path_error("today") is None and gk.path_error("agreement") is None
    assert gk.path_error("decision.considerations") is None
    assert "starts with one of today, collaboration" in gk.path_error("case.title")
    assert "termination has no field 'who'" in gk.path_error("termination.who")
