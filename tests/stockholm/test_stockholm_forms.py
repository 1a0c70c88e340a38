"""Each form Stockholm registers: a collaboration that passes, and one that is stopped."""

from __future__ import annotations

import pytest
from sthlm_helpers import blocking_ids, refused

from samverkan.domain.errors import ValidationError

OFFERED = ("informal", "procurement", "iop", "external", "employer")


def test_forms_registered_with_local_names(sthlm):
    forms = {f.form: f for f in sthlm.view.forms()}
    assert set(forms) == {"informal", "grant", *OFFERED}
    assert {k for k, f in forms.items() if f.offered} == set(OFFERED)
    assert forms["iop"].name == "Idéburet offentligt partnerskap (IOP)"
    assert forms["employer"].name == "Civilsamhället som arbetsgivare"


@pytest.mark.parametrize("form", OFFERED)
def test_offered_form_passes_its_whole_lifecycle(walk, form):
    cid = walk.to_active(form)
    c = walk.s.collaboration(cid)
    assert c.stage == "active"
    if form != "informal":
        walk.s.record_follow_up(cid, "Årlig uppföljning mot målen.", goals_met="Uppnådda.")
    c, _ = walk.expire(cid, "Perioden är slut.")
    assert c.stage == "ended"
    assert walk.s.verify_audit().ok


def test_grant_is_not_offered_and_says_where_grants_are_given(walk):
    with pytest.raises(ValidationError) as info:
        walk.s.register_initiative("Föreningsbidrag", "grant", [walk.org()])
    assert "stadsdelsnämnderna" in str(info.value)
    assert walk.s.count_collaborations() == 0


def test_grant_offer_still_carries_its_source(sthlm):
    grant = sthlm.view.form("grant")
    assert grant.offered is False and "Föreningsbidrag" in str(grant.source)


def test_informal_stopped_when_it_compensates(walk):
    cid = walk.ready("informal", compensated=True)
    assert "stockholm.informal.no_compensation" in blocking_ids(refused(walk.decide, cid))


def test_informal_has_no_written_agreement_or_follow_up_schedule(walk):
    cid = walk.to_active("informal")
    assert walk.s.view.agreement_sections("informal") == []
    assert walk.s.view.follow_up_policy("informal") is None
    assert walk.s.collaboration(cid).stage == "active"
    assert not walk.s.overdue(on=walk.today.replace(year=2030))  # never due


def test_procurement_stopped_without_the_procurement_unit(walk):
    cid = walk.ready("procurement")
    walk.s.answer_check(cid, "stockholm.procurement.unit_involved", "not_met", "Ej kontaktad.")
    findings = refused(walk.decide, cid)
    assert "core.checks.met" in blocking_ids(findings)
    assert any("stockholm.procurement.unit_involved" in f.message for f in findings)


def test_iop_stopped_when_a_market_exists(walk):
    cid = walk.ready("iop")
    walk.s.answer_check(cid, "stockholm.iop.no_market", "not_met", "Kursen upphandlas.")
    findings = refused(walk.decide, cid)
    assert any("stockholm.iop.no_market" in f.message for f in findings if f.blocking)


def test_iop_no_market_needs_a_motivation(walk):
    cid = walk.new("iop")
    with pytest.raises(ValidationError, match="motivation"):
        walk.s.answer_check(cid, "stockholm.iop.no_market", "met", "")


def test_external_stopped_without_its_routine(walk):
    cid = walk.ready("external")
    walk.s.answer_check(cid, "stockholm.external.routine", "not_met", "Rutinen ej följd.")
    assert "core.checks.met" in blocking_ids(refused(walk.decide, cid))


def test_employer_stopped_without_the_ordinary_routines(walk):
    cid = walk.ready("employer")
    walk.s.answer_check(cid, "stockholm.employer.routines", "not_met", "OSA-rutinen ej följd.")
    assert "core.checks.met" in blocking_ids(refused(walk.decide, cid))


@pytest.mark.parametrize("form", OFFERED)
def test_local_exclusion_blocks_every_form(walk, form):
    cid = walk.ready(form)
    walk.s.answer_check(cid, "stockholm.exclusion.violence_alcohol_drugs", "not_met", "Förespråkar droger.")
    assert "core.checks.met" in blocking_ids(refused(walk.decide, cid))


def test_checklist_has_the_local_items_once_next_to_the_national_ones(sthlm):
    ids = [c.id for c in sthlm.view.checks("iop")]
    assert len(ids) == len(set(ids))
    for local in ("stockholm.exclusion.violence_alcohol_drugs", "stockholm.exclusion.finances",
                  "stockholm.exclusion.harm", "stockholm.welfare_crime", "stockholm.basic.serious",
                  "stockholm.basic.competence", "stockholm.basic.minors", "stockholm.jaev",
                  "stockholm.no_favour", "stockholm.remit", "stockholm.added_value"):
        assert local in ids
    assert sum(i.startswith("national.democracy.") for i in ids) == 4
    assert not any(i.startswith("stockholm.democracy.") and "violence" in i for i in ids)


def test_the_delegation_order_decides_formal_collaboration_and_the_manager_informal(sthlm):
    # "Besluta om att inleda eller avstå från formell samverkan (enligt delegationsordning)"
    for form in ("procurement", "iop", "external", "employer"):
        authority = sthlm.view.decision_authority(form)
        assert authority.kind == "delegation" and "delegationsordning" in authority.body
        assert authority.source.level == "requirement"
    # informal: "Chef för verksamheten ansvarar för att följande görs […] Besluta om samverkan"
    assert sthlm.view.decision_authority("informal").kind == "manager"


def test_yearly_follow_up_for_iop_agreements_only(walk):
    # "Vid ingånget avtal ska en årlig uppföljning ske" is said of IOP (AMN 2019); other
    # formal collaboration "ska regelbundet utvärderas" (AMF 2024 s. 10), with no interval
    iop = walk.s.view.follow_up_policy("iop")
    assert iop.interval_months == 12 and "IOP" in iop.measure
    for form in ("procurement", "external", "employer"):
        policy = walk.s.view.follow_up_policy(form)
        assert policy.interval_months is None and "regelbundet" in policy.measure
