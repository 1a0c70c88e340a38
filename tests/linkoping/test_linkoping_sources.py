"""Every rule, check, gate and policy of the Linköping plugin names its source document."""

from __future__ import annotations

import json

import pytest

from samverkan.domain.topics import TOPIC_KEYS


@pytest.fixture
def view(registry):
    return registry.view("linkoping")


@pytest.fixture
def documents(view):
    """The source documents of the plugin, as Source.document strings."""
    return {d.source().document for d in view.municipality.documents}


def _own(items):
    return [i for i in items if i.id.startswith("linkoping.")]


def test_the_plugin_loads_without_problems(registry, view):
    assert registry.statuses["linkoping"].ok
    view.rules(), view.checks(), view.gates(), view.record_kinds(), view.reports()
    assert registry.problems == []


def test_every_rule_check_and_gate_cites_a_document_and_a_section(view, documents):
    rules, checks, gates = view.rules(), _own(view.checks()), _own(view.gates())
    assert len(rules) == 8 and len(checks) == 5 and len(gates) == 5
    for item in [*rules, *checks, *gates]:
        assert item.source.document in documents, item.id
        assert item.source.section, f"{item.id} names no section"
        assert item.source.quote and item.source.level, f"{item.id} quotes nothing or states no level"


def test_record_kinds_reports_forms_and_policies_cite_documents(view, documents):
    for kind in view.record_kinds().values():
        assert kind.source.document in documents and kind.source.section
    for report in view.reports().values():
        assert report.source.document in documents
    for offer in view.forms():
        assert offer.source.document in documents
    # seed 003 declares no decision authority: the core's default, the delegation order
    authority = view.decision_authority("iop")
    assert (authority.kind, authority.body) == ("delegation", "enligt kommunens delegationsordning")
    assert authority.source.document not in documents
    policy = view.follow_up_policy("iop")
    assert policy.interval_months is None and "SROI" in policy.measure and policy.evaluate is not None
    assert policy.source.document in documents and "SROI" in policy.source.section
    assert policy.source.level == "guidance"
    assert view.follow_up_policy("informal") is None
    assert view.decision_authority("procurement").kind == "delegation"


def test_rules_answer_only_the_topics_the_seed_speaks_to_with_the_shared_values(view):
    rules = {r.topic: r for r in view.rules()}
    assert set(rules) <= set(TOPIC_KEYS)
    assert {t: r.value for t, r in rules.items()} == {
        "initiative": "organisation", "legal_checks": None, "no_market": True,
        "policy_link": None, "cost_split": 0.5, "decision": None, "follow_up": None,
        "transparency": None,
    }
    assert {t: r.source.level for t, r in rules.items()} == {
        "initiative": "requirement", "legal_checks": "requirement", "no_market": "requirement",
        "policy_link": "guidance", "cost_split": "recommendation", "decision": "guidance",
        "follow_up": "guidance", "transparency": "guidance",
    }
    assert "SROI" in rules["follow_up"].text
    assert all(law in rules["legal_checks"].text for law in ("LOU", "statsstöd", "kommunallagen"))
    assert "handläggare och jurister" in rules["legal_checks"].text
    assert "±10 procentenheter" in rules["cost_split"].text
    assert "nämnden" in rules["transparency"].text
    for silent in ("open_call", "preparatory_body", "pre_study", "democracy", "org_checks",
                   "agreement_contents", "duration", "termination", "independence"):
        assert silent not in rules


def test_rules_show_lists_sources_for_every_linkoping_item(cli):
    result = cli("rules", "show", "linkoping", "--format", "json", db_path=None)
    assert result.exit_code == 0, result.output
    items = [i for i in json.loads(result.output) if i["id"].startswith("linkoping.")]
    assert {i["kind"] for i in items} == {"rule", "check", "gate"}
    assert all("Linköping" in i["source"] or "arbetsmarknadsnämnden" in i["source"] for i in items)
