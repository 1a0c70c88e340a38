"""``samverkan org``: register and list organisations."""

from __future__ import annotations

from dataclasses import asdict

import click

from samverkan.cli.context import AppContext, echo_json, pass_app
from samverkan.output import text_table


@click.group("org")
def org_group() -> None:
    """Organisations (civil-society parties)."""


@org_group.command("add")
@click.argument("name")
@click.option("--orgnr", required=True, help="Swedish organisation number, NNNNNN-NNNN.")
@click.option("--legal-form", default="ideell förening", show_default=True)
@click.option("--contact", default="")
@pass_app
def org_add(app: AppContext, name: str, orgnr: str, legal_form: str, contact: str) -> None:
    """Register an organisation; prints its id."""
    org = app.services.register_organisation(name, orgnr, legal_form, contact)
    click.echo(org.id)


@org_group.command("list")
@click.option("--search", default="")
@click.option("--limit", default=1000, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def org_list(app: AppContext, search: str, limit: int, as_json: bool) -> None:
    """List organisations by name."""
    orgs = app.services.organisations(search, limit=limit)
    if as_json:
        echo_json([asdict(o) for o in orgs])
        return
    click.echo(text_table(["id", "orgnr", "name", "legal form"],
                          [[o.id, o.orgnr, o.name, o.legal_form] for o in orgs]))


@org_group.command("show")
@click.argument("ref")
@pass_app
def org_show(app: AppContext, ref: str) -> None:
    """Show an organisation (by id or organisation number) and its collaborations."""
    from samverkan.store.store import CollabQuery

    s = app.services
    org = s.organisation(ref)
    click.echo(f"{org.name} ({org.orgnr}), {org.legal_form}, id {org.id}")
    rows = s.collaborations(CollabQuery(organisation_id=org.id, limit=1000))
    click.echo(text_table(["id", "title", "form", "stage"],
                          [[r["id"], r["title"], r["form"], r["stage"]] for r in rows]))
