"""``samverkan privacy``: personal data under GDPR (the register extract, art. 15)."""

from __future__ import annotations

import click

from samverkan.cli.context import AppContext, echo_json, pass_app


@click.group("privacy")
def privacy_group() -> None:
    """A person's data: where it is stored."""


@privacy_group.command("extract")
@click.argument("person")
@click.option("--also", multiple=True, help="Another way the person is written: an e-mail address, "
                                             "a telephone number (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def privacy_extract(app: AppContext, person: str, also: tuple[str, ...], fmt: str) -> None:
    """Everything stored about PERSON (a name), for a register extract under GDPR art. 15.

    Every text of every table is searched, case-insensitively, the audit log's before
    and after images included: the list says table, row, column and the whole stored
    value. Admin only; the extract is audited by how many places it found.
    """
    found = app.services.privacy_extract(person, *also)
    if fmt == "json":
        echo_json(found)
        return
    for place in found:
        click.echo(f"{place['table']} {place['key']} {place['column']}: {place['value']}")
    click.echo(f"{len(found)} place(s) hold {person!r}" + (f" or {', '.join(map(repr, also))}" if also else ""))
