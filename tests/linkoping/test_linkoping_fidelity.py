"""Issue 16: Linköping's rule data says what its one source says, and no more.

The source is seed 003, the information to the labour-market board of February 2020
(shipped as ``data/sources/an_2020.txt``). One test per corrected item and the added
rule, through the real services on a real SQLite file: equal access to the *relevant*
effort, no yearly follow-up, no board-only decision rule, an advisory cost split, no
invented preparatory body, the idea-driven partner, no democracy conditions, Linkstep
not filed as civil society, and Drivbänk's ESF money kept out of the board's cost.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources

import pytest
from lkpg_helpers import decide, findings

from samverkan.domain.errors import TransitionRefused
from samverkan.domain.query import CollabQuery
from samverkan.plugin.compare import compare
from samverkan.plugin.datapack import load_pack
from samverkan.plugin.quotes import missing_fragment, quote_problems
from samverkan.services import ConfirmationNeeded
from samverkan.services.demo import load_demo

PACKAGE = "samverkan_linkoping"
IDEA_DRIVEN = "linkoping.iop.idea_driven"
EQUAL_ACCESS = "linkoping.equal_access"
#: the paragraph of seed 003 that gives the features of the municipality's IOPs
CENTRAL = "Centralt för alla de IOP som kommunen har är att det handlar om ett ömsesidigt åtagande"
INFORMATION_2020 = "informationen till nämnden 2020"


@pytest.fixture(scope="module")
def pack():
    return load_pack(PACKAGE)


def source_text() -> str:
    return resources.files(PACKAGE).joinpath("data/sources/an_2020.txt").read_text(encoding="utf-8")


def _rules(pack) -> dict[str, object]:
    return {r.topic: r for r in pack.rules}


def _check(services, collab_id: int, check_id: str):
    return next(item for item, _ in services.checklist(collab_id) if item.id == check_id)


# -- the source and its quotes ---------------------------------------------------------


def test_the_package_ships_seed_003_and_every_quote_is_found_in_it(pack):
    text = source_text()
    assert "Informationen noteras." in text and "Övriga samverkansprojekt" in text
    assert pack.documents["an_2020"].text_file == "sources/an_2020.txt"
    assert quote_problems(pack) == []
    # the quotes under [extra] (value model, SROI), which the core does not check
    for name in ("value", "sroi"):
        entry = pack.extra[name]
        assert entry["level"] == "guidance"
        assert missing_fragment(entry["quote"], text) is None, name


def test_every_entry_states_a_level_and_only_the_softwares_own_go_unquoted(pack):
    for table in ("forms", "checks", "gates", "rules", "form_guide", "follow_up_policy"):
        for item in pack.tables[table]:
            level = item.get("level")
            assert level in ("requirement", "recommendation", "guidance", "default"), (table, item.data)
            if level == "default":
                assert pack.documents[item.get("document")].software, (table, item.data)
            else:
                assert item.get("document") == "an_2020" and item.get("quote"), (table, item.data)
    # the guidelines and the programme are named, but their texts were not found: nothing quotes them
    cited = {i.get("document") for items in pack.tables.values() for i in items if "document" in i.data}
    assert not cited & {"ks_2016_573", "program_2012"}


# -- equal access: the relevant effort ---------------------------------------------------


def test_equal_access_is_to_the_relevant_effort_and_an_iop_with_a_target_group_passes(lkpg, ready_iop):
    c = ready_iop()
    assert lkpg.collaboration(c.id).target_group == "Nyanlända"
    item = _check(lkpg, c.id, EQUAL_ACCESS)
    assert item.source.level == "requirement" and "ska ha tillgång" in item.source.quote
    assert "relevant insats" in item.source.quote
    assert "relevant" in item.text and "avgränsad målgrupp uppfyller kravet" in item.text
    assert not item.text.startswith("Alla kommuninvånare har tillgång")  # not "every effort open to all"
    lkpg.answer_check(c.id, EQUAL_ACCESS, "met", "Insatsen är relevant för nyanlända; inom målgruppen "
                      "utesluts ingen på grund av kön, etnicitet, ålder eller annan diskrimineringsgrund.")
    assert findings(lkpg, c.id) == []
    after, found = decide(lkpg, c.id)
    assert after.stage == "decided" and found == []


def test_equal_access_not_met_blocks_as_a_requirement(lkpg, ready_iop):
    c = ready_iop()
    lkpg.answer_check(c.id, EQUAL_ACCESS, "not_met", "Män inom målgruppen får inte delta.")
    with pytest.raises(TransitionRefused) as exc:
        decide(lkpg, c.id)
    assert [(f.rule_id, EQUAL_ACCESS in f.message) for f in exc.value.findings if f.blocking] == [
        ("core.checks.met", True)]


# -- follow-up: no yearly schedule, SROI offered ----------------------------------------


def test_no_yearly_follow_up_falls_due_for_an_iop_and_sroi_is_still_offered(lkpg, ready_iop, pack):
    policy = lkpg.view.follow_up_policy("iop")
    assert policy.interval_months is None and policy.source.level == "guidance"
    assert policy.evaluate is not None and "SROI" in policy.measure
    c = ready_iop()
    decide(lkpg, c.id)
    lkpg.record_agreement(c.id, signed_on="2026-11-18", start="2026-11-20", end="2027-12-31", goals="Mål.")
    lkpg.advance(c.id, "agreement")
    lkpg.advance(c.id, "active")
    row = lkpg.collaborations(CollabQuery(stage="active"))[0]
    assert not row["next_follow_up"]
    assert lkpg.overdue(dt.date(2030, 1, 1)) == []  # nothing ever falls due
    follow_up = lkpg.record_follow_up(c.id, "Pilot med SROI.", done_on="2026-11-21", evaluation={
        "investment": 500_000, "years": 1, "outcomes": [
            {"name": "Till arbete", "quantity": 2, "proxy": 250_000, "deadweight": 0.2, "attribution": 0.3,
             "displacement": 0.1, "drop_off": 0.2}]})
    assert follow_up.evaluation["sroi"]["present_value"] > 0
    assert not lkpg.collaborations(CollabQuery(stage="active"))[0]["next_follow_up"]
    rule = _rules(pack)["follow_up"]
    assert rule.value is None and rule.source.level == "guidance"
    assert "testas under våren 2020" in rule.source.quote and "Målet är att kunna implementera" in rule.source.quote
    assert not any(word in rule.text.lower() for word in ("varje år", "årlig", "yearly"))


# -- decision: the delegation order, no board-only rule ---------------------------------


def test_a_managers_decision_on_an_iop_passes_the_authority_gate(lkpg, ready_iop, pack):
    assert pack.decision_authority("iop") is None  # Linköping declares none
    authority = lkpg.view.decision_authority("iop")
    assert authority.kind == "delegation"
    c = ready_iop()
    # no meeting date: the responsible manager decides, which the delegation order accepts
    after, found = lkpg.decide(c.id, "start", "Partnerskapet möter målgruppens behov.", "Kriterierna är uppfyllda.")
    assert after.stage == "decided" and found == []
    decision = lkpg.detail(c.id)["decision"]
    assert decision.authority == "manager" and decision.meeting_date is None
    rule = _rules(pack)["decision"]
    assert rule.value is None and rule.source.level == "guidance"
    assert rule.text.startswith("Bakgrund") and "ingen delegationsregel" in rule.text
    assert rule.source.quote.startswith("De IOP som nämnden har fattat beslut om")


def test_the_board_may_decide_as_well(lkpg, ready_iop):
    c = ready_iop()
    after, found = decide(lkpg, c.id)  # with meeting date and paragraph
    assert after.stage == "decided" and found == []
    assert lkpg.detail(c.id)["decision"].authority == "board"


# -- cost split: a benchmark "i så stor utsträckning som möjligt" -------------------------


def test_the_cost_split_only_advises(lkpg, ready_iop, pack):
    gate = next(g for g in pack.gates() if g.id == "linkoping.iop.cost_split")
    assert gate.source.level == "recommendation" and not gate.blocking
    assert gate.quote.startswith("I så stor utsträckning som möjligt är riktmärket")
    rule = _rules(pack)["cost_split"]
    assert rule.source.level == "recommendation" and rule.value == 0.5
    assert rule.text.startswith("I så stor utsträckning som möjligt")
    c = ready_iop(contributions=[
        {"party": "Arbetsmarknadsnämnden", "category": "money", "amount": 900_000, "is_municipality": True},
        {"party": "Förening", "category": "staff", "amount": 100_000}])
    found = findings(lkpg, c.id)
    assert [(f.rule_id, f.blocking) for f in found] == [("linkoping.iop.cost_split", False)]
    with pytest.raises(ConfirmationNeeded):
        decide(lkpg, c.id)
    after, _ = decide(lkpg, c.id, confirm=True)
    assert after.stage == "decided"


# -- no invented preparatory body ---------------------------------------------------------


def test_no_preparatory_body_rule_and_the_comparison_shows_linkoping_silent(registry, pack):
    assert "preparatory_body" not in _rules(pack)
    assert not [r for r in pack.rules if r.value is not None and r.topic == "preparatory_body"]
    row = next(r for r in compare(registry, "stockholm", "linkoping").rows
               if r.topic.key == "preparatory_body")
    assert not row.b.regulated and row.status in ("only_a", "neither")
    legal = _rules(pack)["legal_checks"]
    assert "handläggare och jurister individuella bedömningar av varje partnerskap" in legal.source.quote


# -- the added rule: the partner is idea-driven -----------------------------------------


def test_the_idea_driven_item_is_on_the_iop_checklist_and_blocks_when_not_met(lkpg, ready_iop, orgnr):
    c = ready_iop()
    item = _check(lkpg, c.id, IDEA_DRIVEN)
    assert item.source.level == "requirement" and item.forms == ("iop",) and item.needs_note
    assert item.source.quote.endswith("övriga parter är en del av den idéburna sektorn.")
    assert INFORMATION_2020 in item.text and "idéburna sektorn" in item.text
    lkpg.answer_check(c.id, IDEA_DRIVEN, "not_met", "Parten är ett aktiebolag.")
    with pytest.raises(TransitionRefused) as exc:
        decide(lkpg, c.id)
    assert any(f.rule_id == "core.checks.met" and IDEA_DRIVEN in f.message for f in exc.value.findings)
    org = lkpg.register_organisation("Förening", orgnr(90))
    other = lkpg.register_initiative("Projekt", "external", [org.id])
    assert IDEA_DRIVEN not in {i.id for i, _ in lkpg.checklist(other.id)}


# -- the IOP criteria as the 2020 information describes them ------------------------------


def test_the_iop_criteria_say_they_describe_the_municipalitys_iops(pack):
    gates = {g.id: g for g in pack.gates()}
    for gate_id in ("linkoping.iop.initiative", "linkoping.iop.no_market", "linkoping.iop.mutual_commitment"):
        gate = gates[gate_id]
        assert gate.source.level == "requirement" and gate.blocking
    assert CENTRAL in gates["linkoping.iop.mutual_commitment"].source.quote
    assert "Initiativet måste också komma från civilsamhällesaktören" in gates["linkoping.iop.initiative"].source.quote
    assert "får inte gå att konkurrensutsättas" in gates["linkoping.iop.no_market"].source.quote
    for gate_id in ("linkoping.iop.initiative", "linkoping.iop.mutual_commitment"):
        assert INFORMATION_2020 in gates[gate_id].description
    iop = pack.form("iop")
    assert iop.source.level == "guidance" and INFORMATION_2020 in iop.description
    assert CENTRAL in iop.source.quote


def test_forms_without_text_behind_them_are_the_softwares_defaults(pack):
    for key in ("informal", "employer"):
        form = pack.form(key)
        assert form.source.level == "default" and "beskriver den inte" in form.description
        assert "programmets" in form.source.document
    for key in ("grant", "procurement", "external"):
        assert pack.form(key).source.level == "guidance" and pack.form(key).source.quote


def test_background_rules_are_guidance_without_a_value(pack):
    rules = _rules(pack)
    transparency = rules["transparency"]
    assert transparency.source.level == "guidance" and transparency.value is None
    assert "inte detta till en stående rutin" in transparency.text
    goals = next(c for c in pack.checks if c.id == "linkoping.municipal_goals")
    assert goals.source.level == "guidance" and not goals.required and not goals.blocking_if_not_met


# -- no democracy conditions ---------------------------------------------------------------


def test_democracy_conditions_are_not_on_linkopings_checklist(lkpg, ready_iop, orgnr, pack):
    assert pack.adoptions == {}
    c = ready_iop()
    org = lkpg.register_organisation("Förening", orgnr(91))
    grant = lkpg.register_initiative("Bidrag", "grant", [org.id])
    for collab_id in (c.id, grant.id):
        ids = {item.id for item, _ in lkpg.checklist(collab_id)}
        assert not [i for i in ids if i.startswith("national.democracy")], ids
        assert "national.competence" in ids  # the law still applies


# -- the demo: Linkstep and Drivbänk -------------------------------------------------------


@pytest.fixture
def demo(lkpg):
    load_demo(lkpg, "linkoping")
    return lkpg


def _by_title(services) -> dict[str, dict]:
    return {r["title"]: services.detail(r["id"]) for r in services.collaborations(CollabQuery(limit=100))}


def test_linkstep_is_not_filed_as_civil_society_as_employer(demo):
    details = _by_title(demo)
    linkstep = details["Linkstep"]
    assert linkstep["collaboration"].form != "employer"
    assert linkstep["collaboration"].form == "external"
    assert [o.name for o in linkstep["organisations"]] == ["AB Stångåstaden"]
    assert not [t for t, d in details.items() if d["collaboration"].form == "employer"]


def test_drivbanks_municipal_cost_excludes_the_esf_money(demo):
    drivbank = _by_title(demo)["Drivbänk"]
    costs = [r.data for r in drivbank["records"] if r.kind == "project_cost"]
    funding = [r.data for r in drivbank["records"] if r.kind == "external_funding"]
    assert [(c["year"], c["item"], c["amount"]) for c in costs] == [
        ("2019", "Personalrel.kst", "550000"), ("2020", "Personalrel.kst", "550000")]
    assert [(f["year"], f["funder"], f["amount"]) for f in funding] == [
        ("2019", "ESF", "1350000"), ("2020", "ESF", "1350000")]
    row = next(r for r in demo.report("value-table").sections[0].rows if r["title"] == "Drivbänk")
    assert (row["cost_2019"], row["cost_2020"]) == (550_000, 550_000)
    assert "ESF" not in row["board_cost"] and row["external_funding"] == "ESF: 1 350 000 kr (1 350 000 kr)"
