"""Commands about the installation: plugins, init, demo data, audit and backup."""

from __future__ import annotations

import json
from pathlib import Path

import click

from samverkan.cli.context import AppContext, echo_json, pass_app
from samverkan.domain.errors import SamverkanError, ValidationError
from samverkan.i18n import msg


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def plugins_cmd(as_json: bool) -> None:
    """List installed municipality plugins: key, name, version, ok or error.

    Each plugin's line is followed by its guideline documents, indented.
    """
    from samverkan.plugin.manager import get_plugin_manager

    registry = get_plugin_manager()
    registry.probe()  # a plugin that loads but raises in a hook is warned about below
    rows = []
    for key, status in sorted(registry.statuses.items()):
        if status.ok and status.municipality is None:
            continue  # an always-on extension such as the TUI, not a municipality
        muni = status.municipality
        rows.append({
            "key": key, "name": muni.name if muni else "", "version": status.version,
            "status": "ok" if status.ok else f"error: {status.error}",
            "documents": [
                {"title": d.title, "number": d.number, "date": d.date} for d in (muni.documents if muni else ())
            ],
        })
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("no municipality plugins installed")
    for r in rows:
        click.echo(f"{r['key']}\t{r['name'] or '-'}\t{r['version'] or '-'}\t{r['status']}")
        for d in r["documents"]:
            ref = ", ".join(p for p in (d["number"], d["date"]) if p)
            click.echo(f"  - {d['title']}" + (f" ({ref})" if ref else ""))
    for p in registry.problems:
        click.echo(f"warning: plugin {p.plugin} failed in {p.hook}: {p.error}", err=True)


@click.command("init")
@click.option("--municipality", "-m", required=True, help="Key of an installed municipality plugin.")
@click.option("--set-default", is_flag=True,
              help="Make this database the one a plain `samverkan` opens, replacing the configured one.")
@pass_app
def init_cmd(app: AppContext, municipality: str, set_default: bool) -> None:
    """Create or migrate the database and record the municipality.

    The first database of an installation is recorded in the config file as the one a
    plain `samverkan` (and the SSH forced command) opens. A configured default is never
    replaced silently: initialising another database leaves it as it is and says so,
    unless --set-default is given.
    """
    from samverkan.runtime.config import default_db_path, same_file, write_config

    settings = app.settings
    app.creates = True
    services = app.services
    services.set_municipality(municipality)
    if not services.users():
        # whoever installs becomes the first admin, and can work at once in a small office
        services.add_user(settings.user, "admin,officer,manager")
        click.echo(f"{settings.user} is the first admin (roles: admin, officer, manager)")
    click.echo(f"initialised {settings.db_path} for {municipality}")
    here = settings.db_path.resolve()
    default = settings.pinned_db or default_db_path()
    if same_file(here, default) and settings.pinned_db:
        return  # already the configured default: nothing to write
    if not same_file(here, default) and (settings.pinned_db or default.exists()) and not set_default:
        # another database is the default already: never re-pointed silently
        click.echo(msg("{config} unchanged: a plain `samverkan` still opens {default}; use --db {path} "
                       "for this database, or run init again with --set-default",
                       config=settings.config_path, default=default, path=here))
        return
    config = dict(settings.config)
    config.update({"database": str(here), "municipality": municipality})
    config.setdefault("lang", settings.lang)
    write_config(settings.config_path, config)
    click.echo(f"{settings.config_path}: a plain `samverkan` now opens {here}")


@click.command("demo")
@click.option("--municipality", "-m", required=True, help="Key of an installed municipality plugin.")
@click.option("--force", is_flag=True, help="Add the demo data even if the database holds other data.")
@pass_app
def demo_cmd(app: AppContext, municipality: str, force: bool) -> None:
    """Fill a new database with the municipality's demo data."""
    from samverkan.services.demo import load_demo

    app.creates = True
    counts = load_demo(app.services, municipality, force=force)
    click.echo(f"demo data for {municipality}: {counts['organisations']} organisations, "
               f"{counts['collaborations']} collaborations in {app.settings.db_path}")


@click.group("audit")
def audit_group() -> None:
    """Inspect and verify the audit log."""


@audit_group.group("key")
def audit_key_group() -> None:
    """The audit key that anchors the chain (kept outside the database)."""


@audit_key_group.command("new")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def audit_key_new(app: AppContext, path: Path) -> None:
    """Make a new audit key at PATH (readable by its owner only) and anchor the chain
    with it at once; then run the service with SAMVERKAN_AUDIT_KEY=PATH."""
    import os

    from samverkan.store import anchor

    app.require("backup")
    anchor.new_key(path)
    # this process writes the anchoring event with the new key; the setting is its own
    # (the service sets SAMVERKAN_AUDIT_KEY for good)
    before = os.environ.get(anchor.KEY_ENV)
    os.environ[anchor.KEY_ENV] = str(path.resolve())
    try:
        anchored = app.reopen().services.anchor_chain()
    finally:
        if before is None:
            os.environ.pop(anchor.KEY_ENV, None)
        else:
            os.environ[anchor.KEY_ENV] = before
        app.reopen()
    click.echo(f"audit key written to {path} (mode 600); the chain is anchored from event {anchored}.\n"
               f"Run every samverkan process of this database with {anchor.KEY_ENV}={path.resolve()}; "
               "keep a copy of the key where the auditors can reach it.")


@audit_group.command("publish")
@click.option("--to", "to", required=True, help="The address the head goes to (the registrar's or auditors').")
@pass_app
def audit_publish(app: AppContext, to: str) -> None:
    """Queue today's head of the chain (count, hash, the key's MAC) to an address outside
    the server; `outbox send` or the worker delivers it. Once a day: the worker does it
    on its own where SAMVERKAN_AUDIT_PUBLISH_TO is set."""
    published = app.services.publish_audit_head(to)
    if published is None:
        click.echo(f"today's head was already queued to {to}")
    else:
        click.echo(f"queued to {to}: events {published['events']}, head {published['head']}"
                   + (f", MAC {published['head_mac']}" if published["head_mac"] else ", no audit key (no MAC)"))


@audit_group.command("verify")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False),
              help="A backup manifest: also check that no event recorded there was cut off.")
@pass_app
def audit_verify(app: AppContext, manifest: str | None) -> None:
    """Verify the hash chain and every record it covers; print the head hash and event count.

    Each record an audited write stored is compared with what the chain says it holds:
    a row changed, deleted or added outside the services is named (table, key, column),
    one line each, and the exit status is 1. It reads one snapshot: writers go on.
    """
    expect = None
    if manifest:
        app.require("verify_audit")  # the manifest is opened only for someone who may verify
        try:
            data = json.loads(Path(manifest).read_text(encoding="utf-8"))
            expect = (int(data["events"]), str(data["head"]))
        except (ValueError, KeyError) as exc:
            raise ValidationError(f"{manifest}: not a samverkan backup manifest ({exc})") from None
        signed = app.services.head_mac(expect[1])
        if signed and data.get("head_mac") and data["head_mac"] != signed:
            raise SamverkanError(f"{manifest}: its head is not signed with this audit key "
                                 "(the manifest was altered, or made with another key)")
    report = app.services.verify_audit(expect)
    click.echo(f"events: {report.count}\nhead: {report.head}")
    if not report.ok and report.records:
        click.echo("audit chain ok")
        for problem in report.records:
            click.echo(f"record: {problem}", err=True)
        raise SamverkanError(f"{len(report.records)} record(s) differ from the audit log")
    if not report.ok:
        where = f" (first broken event: {report.broken_at})" if report.broken_at else ""
        raise SamverkanError(f"audit chain broken{where}: {report.problem}")
    click.echo("audit chain ok")
    if report.anchor is None:
        click.echo("anchor: none (no audit key is configured: set SAMVERKAN_AUDIT_KEY to prove the "
                   "chain against rewriting)")
    else:
        click.echo(f"anchor: every event from {report.anchor.since} on carries the audit key's MAC; "
                   f"events 1–{report.anchor.proven_to} are proven")
    click.echo("records ok: every covered record is what the audit log says")
    problems = app.services.verify_documents()
    if problems:
        raise SamverkanError("documents: " + "; ".join(problems))
    click.echo("documents ok")


@audit_group.command("log")
@click.option("--collab", type=int, help="Only events about this collaboration.")
@click.option("--actor", help="Only events by this user.")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def audit_log(app: AppContext, collab: int | None, actor: str | None, limit: int, as_json: bool) -> None:
    """Show the newest audit events."""
    filters = {"limit": limit, "actor": actor}
    if collab is not None:
        filters.update(entity="collaboration", entity_id=collab)
    events = app.services.events(**filters)
    if as_json:
        echo_json([e.__dict__ for e in events])
        return
    for e in events:
        erased = f"\t(content erased by event {e.erased_by})" if e.erased_by else ""
        click.echo(f"{e.id}\t{e.at}\t{e.actor}\t{e.origin}\t{e.action}\t{e.entity}:{e.entity_id}{erased}")


@click.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False))
@pass_app
def backup_cmd(app: AppContext, dest: str) -> None:
    """Copy the database to DEST (SQLite online backup) with a manifest of the audit head."""
    manifest = app.services.backup(dest)
    click.echo(f"backup written to {dest}\nevents: {manifest['events']}\nhead: {manifest['head']}")


@click.command("restore")
@click.argument("backup", type=click.Path(exists=True, dir_okay=False))
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False),
              help="The backup's manifest (default: BACKUP.manifest.json).")
@pass_app
def restore_cmd(app: AppContext, backup: str, manifest: str | None) -> None:
    """Restore the database from BACKUP: check it against its manifest, restore, check again.

    The backup must match its manifest (SHA-256, integrity, audit chain, event count and
    head) or nothing is changed. The file as it was is kept next to it
    (NAME.before-restore-TIME). Sessions may keep the database open: the backup's pages
    are written into it through SQLite. A file too damaged to open is replaced instead.
    """
    from samverkan.domain.errors import StoreError

    db = app.settings.db_path
    services = None
    if db.exists():
        try:
            services = app.services
        except StoreError:
            services = None  # cannot be opened at all: replaced as a file below
    if services is not None:
        app.require("restore")  # refused before the manifest is read
    data = _read_manifest(Path(manifest or backup + ".manifest.json"))
    if services is not None:
        result = services.restore(backup, data)
    else:
        from samverkan.store.store import restore_file

        result = restore_file(db, backup, data)
    click.echo(f"restored {db} from {backup}\nevents: {result['events']}\nhead: {result['head']}\n"
               "integrity ok, audit chain ok: as the manifest says")
    if result["kept"]:
        click.echo(f"the file as it was is kept as {result['kept']}")


def _read_manifest(path: Path) -> dict:
    if not path.exists():
        raise ValidationError(msg("no manifest {path}; give it with --manifest", path=path), "manifest")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        int(data["events"]), str(data["head"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError(msg("{path}: not a samverkan backup manifest ({error})",
                                  path=path, error=str(exc))) from None
    return data
