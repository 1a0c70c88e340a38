"""Plugins through the real entry-point mechanism: broken ones reported, a third municipality usable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from corekit import install_distribution, install_testby, orgnr

from samverkan.plugin.manager import PluginProblem, get_plugin_manager, reset_plugin_manager

RAISETOWN = '''
from samverkan import hookimpl
from samverkan.domain.model import Source
from samverkan.domain.rules import FormOffer, Municipality


@hookimpl
def municipality():
    return Municipality("raisetown", "Raisetown kommun", "Kommunstyrelsen")


@hookimpl
def register_forms(register):
    register(FormOffer("informal", "Informell samverkan", "Utan avtal", Source("Riktlinjer")))


@hookimpl
def register_checks(register):
    raise RuntimeError("checklist file missing")


@hookimpl
def register_gates(register):
    register("not a gate")
'''

FAILS_ON_IMPORT = '''
import samverkan_no_such_dependency  # noqa: F401
'''

WRONG_KEY = '''
from samverkan import hookimpl
from samverkan.domain.rules import Municipality


@hookimpl
def municipality():
    return Municipality("wrongville", "Fel kommun", "KS")
'''

IDENTITY_RAISES = '''
from samverkan import hookimpl


@hookimpl
def municipality():
    raise ValueError("no documents configured")
'''

ALWAYS_ON_RAISES = '''
from samverkan import hookimpl


@hookimpl
def register_checks(register):
    raise OSError("shared checklist server unreachable")
'''


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A site directory on sys.path holding throwaway distributions; the registry reloads."""
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    names_before = set(sys.modules)
    reset_plugin_manager()
    yield root
    reset_plugin_manager()
    for name in set(sys.modules) - names_before:
        if name.startswith("sv_throwaway_"):
            del sys.modules[name]


def install_broken(site: Path) -> None:
    install_distribution(site, "samverkan-raisetown", "0.1.0", {"raisetown": "sv_throwaway_raisetown"},
                         {"sv_throwaway_raisetown.py": RAISETOWN})
    install_distribution(site, "samverkan-failbox", "0.0.1", {"failbox": "sv_throwaway_failbox"},
                         {"sv_throwaway_failbox.py": FAILS_ON_IMPORT})
    install_distribution(site, "samverkan-misnamed", "1.0", {"misnamed": "sv_throwaway_misnamed"},
                         {"sv_throwaway_misnamed.py": WRONG_KEY})
    install_distribution(site, "samverkan-noid", "2.0", {"noid": "sv_throwaway_noid"},
                         {"sv_throwaway_noid.py": IDENTITY_RAISES})


def test_a_plugin_raising_in_a_hook_is_reported_and_the_others_keep_working(site):
    install_broken(site)
    registry = get_plugin_manager()
    assert set(registry.municipalities()) >= {"raisetown", "stockholm", "linkoping"}
    view = registry.view("raisetown")
    checks = view.checks()
    assert checks and all(c.id.startswith("national.") for c in checks)  # the built-in rules still answer
    assert [f.form for f in view.forms()] == ["informal"]
    assert view.gates()  # the core gates are still there
    problems = {(p.plugin, p.hook): p.error for p in registry.problems}
    assert problems[("raisetown", "register_checks")].startswith("RuntimeError: checklist file missing (sv_throwaway_raisetown.py:")
    assert "register_gates registered 'not a gate'" in problems[("raisetown", "register_gates")]
    stockholm = registry.view("stockholm")
    assert stockholm.forms() and any(c.id.startswith("national.") for c in stockholm.checks())
    assert not [p for p in registry.problems if p.plugin in ("stockholm", "linkoping")]


def test_plugins_lists_failures_by_name_with_their_error(site, cli):
    install_broken(site)
    result = cli("plugins", db_path=None)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any(line.startswith("stockholm\tStockholms stad\t") and line.endswith("\tok") for line in lines)
    assert any(line.startswith("linkoping\tLinköpings kommun\t") and line.endswith("\tok") for line in lines)
    assert "raisetown\tRaisetown kommun\t0.1.0\tok" in lines
    failbox = next(line for line in lines if line.startswith("failbox\t"))
    assert failbox.startswith("failbox\t-\t0.0.1\terror: ModuleNotFoundError: No module named 'samverkan_no_such_dependency'")
    misnamed = next(line for line in lines if line.startswith("misnamed\t"))
    assert "error: ValueError: municipality key 'wrongville' differs from plugin name 'misnamed'" in misnamed
    assert next(line for line in lines if line.startswith("noid\t")).startswith(
        "noid\t-\t2.0\terror: ValueError: no documents configured (sv_throwaway_noid.py:")
    assert "warning: plugin raisetown failed in register_checks: RuntimeError: checklist file missing" in result.stderr
    assert "warning: plugin raisetown failed in register_gates:" in result.stderr


def test_plugins_json_reports_the_same(site, cli):
    install_broken(site)
    import json

    rows = {r["key"]: r for r in json.loads(cli("plugins", "--json", db_path=None).stdout)}
    assert rows["stockholm"]["status"] == "ok" and rows["stockholm"]["documents"]
    assert rows["failbox"]["status"].startswith("error: ModuleNotFoundError")
    assert rows["failbox"]["version"] == "0.0.1"


def test_an_always_on_plugin_that_raises_does_not_take_the_municipalities_down(site, monkeypatch):
    install_distribution(site, "samverkan-shared", "0.1", {"shared": "sv_throwaway_shared"},
                         {"sv_throwaway_shared.py": ALWAYS_ON_RAISES})
    install_testby(site)
    monkeypatch.setenv("SAMVERKAN_LOAD_PLUGINS", "shared,testby")
    registry = get_plugin_manager()
    assert list(registry.municipalities()) == ["testby"]
    ids = {c.id for c in registry.view("testby").checks()}
    assert "testby.iop.no_market" in ids and "national.competence" in ids
    assert registry.problems == [PluginProblem(
        "shared", "register_checks", registry.problems[0].error)]
    assert registry.problems[0].error.startswith("OSError: shared checklist server unreachable")


def test_load_plugins_restricts_which_entry_points_load(site, monkeypatch):
    install_broken(site)
    monkeypatch.setenv("SAMVERKAN_LOAD_PLUGINS", "stockholm")
    registry = get_plugin_manager()
    assert list(registry.statuses) == ["stockholm"]
    from samverkan.domain.errors import SamverkanError

    with pytest.raises(SamverkanError, match=r"no municipality plugin 'linkoping' is installed \(installed: stockholm\)"):
        registry.view("linkoping")


MISSPELT_HOOK = '''
from samverkan import hookimpl
from samverkan.domain.model import CheckItem, Source
from samverkan.domain.rules import FormOffer, Municipality


@hookimpl
def municipality():
    return Municipality("typotown", "Typotown kommun", "Kommunstyrelsen")


@hookimpl
def register_forms(register):
    register(FormOffer("informal", "Informell samverkan", "Utan avtal", Source("Riktlinjer")))


@hookimpl
def register_check(register):  # misspelt: the hook is register_checks
    register(CheckItem("typotown.remit", "Ryms i nämndens ansvar", Source("Riktlinjer")))
'''


def test_a_misspelt_hook_is_reported_by_name_and_the_others_still_load(site, cli):
    install_distribution(site, "samverkan-typotown", "0.1.0", {"typotown": "sv_throwaway_typotown"},
                         {"sv_throwaway_typotown.py": MISSPELT_HOOK})
    install_testby(site)
    result = cli("plugins", db_path=None)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    typo = [line for line in lines if line.startswith("typotown\t")]
    assert len(typo) == 1, result.stdout
    assert typo[0].startswith("typotown\t-\t0.1.0\terror: implements register_check, which is no samverkan hook")
    for ok in ("stockholm", "linkoping", "testby"):
        assert any(line.startswith(f"{ok}\t") and line.endswith("\tok") for line in lines), (ok, lines)

    registry = get_plugin_manager()  # the same registry `plugins` loaded
    assert "typotown" not in registry.municipalities()
    assert registry.pm.get_plugin("typotown") is None  # unregistered, its hooks never run
    assert {c.id for c in registry.view("testby").checks()} >= {"testby.iop.no_market", "national.competence"}


# -- the plugin author's scenario: a third municipality, installed for real -------------------------


def samverkan(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "samverkan", *args], capture_output=True, text=True,
                          env=env, timeout=60)


def test_a_third_municipality_is_listed_loaded_and_usable(testby_root, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(testby_root)}
    env.pop("SAMVERKAN_LOAD_PLUGINS", None)
    db = str(tmp_path / "testby.db")

    listed = samverkan("plugins", env=env)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert "testby\tTestby kommun\t0.3.0\tok" in lines
    at = lines.index("testby\tTestby kommun\t0.3.0\tok")
    assert lines[at + 1] == "  - Riktlinjer för samverkan med civilsamhället i Testby (KS 2025-17, 2025-03-01)"
    assert any(line.startswith("stockholm\t") for line in lines)

    assert samverkan("--db", db, "init", "--municipality", "testby", env=env).returncode == 0
    assert samverkan("--db", db, "org", "add", "Läxhjälpen", "--orgnr", orgnr(7), env=env).stdout.strip() == "1"
    add = samverkan("--db", db, "collab", "add", "Läxhjälp", "--form", "iop", "--org", orgnr(7),
                    "--initiator", "municipality", env=env)
    assert add.returncode == 0 and add.stdout.strip() == "1"
    grant = samverkan("--db", db, "collab", "add", "Bidrag", "--form", "grant", "--org", "1", env=env)
    assert grant.returncode == 1 and "Föreningsbidrag: föreningsbidrag söks hos fritidsförvaltningen" in grant.stderr
    assert samverkan("--db", db, "collab", "advance", "1", "--to", "preparation", env=env).returncode == 0
    check = samverkan("--db", db, "collab", "check", "1", "--to", "decided", env=env)
    assert check.returncode == 1
    assert "testby.iop.initiator" in check.stdout and "testby.iop.no_market" in check.stdout
    refused = samverkan("--db", db, "collab", "advance", "1", "--to", "decided", env=env)
    assert refused.returncode == 1
    assert "[BLOCKING] testby.iop.initiator: Ett IOP ska initieras av organisationen" in refused.stderr
    rules = samverkan("rules", "show", "testby", env=env)
    assert "testby.initiative (rule: initiative) [iop]" in rules.stdout
    assert samverkan("--db", db, "audit", "verify", env=env).returncode == 0


def test_a_third_municipality_goes_all_the_way_through_the_cli(cli, testby):
    assert cli("init", "--municipality", "testby").exit_code == 0
    cli("org", "add", "Scoutkåren", "--orgnr", orgnr(2))
    cid = cli("collab", "add", "Läger", "--form", "iop", "--org", "1").output.strip()
    assert cli("collab", "advance", cid, "--to", "preparation").exit_code == 0
    for line in cli("collab", "checklist", cid).output.splitlines()[2:]:
        check_id = line.split()[0]
        assert cli("collab", "answer", cid, check_id, "met", "--note", "Prövat.").exit_code == 0
    decided = cli("collab", "decide", cid, "--outcome", "start", "--motivation", "Behov finns.",
                  "--meeting-date", "2026-01-10", "--paragraph", "§ 4", "--date", "2026-01-12")
    assert decided.exit_code == 0, decided.stderr
    assert cli("collab", "record", cid, "consultation", "--field", "topic=Lägret",
               "--field", "held_on=2026-01-05").exit_code == 0
    # a section the plugin does not declare is refused; a required one missing blocks
    bogus = cli("collab", "agree", cid, "--signed", "2026-01-20", "--start", "2026-02-01",
                "--end", "2026-12-31", "--section", "bogus=x")
    assert bogus.exit_code == 1 and "unknown agreement section(s) bogus" in bogus.stderr
    assert cli("collab", "agree", cid, "--signed", "2026-01-20", "--start", "2026-02-01",
               "--end", "2026-12-31").exit_code == 0
    blocked = cli("collab", "advance", cid, "--to", "agreement")
    assert blocked.exit_code == 1 and "core.agreement.sections" in blocked.stderr and "[goals]" in blocked.stderr
    assert cli("collab", "agree", cid, "--signed", "2026-01-20", "--start", "2026-02-01",
               "--end", "2026-12-31", "--goals", "Tio barn per läger",
               "--section", "termination=Tre månaders uppsägning").exit_code == 0
    assert cli("collab", "advance", cid, "--to", "agreement").exit_code == 0
    assert cli("collab", "advance", cid, "--to", "active").exit_code == 0
    shown = cli("collab", "show", cid).output
    assert "stage: active" in shown and "decision: start" in shown and "(board)" in shown
    assert "samverkan@testby.example" in cli("outbox", "list").output
    assert cli("audit", "verify").exit_code == 0
