"""``samverkan plugin new`` and ``plugin check``: a complete plugin, generated from the
schema so that it cannot fall behind it, and checked without being installed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from samverkan.cli import make_cli
from samverkan.plugin.schema import CONDITION_KEYS, GATE_KINDS, TABLES, Key, Table
from samverkan.scaffold.check import check_plugin, declaration
from samverkan.scaffold.template import data_files
from samverkan.testing import scenarios as scenario_format

ROOT = Path(__file__).resolve().parents[2]


def plugin(*args: str):
    """Run ``samverkan plugin ARGS`` in-process (no database is involved)."""
    return CliRunner().invoke(make_cli(), ["plugin", *args], catch_exceptions=False)


@pytest.fixture
def new(tmp_path: Path) -> Path:
    result = plugin("new", "exempelby", "--name", "Exempelby kommun", "--dir", str(tmp_path / "samverkan-exempelby"))
    assert result.exit_code == 0, result.output
    return tmp_path / "samverkan-exempelby"


def test_new_writes_a_complete_distribution(new: Path):
    files = {p.relative_to(new).as_posix() for p in new.rglob("*") if p.is_file()}
    package = "src/samverkan_exempelby"
    assert {"pyproject.toml", "README.md", "tests/test_samverkan.py", f"{package}/__init__.py",
            f"{package}/plugin.py"} <= files
    assert {f"{package}/data/{name}" for name in data_files("exempelby", "x")} <= files
    assert len([f for f in files if f.startswith(f"{package}/scenarios/")]) == 8
    project = (new / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points.samverkan]\nexempelby = "samverkan_exempelby.plugin:plugin"' in project
    assert 'samverkan_municipalities = ["exempelby"]' in project
    assert "[tool.uv.sources]" not in project  # outside a workspace the core comes from the index
    code = [line for line in (new / package / "plugin.py").read_text().splitlines()
            if line.strip() and not line.startswith(('"""', "#"))]
    assert code == ["from samverkan.plugin.dataplugin import DataPlugin", 'plugin = DataPlugin("samverkan_exempelby")']
    assert "from samverkan.testing.suite import *" in (new / "tests" / "test_samverkan.py").read_text()


def test_every_table_and_key_of_the_schema_is_in_the_template():
    text = "\n".join(data_files("exempelby", "Exempelby kommun").values())
    for table in TABLES.values():
        head = f"[[{table.name}]]" if table.many else f"[{table.name}]"
        assert re.search(rf"^(# )?{re.escape(head)}$", text, re.M), f"{head} is not in the template"
        for child in table.children.values():
            assert f"[[{child.name}]]" in text
        for name in [*table.keys, *(k for c in table.children.values() for k in c.keys)]:
            assert re.search(rf"^#   {re.escape(name)} \(", text, re.M), f"{table.name}.{name} is not documented"
    for kind, keys in GATE_KINDS.items():
        assert f'kind = "{kind}"' in text, f"gate kind {kind} has no example"
        for name in keys:
            assert re.search(rf"^#   {re.escape(name)} \(", text, re.M), f"gate key {name} is not documented"
    for name in CONDITION_KEYS:
        assert re.search(rf"^#   {re.escape(name)} \(", text, re.M)


def test_the_template_follows_the_schema_when_it_grows(monkeypatch: pytest.MonkeyPatch):
    """A key or a table the schema gains appears in the next generated plugin by itself."""
    monkeypatch.setitem(TABLES["forms"].keys, "region", Key("str", "the region that offers the form"))
    monkeypatch.setitem(TABLES, "budgets", Table("budgets", "Yearly budget frames.", {
        "year": Key("int", "the year", True)}))
    text = "\n".join(data_files("exempelby", "Exempelby kommun").values())
    assert "#   region (text): the region that offers the form" in text
    assert "# [[budgets]]: Yearly budget frames." in text and "# year = 1" in text


def test_the_generated_plugin_checks_out_and_says_what_it_declares(new: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(new)
    result = check_plugin(Path("."))
    assert result.ok and not result.warnings, result.errors + result.warnings
    assert len(result.pack.gate_specs) == 5 and len(result.scenarios) == 8
    lines = declaration(result)
    assert lines[0] == "exempelby: Exempelby kommun (Nämnden vars riktlinjer detta är (ändra))"
    assert "  agreement sections (iop): required goals, roles, budget, follow_up; advised termination" in lines
    assert "    exempelby.iop.consultation: record; to agreement; iop; blocking (requirement)" in lines

    shown = plugin("check", str(new))
    assert shown.exit_code == 0 and shown.stdout.splitlines() == lines and not shown.stderr


def test_check_reports_each_problem_on_one_line_with_file_line_and_key(new: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(new)
    gates = Path("src/samverkan_exempelby/data/gates.toml")
    text = gates.read_text(encoding="utf-8")
    gates.write_text(text.replace('severity = "advisory"', 'severity = "hard"', 1), encoding="utf-8")
    line = text.splitlines().index('severity = "advisory"') + 1
    result = plugin("check", ".")
    assert result.exit_code == 1 and not result.stdout
    assert result.stderr.splitlines() == [
        f"src/samverkan_exempelby/data/gates.toml:{line}: gates[3].severity: expected 'blocking', "
        "'advisory' or a table of them by stage, got 'hard'"]

    gates.write_text(text, encoding="utf-8")
    for name in ("iop_utan_samrad.toml", "iop_samrad_efter_avtalet.toml"):  # the consultation's scenarios
        scenario = Path("src/samverkan_exempelby/scenarios") / name
        body = scenario.read_text(encoding="utf-8")
        scenario.write_text(body.replace('rule = "exempelby.iop.consultation"', 'rule = "exempelby.iop.consult"'),
                            encoding="utf-8")
    result = plugin("check", ".")
    assert result.exit_code == 1
    errors = [e for e in result.stderr.splitlines() if not e.startswith("warning:")]
    assert len(errors) == 2 and re.fullmatch(
        r"src/samverkan_exempelby/scenarios/iop_samrad_efter_avtalet\.toml:\d+: expect\[0\]\.findings\[0\]"
        r"\.rule: no rule 'exempelby\.iop\.consult' among the plugin's gates and the core's", errors[0])
    assert "warning: src/samverkan_exempelby/scenarios: gates no scenario expects a finding of: " \
           "exempelby.iop.consultation" in result.stderr


def test_check_imports_the_python_the_data_names(new: Path):
    python = new / "src" / "samverkan_exempelby" / "data" / "python.toml"
    python.write_text(python.read_text() + '\n[notifications]\nrender = "samverkan_exempelby.notify:for_event"\n')
    result = plugin("check", str(new))
    assert result.exit_code == 1
    assert "python.toml" in result.stderr and "notifications.render: cannot load " \
        "'samverkan_exempelby.notify:for_event': ModuleNotFoundError" in result.stderr
    assert plugin("check", "--no-python", str(new)).exit_code == 0


def test_check_knows_the_workspace_plugins():
    for key in ("stockholm", "linkoping"):
        result = check_plugin(ROOT / "plugins" / key)
        assert result.ok and not result.warnings, (key, result.errors, result.warnings)
        assert declaration(result)[0].startswith(f"{key}: ")


def test_new_refuses_a_bad_key_and_an_occupied_folder(tmp_path: Path):
    for key in ("Exempelby", "9by", "tui", "x"):
        result = plugin("new", key, "--name", "X", "--dir", str(tmp_path / key))
        assert result.exit_code == 1 and "cannot be a municipality key" in result.stderr, key
        assert not (tmp_path / key).exists()
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "README.md").write_text("mine")
    result = plugin("new", "exempelby", "--name", "X", "--dir", str(tmp_path / "taken"))
    assert result.exit_code == 1 and "exists and is not empty" in result.stderr
    assert (tmp_path / "taken" / "README.md").read_text() == "mine"


def test_inside_a_workspace_the_core_comes_from_the_workspace(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["core"]\n')
    result = plugin("new", "exempelby", "--name", "Exempelby kommun", "--dir", str(tmp_path / "plugins" / "exempelby"))
    assert result.exit_code == 0, result.output
    project = (tmp_path / "plugins" / "exempelby" / "pyproject.toml").read_text()
    assert project.endswith("[tool.uv.sources]\nsamverkan = { workspace = true }\n")
    assert "workspace: [tool.uv.workspace] members: add 'plugins/exempelby'" in result.stdout
    assert (tmp_path / "pyproject.toml").read_text() == '[tool.uv.workspace]\nmembers = ["core"]\n'


def test_the_documentation_describes_every_scenario_table_and_key():
    doc = (ROOT / "docs" / "writing-a-plugin.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Scenario files"):]
    section = section[:section.index("\n## ", 3)]
    for part in scenario_format.TABLES.values():
        head = f"`[[{part.name}]]`" if part.many else f"`[{part.name}]`"
        assert head in section, f"{head} is not documented"
        for name in part.keys:
            assert f"| `{name}` |" in section, f"{part.name}.{name} is not documented"
    for name in scenario_format.FINDING_KEYS:
        assert f"| `{name}` |" in section
