"""One test per hook (``test_hook_<name>``), through the registry and a MunicipalityView.

The municipality hooks are exercised with the Testby plugin (tests/core/data/testby), so
they do not depend on the Stockholm and Linköping rule sets; the interface and command
hooks with throwaway always-on plugins.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from corekit import TODAY, drive, install_distribution, new_collab, new_org

from samverkan.domain.errors import NotFound, ValidationError
from samverkan.domain.lifecycle import CORE_GATES
from samverkan.domain.rules import AgreementSection, FollowUpPolicy, RuleText
from samverkan.plugin.manager import get_plugin_manager, reset_plugin_manager
from samverkan.services import add_months


def test_hook_municipality(testby):
    status = testby.statuses["testby"]
    assert (status.ok, status.distribution, status.version) == (True, "samverkan-testby", "0.3.0")
    muni = testby.municipalities()["testby"]
    assert (muni.name, muni.organisation, muni.mailbox) == (
        "Testby kommun", "Kultur- och fritidsnämnden", "samverkan@testby.example")
    assert [d.key for d in muni.documents] == ["riktlinjer", "delegation"]
    assert str(muni.document("riktlinjer").source("avsnitt 4")) == \
        "Riktlinjer för samverkan med civilsamhället i Testby (KS 2025-17, 2025-03-01), avsnitt 4"


def test_hook_register_forms(s):
    view = s.view
    assert [(f.form, f.name, f.offered) for f in view.forms()] == [
        ("informal", "Informell samverkan", True), ("grant", "Föreningsbidrag", False),
        ("procurement", "Upphandling", True), ("iop", "Idéburet offentligt partnerskap (IOP)", True)]
    assert view.form("external") is None
    org = new_org(s)
    with pytest.raises(ValidationError, match="Föreningsbidrag: föreningsbidrag söks hos fritidsförvaltningen"):
        s.register_initiative("Bidrag", "grant", [org.id])
    assert s.detail(new_collab(s, "iop").id)["form_name"] == "Idéburet offentligt partnerskap (IOP)"


def test_hook_register_checks(s):
    iop = {c.id for c in s.view.checks("iop")}
    informal = {c.id for c in s.view.checks("informal")}
    assert {"testby.iop.no_market", "testby.volunteers", "national.state_aid", "national.competence"} <= iop
    assert "testby.iop.no_market" not in informal and "national.competence" in informal
    item = next(c for c in s.view.checks() if c.id == "testby.iop.no_market")
    assert item.needs_note and item.forms == ("iop",) and str(item.source).endswith("avsnitt 4.2")
    c = new_collab(s, "iop")
    with pytest.raises(ValidationError, match="needs a motivation"):
        s.answer_check(c.id, "testby.iop.no_market", "met")
    with pytest.raises(ValidationError, match="not on the checklist for iop"):
        s.answer_check(c.id, "stockholm.anything", "met")
    assert s.answer_check(c.id, "testby.iop.no_market", "met", "Ingen aktör erbjuder detta.").answered_by == "anna"


def test_hook_register_gates(s):
    gates = s.view.gates()
    assert gates[: len(CORE_GATES)] == list(CORE_GATES)
    assert [g.id for g in gates[len(CORE_GATES):]] == ["testby.iop.initiator", "testby.iop.consultation"]
    c = drive(s, new_collab(s, "iop", initiator="municipality").id, "preparation")
    [(_, _, findings)] = s.check(c.id, "decided")
    assert "testby.iop.initiator" in {f.rule_id for f in findings}


def test_hook_register_record_kinds(s):
    kind = s.view.record_kinds()["consultation"]
    assert [f.key for f in kind.fields] == ["topic", "held_on", "advice"]
    c = new_collab(s, "iop")
    with pytest.raises(ValidationError, match="Samråd med föreningsrådet: Ämne is required"):
        s.add_record(c.id, "consultation", {"held_on": "2026-11-01"})
    with pytest.raises(ValidationError, match="unknown field"):
        s.add_record(c.id, "consultation", {"topic": "x", "held_on": "2026-11-01", "mood": "glad"})
    with pytest.raises(ValidationError, match="unknown record kind 'prestudy'; this municipality keeps: consultation"):
        s.add_record(c.id, "prestudy", {})
    r = s.add_record(c.id, "consultation", {"topic": "IOP", "held_on": dt.date(2026, 11, 1)})
    assert s.store.records(c.id, "consultation")[0].data == {"topic": "IOP", "held_on": "2026-11-01", "advice": None}
    assert s.events(limit=1)[0].action == "record.consultation" and r.recorded_by == "anna"


def test_hook_decision_authority(s):
    board = s.view.decision_authority("iop")
    assert (board.kind, board.body) == ("board", "Kultur- och fritidsnämnden")
    assert str(board.source) == "Delegationsordning för kultur- och fritidsnämnden (KFN 2025-4), punkt 3.1"
    default = s.view.decision_authority("informal")
    assert (default.kind, default.body) == ("delegation", "enligt kommunens delegationsordning")


def test_hook_agreement_sections(s):
    sections = s.view.agreement_sections("iop")
    assert all(isinstance(x, AgreementSection) for x in sections)
    assert [(x.key, x.required) for x in sections] == [("goals", True), ("termination", False)]
    assert s.view.agreement_sections("procurement") == []


def test_hook_follow_up_policy(s):
    policy = s.view.follow_up_policy("iop")
    assert isinstance(policy, FollowUpPolicy) and policy.interval_months == 6
    assert s.view.follow_up_policy("procurement") is None
    c = drive(s, new_collab(s, "iop").id, "active")
    due = s.store.list_collaborations(_query(c.id))[0]["next_follow_up"]
    assert due == add_months(dt.date(2026, 11, 1), 6).isoformat()  # six months after the agreement start
    f = s.record_follow_up(c.id, "Bra första halvår.", done_on="2027-04-30",
                           evaluation={"volunteer_hours": 120, "staff_hours": 30})
    assert f.evaluation == {"volunteer_hours": 120, "staff_hours": 30, "hours_total": 150}
    assert s.store.follow_ups(c.id)[0].evaluation["hours_total"] == 150
    assert s.store.list_collaborations(_query(c.id))[0]["next_follow_up"] == "2027-10-30"
    assert [r["id"] for r in s.overdue(on=dt.date(2027, 11, 1))] == [c.id]
    assert s.overdue(on=TODAY) == []


def _query(cid):
    from samverkan.domain.query import CollabQuery

    return CollabQuery(stage="active", limit=1)


def test_hook_register_rules(s, cli, testby):
    rules = s.view.rules()
    assert all(isinstance(r, RuleText) for r in rules)
    assert [(r.id, r.topic, r.value) for r in rules] == [
        ("testby.initiative", "initiative", "organisation"), ("testby.follow_up", "follow_up", "half-yearly")]
    shown = cli("rules", "show", "testby", db_path=None).output
    assert "testby.follow_up (rule: follow_up)\n  Ett IOP följs upp var sjätte månad." in shown


def test_hook_register_reports(s, cli, testby):
    drive(s, new_collab(s, "informal").id, "active")
    new_collab(s, "iop")
    table = s.report("by-stage")
    assert table.rows == [{"stage": "active", "count": 1}, {"stage": "initiative", "count": 1}]
    assert table.totals == {"stage": "Summa", "count": 2}
    with pytest.raises(NotFound, match="no report 'nope'; available: by-stage, audit-links, .*"):
        s.report("nope")
    cli("init", "--municipality", "testby")
    out = cli("report", "by-stage", "--format", "csv").output
    assert out.splitlines()[:3] == ["Samverkan per steg", "Steg,Antal", "Summa,0"]


def test_hook_lifecycle_event(s):
    c = new_collab(s, "informal", title="Sommarläger")
    assert s.store.outbox() == []
    drive(s, c.id, "decided")
    assert s.store.outbox() == []  # Testby only reacts to start and end
    drive(s, c.id, "active")
    [row] = s.store.outbox(collab_id=c.id)
    assert (row["recipient"], row["subject"], row["reason"]) == (
        "samverkan@testby.example", "Samverkan har startat: Sommarläger", "transition:active")
    assert row["body"] == f"Samverkan #{c.id} (informal) har startat."
    assert s.events(limit=1)[0].action == "notification.queue"


def test_hook_load_demo(cli, testby, tmp_path):
    result = cli("demo", "--municipality", "testby")
    assert result.exit_code == 0
    assert result.output.strip() == f"demo data for testby: 2 organisations, 1 collaborations in {tmp_path / 'cli.db'}"
    again = cli("demo", "--municipality", "testby")
    assert again.exit_code == 1 and "already holds data" in again.stderr
    import json

    rows = json.loads(cli("collab", "list", "--json").output)
    assert [(r["title"], r["is_example"]) for r in rows] == [("Sommarläger i Testby", 1)]


# -- always-on hooks ------------------------------------------------------------------------------

UI_PLUGIN = '''
from pathlib import Path

from samverkan import hookimpl
from samverkan.domain.rules import Interface


def launch(settings):
    Path(settings.db_path).with_suffix(".launched").write_text(settings.user + " " + settings.lang)
    return 3


@hookimpl
def register_interfaces(register):
    register(Interface("tui", launch))
'''

COMMAND_PLUGIN = '''
import click

from samverkan import hookimpl


@click.command("hello")
@click.argument("name")
def hello(name):
    """Say hello."""
    click.echo(f"hej {name}")


@hookimpl
def register_commands(cli):
    cli.add_command(hello)
'''


@pytest.fixture
def always_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    root = tmp_path / "site"
    install_distribution(root, "samverkan-fake-ui", "0.1", {"fakeui": "sv_throwaway_fakeui"},
                         {"sv_throwaway_fakeui.py": UI_PLUGIN})
    install_distribution(root, "samverkan-hello", "0.1", {"hello": "sv_throwaway_hello"},
                         {"sv_throwaway_hello.py": COMMAND_PLUGIN})
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.setenv("SAMVERKAN_LOAD_PLUGINS", "fakeui,hello")
    reset_plugin_manager()
    yield get_plugin_manager()
    reset_plugin_manager()
    for name in ("sv_throwaway_fakeui", "sv_throwaway_hello"):
        sys.modules.pop(name, None)


def test_hook_register_interfaces(always_on, cli, tmp_path):
    assert set(always_on.interfaces()) == {"tui"}
    assert always_on.municipalities() == {}  # interface plugins are not municipalities
    result = cli("--lang", "en")
    assert result.exit_code == 3
    assert (tmp_path / "cli.launched").read_text().endswith(" en")


def test_hook_register_commands(always_on, cli):
    result = cli("hello", "Testby", db_path=None)
    assert (result.exit_code, result.output) == (0, "hej Testby\n")
    assert "hello" in cli("--help", db_path=None).output
