"""Each Stockholm gate, once stopping a transition and once letting it pass."""

from __future__ import annotations

import pytest
from sthlm_helpers import FULL_SECTIONS, advisory_ids, blocking_ids, needs_confirmation, refused

from samverkan.services import add_months

# -- informal: no compensation, nobody singled out (AMF 2024 s. 6) --------------------


def test_informal_with_compensation_is_blocked(walk):
    cid = walk.ready("informal", compensated=True)
    findings = refused(walk.decide, cid)
    assert "stockholm.informal.no_compensation" in blocking_ids(findings)
    assert walk.s.collaboration(cid).stage == "preparation"
    assert walk.s.store.decision(cid) is None  # the refused decision was not stored


def test_informal_without_compensation_passes(walk):
    cid = walk.ready("informal", compensated=False)
    c, findings = walk.decide(cid)
    assert c.stage == "decided" and findings == []


def test_informal_compensation_added_after_the_decision_blocks_the_start(walk):
    cid = walk.ready("informal")
    walk.decide(cid)
    c = walk.s.collaboration(cid)
    walk.s.update_collaboration(cid, c.version, compensated=True)
    findings = refused(walk.s.advance, cid, "active")
    assert "stockholm.informal.no_compensation" in blocking_ids(findings)


def test_informal_singling_out_an_organisation_is_blocked(walk):
    cid = walk.ready("informal", singles_out=True)
    findings = refused(walk.decide, cid)
    assert blocking_ids(findings) == {"stockholm.informal.no_singling_out"}


def test_informal_not_singling_out_passes(walk):
    cid = walk.to_active("informal", singles_out=False)
    assert walk.s.collaboration(cid).stage == "active"


# -- IOP: pre-study (AMN 2019, "bör": advice only) -------------------------------------


def test_iop_without_prestudy_is_advised_at_decision_and_at_agreement(walk):
    cid = walk.new("iop")
    walk.consult(cid)
    walk.answer_all(cid)
    findings = needs_confirmation(walk.decide, cid)
    assert advisory_ids(findings) == {"stockholm.iop.prestudy"}
    walk.decide(cid, confirm=True)
    walk.contribute(cid)
    walk.agree(cid)
    findings = needs_confirmation(walk.s.advance, cid, "agreement")
    assert advisory_ids(findings) == {"stockholm.iop.prestudy"}
    c, _ = walk.s.advance(cid, "agreement", confirm=True)
    assert c.stage == "agreement"


def test_iop_with_prestudy_passes(walk):
    cid = walk.ready("iop")
    _, findings = walk.decide(cid)
    assert findings == []
    walk.contribute(cid)
    walk.agree(cid)
    c, findings = walk.s.advance(cid, "agreement")
    assert c.stage == "agreement" and findings == []


def test_prestudy_record_needs_its_fields(walk):
    from samverkan.domain.errors import ValidationError

    cid = walk.new("iop")
    with pytest.raises(ValidationError, match="Gemensamma mål is required"):
        walk.s.add_record(cid, "prestudy", {"need": "x", "design": "y", "date": "2026-01-01"})


# -- IOP: consultation with the preparatory group before the agreement (AMF 2024 s. 8)


def test_iop_cannot_reach_agreement_without_the_groups_consultation(walk):
    cid = walk.new("iop")
    walk.prestudy(cid)
    walk.answer_all(cid)
    findings = needs_confirmation(walk.decide, cid)
    assert advisory_ids(findings) == {"stockholm.iop.consultation"}
    walk.decide(cid, confirm=True)
    walk.contribute(cid)
    walk.agree(cid)
    findings = refused(walk.s.advance, cid, "agreement")
    assert blocking_ids(findings) == {"stockholm.iop.consultation"}
    assert walk.s.collaboration(cid).stage == "decided"
    # once the group has been consulted (before the signing), the agreement may follow
    walk.consult(cid, on=walk.months_ago(2))
    c, _ = walk.s.advance(cid, "agreement")
    assert c.stage == "agreement"


def test_iop_consultation_after_the_signing_does_not_count(walk):
    cid = walk.new("iop")
    walk.prestudy(cid)
    walk.answer_all(cid)
    walk.decide(cid, confirm=True)
    walk.contribute(cid)
    walk.agree(cid, signed_on=walk.months_ago(2))
    walk.consult(cid, on=walk.months_ago(1))
    findings = refused(walk.s.advance, cid, "agreement")
    [finding] = [f for f in findings if f.rule_id == "stockholm.iop.consultation"]
    assert "efter att avtalet undertecknades" in finding.message


def test_iop_consultation_dated_in_the_future_does_not_count(walk):
    cid = walk.new("iop")
    walk.prestudy(cid)
    walk.consult(cid, on=add_months(walk.today, 1))
    walk.answer_all(cid)
    assert "stockholm.iop.consultation" in advisory_ids(needs_confirmation(walk.decide, cid))


def test_group_advising_against_iop_is_advisory_only(walk):
    cid = walk.new("iop")
    walk.prestudy(cid)
    walk.consult(cid, recommendation="advises_against")
    walk.answer_all(cid)
    findings = needs_confirmation(walk.decide, cid)
    [finding] = findings
    assert finding.rule_id == "stockholm.iop.consultation" and not finding.blocking
    assert "rådgivande" in finding.message and "s. 3" in str(finding.source)


# -- IOP: both parties contribute ------------------------------------------------------


def test_iop_without_partner_contribution_is_refused(walk):
    # "Ett IOP innebär i korthet: […] Såväl den offentliga som idéburna parten bidrar med
    # resurser" (AMF 2024 s. 8): what an IOP is, at the level of a requirement
    cid = walk.ready("iop")
    walk.decide(cid)
    walk.contribute(cid, partner=0)
    walk.agree(cid)
    findings = refused(walk.s.advance, cid, "agreement")
    assert blocking_ids(findings) == {"stockholm.iop.both_contribute"}


def test_iop_with_both_contributions_passes(walk):
    cid = walk.ready("iop")
    walk.decide(cid)
    walk.contribute(cid, partner=250_000)
    walk.agree(cid)
    _, findings = walk.s.advance(cid, "agreement")
    assert findings == []


# -- external funding: consult the group before applying (AMF 2024 s. 9) ----------------


def test_external_without_consultation_cannot_be_decided(walk):
    cid = walk.new("external")
    walk.answer_all(cid)
    findings = refused(walk.decide, cid)
    assert blocking_ids(findings) == {"stockholm.external.consultation"}


def test_external_consultation_after_the_decision_does_not_count(walk):
    cid = walk.new("external")
    walk.consult(cid, on=walk.today)
    walk.answer_all(cid)
    findings = refused(walk.decide, cid, decided_on=walk.months_ago(1))
    assert "stockholm.external.consultation" in blocking_ids(findings)


def test_external_with_consultation_passes(walk):
    cid = walk.ready("external")
    c, findings = walk.decide(cid)
    assert c.stage == "decided" and findings == []


# -- formal decisions: policy link (IOP, advisory) and considerations (blocking) ----------


def test_iop_decision_without_policy_link_is_advised(walk):
    cid = walk.ready("iop", policy_link="")
    findings = needs_confirmation(walk.decide, cid)
    assert advisory_ids(findings) == {"stockholm.decision.policy_link"}
    c, confirmed = walk.decide(cid, confirm=True)
    assert c.stage == "decided" and confirmed
    assert any(e.action == "transition.confirm_advisory" for e in walk.s.events(entity="collaboration"))


def test_procurement_decision_needs_no_policy_link(walk):
    # the city's view on the link (ks_2021) concerns IOP agreements only
    cid = walk.ready("procurement", policy_link="")
    _, findings = walk.decide(cid)
    assert findings == []


def test_policy_link_given_with_the_decision_passes(walk):
    cid = walk.ready("iop", policy_link="")
    _, findings = walk.decide(cid, policy_link="Budget 2026, uppdrag om samverkan")
    assert findings == []
    assert walk.s.store.decision(cid).policy_link == "Budget 2026, uppdrag om samverkan"


def test_informal_decision_needs_no_policy_link_or_considerations(walk):
    # informal: the checklist's information and the decision are documented (s. 7), which
    # the answers and the decision record themselves
    cid = walk.ready("informal", policy_link="")
    _, findings = walk.decide(cid, considerations="")
    assert findings == []


def test_formal_decision_without_considerations_is_blocked(walk):
    cid = walk.ready("employer")
    findings = refused(walk.decide, cid, considerations="")
    assert blocking_ids(findings) == {"stockholm.decision.considerations"}


def test_decline_without_considerations_is_blocked(walk):
    cid = walk.new("iop")
    findings = refused(walk.decide, cid, outcome="decline", considerations="")
    assert blocking_ids(findings) == {"stockholm.decision.considerations"}


def test_formal_decision_with_considerations_passes(walk):
    cid = walk.ready("employer")
    c, findings = walk.decide(cid, considerations="Ordinarie rutiner för stockholmsjobb följs.")
    assert c.stage == "decided" and findings == []
    assert walk.s.store.decision(cid).considerations.startswith("Ordinarie")


# -- agreement: sections and measurable goals (AMF 2024 s. 7 and 10) --------------------


def test_agreement_missing_a_required_section_is_blocked(walk):
    cid = walk.ready("procurement")
    walk.decide(cid)
    sections = {k: v for k, v in FULL_SECTIONS.items() if k != "budget"}
    walk.agree(cid, sections=sections)
    findings = refused(walk.s.advance, cid, "agreement")
    assert blocking_ids(findings) == {"core.agreement.sections"}
    assert any("[budget]" in f.message for f in findings)


def test_agreement_missing_an_advised_section_is_advised(walk):
    cid = walk.ready("iop")
    walk.decide(cid)
    walk.contribute(cid)
    sections = {k: v for k, v in FULL_SECTIONS.items() if k != "challenge"}
    walk.agree(cid, sections=sections)
    findings = needs_confirmation(walk.s.advance, cid, "agreement")
    assert [f.message for f in findings if "[challenge]" in f.message]


def test_agreement_missing_a_guidance_section_passes(walk):
    # no source asks for a termination clause: help with the field, never a finding
    cid = walk.ready("procurement")
    walk.decide(cid)
    sections = {k: v for k, v in FULL_SECTIONS.items() if k != "termination"}
    walk.agree(cid, sections=sections)
    _, findings = walk.s.advance(cid, "agreement")
    assert findings == []


def test_agreement_with_all_sections_passes(walk):
    cid = walk.ready("procurement")
    walk.decide(cid)
    walk.agree(cid)
    _, findings = walk.s.advance(cid, "agreement")
    assert findings == []


def test_agreement_without_goals_is_advised(walk):
    cid = walk.ready("employer")
    walk.decide(cid)
    walk.agree(cid, goals="")
    findings = needs_confirmation(walk.s.advance, cid, "agreement")
    assert advisory_ids(findings) == {"core.agreement.sections"}
    assert [f.message for f in findings] == ["Avtalet bör innehålla avsnittet 'Långsiktiga och mätbara mål' [goals]."]


def test_agreement_goals_in_their_section_pass(walk):
    cid = walk.ready("employer")
    walk.decide(cid)
    walk.agree(cid, goals="", sections={**FULL_SECTIONS, "goals": "Två personer i arbete per år."})
    _, findings = walk.s.advance(cid, "agreement")
    assert findings == []


# -- termination: the procurement unit is involved (AMF 2024 s. 10) ----------------------


def test_terminating_an_agreement_without_the_procurement_unit_is_blocked(walk):
    cid = walk.to_active("iop")
    walk.assess_ending(cid)
    findings = refused(walk.s.end, cid, "Kraven uppfylls inte längre.", kind="terminated")
    assert blocking_ids(findings) == {"stockholm.termination.procurement_unit"}
    assert walk.s.store.termination(cid) is None


def test_terminating_with_the_procurement_unit_passes(walk):
    cid = walk.to_active("iop")
    walk.assess_ending(cid)
    c, findings = walk.s.end(cid, "Kraven uppfylls inte längre.", kind="terminated",
                             procurement_unit_involved=True)
    assert c.stage == "ended" and findings == []


def test_an_agreement_that_expires_needs_no_procurement_unit(walk):
    cid = walk.to_active("procurement")
    c, _ = walk.expire(cid, "Avtalstiden löpte ut.")
    assert c.stage == "ended"


def test_terminating_informal_collaboration_needs_no_procurement_unit(walk):
    cid = walk.to_active("informal")
    walk.assess_ending(cid)
    c, _ = walk.s.end(cid, "Samarbetet upphör.", kind="terminated")
    assert c.stage == "ended"
