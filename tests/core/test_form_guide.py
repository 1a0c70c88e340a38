"""The form questionnaire (issue 12, point 3): the recommended form and each ruled-out
form with its source, in both municipalities, from each plugin's own data."""

from __future__ import annotations

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
