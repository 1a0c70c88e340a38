"""Someone without an account gets nothing: every command and every use case refuses, audited.

Once users exist, a person who is not one of them reads nothing and changes nothing.
The commands are enumerated from the click group (plugin commands included), so a new
command is covered the day it is added: it needs a row in :data:`COMMAND_ARGS` or the
test fails. Likewise every public method of :class:`Services` must declare its
permission with ``@use_case``, and every use case is called as a stranger.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import tomli_w
from click.testing import CliRunner, Result

from samverkan.cli import make_cli
from samverkan.domain.errors import PermissionDenied
from samverkan.runtime.config import os_user
from samverkan.services import Permission, Services
from samverkan.store import Store

STRANGER = "stranger"

# -- the command line ------------------------------------------------------------------------

#: Commands that by nature touch no database, so there is nothing to refuse:
EXEMPT = {
    # lists the installed plugins and their documents (public, from the installation)
    ("plugins",): "reads only the installed plugins",
    # prints a municipality's published rules from its plugin, never opens a database
    ("rules", "show"): "reads only a plugin's published rules",
    # compares two plugins' published rules, never opens a database
    ("rules", "compare"): "reads only two plugins' published rules",
    # the plugin author's tools: write a new plugin's files, read a plugin's files, run a
    # plugin's contract and scenarios on throwaway databases of their own
    ("plugin", "new"): "writes a new plugin's files, opens no database",
    ("plugin", "check"): "reads a plugin's files, opens no database",
    ("plugin", "test"): "runs an installed plugin on throwaway databases, never the configured one",
}

#: Valid-looking arguments for every command that opens the database ({tmp}, {manifest},
#: {import_file} and {orgnr} are filled in). A command missing here fails the test.
COMMAND_ARGS: dict[tuple[str, ...], list[str]] = {
    ("admin", "user", "add"): ["zed", "--role", "officer", "--key", "{key}", "--keys-file", "{tmp}/ak"],
    ("admin", "user", "list"): ["--json"],
    ("admin", "user", "remove"): ["eva", "--keys-file", "{tmp}/ak"],
    ("audit", "key", "new"): ["{tmp}/stranger-audit.key"],
    ("audit", "log"): ["--limit", "5"],
    ("audit", "publish"): ["--to", "revisorer@example.org"],
    ("audit", "verify"): ["--manifest", "{manifest}"],
    ("backup",): ["{tmp}/stranger-backup.db"],
    ("collab", "add"): ["Läxhjälp", "--form", "informal", "--org", "1"],
    ("collab", "advance"): ["1", "--to", "preparation"],
    ("collab", "agree"): ["1", "--signed", "2026-10-20", "--start", "2026-11-01", "--end", "2027-10-31",
                          "--section", "goals=Mål"],
    ("collab", "answer"): ["1", "national.competence", "met", "--note", "Prövat."],
    ("collab", "check"): ["1", "--to", "decided"],
    ("collab", "checklist"): ["1"],
    ("collab", "conflict"): ["--collab", "1", "--reason", "Styrelseledamot"],
    ("collab", "contributions"): ["1", "--item", "Kommunen:money:1000:municipality"],
    ("collab", "contribution", "add"): ["1", "--party", "kommunen", "--category", "money", "--amount", "1000"],
    ("collab", "contribution", "edit"): ["1", "1", "--amount", "2000"],
    ("collab", "contribution", "remove"): ["1", "1"],
    ("collab", "edit"): ["1", "--participants", "8 deltagare"],
    ("collab", "attach"): ["1", "--kind", "minutes", "--reference", "KS 1"],
    ("collab", "documents"): ["1"],
    ("collab", "document"): ["1", "1", "-o", "{tmp}/ut.pdf"],
    ("collab", "decide"): ["1", "--outcome", "start", "--motivation", "Behov finns."],
    ("collab", "end"): ["1", "--reason", "Klart"],
    ("collab", "export"): ["--format", "json"],
    ("collab", "follow-up"): ["1", "--summary", "Uppföljning", "--evaluation", '{"participants": 3}'],
    ("collab", "list"): ["--json"],
    ("collab", "overdue"): [],
    ("collab", "record"): ["1", "consultation", "--field", "topic=Läxhjälp", "--field", "advice=Ja"],
    ("collab", "show"): ["1"],
    ("collab", "report"): ["1", "-o", "{tmp}/beslutsunderlag.pdf"],
    ("collab", "guide"): ["--answer", "market=yes"],
    ("demo",): ["--municipality", "stockholm", "--force"],
    ("init",): ["--municipality", "stockholm"],
    ("org", "add"): ["Ny förening", "--orgnr", "{orgnr}"],
    ("org", "contact", "add"): ["1", "--name", "Bo Berg", "--email", "bo@example.se"],
    ("org", "contact", "edit"): ["1", "--role", "ordförande"],
    ("org", "contact", "list"): ["1", "--format", "json"],
    ("org", "contact", "remove"): ["1"],
    ("org", "export"): ["-o", "{tmp}/stranger-orgs.csv"],
    ("org", "import"): ["{import_file}"],
    ("org", "list"): [],
    ("org", "show"): ["1"],
    ("outbox", "list"): ["--pending"],
    ("privacy", "extract"): ["Eva", "--also", "eva@example.org"],
    ("privacy", "erase"): ["Eva", "--dry-run"],
    ("privacy", "cull"): ["--dry-run"],
    ("outbox", "send"): [],
    ("outbox", "retry"): [],
    ("worker",): ["--once"],
    ("report",): ["overdue-follow-ups", "--format", "json"],
    ("restore",): ["{tmp}/admin-backup.db"],
}


def leaf_commands() -> Iterator[tuple[str, ...]]:
    """Every runnable command path of the group, walking subgroups recursively."""
    def walk(cmd: click.Command, path: tuple[str, ...], parent: click.Context | None):
        if isinstance(cmd, click.Group):
            ctx = click.Context(cmd, info_name=path[-1] if path else "samverkan", parent=parent)
            for name in cmd.list_commands(ctx):
                yield from walk(cmd.get_command(ctx, name), (*path, name), ctx)
        else:
            yield path

    yield from walk(make_cli(), (), None)


def invoke(db: Path, args: list[str], user: str | None = None) -> Result:
    """Run the real click group in-process; ``user`` is the OS user name it sees."""
    env = {"SAMVERKAN_LANG": "en"}
    if user:  # getpass.getuser() reads LOGNAME, then USER
        env.update(LOGNAME=user, USER=user, LNAME=user, USERNAME=user)
    return CliRunner().invoke(make_cli(), ["--db", str(db), *args], env=env, catch_exceptions=False)


@pytest.fixture
def office(tmp_path: Path, registry, orgnr) -> dict[str, Any]:
    """A Stockholm database set up from the CLI: the installer (admin) and eva (officer),
    one organisation, one collaboration with a notification, a backup with its manifest."""
    db = tmp_path / "office.db"
    for args in (["init", "--municipality", "stockholm"],
                 ["admin", "user", "add", "eva", "--role", "officer"],
                 ["org", "add", "Förening", "--orgnr", orgnr(1), "--contact", "Anna Svensson, anna@example.se"],
                 ["collab", "add", "Samverkan", "--form", "informal", "--org", "1"],
                 ["backup", str(tmp_path / "admin-backup.db")]):
        done = invoke(db, args)
        assert done.exit_code == 0, (args, done.output)
    key = tmp_path / "zed.pub"
    key.write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7aS0X4h4Z3pWl3Y2Q0Zk5uYk1QYzZqT0lqbVlWd3 zed@test\n")
    import_file = tmp_path / "orgs.csv"
    import_file.write_text(f"name,orgnr\nImporterad förening,{orgnr(3)}\n", encoding="utf-8")
    return {"db": db, "tmp": str(tmp_path), "manifest": str(tmp_path / "admin-backup.db.manifest.json"),
            "import_file": str(import_file), "orgnr": orgnr(2), "key": str(key)}


def test_every_command_has_arguments_or_an_exemption():
    commands = set(leaf_commands())
    assert len(commands) > 20, commands  # the walk found the subcommands
    missing = sorted(commands - set(COMMAND_ARGS) - set(EXEMPT))
    assert not missing, f"commands without a row in COMMAND_ARGS (or a reasoned EXEMPT entry): {missing}"
    stale = sorted((set(COMMAND_ARGS) | set(EXEMPT)) - commands)
    assert not stale, f"rows for commands that no longer exist: {stale}"
    assert not set(COMMAND_ARGS) & set(EXEMPT)


def test_every_command_refuses_someone_without_an_account_before_printing(office):
    db = office["db"]
    store = Store.open(db)
    problems = []
    try:
        for path in sorted(set(leaf_commands()) - set(EXEMPT)):
            args = [_fill(a, office) for a in COMMAND_ARGS[path]]
            before = store.count_events()
            result = invoke(db, [*path, *args], user=STRANGER)
            name = " ".join(path)
            if result.exit_code != 1:
                problems.append(f"{name}: exit {result.exit_code} (expected 1): {result.output!r}")
            if result.stdout:
                problems.append(f"{name}: printed on stdout before refusing: {result.stdout!r}")
            if "stranger is not a registered user" not in result.stderr:
                problems.append(f"{name}: not refused for the missing account: {result.stderr!r}")
            new = store.events(limit=10, newest_first=False, offset=before)
            if [(e.action, e.actor) for e in new] != [("permission.refused", STRANGER)]:
                problems.append(f"{name}: expected one audited refusal by {STRANGER}, "
                                f"got {[(e.action, e.actor) for e in new]}")
    finally:
        store.close()
    assert not Path(office["tmp"], "stranger-backup.db").exists()
    assert not Path(office["tmp"], "stranger-orgs.csv").exists()
    assert not Path(office["tmp"], "ak").exists()
    assert not Path(office["tmp"], "stranger-audit.key").exists()  # refused before the key is made
    assert not problems, "\n".join(problems)


def test_files_named_on_the_command_line_are_not_read_for_someone_without_an_account(office, tmp_path):
    """The refusal comes first: a stranger learns nothing about a file through its error."""
    junk = tmp_path / "junk"
    junk.write_text("not a key, not a manifest\n")
    for args in (["admin", "user", "add", "zed", "--role", "officer", "--key", str(junk)],
                 ["audit", "verify", "--manifest", str(junk)],
                 ["org", "import", str(junk)]):
        result = invoke(office["db"], args, user=STRANGER)
        assert result.exit_code == 1 and not result.stdout, (args, result.output)
        assert "stranger is not a registered user" in result.stderr, (args, result.stderr)


def test_the_service_accounts_user_option_is_refused_the_same_way(office, isolated_config):
    """Over SSH the forced command passes --user NAME; a name without an account reads nothing."""
    config = isolated_config / "config.toml"
    config.write_text(tomli_w.dumps({"service_account": os_user(), "database": str(office["db"])}))
    result = invoke(office["db"], ["--user", "ghost", "collab", "show", "1"])
    assert result.exit_code == 1 and not result.stdout
    assert "ghost is not a registered user" in result.stderr
    store = Store.open(office["db"])
    try:
        refusal = store.events(limit=1)[0]
    finally:
        store.close()
    assert (refusal.action, refusal.actor, refusal.after["action"]) == ("permission.refused", "ghost", "read")


# -- the services ------------------------------------------------------------------------------

#: Public methods of Services that are not use cases, and why that is safe.
NOT_USE_CASES = {
    # the permission check itself (use cases call it; the CLI asks it up front where a
    # command must refuse before it reads a file or its configuration)
    "authorize": "the permission check",
    # runs the gates on a GateContext the caller already holds; reads nothing
    "evaluate": "pure: judges a context the caller already holds",
    # reads the state through the `state` use case, so it is refused like a read
    "context": "reads through the `state` use case (checked below)",
    # the installed plugins' published data, like `samverkan plugins` and `rules compare`
    "installed_municipalities": "the installed plugins, no database",
    "compare_municipalities": "two plugins' published rules, no database",
}


def public_methods() -> dict[str, Any]:
    out = {}
    for name in dir(Services):
        if name.startswith("_"):
            continue
        raw = inspect.getattr_static(Services, name)
        if isinstance(raw, (property, classmethod, staticmethod)) or not callable(raw):
            continue
        out[name] = getattr(Services, name)
    return out


def test_every_public_service_method_declares_its_permission():
    undeclared = sorted(name for name, fn in public_methods().items()
                        if not isinstance(getattr(fn, "permission", None), Permission)
                        and name not in NOT_USE_CASES)
    assert not undeclared, f"public Services methods without @use_case (or a reasoned exemption): {undeclared}"
    stale = sorted(name for name in NOT_USE_CASES
                   if name not in public_methods() or hasattr(public_methods()[name], "permission"))
    assert not stale, f"NOT_USE_CASES names that are gone or are use cases now: {stale}"


#: Arguments for every use case: (args, kwargs). A use case missing here fails the test.
USE_CASE_ARGS: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    # reads
    "allowed_actions": ((1,), {}),
    "parties": ((1,), {}),
    "documents": ((1,), {}),
    "document_file": ((1, 1), {}),
    "verify_documents": ((), {}),
    "check": ((1, "decided"), {}),
    "check_history": ((1,), {}),
    "checklist": ((1,), {}),
    "collaboration": ((1,), {}),
    "collaborations": ((), {}),
    "count_collaborations": ((), {}),
    "count_organisations": ((), {}),
    "detail": ((1,), {}),
    "events": ((), {"limit": 5}),
    "export_collaborations": ((), {}),
    "export_organisations": ((), {}),
    "form_offer": (("informal",), {}),
    "form_rules": (("informal",), {}),
    "is_empty": ((), {}),
    "municipality": ((), {}),
    "offered_forms": ((), {}),
    "organisation": ((1,), {}),
    "organisations": ((), {}),
    "contacts": ((1,), {}),
    "contact": ((1,), {}),
    "outbox": ((), {"pending_only": True}),
    "outbox_attempts": ((1,), {}),
    "overdue": ((), {}),
    "report": (("overdue-follow-ups",), {}),
    "reports": ((), {}),
    "collaboration_record": ((1,), {}),
    "overview": ((), {}),
    "export_report": (("audit-links", "{tmp}/stranger.xlsx"), {}),
    "export_record": ((1, "{tmp}/stranger.pdf"), {}),
    "export_list": (("organisations", "{tmp}/stranger.xlsx"), {}),
    "form_questions": ((), {}),
    "recommend_form": (({"market": "yes"},), {}),
    "state": ((1,), {}),
    "units": ((), {}),
    "users": ((), {}),
    "verify_audit": ((), {}),
    "head_mac": (("0" * 64,), {}),
    "check_integrity": ((), {}),
    "privacy_extract": (("Eva",), {}),
    "privacy_erase": (("Eva",), {"dry_run": True}),
    "privacy_cull": ((), {"dry_run": True}),
    # writes (and reads of files on the server)
    "add_record": ((1, "consultation", {"topic": "Läxhjälp"}), {}),
    "add_user": (("zed", "reader"), {}),
    "advance": ((1, "preparation"), {}),
    "answer_check": ((1, "national.competence", "met"), {}),
    "backup": (("{tmp}/stranger.db",), {}),
    "anchor_chain": ((), {}),
    "publish_audit_head": (("revisorer@example.org",), {}),
    "decide": ((1, "start", "Motivering"), {}),
    "declare_conflict": (("Styrelseledamot",), {"collaboration_id": 1}),
    "deliver_outbox": (({"host": "localhost"},), {}),
    "retry_outbox": ((), {}),
    "queue_reminders": ((), {}),
    "end": ((1, "Klart"), {}),
    "import_organisations": (([{"name": "Importerad", "orgnr": "{orgnr}"}],), {}),
    "load_demo": (("stockholm",), {"force": True}),
    "read_import_file": (("{tmp}/orgs.csv",), {}),
    "record_agreement": ((1,), {"signed_on": "2026-10-20", "start": "2026-11-01", "end": "2027-10-31"}),
    "record_follow_up": ((1, "Uppföljning"), {}),
    "register_initiative": (("Läxhjälp", "informal", [1]), {}),
    "register_organisation": (("Ny förening", "{orgnr}"), {}),
    "remove_user": (("eva",), {}),
    "restore": (("{tmp}/stranger.db", {"events": 1, "head": "0" * 64}), {}),
    "set_contributions": ((1, [{"party": "Kommunen", "category": "money", "amount": 1000}]), {}),
    "add_contribution": ((1, "kommunen", "money", 1000), {}),
    "update_contribution": ((1, 1), {"amount": 1000}),
    "remove_contribution": ((1, 1), {}),
    "attach_document": ((1, "minutes", "Protokoll"), {"reference": "KS 1"}),
    "set_municipality": (("stockholm",), {}),
    "update_collaboration": ((1, 1), {"purpose": "Ändrat"}),
    "update_organisation": ((1, 1), {"legal_form": "stiftelse"}),
    "add_contact": ((1, "Bo Berg"), {"email": "bo@example.se"}),
    "update_contact": ((1,), {"role": "ordförande"}),
    "remove_contact": ((1,), {}),
}


def _fill(value: Any, values: dict[str, Any]) -> Any:
    """``value`` with each ``{name}`` of ``values`` filled in (in nested lists and dicts too)."""
    if isinstance(value, str):
        for name, text in values.items():
            value = value.replace("{" + name + "}", str(text))
        return value
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    return value


@pytest.fixture
def services_office(make_services, orgnr, tmp_path):
    admin = make_services("stockholm", user="root")
    admin.add_user("root", "admin,officer,manager")
    admin.add_user("eva", "officer")
    admin.register_organisation("Förening", orgnr(1), contact="Anna Svensson, anna@example.se")
    admin.register_initiative("Samverkan", "informal", [1])
    (tmp_path / "orgs.csv").write_text(f"name,orgnr\nImporterad,{orgnr(3)}\n", encoding="utf-8")
    return admin, make_services("stockholm", user=STRANGER)


def test_every_use_case_refuses_someone_without_an_account(services_office, tmp_path, orgnr):
    admin, stranger = services_office
    use_cases = {name for name, fn in public_methods().items() if hasattr(fn, "permission")}
    missing = sorted(use_cases - set(USE_CASE_ARGS))
    assert not missing, f"use cases without a row in USE_CASE_ARGS: {missing}"
    assert not set(USE_CASE_ARGS) - use_cases, "rows for use cases that no longer exist"
    values = {"tmp": str(tmp_path), "orgnr": orgnr(2)}
    problems = []
    for name in sorted(use_cases):
        permission: Permission = getattr(Services, name).permission
        args, kwargs = _fill(USE_CASE_ARGS[name], values)
        expected = permission.resolve(args[1:] if permission.on == "collaboration" else args, kwargs)
        before = admin.store.count_events()
        try:
            result = getattr(stranger, name)(*args, **kwargs)
            if inspect.isgenerator(result) or isinstance(result, Iterator):
                list(result)  # an export refuses when called, not when read; read it to be sure
            problems.append(f"{name}: not refused")
            continue
        except PermissionDenied as exc:
            if "stranger is not a registered user" not in str(exc):
                problems.append(f"{name}: refused for another reason: {exc}")
        new = admin.store.events(limit=10, newest_first=False, offset=before)
        got = [(e.action, e.actor, (e.after or {}).get("action")) for e in new]
        if got != [("permission.refused", STRANGER, expected)]:
            problems.append(f"{name}: expected one audited refusal of {expected!r}, got {got}")
    assert not problems, "\n".join(problems)
    assert not (tmp_path / "stranger.db").exists()


def test_context_refuses_through_the_state_use_case(services_office):
    _, stranger = services_office
    with pytest.raises(PermissionDenied, match="stranger is not a registered user"):
        stranger.context(1, "preparation")


def test_refusals_are_kept_in_the_chain(services_office):
    admin, stranger = services_office
    with pytest.raises(PermissionDenied):
        stranger.collaborations()
    assert admin.verify_audit().ok
    event = admin.events(limit=1)[0]
    assert event.actor == STRANGER and json.loads(json.dumps(event.after))["action"] == "read"
