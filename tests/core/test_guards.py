"""Guards that keep the plugin contract, its docs and its tests in step (datasette-style),
and the layering of the workspace (import-linter, no Textual on the core's import path)."""

from __future__ import annotations

import ast
import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest

from samverkan.plugin import hookspecs

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "writing-a-plugin.md"


def hooks() -> dict[str, object]:
    return {name: f for name, f in vars(hookspecs).items() if hasattr(f, "samverkan_spec")}


def signature(name: str) -> str:
    """``name(param, param)``: how the docs head each hook."""
    return f"{name}({', '.join(inspect.signature(hooks()[name]).parameters)})"


def test_there_are_hooks_to_guard():
    assert {"municipality", "register_checks", "register_gates", "lifecycle_event"} <= set(hooks())


@pytest.mark.parametrize("name", sorted(hooks()))
def test_every_hook_is_documented_with_its_signature(name):
    text = DOC.read_text(encoding="utf-8")
    assert f"### `{signature(name)}`" in text, f"docs/writing-a-plugin.md has no heading for {signature(name)}"


@pytest.mark.parametrize("name", sorted(hooks()))
def test_every_hook_spec_documents_its_parameters(name):
    doc = inspect.getdoc(hooks()[name]) or ""
    for param in inspect.signature(hooks()[name]).parameters:
        assert f":param {param}:" in doc, f"{name} does not document {param}"
    returns = inspect.signature(hooks()[name]).return_annotation
    if returns not in ("None", None):
        assert ":returns:" in doc, f"{name} does not say what it returns"
    if hooks()[name].samverkan_spec["firstresult"]:
        assert "Stops at first non-None result" in doc


def _test_names() -> set[str]:
    names = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    return names


@pytest.mark.parametrize("name", sorted(hooks()))
def test_every_hook_has_a_test(name):
    assert f"test_hook_{name}" in _test_names(), f"no test_hook_{name} anywhere in tests/"


def test_import_linter_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    for contract in ("No import circles between core modules, at any depth KEPT",
                     "The TUI and the plugins stay off the store KEPT",
                     "Core and municipality plugins never import Textual or the TUI KEPT",
                     "Only core's store talks to SQLite KEPT",
                     "Core does not depend on any municipality KEPT"):
        assert contract in result.stdout
    assert "0 broken" in result.stdout


def test_every_core_layer_but_the_store_is_kept_off_sqlite():
    """The layers contract places every top-level core module (it is exhaustive); each
    layer but the store must also be a source of the SQLite contract."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = {c["name"]: c for c in config["tool"]["importlinter"]["contracts"]}
    [layers] = [c for c in contracts.values() if c["type"] == "layers"]
    assert layers["exhaustive"] is True and layers["containers"] == ["samverkan"]
    placed = {name.strip() for layer in layers["layers"] for name in layer.split("|")}
    core = ROOT / "core" / "src" / "samverkan"
    modules = {p.stem for p in core.glob("*.py") if p.stem != "__init__"}
    modules |= {p.name for p in core.iterdir() if (p / "__init__.py").exists()}
    assert modules == placed, "every top-level core module belongs to exactly one layer"
    sqlite = set(contracts["Only core's store talks to SQLite"]["source_modules"])
    missing = sorted(f"samverkan.{m}" for m in placed - {"store", "__main__"} if f"samverkan.{m}" not in sqlite)
    assert not missing, f"add {missing} to the SQLite contract in pyproject.toml"


def test_the_core_plugins_and_the_tui_package_import_no_textual():
    code = (
        "import sys\n"
        "import samverkan, samverkan.cli, samverkan.services, samverkan_stockholm.plugin, "
        "samverkan_linkoping.plugin, samverkan_tui, samverkan_tui.plugin\n"
        "from samverkan.cli import make_cli\n"
        "make_cli()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "SAMVERKAN_LOAD_PLUGINS"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_importing_the_package_root_stays_cheap():
    code = "import sys, samverkan\nprint(sorted(m for m in ('click', 'sqlite_utils', 'pluggy', 'samverkan.services') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['pluggy']"


def installed_municipality_packages() -> list[str]:
    """The top-level packages of every municipality plugin installed through the
    ``samverkan`` entry-point group (whatever the root pyproject.toml lists)."""
    from samverkan.testing.pytest_plugin import installed_municipalities
    from samverkan.testing.scenarios import plugin_package

    return sorted({p for p in map(plugin_package, installed_municipalities()) if p})


def run_generated_contracts(packages: list[str], folder: Path, env: dict[str, str] | None = None):
    """lint-imports on contracts generated for ``packages`` (samverkan.testing.contract)."""
    from samverkan.testing.contract import importlinter_config

    config = folder / "importlinter.toml"
    config.write_text(importlinter_config(packages), encoding="utf-8")
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(lint), "--config", str(config), "--no-cache"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=env)


def test_every_installed_municipality_keeps_off_sqlite_the_store_and_textual(tmp_path):
    """The root configuration names Stockholm and Linköping; a municipality installed
    later is held to the same contracts without editing it: they are generated for
    every installed ``samverkan`` entry point that speaks for a municipality."""
    packages = installed_municipality_packages()
    assert {"samverkan_stockholm", "samverkan_linkoping"} <= set(packages)
    assert "samverkan_tui" not in packages  # an interface, not a municipality
    result = run_generated_contracts(packages, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout and "4 kept" in result.stdout
