"""Scenario files: their format, errors that name file, line and key, and the runner that
plays a case through the services on a real SQLite file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from samverkan.cli import make_cli
from samverkan.plugin.schema import SchemaError
from samverkan.testing.runner import run_scenario
from samverkan.testing.scenarios import load_scenario, parse, scenario_files

MINIMAL = """\
[scenario]
name = "Informell samverkan"
today = 2026-03-15

[collaboration]
form = "informal"

[[expect]]
at = "decided"
findings = []

# Stockholm: the manager decides how the collaboration is followed up (AMF 2024 s. 7)
[[records]]
kind = "follow_up_plan"
how = "Avstämning med föreningen varje kvartal."
by = "Enhetschefen"
"""


def stockholm_file(name: str) -> str:
    return dict((n.rsplit("/", 1)[-1], p) for n, p in scenario_files("stockholm"))[name].read_text(encoding="utf-8")


@pytest.mark.parametrize(("change", "error"), [
    (lambda t: t + "\n[[expectations]]\nat = \"active\"\n",
     "x.toml:18: expectations: unknown table; expected one of scenario, collaboration, organisations, answers, "
     "contributions, records, decision, agreement, termination, expect"),
    (lambda t: t.replace('name = "Informell samverkan"\n', ""), "x.toml:1: scenario: missing required key 'name'"),
    (lambda t: t.replace("today = 2026-03-15", 'today = "15 mars"'),
     "x.toml:3: scenario.today: expected a date (2026-03-01), got '15 mars'"),
    (lambda t: t.replace('form = "informal"', 'form = "iopp"'),
     "x.toml:6: collaboration.form: expected one of informal, grant, procurement, iop, external, employer, got 'iopp'"),
    (lambda t: t.replace("findings = []", 'findings = [{ rule = "x", severity = "hard" }]'),
     "x.toml:10: expect[0].findings[0].severity: expected one of blocking, advisory, got 'hard'"),
    (lambda t: t.replace('at = "decided"', 'at = "initiative"'),
     "x.toml:9: expect[0].at: expected one of preparation, decided, declined, agreement, active, ended, "
     "got 'initiative'"),
    (lambda t: t + '\n[[answers]]\ncheck = "national.competence"\nanswer = "yes"\n',
     "x.toml:20: answers[0].answer: expected one of met, not_met, not_applicable, unanswered, got 'yes'"),
])
def test_a_mistake_is_one_line_naming_file_line_and_key(change, error):
    with pytest.raises(SchemaError) as exc:
        parse("x.toml", change(MINIMAL), "stockholm")
    assert str(exc.value) == error


def test_a_minimal_scenario_reads_with_its_defaults():
    s = parse("x.toml", MINIMAL, "stockholm")
    assert (s.municipality, s.form, s.initiator, s.title, s.user, s.other_answers) == (
        "stockholm", "informal", "organisation", "Informell samverkan", "handlaggare", "met")
    assert s.id == "stockholm/x" and [e.at for e in s.expectations] == ["decided"]


def test_a_scenario_runs_through_the_services_on_a_real_database(registry, tmp_path: Path):
    result = run_scenario(parse("x.toml", MINIMAL, "stockholm"), registry, tmp_path)
    assert result.ok, result.report()
    assert [(st.to, st.outcome) for st in result.steps] == [("preparation", "allowed"), ("decided", "allowed")]
    assert (tmp_path / "stockholm-x.db").is_file()  # one SQLite file per scenario


def test_what_differs_is_said_per_transition(registry, tmp_path: Path):
    text = stockholm_file("iop_godkant.toml")
    without = re.sub(r"^roles = .*\n", "", text, flags=re.M)
    result = run_scenario(parse("godkant.toml", without, "stockholm"), registry, tmp_path)
    assert not result.ok
    line = without[:without.index('at = "agreement"')].count("\n") + 1
    assert result.problems == [
        f"at agreement (line {line}):",
        "  unexpected: core.agreement.sections (blocking): Avtalet ska innehålla avsnittet "
        "'Ansvarsfördelning (parternas roller och ansvar)' [roles].",
        "not reached: active (refused at agreement)",
    ]
    assert [st.outcome for st in result.steps] == ["allowed", "allowed", "refused"]


def test_a_case_refused_before_the_expected_transition_says_so(registry, tmp_path: Path):
    text = MINIMAL.replace('form = "informal"', 'form = "informal"\ncompensated = true').replace(
        'at = "decided"', 'at = "active"')
    result = run_scenario(parse("x.toml", text, "stockholm"), registry, tmp_path)
    assert result.problems[0] == "at decided: refused before the case reaches active:"
    assert any(p.startswith("  stockholm.informal.no_compensation (blocking): ") for p in result.problems[1:])


def test_facts_the_services_refuse_are_reported_not_raised(registry, tmp_path: Path):
    text = MINIMAL + '\n[[records]]\nkind = "consultation"\ntopic = "x"\nwhen = 2026-01-01\n'
    result = run_scenario(parse("x.toml", text, "stockholm"), registry, tmp_path)
    assert result.problems == ["the case cannot be entered (after the registration): "
                               "consultation: unknown field(s) when"]
    off_way = MINIMAL + '\n[[expect]]\nat = "agreement"\nfindings = []\n\n[[expect]]\nat = "ended"\nfindings = []\n'
    result = run_scenario(parse("x.toml", off_way, "stockholm"), registry, tmp_path)
    assert result.problems == ["informal collaborations do not pass agreement "
                               "(their way: preparation, decided, active, ended)"]


def test_plugin_test_runs_the_contract_and_every_scenario_without_pytest(tmp_path: Path, registry):
    edited = tmp_path / "utan_roller.toml"
    edited.write_text(re.sub(r"^roles = .*\n", "", stockholm_file("iop_godkant.toml"), flags=re.M), encoding="utf-8")
    result = CliRunner().invoke(make_cli(), ["plugin", "test", "stockholm", str(edited)], catch_exceptions=False)
    assert result.exit_code == 1
    assert f"FAILED  scenario {edited}" in result.stdout
    assert "unexpected: core.agreement.sections (blocking)" in result.stdout
    assert result.stdout.endswith("0 passed, 1 failed, 0 skipped\n")

    missing = CliRunner().invoke(make_cli(), ["plugin", "test", "nosuch"], catch_exceptions=False)
    assert missing.exit_code == 1
    assert missing.stdout.splitlines() == [
        "FAILED  contract loads",
        "        no plugin is installed under the entry point 'nosuch' (group 'samverkan')",
        "0 passed, 1 failed, 0 skipped"]


def test_the_packaged_scenarios_read(registry):
    for key in ("stockholm", "linkoping"):
        for name, path in scenario_files(key):
            s = load_scenario(path, key, name)
            assert s.municipality == key and s.expectations, name
