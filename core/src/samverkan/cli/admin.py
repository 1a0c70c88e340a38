"""Commands about the installation: plugins, init, demo data, audit and backup."""

from __future__ import annotations

import json
from pathlib import Path

import click

from samverkan.cli.context import AppContext, echo_json, pass_app
from samverkan.domain.errors import SamverkanError, ValidationError


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
@pass_app
def init_cmd(app: AppContext, municipality: str) -> None:
    """Create or migrate the database, record the municipality and write the config file."""
    from samverkan.runtime.config import write_config

    services = app.services
    services.set_municipality(municipality)
    if not services.users():
        # whoever installs becomes the first admin, and can work at once in a small office
        services.add_user(app.settings.user, "admin,officer,manager")
        click.echo(f"{app.settings.user} is the first admin (roles: admin, officer, manager)")
    config = dict(app.settings.config)
    config.update({"database": str(app.settings.db_path.resolve()), "municipality": municipality})
    config.setdefault("lang", app.settings.lang)
    write_config(app.settings.config_path, config)
    click.echo(f"initialised {app.settings.db_path} for {municipality} (config: {app.settings.config_path})")


@click.command("demo")
@click.option("--municipality", "-m", required=True, help="Key of an installed municipality plugin.")
@click.option("--force", is_flag=True, help="Add the demo data even if the database holds other data.")
@pass_app
def demo_cmd(app: AppContext, municipality: str, force: bool) -> None:
    """Fill a new database with the municipality's demo data."""
    from samverkan.services.demo import load_demo

    counts = load_demo(app.services, municipality, force=force)
    click.echo(f"demo data for {municipality}: {counts['organisations']} organisations, "
               f"{counts['collaborations']} collaborations in {app.settings.db_path}")


@click.group("audit")
def audit_group() -> None:
    """Inspect and verify the audit log."""


@audit_group.command("verify")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False),
              help="A backup manifest: also check that no event recorded there was cut off.")
@pass_app
def audit_verify(app: AppContext, manifest: str | None) -> None:
    """Verify the hash chain; print the head hash and event count."""
    expect = None
    if manifest:
        app.require("verify_audit")  # the manifest is opened only for someone who may verify
        try:
            data = json.loads(Path(manifest).read_text(encoding="utf-8"))
            expect = (int(data["events"]), str(data["head"]))
        except (ValueError, KeyError) as exc:
            raise ValidationError(f"{manifest}: not a samverkan backup manifest ({exc})") from None
    report = app.services.verify_audit(expect)
    click.echo(f"events: {report.count}\nhead: {report.head}")
    if not report.ok:
        where = f" (first broken event: {report.broken_at})" if report.broken_at else ""
        raise SamverkanError(f"audit chain broken{where}: {report.problem}")
    click.echo("audit chain ok")
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
        click.echo(f"{e.id}\t{e.at}\t{e.actor}\t{e.origin}\t{e.action}\t{e.entity}:{e.entity_id}")


@click.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False))
@pass_app
def backup_cmd(app: AppContext, dest: str) -> None:
    """Copy the database to DEST (SQLite online backup) with a manifest of the audit head."""
    manifest = app.services.backup(dest)
    click.echo(f"backup written to {dest}\nevents: {manifest['events']}\nhead: {manifest['head']}")


@click.group("outbox")
def outbox_group() -> None:
    """Notifications waiting to be sent (e.g. to the preparatory group's mailbox)."""


@outbox_group.command("list")
@click.option("--pending", is_flag=True, help="Only those not yet sent.")
@pass_app
def outbox_list(app: AppContext, pending: bool) -> None:
    """List the outbox."""
    for row in app.services.outbox(pending_only=pending):
        state = f"sent {row['sent_at']}" if row["sent_at"] else ("failed: " + row["error"] if row["error"] else "pending")
        click.echo(f"{row['id']}\t{row['recipient']}\t{row['subject']}\t{state}")


@outbox_group.command("send")
@pass_app
def outbox_send(app: AppContext) -> None:
    """Send pending notifications through the SMTP server in the config's [smtp] table."""
    app.require("deliver_outbox")  # refused before the configuration is looked at
    smtp = app.settings.smtp
    if not smtp.get("host"):
        raise SamverkanError(f"no [smtp] host in {app.settings.config_path}; notifications stay in the outbox")
    counts = app.services.deliver_outbox(smtp)
    click.echo(f"sent: {counts['sent']}, failed: {counts['failed']}")
    if counts["failed"]:
        raise SystemExit(1)
