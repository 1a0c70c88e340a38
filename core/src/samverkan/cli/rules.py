"""``samverkan rules`` and ``samverkan report``: a municipality's rules and reports."""

from __future__ import annotations

import click

from samverkan.cli.context import AppContext, echo_json, pass_app
from samverkan.output import render_report


@click.group("rules")
def rules_group() -> None:
    """The rules each municipality's plugin ships."""


@rules_group.command("show")
@click.argument("key")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_show(key: str, fmt: str) -> None:
    """Show the rules, checks and gates of municipality KEY, each with its source."""
    from samverkan.plugins import get_plugin_manager

    view = get_plugin_manager().view(key)
    items = [
        {"id": r.id, "kind": "rule", "topic": r.topic, "text": r.text, "source": str(r.source),
         "value": r.value, "forms": list(r.forms)} for r in view.rules()
    ] + [
        {"id": c.id, "kind": "check", "topic": "checklist", "text": c.text, "source": str(c.source),
         "value": None, "forms": list(c.forms)} for c in view.checks()
    ] + [
        {"id": g.id, "kind": "gate", "topic": "gate", "text": g.description, "source": str(g.source),
         "value": None, "forms": list(g.forms)} for g in view.gates()
    ]
    if fmt == "json":
        echo_json(items)
        return
    for it in items:
        forms = f" [{', '.join(it['forms'])}]" if it["forms"] else ""
        click.echo(f"{it['id']} ({it['kind']}: {it['topic']}){forms}\n  {it['text']}\n  källa: {it['source']}")


@click.command("report")
@click.argument("key")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "csv", "json"]),
              default="text", show_default=True)
@pass_app
def report_cmd(app: AppContext, key: str, fmt: str) -> None:
    """Build the municipality's report KEY (e.g. value-table)."""
    click.echo(render_report(app.services.report(key), fmt), nl=False)


def register(cli: click.Group) -> None:
    """Attach this module's commands."""
    cli.add_command(rules_group)
    cli.add_command(report_cmd)
