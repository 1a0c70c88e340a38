"""A full IOP walk through every stage in Linköping, ending with a verified audit chain."""

from __future__ import annotations

import datetime as dt

import pytest
from lkpg_helpers import LEGAL, MEETING

from samverkan.domain.errors import TransitionRefused, ValidationError
from samverkan.domain.query import CollabQuery


def test_full_iop_walk(lkpg, orgnr):
    s = lkpg
    org = s.register_organisation("Linköpings Stadsmission", orgnr(1), "ideell förening", is_example=True)
    c = s.register_initiative(
        "Hoppfull framtid", "iop", [org.id], initiator="organisation",
        target_group="Nyanlända, vuxna", referral="AMC.", participants="25 st.",
        activity="Arbetsträning i arbetsteam")
    assert c.stage == "initiative"

    # initiative -> preparation
    c, _ = s.advance(c.id, "preparation")
    assert c.stage == "preparation"

    # preparation: value, checklist, legal assessment; the gates say what is missing
    open_findings = {f.rule_id for _, _, fs in s.check(c.id, "decided") for f in fs}
    assert {"core.checks.answered", "linkoping.iop.mutual_commitment",
            "linkoping.iop.legal_assessment"} <= open_findings
    s.set_contributions(c.id, [
        {"party": "Arbetsmarknadsnämnden", "category": "money", "amount": 1_100_000, "is_municipality": True},
        {"party": "Linköpings Stadsmission", "category": "staff", "amount": 600_000},
        {"party": "Linköpings Stadsmission", "category": "premises", "amount": 250_000},
        {"party": "Linköpings Stadsmission", "category": "administration", "amount": 80_500},
        {"party": "Linköpings Stadsmission", "category": "material", "amount": 50_000},
    ])
    for item, _ in s.checklist(c.id):
        s.answer_check(c.id, item.id, "met", f"Motivering: {item.text[:40]}")
    s.add_record(c.id, "legal_assessment", LEGAL)

    # the board decides (seed 003 names no delegation rule: the delegation order applies,
    # and a board decision needs its minute paragraph with the meeting date)
    with pytest.raises(ValidationError, match="minute paragraph"):
        s.decide(c.id, "start", "Motivering", meeting_date=MEETING, decided_on=MEETING)
    c, found = s.decide(c.id, "start", "Partnerskapet möter målgruppens behov.",
                        "Värde 2 080 500 kr/år, nämnden 52,87 %.", meeting_date=MEETING,
                        minute_paragraph="§ 121", decided_on=MEETING)
    assert c.stage == "decided" and found == []
    decision = s.detail(c.id)["decision"]
    assert (decision.authority, decision.body, decision.meeting_date, decision.minute_paragraph,
            decision.decided_by) == ("board", "enligt kommunens delegationsordning", MEETING, "§ 121", "anna")

    # agreement -> active
    with pytest.raises(TransitionRefused):
        s.advance(c.id, "agreement")  # no agreement recorded yet
    s.record_agreement(c.id, signed_on="2026-11-18", start="2026-11-20", end="2027-12-31",
                       goals="20 deltagare i arbetsträning per år")
    c, _ = s.advance(c.id, "agreement")
    c, _ = s.advance(c.id, "active")
    assert c.stage == "active"
    row = s.collaborations(CollabQuery(stage="active"))[0]
    assert not row["next_follow_up"]  # seed 003 sets no follow-up interval: nothing falls due

    # a follow-up with SROI (offered as guidance), computed by the plugin and stored by the core
    follow_up = s.record_follow_up(c.id, "Första året: 24 deltagare, 6 till arbete.", done_on="2027-11-15",
                                   evaluation={
                                       "investment": 1_100_000, "years": 2, "discount_rate": 0.035,
                                       "outcomes": [{"name": "Till arbete", "quantity": 6, "proxy": 250_000,
                                                     "deadweight": 0.2, "attribution": 0.3,
                                                     "displacement": 0.1, "drop_off": 0.2}]})
    sroi = follow_up.evaluation["sroi"]
    # 6 × 250 000 × 0.8 × 0.9 × 0.7 = 756 000; year 2 = 604 800;
    # PV = 756 000 / 1.035 + 604 800 / 1.071225 = 730 434.78 + 564 587.27 = 1 295 022.05
    assert sroi["present_value"] == 1_295_022 and sroi["ratio"] == 1.18
    stored = s.detail(c.id)["follow_ups"][0]
    assert stored.evaluation["sroi"] == sroi and stored.evaluation["investment"] == 1_100_000
    assert not s.collaborations(CollabQuery(stage="active"))[0]["next_follow_up"]
    with pytest.raises(ValidationError, match="deadweight"):
        s.record_follow_up(c.id, "Fel", evaluation={"investment": 1, "years": 1, "outcomes": [
            {"name": "x", "quantity": 1, "proxy": 1, "deadweight": 2, "attribution": 0,
             "displacement": 0, "drop_off": 0}]})
    assert len(s.detail(c.id)["follow_ups"]) == 1  # the refused one was not stored

    # the report shows the IOP with its share
    row = s.report("value-table").rows[0]
    assert (row["value"], row["board_cost"], str(row["board_share"])) == (2_080_500, 1_100_000, "52.87")

    # ended
    c, _ = s.end(c.id, "Avtalsperioden löpte ut.", kind="expired", ended_on=dt.date(2027, 12, 31))
    assert c.stage == "ended"

    # the audit log holds every step and the chain verifies
    actions = [e.action for e in s.events(entity="collaboration", entity_id=c.id, limit=500, newest_first=False)]
    for expected in ("collaboration.create", "transition.initiative.preparation", "contributions.replace",
                     "check.answer", "record.legal_assessment", "decision.record",
                     "transition.preparation.decided", "agreement.record", "transition.decided.agreement",
                     "transition.agreement.active", "follow_up.record", "termination.record",
                     "transition.active.ended"):
        assert expected in actions, expected
    report = s.verify_audit()
    assert report.ok and report.count == s.store.count_events()
