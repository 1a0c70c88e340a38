"""Linköping's IOP gates: each one blocks (or advises) and passes, on a real database."""

from __future__ import annotations

import pytest
from lkpg_helpers import LEGAL, decide, findings

from samverkan.domain.errors import TransitionRefused, ValidationError
from samverkan.services import ConfirmationNeeded

NO_MARKET = "linkoping.iop.no_market"


def _ids(exc: TransitionRefused) -> set[str]:
    return {f.rule_id for f in exc.value.findings if f.blocking}


def test_ready_iop_passes_every_gate_and_the_decide(lkpg, ready_iop):
    c = ready_iop()
    assert findings(lkpg, c.id) == []
    after, found = decide(lkpg, c.id)
    assert after.stage == "decided" and found == []


# -- initiative ---------------------------------------------------------------------


def test_initiative_from_the_municipality_blocks_preparation_and_decision(lkpg, ready_iop):
    c = ready_iop(initiator="municipality")
    with pytest.raises(TransitionRefused) as exc:
        lkpg.advance(c.id, "preparation")
    assert _ids(exc) == {"linkoping.iop.initiative"}
    finding = exc.value.findings[0]
    assert "civilsamhällesaktören" in finding.message
    assert "Bakgrund, stycke 3" in str(finding.source)
    assert findings(lkpg, c.id, "decided", "linkoping.iop.initiative")


def test_initiative_from_the_organisation_passes(lkpg, ready_iop):
    c = ready_iop()
    assert c.stage == "preparation"
    assert findings(lkpg, c.id, "decided", "linkoping.iop.initiative") == []


def test_initiative_gate_leaves_other_forms_alone(lkpg, orgnr):
    org = lkpg.register_organisation("Förening", orgnr(1))
    c = lkpg.register_initiative("Projekt", "external", [org.id], initiator="municipality")
    after, _ = lkpg.advance(c.id, "preparation")
    assert after.stage == "preparation"


# -- no commercial market ------------------------------------------------------------


def test_no_market_needs_a_motivation(lkpg, ready_iop):
    c = ready_iop()
    with pytest.raises(ValidationError, match="needs a motivation"):
        lkpg.answer_check(c.id, NO_MARKET, "met", "")


def test_no_market_not_met_blocks(lkpg, ready_iop):
    c = ready_iop()
    lkpg.answer_check(c.id, NO_MARKET, "not_met", "Det finns privata språkskolor som säljer samma sak.")
    with pytest.raises(TransitionRefused) as exc:
        decide(lkpg, c.id)
    blocking = [f for f in exc.value.findings if f.blocking]
    assert [f.rule_id for f in blocking] == ["core.checks.met"]
    assert NO_MARKET in blocking[0].message
    assert "konkurrensutsättas" in str(blocking[0].source)


def test_no_market_not_applicable_blocks(lkpg, ready_iop):
    c = ready_iop()
    lkpg.answer_check(c.id, NO_MARKET, "not_applicable", "Vet ej.")
    with pytest.raises(TransitionRefused) as exc:
        decide(lkpg, c.id)
    assert _ids(exc) == {NO_MARKET}


def test_no_market_unanswered_blocks(lkpg, ready_iop):
    c = ready_iop(skip=(NO_MARKET,))
    with pytest.raises(TransitionRefused) as exc:
        decide(lkpg, c.id)
    assert any(f.rule_id == "core.checks.answered" and NO_MARKET in f.message for f in exc.value.findings)


def test_no_market_met_with_motivation_passes(lkpg, ready_iop):
    c = ready_iop()
    lkpg.answer_check(c.id, NO_MARKET, "met", "Ingen kommersiell aktör erbjuder språkcaféer med volontärer.")
    assert findings(lkpg, c.id, rule=NO_MARKET) == []
    assert findings(lkpg, c.id) == []


# -- mutual commitment ---------------------------------------------------------------


@pytest.mark.parametrize(("contributions", "expected"), [
    ([], ["Kommunens insats saknas", "Den idéburna partens insats saknas"]),
    ([{"party": "Arbetsmarknadsnämnden", "category": "money", "amount": 500_000, "is_municipality": True}],
     ["Den idéburna partens insats saknas"]),
    ([{"party": "Förening", "category": "staff", "amount": 500_000}], ["Kommunens insats saknas"]),
    ([{"party": "Arbetsmarknadsnämnden", "category": "money", "amount": 500_000, "is_municipality": True},
      {"party": "Förening", "category": "staff", "amount": 500_000},
      {"party": "Annan förening", "category": "material", "amount": 0}],
     ["Parten Annan förening bidrar inte med något"]),
])
def test_mutual_commitment_blocks(lkpg, ready_iop, contributions, expected):
    c = ready_iop(contributions=contributions)
    found = findings(lkpg, c.id, rule="linkoping.iop.mutual_commitment")
    assert len(found) == len(expected)
    for f, text in zip(found, expected, strict=True):
        assert f.blocking and f.message.startswith(text)
    with pytest.raises(TransitionRefused) as exc:
        decide(lkpg, c.id)
    assert "linkoping.iop.mutual_commitment" in _ids(exc)


def test_mutual_commitment_passes_with_both_parties_contributing(lkpg, ready_iop):
    c = ready_iop()
    assert findings(lkpg, c.id, rule="linkoping.iop.mutual_commitment") == []


# -- legal assessment ----------------------------------------------------------------


def test_legal_assessment_missing_blocks(lkpg, ready_iop):
    c = ready_iop(legal=None)
    with pytest.raises(TransitionRefused) as exc:
        decide(lkpg, c.id)
    assert _ids(exc) == {"linkoping.iop.legal_assessment"}
    assert "LOU, statsstödsreglerna och kommunallagen" in exc.value.findings[0].message


def test_legal_assessment_finding_the_iop_unlawful_blocks(lkpg, ready_iop):
    c = ready_iop()
    lkpg.add_record(c.id, "legal_assessment", {**LEGAL, "conclusion": "not_compatible",
                                               "lou": "Tjänsten köps på en marknad."})
    with pytest.raises(TransitionRefused) as exc:
        decide(lkpg, c.id)
    assert _ids(exc) == {"linkoping.iop.legal_assessment"}


def test_legal_assessment_record_is_validated(lkpg, ready_iop):
    c = ready_iop(legal=None)
    with pytest.raises(ValidationError, match="Jurist is required"):
        lkpg.add_record(c.id, "legal_assessment", {**LEGAL, "lawyer": ""})
    with pytest.raises(ValidationError, match="not one of compatible, not_compatible"):
        lkpg.add_record(c.id, "legal_assessment", {**LEGAL, "conclusion": "ok"})
    with pytest.raises(ValidationError, match="unknown field"):
        lkpg.add_record(c.id, "legal_assessment", {**LEGAL, "kl": "x"})


def test_legal_assessment_recorded_passes(lkpg, ready_iop):
    c = ready_iop()
    record = lkpg.detail(c.id)["records"][0]
    assert record.kind == "legal_assessment" and record.recorded_by == "anna"
    assert record.data["lawyer"] == "Jurist Johan" and record.data["date"] == "2026-11-10"
    assert findings(lkpg, c.id, rule="linkoping.iop.legal_assessment") == []


# -- cost split against "about half" (advisory) --------------------------------------


def _split(muni: int, partner: int) -> list[dict]:
    return [{"party": "Arbetsmarknadsnämnden", "category": "money", "amount": muni, "is_municipality": True},
            {"party": "Förening", "category": "staff", "amount": partner}]


@pytest.mark.parametrize(("muni", "partner", "share"), [
    (590_000, 307_626, "65.73"),   # Kompletterande språkträning
    (1_150_000, 641_200, "64.20"),  # Bromodellen
    (300_000, 700_000, "30.00"),
])
def test_cost_split_outside_tolerance_advises(lkpg, ready_iop, muni, partner, share):
    c = ready_iop(contributions=_split(muni, partner))
    found = findings(lkpg, c.id)
    assert [(f.rule_id, f.blocking) for f in found] == [("linkoping.iop.cost_split", False)]
    assert f"{share} %" in found[0].message and "cirka 50 % ± 10 procentenheter" in found[0].message
    assert "cirka hälften" in str(found[0].source)
    with pytest.raises(ConfirmationNeeded):
        decide(lkpg, c.id)
    after, confirmed = decide(lkpg, c.id, confirm=True)
    assert after.stage == "decided" and confirmed == found
    assert lkpg.events(action_prefix="transition.confirm_advisory", limit=1)


@pytest.mark.parametrize(("muni", "partner"), [
    (1_100_000, 980_500),  # Hoppfull framtid, 52.87 %
    (230_000, 224_000),    # Inkludering på lika villkor, 50.66 %
    (600_000, 400_000),    # exactly 60 %: the bound is inclusive
    (400_000, 600_000),    # exactly 40 %
])
def test_cost_split_within_tolerance_passes(lkpg, ready_iop, muni, partner):
    c = ready_iop(contributions=_split(muni, partner))
    assert findings(lkpg, c.id) == []


def test_gates_only_guard_iop_decisions_not_declines(lkpg, ready_iop):
    c = ready_iop(contributions=[], legal=None)
    after, _ = lkpg.decide(c.id, "decline", "Inget ömsesidigt åtagande.", meeting_date="2026-11-17",
                           minute_paragraph="§ 13", decided_on="2026-11-17")
    assert after.stage == "declined"
