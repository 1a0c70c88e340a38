"""Stockholm's rule data says what its sources say (issue 16): one test per corrected
item and per added rule, through the real services on a real SQLite file.

Each rule quotes the sentence it rests on and states its level: "ska", "måste", "får
inte", "behöver" block; "bör" advises; "kan", an example, an opinion in a consultation
response or the auditors' description of the IOP model is help and never gates.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sthlm_helpers import FULL_SECTIONS, advisory_ids, blocking_ids, needs_confirmation, refused

from samverkan.plugin.datapack import load_pack
from samverkan.plugin.quotes import quote_problems
from samverkan.services import add_months

FORMAL = ("procurement", "iop", "external", "employer")


def rule(sthlm, rule_id: str):
    [found] = [r for r in sthlm.view.rules() if r.id == rule_id]
    return found


def check(sthlm, check_id: str):
    [found] = [c for c in sthlm.view.checks() if c.id == check_id]
    return found


def gate(sthlm, gate_id: str):
    [found] = [g for g in sthlm.view.gates() if g.id == gate_id]
    return found


# -- every quote is found in its document -----------------------------------------------


def test_every_quote_is_found_in_the_document_it_cites():
    assert quote_problems(load_pack("samverkan_stockholm")) == []


def test_the_2019_report_carries_its_own_title(sthlm):
    [doc] = [d for d in sthlm.view.municipality.documents if d.key == "amn_2019"]
    assert doc.title == "Rapport gällande arbetsmarknadsförvaltningens arbetssätt för samverkan med civilsamhället"
    assert doc.text_file == "sources/amn_2019.txt"


# -- the pre-study is a "bör": advice at every stage --------------------------------------


def test_prestudy_only_advises_at_the_decision_and_the_agreement(walk):
    cid = walk.new("iop")
    walk.consult(cid)
    walk.answer_all(cid)
    assert advisory_ids(needs_confirmation(walk.decide, cid)) == {"stockholm.iop.prestudy"}
    walk.decide(cid, confirm=True)
    walk.contribute(cid)
    walk.agree(cid)
    assert advisory_ids(needs_confirmation(walk.s.advance, cid, "agreement")) == {"stockholm.iop.prestudy"}
    c, _ = walk.s.advance(cid, "agreement", confirm=True)
    assert c.stage == "agreement"
    g = gate(walk.s, "stockholm.iop.prestudy")
    assert g.source.level == "recommendation" and "bör föregås av en förstudie" in g.source.quote


# -- the decision follows the delegation order: the manager or the board --------------------


def test_a_board_decision_passes_the_authority_gate(walk):
    cid = walk.ready("procurement")
    c, findings = walk.decide(cid, authority="board", meeting_date=walk.months_ago(1).isoformat(),
                              minute_paragraph="§ 12")
    assert c.stage == "decided" and findings == []
    decision = walk.s.store.decision(cid)
    assert (decision.authority, decision.minute_paragraph) == ("board", "§ 12")


def test_a_manager_decision_passes_the_authority_gate_too(walk):
    cid = walk.ready("iop")
    c, findings = walk.decide(cid, authority="manager")
    assert c.stage == "decided" and findings == []
    assert walk.s.store.decision(cid).authority == "manager"


def test_the_decision_rule_says_delegation(sthlm):
    r = rule(sthlm, "stockholm.decision")
    assert r.value == "delegation" and "(enligt delegationsordning)" in r.source.quote
    assert r.source.level == "requirement"


# -- follow-up: yearly for IOP only, regularly for the rest ----------------------------------


def test_a_non_iop_formal_collaboration_has_no_yearly_follow_up_due(walk):
    procurement = walk.to_active("procurement")
    iop = walk.to_active("iop")
    late = {r["id"] for r in walk.s.overdue(on=add_months(walk.today, 36))}
    assert iop in late and procurement not in late
    policy = walk.s.view.follow_up_policy("procurement")
    assert policy.interval_months is None and "regelbundet utvärderas" in policy.source.quote
    assert "årlig uppföljning" in walk.s.view.follow_up_policy("iop").source.quote


def test_the_follow_up_section_no_longer_asks_for_yearly_follow_up_of_every_agreement(sthlm):
    [section] = [s for s in sthlm.view.agreement_sections("procurement") if s.key == "follow_up"]
    assert "minst en gång per år" not in section.guidance
    assert "IOP" in section.guidance and "regelbundet" in section.guidance


def test_the_follow_up_rule_cites_the_document_it_quotes(sthlm):
    r = rule(sthlm, "stockholm.follow_up")
    assert r.forms == ("iop",) and r.value == {"interval": "yearly"}
    assert "2019" in r.source.document and "Vid ingånget avtal ska en årlig uppföljning ske." in r.source.quote


def test_joint_follow_up_is_background_from_the_audit(sthlm):
    r = rule(sthlm, "stockholm.follow_up.joint")
    assert r.source.level == "guidance" and "KS 2021/826" in r.source.document
    assert "Samtliga parter ska bidra till den gemensamma uppföljningen." in r.source.quote
    assert r.text.startswith("Bakgrund") and "inte antagit" in r.text


# -- agreements need no end date ---------------------------------------------------------


def test_an_agreement_without_an_end_date_passes(walk):
    cid = walk.ready("procurement")
    walk.decide(cid)
    walk.agree(cid, end=None)
    c, findings = walk.s.advance(cid, "agreement")
    assert c.stage == "agreement" and findings == []


def test_duration_states_that_no_source_sets_a_longest_period(sthlm):
    r = rule(sthlm, "stockholm.duration")
    assert r.text.startswith("Ingen längsta tid anges i källorna.")
    assert r.source.level == "guidance" and "långsiktiga samarbeten" in r.source.quote
    assert "Någon längsta tid anges inte" not in r.source.quote


# -- checklist items at the level of their sentence ------------------------------------------


def test_the_minors_item_is_guidance_and_never_gates(walk):
    item = check(walk.s, "stockholm.basic.minors")
    assert item.source.level == "guidance" and not item.required and not item.blocking_if_not_met
    assert "Till exempel kan höga krav ställas på kompetens om målgruppen är minderåriga." in item.source.quote
    cid = walk.ready("procurement")
    walk.s.answer_check(cid, "stockholm.basic.minors", "not_met", "Ingen särskild kompetens.")
    c, findings = walk.decide(cid)
    assert c.stage == "decided" and findings == []


def test_the_minors_item_unanswered_does_not_gate_either(walk):
    cid = walk.new("employer")
    for item, _ in walk.s.checklist(cid):
        if item.id != "stockholm.basic.minors":
            walk.s.answer_check(cid, item.id, "met", "Kontrollerat.")
    c, findings = walk.decide(cid)
    assert c.stage == "decided" and findings == []


def test_welfare_crime_asks_that_the_risk_was_weighed_not_that_it_is_low(walk):
    item = check(walk.s, "stockholm.welfare_crime")
    assert "låg" not in item.text and "vägts in" in item.text
    assert item.source.level == "requirement"
    assert "Vid samverkan behöver risken för välfärdsbrott vägas in." in item.source.quote
    cid = walk.ready("procurement")
    walk.s.answer_check(cid, "stockholm.welfare_crime", "not_met", "Risken är inte bedömd.")
    assert "core.checks.met" in blocking_ids(refused(walk.decide, cid))


@pytest.mark.parametrize("check_id", ["stockholm.iop.no_open_call", "stockholm.iop.equal_terms"])
def test_the_2017_opinions_on_the_checklist_are_guidance_and_never_gate(walk, check_id):
    item = check(walk.s, check_id)
    assert item.source.level == "guidance" and "remissyttrande" in item.text
    assert "AMN 2017-0228-01.06" in item.source.document
    cid = walk.ready("iop")
    walk.s.answer_check(cid, check_id, "not_met", "Utlyst; olika resurser.")
    c, findings = walk.decide(cid)
    assert c.stage == "decided" and findings == []


def test_the_self_declaration_is_quoted_from_amfs_guidelines_as_guidance(sthlm):
    item = check(sthlm, "stockholm.democracy.self_declaration")
    assert item.source.level == "guidance" and "november 2024" in item.source.document
    assert "får det antas" in item.source.quote


# -- the democracy conditions apply because AMF adopts them ---------------------------------


def test_the_democracy_conditions_are_on_stockholms_checklist_as_adopted(sthlm):
    adopted = [c for c in sthlm.view.checks("informal") if c.id.startswith("national.democracy.")]
    assert len(adopted) == 4 and all(c.source.level == "requirement" for c in adopted)
    adoption = load_pack("samverkan_stockholm").adoptions["democracy"]
    assert adoption.level == "requirement"
    assert adoption.quote.startswith("Arbetsmarknadsförvaltningen samverkar enbart med organisationer "
                                     "som uppfyller de demokrativillkor som beskrivs nedan")


def test_a_democracy_condition_not_met_blocks_the_decision(walk):
    cid = walk.ready("informal")
    walk.s.answer_check(cid, "national.democracy.government", "not_met", "Motarbetar styrelseskicket.")
    assert "core.checks.met" in blocking_ids(refused(walk.decide, cid))


# -- IOP: the partner is idea-driven ---------------------------------------------------------


def test_the_iop_checklist_asks_whether_the_partner_is_idea_driven(walk):
    item = check(walk.s, "stockholm.iop.idea_driven")
    assert item.forms == ("iop",) and item.needs_note and item.source.level == "requirement"
    assert "en eller flera idéburna aktörer i välfärden" in item.source.quote
    assert "stockholm.iop.idea_driven" not in {c.id for c in walk.s.view.checks("procurement")}
    cid = walk.ready("iop")
    walk.s.answer_check(cid, "stockholm.iop.idea_driven", "not_met", "Ett vinstutdelande bolag.")
    findings = refused(walk.decide, cid)
    assert any("stockholm.iop.idea_driven" in f.message for f in findings if f.blocking)


# -- documentation of the decision, to start or to decline -----------------------------------


@pytest.mark.parametrize("outcome", ["start", "decline"])
def test_a_formal_decision_without_documentation_blocks_to_start_or_to_decline(walk, outcome):
    cid = walk.ready("iop")
    findings = refused(walk.decide, cid, outcome=outcome, considerations="")
    assert blocking_ids(findings) == {"stockholm.decision.considerations"}
    g = gate(walk.s, "stockholm.decision.considerations")
    assert g.source.level == "requirement" and "november 2024" in g.source.document
    assert "beslut om att inleda, eller avråda till samverkan" in g.source.quote


def test_documented_decline_passes(walk):
    cid = walk.ready("procurement")
    c, findings = walk.decide(cid, outcome="decline", considerations="Behovet täcks av upphandlad verksamhet.")
    assert c.stage == "declined" and findings == []


def test_each_party_deciding_is_the_audits_description_not_a_rule(sthlm):
    r = rule(sthlm, "stockholm.decision.each_party")
    assert r.source.level == "guidance" and r.text.startswith("Bakgrund")
    assert "Respektive part ska även i sin organisation besluta om att ingå partnerskap." in r.source.quote


# -- external funding: consultation only before the administration's application ---------------


def test_external_where_the_organisation_holds_the_funding_needs_no_consultation_nor_agreement(walk):
    cid = walk.new("external")
    walk.organisation_funding(cid)
    walk.answer_all(cid)
    c, findings = walk.decide(cid)
    assert c.stage == "decided" and findings == []
    c, findings = walk.s.advance(cid, "active")  # no agreement: the collaboration is informal in kind
    assert c.stage == "active" and findings == [] and walk.s.state(cid).agreement is None


def test_external_where_the_administration_applies_still_needs_the_consultation(walk):
    cid = walk.new("external")
    walk.answer_all(cid)
    assert blocking_ids(refused(walk.decide, cid)) == {"stockholm.external.consultation"}
    g = gate(walk.s, "stockholm.external.consultation")
    assert "inför projektansökan" in g.source.quote and g.source.level == "requirement"


# -- informal: the follow-up is decided with the collaboration ---------------------------------


def test_an_informal_decision_without_a_follow_up_plan_blocks(walk):
    cid = walk.new("informal")
    walk.answer_all(cid)
    assert blocking_ids(refused(walk.decide, cid)) == {"stockholm.informal.follow_up_plan"}
    walk.follow_up_plan(cid)
    c, findings = walk.decide(cid)
    assert c.stage == "decided" and findings == []


def test_a_declined_informal_collaboration_needs_no_follow_up_plan(walk):
    cid = walk.new("informal")
    c, _ = walk.decide(cid, outcome="decline")
    assert c.stage == "declined"


# -- ending early: assessment in dialogue with the parties --------------------------------------


@pytest.mark.parametrize("form", ["informal", "iop"])
def test_a_termination_without_assessment_and_dialogue_blocks(walk, form):
    cid = walk.to_active(form)
    findings = refused(walk.s.end, cid, "Kraven uppfylls inte längre.", kind="terminated",
                       procurement_unit_involved=True)
    assert blocking_ids(findings) == {"stockholm.termination.assessment"}
    walk.assess_ending(cid, on=walk.today - dt.timedelta(days=3))
    c, findings = walk.s.end(cid, "Kraven uppfylls inte längre.", kind="terminated",
                             procurement_unit_involved=True)
    assert c.stage == "ended" and findings == []


def test_an_assessment_dated_after_the_end_does_not_count(walk):
    cid = walk.to_active("informal")
    walk.assess_ending(cid, on=walk.today)
    findings = refused(walk.s.end, cid, "Kraven uppfylls inte längre.", kind="terminated",
                       ended_on=walk.today - dt.timedelta(days=5))
    [finding] = [f for f in findings if f.rule_id == "stockholm.termination.assessment"]
    assert "efter avslutet" in finding.message


def test_an_expiry_needs_no_assessment(walk):
    cid = walk.to_active("informal")
    c, _ = walk.expire(cid, "Mässan är genomförd.")
    assert c.stage == "ended"


# -- the 2017 consultation response and the audit are background ----------------------------------


@pytest.mark.parametrize("rule_id", ["stockholm.open_call", "stockholm.transparency", "stockholm.cost_split",
                                     "stockholm.agreement_contents.city"])
def test_the_2017_consultation_response_is_cited_as_background(sthlm, rule_id):
    r = rule(sthlm, rule_id)
    assert r.source.level == "guidance" and "AMN 2017-0228-01.06" in r.source.document
    assert "remissyttrande" in r.text
    assert "ska inte utlysas" not in r.text and "ska finnas" not in r.text


def test_the_city_list_is_the_2017_draft_as_the_board_described_it(sthlm):
    r = rule(sthlm, "stockholm.agreement_contents.city")
    assert "förslag till IOP-riktlinjer 2017" in r.text and "inte gällande riktlinjer" in r.text


def test_legal_checks_for_iop_cite_amfs_own_guidelines(sthlm):
    r = rule(sthlm, "stockholm.legal_checks.iop")
    assert "november 2024" in r.source.document and r.source.section.endswith("s. 8")
    assert "rättsläget på området är oklart" in r.source.quote


def test_the_policy_link_says_the_city_agreed_it_matters(sthlm):
    r = rule(sthlm, "stockholm.policy_link")
    assert "Stadsledningskontoret delar revisionskontorets uppfattning" in r.source.quote
    assert r.source.level == "recommendation" and "delar" in r.text


def test_the_policy_link_gate_advises_on_iop_only(walk):
    g = gate(walk.s, "stockholm.decision.policy_link")
    assert g.forms == ("iop",) and not g.blocking
    cid = walk.ready("iop", policy_link="")
    assert advisory_ids(needs_confirmation(walk.decide, cid)) == {"stockholm.decision.policy_link"}


def test_independence_quotes_only_the_document_it_cites(sthlm):
    r = rule(sthlm, "stockholm.independence")
    assert "november 2024" in r.source.document
    assert "lika villkor" not in r.text  # the 2017 opinion's words, not AMF's


# -- both parties contribute to an IOP ---------------------------------------------------------


def test_an_iop_where_only_the_city_contributes_is_refused(walk):
    cid = walk.ready("iop")
    walk.decide(cid)
    walk.contribute(cid, partner=0)
    walk.agree(cid, sections=FULL_SECTIONS)
    assert blocking_ids(refused(walk.s.advance, cid, "agreement")) == {"stockholm.iop.both_contribute"}
