"""Comparing two municipalities' rules side by side (issue: compare)."""

from __future__ import annotations

import json
import tomllib
from types import ModuleType

import pytest

from samverkan import hookimpl
from samverkan.domain.model import Source
from samverkan.domain.rules import Document, Municipality, RuleText
from samverkan.domain.topics import TOPIC_KEYS
from samverkan.plugin.compare import STATUSES, compare, to_data


def _row(comparison, topic):
    return next(r for r in comparison.rows if r.topic.key == topic)


@pytest.mark.parametrize(
    ("topic", "expect_a", "expect_b"),
    [
        ("initiative", "either", "organisation"),
        ("cost_split", "comparable", 0.5),
    ],
)
def test_stockholm_and_linkoping_differ_by_value(registry, topic, expect_a, expect_b):
    row = _row(compare(registry, "stockholm", "linkoping"), topic)
    assert row.status == "different"
    assert (row.a.value, row.b.value) == (expect_a, expect_b)
    assert row.a.source and row.b.source
    assert "Linköping" in row.b.source or "KS 2016-573" in row.b.source or "2020" in row.b.source


def test_a_topic_one_side_is_silent_on_is_not_a_difference(registry):
    """Linköping's source says nothing of a preparatory body: the comparison shows
    Stockholm's rule and Linköping as silent, not as a rule to the contrary."""
    comparison = compare(registry, "stockholm", "linkoping")
    row = _row(comparison, "preparatory_body")
    assert row.status == "only_a" and not row.b.regulated and row.a.value is True
    assert row not in comparison.differences()


def test_each_side_shows_its_obligation_level_and_quotes(registry):
    comparison = compare(registry, "stockholm", "linkoping")
    pre_study = _row(comparison, "pre_study")
    assert pre_study.a.level == "recommendation"  # "Samarbeten bör föregås av en förstudie"
    assert any("bör föregås av en förstudie" in q for q in pre_study.a.quotes)
    for row in comparison.rows:
        for side in (row.a, row.b):
            assert bool(side.level) == side.regulated and bool(side.quotes) == side.regulated
            assert side.as_dict()["level"] == side.level and side.as_dict()["quotes"] == side.quotes


def test_rules_compare_prints_level_and_quote(cli):
    shown = cli("rules", "compare", "stockholm", "linkoping", db_path=None).stdout
    assert "preparatory_body (Beredande organ): only_a" in shown
    assert "nivå: rekommendation (bör)" in shown and "citat: »" in shown


def test_rules_show_says_whether_an_item_blocks_advises_or_guides(cli):
    items = json.loads(cli("rules", "show", "stockholm", "--format", "json", db_path=None).output)
    by_id = {(i["kind"], i["id"]): i for i in items}
    # every rule, check and gate states its level; every one of the plugin's data and the
    # national rules quotes its source (the core's own gates cite the software or the law)
    assert all(i["level"] for i in items)
    assert all(i["quote"] for i in items if not i["id"].startswith("core."))
    minors = by_id["check", "stockholm.basic.minors"]
    assert (minors["level"], minors["effect"]) == ("guidance", "guidance")
    prestudy = by_id["gate", "stockholm.iop.prestudy"]
    assert (prestudy["level"], prestudy["effect"]) == ("recommendation", "advisory")
    text = cli("rules", "show", "stockholm", db_path=None).stdout
    assert "nivå: vägledning (kan), visas som hjälp" in text
    assert "nivå: rekommendation (bör), råd att bekräfta" in text
    assert "nivå: krav (ska), stoppar" in text and "citat: »" in text


def test_follow_up_differs_with_sroi_in_linkoping(registry):
    row = _row(compare(registry, "stockholm", "linkoping"), "follow_up")
    assert row.status == "different"
    assert "SROI" in row.b.text and "SROI" not in row.a.text
    assert row.a.source and row.b.source


def test_every_row_names_both_sources_where_regulated(registry):
    for row in compare(registry, "stockholm", "linkoping").rows:
        assert row.status in STATUSES
        assert bool(row.a.source) == row.a.regulated
        assert bool(row.b.source) == row.b.regulated


@pytest.mark.parametrize("key", ["stockholm", "linkoping"])
def test_a_municipality_compared_with_itself_has_no_differences(registry, key):
    comparison = compare(registry, key, key)
    assert comparison.differences() == []
    assert {r.status for r in comparison.rows} <= {"same", "neither"}
    assert any(r.status == "same" for r in comparison.rows)


def _one_topic_plugin() -> ModuleType:
    """A municipality that regulates one topic only (registered in-process, pluggy style)."""
    plugin = ModuleType("testby_plugin")
    plugin.municipality = hookimpl(lambda: Municipality(
        "testby", "Testby kommun", "Testnämnden",
        (Document("riktlinjer", "Testbys riktlinjer", "TB 2026-1"),)))
    plugin.register_rules = hookimpl(lambda register: register(RuleText(
        "testby.initiative", "initiative", "Båda parter får ta initiativ.",
        Source("Testbys riktlinjer (TB 2026-1)", "§ 1"), "either")))
    return plugin


def test_plugin_regulating_one_topic_shows_the_rest_as_not_regulated(registry):
    status = registry.add(_one_topic_plugin(), "testby")
    assert status.ok, status.error
    comparison = compare(registry, "stockholm", "testby")
    initiative = _row(comparison, "initiative")
    assert initiative.status == "same"  # both say either side may initiate
    for row in comparison.rows:
        if row.topic.key == "initiative":
            continue
        assert not row.b.regulated
        assert row.status in ("only_a", "neither")


def test_form_restricts_to_rules_about_that_form(registry):
    everything = compare(registry, "stockholm", "linkoping")
    informal = compare(registry, "stockholm", "linkoping", form="informal")
    count = lambda c: sum(len(r.a.rules) + len(r.b.rules) for r in c.rows)  # noqa: E731
    assert count(informal) <= count(everything)
    for row in informal.rows:
        for rule in (*row.a.rules, *row.b.rules):
            assert not rule.forms or "informal" in rule.forms


def test_json_output_round_trips_and_is_stably_ordered(cli):
    result = cli("rules", "compare", "stockholm", "linkoping", "--format", "json", db_path=None)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["topic"] for r in rows] == list(TOPIC_KEYS)
    for r in rows:
        assert r["status"] in STATUSES
        for side in ("a", "b"):
            assert {"text", "value", "source"} <= set(r[side])
    again = cli("rules", "compare", "stockholm", "linkoping", "--format", "json", db_path=None)
    assert again.output == result.output
    assert json.loads(json.dumps(rows)) == rows


def test_toml_output_round_trips(cli, registry):
    result = cli("rules", "compare", "stockholm", "linkoping", "--format", "toml", db_path=None)
    assert result.exit_code == 0, result.output
    parsed = tomllib.loads(result.output)
    comparison = compare(registry, "stockholm", "linkoping")
    assert parsed == to_data(comparison, comparison.rows)


def test_only_differences_leaves_out_agreement(cli):
    result = cli("rules", "compare", "stockholm", "linkoping", "--only-differences", "--format", "json",
                 db_path=None)
    rows = json.loads(result.output)
    assert rows and all(r["status"] == "different" for r in rows)
    topics = {r["topic"] for r in rows}
    assert {"initiative", "cost_split", "follow_up"} <= topics
    assert "preparatory_body" not in topics  # Linköping is silent on it: not a difference


def test_markdown_output_snapshot(cli, snapshot):
    result = cli("rules", "compare", "stockholm", "linkoping", "--format", "markdown", db_path=None)
    assert result.exit_code == 0
    assert result.output == snapshot


def test_unknown_municipality_is_refused_with_exit_1(cli):
    result = cli("rules", "compare", "stockholm", "atlantis", db_path=None)
    assert result.exit_code == 1
    assert "no municipality plugin 'atlantis' is installed" in result.output
