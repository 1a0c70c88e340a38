"""The demo data: loads into a fresh database through the services, covers every offered
form and several stages, has overdue follow-ups and open findings, and its audit chain holds."""

from __future__ import annotations

import json

from samverkan.domain.query import CollabQuery
from samverkan.services.demo import load_demo


def _rows(services):
    return services.collaborations(CollabQuery(limit=1000))


def test_demo_loads_every_offered_form_at_several_stages(make_services):
    services = make_services("stockholm")
    counts = load_demo(services, "stockholm")
    rows = _rows(services)
    assert counts["collaborations"] == len(rows) >= 10
    offered = {f.form for f in services.view.forms() if f.offered}
    assert {r["form"] for r in rows} == offered
    assert {r["stage"] for r in rows} == {
        "initiative", "preparation", "decided", "declined", "agreement", "active", "ended"}
    assert not services.registry.problems


def test_demo_is_marked_as_examples(make_services):
    services = make_services("stockholm")
    load_demo(services, "stockholm")
    assert all(r["is_example"] and "(exempel)" in r["title"] for r in _rows(services))
    orgs = services.organisations(limit=1000)
    assert orgs and all(o.is_example and "(exempel)" in o.name for o in orgs)


def test_demo_has_overdue_follow_ups_and_the_report_lists_them(make_services):
    services = make_services("stockholm")
    load_demo(services, "stockholm")
    overdue = services.overdue()
    assert len(overdue) >= 1
    report = services.report("overdue-follow-ups")
    assert {r["id"] for r in report.rows} == {r["id"] for r in overdue}
    assert all(r["days_overdue"] > 0 for r in report.rows)
    assert report.rows == sorted(report.rows, key=lambda r: -r["days_overdue"])


def test_demo_has_an_iop_in_preparation_with_open_findings(make_services):
    services = make_services("stockholm")
    load_demo(services, "stockholm")
    [iop] = [r for r in _rows(services) if r["form"] == "iop" and r["stage"] == "preparation"]
    steps = services.check(iop["id"], "agreement")
    rule_ids = {f.rule_id for _, _, findings in steps for f in findings}
    assert "stockholm.iop.consultation" in rule_ids
    assert "core.checks.answered" in rule_ids


def test_demo_audit_chain_verifies(make_services):
    services = make_services("stockholm")
    load_demo(services, "stockholm")
    report = services.verify_audit()
    assert report.ok
    actions = {e.action for e in services.events(limit=10_000)}
    assert {"decision.record", "notification.queue", "check.answer"} <= actions


def test_iop_follow_up_report_lists_each_iop_past_the_decision(make_services):
    services = make_services("stockholm")
    load_demo(services, "stockholm")
    report = services.report("iop-follow-ups")
    stages = {r["stage"] for r in report.rows}
    assert stages <= {"agreement", "active", "ended"} and "active" in stages
    assert any(r["follow_ups"] == 0 for r in report.rows)
    assert any(r["follow_ups"] >= 1 and r["last"] for r in report.rows)


def test_demo_command_on_a_new_database(cli):
    result = cli("demo", "--municipality", "stockholm")
    assert result.exit_code == 0, result.output
    assert "demo data for stockholm: 6 organisations, 11 collaborations" in result.output
    assert cli("audit", "verify").exit_code == 0
    report = cli("report", "overdue-follow-ups", "--format", "json")
    assert report.exit_code == 0 and json.loads(report.output)


def test_rules_show_json_lists_each_rule_with_id_topic_text_source(cli):
    result = cli("rules", "show", "stockholm", "--format", "json", db_path=None)
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    rules = [i for i in items if i["kind"] == "rule"]
    assert len(rules) >= 17
    for item in rules:
        assert item["id"].startswith("stockholm.") and item["topic"] and item["text"] and item["source"]
    by_id = {i["id"]: i for i in rules}
    assert by_id["stockholm.initiative"]["value"] == "either"
    assert "november 2024" in by_id["stockholm.preparatory_body"]["source"]
    assert {i["id"] for i in items if i["kind"] == "gate"} >= {
        "stockholm.iop.consultation", "stockholm.external.consultation"}
