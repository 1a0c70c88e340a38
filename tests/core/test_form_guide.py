"""The form questionnaire (issue 12, point 3): the recommended form and each ruled-out
form with its source, in both municipalities, from each plugin's own data."""

from __future__ import annotations

import json
import tomllib
from importlib import resources

import pytest

from samverkan.domain import form_guide
from samverkan.domain.errors import ValidationError
from samverkan.domain.model import Source

OFFERED = {
    "stockholm": ["informal", "procurement", "iop", "external", "employer"],
    "linkoping": ["informal", "grant", "procurement", "iop", "external", "employer"],
}
PACKAGES = {"stockholm": "samverkan_stockholm", "linkoping": "samverkan_linkoping"}


def guide_rules(key: str) -> list[form_guide.GuideRule]:
    text = resources.files(PACKAGES[key]).joinpath("data/form_guide.toml").read_text("utf-8")
    return form_guide.rules_from_data(tomllib.loads(text)["form_guide"], lambda doc, sec: Source(doc, sec))


def verdict(key: str, **answers: str) -> form_guide.GuideResult:
    return form_guide.recommend(guide_rules(key), answers, OFFERED[key])


def test_informal_when_nothing_is_paid_in_stockholm():
    result = verdict("stockholm", pays="no", market="no", own_activity="yes", initiator="organisation")
    assert result.recommended == ["informal"]
    assert not result.ruled_out


@pytest.mark.parametrize("key", ["stockholm", "linkoping"])
def test_procurement_when_a_market_exists_and_iop_is_ruled_out_with_its_source(key):
    result = verdict(key, pays="yes", market="yes", own_activity="yes", initiator="organisation")
    assert result.recommended[0] == "procurement"
    out = {v.form: v.rules_out for v in result.ruled_out}
    assert "iop" in out
    rule = out["iop"][0]
    assert rule.quote and rule.source.document
    # the quoted sentence is the source's own (a "får inte"/"inte lämplig" sentence)
    assert ("får inte" in rule.quote) or ("inte är en verksamhet som är lämplig för IOP" in rule.quote)


@pytest.mark.parametrize("key", ["stockholm", "linkoping"])
def test_iop_for_the_organisations_own_activity_with_money_from_both(key):
    result = verdict(key, pays="yes", market="no", own_activity="yes", initiator="organisation",
                     standard_grant="no")
    assert result.recommended[0] == "iop"
    if key == "stockholm":  # paying rules informal collaboration out in Stockholm's guidelines
        assert [r.id for r in result.verdicts["informal"].rules_out] == ["stockholm.guide.informal.no_compensation"]


def test_linkoping_rules_out_iop_on_the_municipalitys_initiative_stockholm_does_not():
    lkpg = verdict("linkoping", pays="yes", market="no", own_activity="yes", initiator="municipality")
    assert "iop" not in lkpg.recommended
    assert lkpg.verdicts["iop"].rules_out[0].id == "linkoping.guide.iop.initiative"
    sthlm = verdict("stockholm", pays="yes", market="no", own_activity="yes", initiator="municipality")
    assert sthlm.recommended[0] == "iop"  # seed 001: "Ett initiativ kan komma både från en ideell aktör och …"


def test_unsure_about_the_market_keeps_iop_open_with_a_caution():
    result = verdict("linkoping", pays="yes", market="unsure", own_activity="yes", initiator="organisation")
    assert "iop" in result.recommended
    assert [r.id for r in result.verdicts["iop"].caution] == ["linkoping.guide.iop.assess_market"]


def test_a_form_the_municipality_does_not_offer_is_never_recommended():
    # Stockholm's labour-market board gives no association grants: the rule points there,
    # the verdict says where, but the grant is not among the recommendations
    result = form_guide.recommend(guide_rules("stockholm"), {"standard_grant": "yes"}, OFFERED["stockholm"])
    assert "grant" not in result.recommended


def test_bad_answers_and_bad_rules_are_refused_with_the_question_named():
    with pytest.raises(ValidationError, match="not an answer to .Will the municipality pay"):
        form_guide.validate_answers({"pays": "maybe"})
    with pytest.raises(ValidationError, match="unknown question"):
        form_guide.validate_answers({"colour": "red"})
    with pytest.raises(ValidationError, match="unknown effect"):
        form_guide.GuideRule("x", "iop", {"market": "yes"}, "forbids", "r", Source("d"))
    with pytest.raises(ValidationError, match="not an answer"):
        form_guide.GuideRule("x", "iop", {"market": "perhaps"}, "rules_out", "r", Source("d"))
    with pytest.raises(ValidationError, match="missing"):
        form_guide.rules_from_data([{"id": "x", "form": "iop"}], lambda d, s: Source(d, s))


# -- through the services and the CLI, as an officer asks ---------------------------


@pytest.mark.parametrize("key", ["stockholm", "linkoping"])
def test_the_services_recommend_from_the_municipalitys_own_rules(make_services, key):
    s = make_services(key)
    result = s.recommend_form({"pays": "yes", "market": "yes", "own_activity": "yes", "initiator": "organisation"})
    assert result.recommended[0] == "procurement"
    assert result.verdicts["iop"].rules_out and result.verdicts["iop"].rules_out[0].id.startswith(f"{key}.guide.")
    offered = {f.form for f in s.offered_forms()}
    assert set(result.recommended) <= offered


def test_stockholm_never_recommends_the_grant_it_does_not_give(make_services):
    s = make_services("stockholm")
    result = s.recommend_form({"standard_grant": "yes", "pays": "yes"})
    assert "grant" not in result.recommended
    assert [r.id for r in result.verdicts["grant"].points_to] == ["stockholm.guide.grant.elsewhere"]


def test_cli_guide_and_answers_kept_with_the_collaboration(cli, orgnr):
    assert cli("init", "--municipality", "linkoping").exit_code == 0
    questions = cli("collab", "guide")
    assert "market:" in questions.output and "initiator:" in questions.output
    shown = cli("collab", "guide", "--answer", "initiator=municipality", "--answer", "pays=yes")
    assert "ruled out: iop" in shown.output and "linkoping.guide.iop.initiative" in shown.output
    assert "Initiativet måste också komma från civilsamhällesaktören" in shown.output
    data = json.loads(cli("collab", "guide", "--answer", "market=yes", "--json").output)
    assert data["recommended"][0] == "procurement"
    assert data["verdicts"]["iop"]["rules_out"][0]["id"] == "linkoping.guide.iop.market"
    bad = cli("collab", "guide", "--answer", "market=perhaps")
    assert bad.exit_code == 1 and "not an answer" in bad.output and "Traceback" not in bad.output
    assert cli("org", "add", "Förening", "--orgnr", orgnr(1)).exit_code == 0
    added = cli("collab", "add", "Läxhjälp", "--form", "iop", "--org", "1",
                "--answer", "market=no", "--answer", "initiator=organisation")
    assert added.exit_code == 0, added.output
    record = cli("collab", "report", added.output.strip())
    assert "Form questionnaire" in record.output and "the organisation" in record.output


def test_hook_register_form_guide(make_services):
    """The hook serves each plugin's [[form_guide]] rules, as GuideRule objects with their
    document as the source."""
    s = make_services("stockholm")
    rules = s.view.form_guide()
    assert all(isinstance(r, form_guide.GuideRule) for r in rules)
    assert {r.id for r in rules} == {r.id for r in guide_rules("stockholm")}
    consult = next(r for r in rules if r.id == "stockholm.guide.iop.assess_market")
    assert "Riktlinjer för samverkan med civilsamhället" in consult.source.document
