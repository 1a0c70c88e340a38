"""``samverkan org``: register, list, import and export organisations."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from samverkan.cli.context import AppContext, echo_json, pass_app
from samverkan.cli.output import text_table
from samverkan.services.transfer import EXPORT_FORMATS, FORMATS


@click.group("org")
def org_group() -> None:
    """Organisations (civil-society parties)."""


@org_group.command("add")
@click.argument("name")
@click.option("--orgnr", required=True, help="Swedish organisation number, NNNNNN-NNNN.")
@click.option("--legal-form", default="ideell förening", show_default=True)
@click.option("--contact", default="",
              help="A contact person as text, e.g. 'Anna Svensson, anna@example.se, 070-123 45 67' "
                   "(name, e-mail and number are told apart; see `org contact add` for more).")
@pass_app
def org_add(app: AppContext, name: str, orgnr: str, legal_form: str, contact: str) -> None:
    """Register an organisation; prints its id (and, on stderr, an advisory when the
    number's group digit contradicts the legal form)."""
    from samverkan.domain.legal_forms import legal_form_advice

    org = app.services.register_organisation(name, orgnr, legal_form, contact)
    click.echo(org.id)
    advice = legal_form_advice(org.orgnr, org.legal_form)
    if advice:
        click.echo(f"advisory: {advice}", err=True)


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
    from samverkan.domain.query import CollabQuery

    s = app.services
    org = s.organisation(ref)
    click.echo(f"{org.name} ({org.orgnr}), {org.legal_form}, id {org.id}")
    people = s.contacts(org.id)
    if people:
        click.echo("\ncontact persons:")
        click.echo(_contact_table(people))
        click.echo("")
    rows = s.collaborations(CollabQuery(organisation_id=org.id, limit=1000))
    click.echo(text_table(["id", "title", "form", "stage"],
                          [[r["id"], r["title"], r["form"], r["stage"]] for r in rows]))


@org_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="File format (default: json for a .json file, else csv).")
@click.option("--dry-run", is_flag=True, help="Check every row and report; store nothing.")
@pass_app
def org_import(app: AppContext, file: Path, fmt: str | None, dry_run: bool) -> None:
    """Register the organisations of a CSV or JSON file.

    CSV: a header with name, orgnr, legal_form, contact (comma or semicolon separated,
    UTF-8; a contact is one person as text, "name, e-mail, number"). JSON: a list of
    objects with those keys, or with "contacts": objects with name, role, email, phone. Numbers already registered are
    skipped; invalid rows are listed with their line and stored nothing, the valid rows
    are stored. Exit status 1 when any row was invalid.
    """
    services = app.services
    rows = services.read_import_file(file, fmt)
    if sys.stderr.isatty():  # a bar in a log file is noise; scripts read the summary
        with click.progressbar(length=len(rows), label=f"importing {file.name}", file=sys.stderr,
                               show_pos=True) as bar:
            def progress(done: int, total: int) -> None:
                bar.update(done - bar.pos)

            result = services.import_organisations(rows, progress=progress, dry_run=dry_run)
    else:
        result = services.import_organisations(rows, dry_run=dry_run)
    click.echo(result.summary())
    for line, message in result.errors:
        click.echo(f"line {line}: {message}", err=True)
    if not result.ok:
        sys.exit(1)


def export_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every ``export`` command shares: ``--format`` and ``-o/--output``."""
    func = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                        help="Write to this file (replaced only once complete); default stdout.")(func)
    return click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default=None,
                        help="csv or json (what `org import` reads back), xlsx (an Excel workbook) or "
                             "csv-excel (semicolons, UTF-8 with BOM, as a Swedish Excel opens it); "
                             "default: from the output file's suffix, else csv.")(func)


def write_export(rows: Iterable[dict[str, Any]], fields: tuple[str, ...], fmt: str | None,
                 output: Path | None) -> None:
    """Write an export to ``output`` (atomically) or stdout; the row count goes to stderr for a file."""
    from samverkan.services.transfer import export_to_file, guess_format, write_rows

    fmt = fmt or (guess_format(output) if output else "csv")
    if output is None and fmt == "xlsx":
        raise click.UsageError("--format xlsx writes a file: give -o FILE")
    if output is None and fmt == "csv-excel":
        from samverkan.domain.rules import ReportTable
        from samverkan.export.csv_file import render_csv

        listed = [dict(r) for r in rows]
        click.echo(render_csv(ReportTable("", [(f, f) for f in fields], listed), excel=True), nl=False)
        return
    if output is None:
        write_rows(rows, fields, fmt, sys.stdout)
        return
    n = export_to_file(rows, fields, fmt, output)
    click.echo(f"{n} row(s) written to {output}", err=True)


@org_group.command("export")
@export_options
@pass_app
def org_export(app: AppContext, fmt: str | None, output: Path | None) -> None:
    """Write every organisation as CSV or JSON (importable with `org import`): JSON lists
    every contact person, CSV and workbooks the first as text."""
    from samverkan.services.transfer import guess_format, org_export_fields

    chosen = fmt or (guess_format(output) if output else "csv")
    write_export(app.services.export_organisations(), org_export_fields(chosen), chosen, output)


# -- contact persons ---------------------------------------------------------------------------


def _contact_table(people: list[Any]) -> str:
    return text_table(["id", "name", "role", "e-mail", "phone"],
                      [[c.id, c.name, c.role, c.email, c.phone] for c in people])


@org_group.group("contact")
def contact_group() -> None:
    """An organisation's contact persons: add, list, edit, remove."""


@contact_group.command("add")
@click.argument("org_ref")
@click.option("--name", required=True, help="The person's name.")
@click.option("--role", default="", help="Their role, e.g. 'ordförande'.")
@click.option("--email", default="", help="E-mail address.")
@click.option("--phone", default="", help="Telephone number (digits, spaces, +, - and parentheses).")
@pass_app
def contact_add(app: AppContext, org_ref: str, name: str, role: str, email: str, phone: str) -> None:
    """Add a contact person to an organisation (by id or organisation number); prints the
    person's id."""
    c = app.services.add_contact(org_ref, name, role=role, email=email, phone=phone)
    click.echo(c.id)


@contact_group.command("list")
@click.argument("org_ref")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@pass_app
def contact_list(app: AppContext, org_ref: str, fmt: str, as_json: bool) -> None:
    """List an organisation's contact persons."""
    people = app.services.contacts(org_ref)
    if as_json or fmt == "json":
        echo_json([asdict(c) for c in people])
        return
    click.echo(_contact_table(people))


@contact_group.command("edit")
@click.argument("contact_id", type=int)
@click.option("--name", default=None)
@click.option("--role", default=None)
@click.option("--email", default=None, help="E-mail address ('' removes it).")
@click.option("--phone", default=None, help="Telephone number ('' removes it).")
@pass_app
def contact_edit(app: AppContext, contact_id: int, name: str | None, role: str | None, email: str | None,
                 phone: str | None) -> None:
    """Change a contact person; only the options given change (audited)."""
    changes = {k: v for k, v in (("name", name), ("role", role), ("email", email), ("phone", phone))
               if v is not None}
    if not changes:
        raise click.UsageError("give --name, --role, --email or --phone")
    c = app.services.update_contact(contact_id, **changes)
    click.echo(_contact_table([c]))


@contact_group.command("remove")
@click.argument("contact_id", type=int)
@pass_app
def contact_remove(app: AppContext, contact_id: int) -> None:
    """Remove a contact person (the audit log keeps what it was)."""
    c = app.services.remove_contact(contact_id)
    click.echo(f"contact person {c.id} ({c.name}) removed")
