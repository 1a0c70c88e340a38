"""The plugin of docs/writing-a-plugin.md, installed exactly as the page prints it.

Exempelby is a municipality written only as data (one line of Python: the plugin
object): IOP criteria as declarative gates and mandatory agreement points. Its files are
taken from the page's code blocks, installed through the entry-point mechanism and
walked through the command line, so the page cannot drift from what works.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest
from corekit import install_distribution, orgnr

from samverkan.plugin.datapack import load_pack
from samverkan.plugin.manager import get_plugin_manager, reset_plugin_manager

DOC = Path(__file__).resolve().parents[2] / "docs" / "writing-a-plugin.md"
BLOCK = re.compile(r"```(?:toml|python|text)\n# (samverkan[-_]exempelby/[\w./]+)\n(.*?)```", re.S)


def example_files() -> dict[str, str]:
    """The example's files from the page: path -> text."""
    return {path: text for path, text in BLOCK.findall(DOC.read_text(encoding="utf-8"))}


@pytest.fixture
def exempelby(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Exempelby installed from the page into a site directory on sys.path."""
    files = example_files()
    project = tomllib.loads(files.pop("samverkan-exempelby/pyproject.toml"))["project"]
    site = tmp_path / "site"
    site.mkdir()
    package = tmp_path / "src" / "samverkan_exempelby"
    for path, text in files.items():
        target = package.parent / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    install_distribution(site, project["name"], project["version"],
                         project["entry-points"]["samverkan"], packages={"samverkan_exempelby": package})
    monkeypatch.syspath_prepend(str(site))
    load_pack.cache_clear()
    reset_plugin_manager()
    yield get_plugin_manager()
    reset_plugin_manager()
    load_pack.cache_clear()
    for name in [m for m in sys.modules if m.startswith("samverkan_exempelby")]:
        del sys.modules[name]


def test_the_page_holds_the_whole_plugin():
    files = example_files()
    assert set(files) == {
        "samverkan-exempelby/pyproject.toml", "samverkan_exempelby/__init__.py",
        "samverkan_exempelby/data/municipality.toml", "samverkan_exempelby/data/checklist.toml",
        "samverkan_exempelby/data/rules.toml", "samverkan_exempelby/data/gates.toml",
        "samverkan_exempelby/data/sources/iop.txt"}
    python = [line for line in files["samverkan_exempelby/__init__.py"].splitlines() if line.strip()]
    assert len(python) == 2  # the import and the plugin object
    assert "[[gates]]" in files["samverkan_exempelby/data/gates.toml"]


def test_it_loads_with_everything_it_declares(exempelby):
    status = exempelby.statuses["exempelby"]
    assert status.ok, status.error
    view = exempelby.view("exempelby")
    assert view.municipality.name == "Exempelby kommun"
    assert [f.form for f in view.forms()] == ["informal", "grant", "iop"]
    assert {g.id for g in view.gates()} >= {"exempelby.iop.initiative", "exempelby.iop.consultation"}
    assert view.decision_authority("iop").kind == "board"
    assert {s.key for s in view.agreement_sections("iop") if s.required} == {"goals", "roles", "budget", "follow_up"}
    assert [t.key for t in view.topics()][-1] == "public_benefit"
    exempelby.probe()
    assert exempelby.problems == []
    # no demo, no reports: the plugin implements only what its data declares
    assert not any(i.plugin_name == "exempelby" for i in exempelby.pm.hook.load_demo.get_hookimpls())


def test_an_iop_through_the_cli(exempelby, cli):
    assert cli("init", "--municipality", "exempelby").exit_code == 0
    assert cli("org", "add", "Läxhjälpen", "--orgnr", orgnr(7)).exit_code == 0
    bad = cli("collab", "add", "Läxhjälp", "--form", "iop", "--org", "1", "--initiator", "municipality")
    good = cli("collab", "add", "Läger", "--form", "iop", "--org", "1")
    bad_id, cid = bad.stdout.strip(), good.stdout.strip()
    for collab in (bad_id, cid):
        assert cli("collab", "advance", collab, "--to", "preparation").exit_code == 0
        for line in cli("collab", "checklist", collab).output.splitlines()[2:]:
            assert cli("collab", "answer", collab, line.split()[0], "met", "--note", "Prövat.").exit_code == 0
        cli("collab", "contribution", "add", collab, "--party", "kommunen", "--category", "money",
            "--amount", "100000")
        cli("collab", "contribution", "add", collab, "--party", "Läxhjälpen", "--category", "staff",
            "--amount", "100000")
    decide = ("--outcome", "start", "--motivation", "Behov finns.", "--meeting-date", "2026-01-10",
              "--paragraph", "§ 4", "--date", "2026-01-12")
    refused = cli("collab", "decide", bad_id, *decide)
    assert refused.exit_code == 1
    assert "[BLOCKING] exempelby.iop.initiative: Ett IOP ska initieras av organisationen" in refused.stderr
    assert cli("collab", "decide", cid, *decide).exit_code == 0

    # the agreement's mandatory points: a missing one blocks, naming it and its source
    agree = ("--signed", "2026-01-20", "--start", "2026-02-01", "--end", "2026-12-31")
    sections = {"roles": "Föreningen leder.", "budget": "100 000 kr var.", "follow_up": "Årligen."}
    assert cli("collab", "record", cid, "consultation", "--field", "topic=Lägret",
               "--field", "date=2026-01-05").exit_code == 0
    partial = [a for k, v in sections.items() if k != "roles" for a in ("--section", f"{k}={v}")]
    assert cli("collab", "agree", cid, *agree, "--goals", "Tio barn per läger", *partial).exit_code == 0
    blocked = cli("collab", "advance", cid, "--to", "agreement")
    assert blocked.exit_code == 1
    assert "core.agreement.sections" in blocked.stderr and "[roles]" in blocked.stderr
    full = [a for k, v in sections.items() for a in ("--section", f"{k}={v}")]
    assert cli("collab", "agree", cid, *agree, "--goals", "Tio barn per läger", *full,
               "--section", "termination=Tre månader.").exit_code == 0
    assert cli("collab", "advance", cid, "--to", "agreement").exit_code == 0
    assert cli("audit", "verify").exit_code == 0


def test_its_own_topic_is_compared_as_regulated_by_one_side(exempelby, cli):
    result = cli("rules", "compare", "exempelby", "stockholm", "--format", "json", db_path=None)
    assert result.exit_code == 0, result.output
    import json

    rows = {r["topic"]: r for r in json.loads(result.output)}
    assert list(rows)[-1] == "public_benefit"
    assert rows["public_benefit"]["status"] == "only_a"
    assert rows["public_benefit"]["label"] == "Allmännytta"
    assert rows["initiative"]["status"] == "different"  # organisation vs either
