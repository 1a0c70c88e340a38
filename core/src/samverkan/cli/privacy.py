"""``samverkan privacy``: personal data under GDPR and the archives act (extract, erase, cull)."""

from __future__ import annotations

import sys
from typing import Any

import click

from samverkan.cli.context import AppContext, echo_json, pass_app
from samverkan.services.privacy import Removal


@click.group("privacy")
def privacy_group() -> None:
    """A person's data: where it is stored, erasing it, culling old records."""


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


#: what each step of an erasure or a culling is called on the terminal
STEPS = {"verify": "verifying the audit log", "search": "searching every table and event",
         "write": "writing", "compact": "rebuilding the file (checkpoint, VACUUM)"}


def _progress() -> Any:
    """Each step on stderr, on a terminal only (scripts read the summary)."""
    if not sys.stderr.isatty():
        return None
    return lambda step: click.echo(f"{STEPS.get(step, step)} …", err=True)


def _report(removal: Removal, fmt: str, done: str, command: str, previewed: bool) -> None:
    if fmt == "json":
        echo_json(removal.as_dict())
        return
    for row in removal.removed:
        click.echo(f"removed: {row['table']} {row['key']}")
    for row in removal.changed:
        click.echo(f"changed: {row['table']} {row['key']} {row['column']}")
    for row in removal.kept:
        click.echo(f"kept: {row['table']} {row['key']} {row['column']}: {row['reason']}")
    click.echo(f"{len(removal.removed)} removed, {len(removal.changed)} changed, {len(removal.kept)} kept; "
               f"the content of {len(removal.events)} audit event(s) " + ("would be erased" if removal.event_id is None
                                                                         else "erased"))
    if not (removal.removed or removal.changed or removal.events):
        click.echo(f"nothing to {command}")
    elif previewed:
        click.echo(f"nothing was written; to do it, run `samverkan privacy {command}` again with --confirm")
    else:
        click.echo(f"{done} recorded as audit event {removal.event_id}"
                   + ("" if removal.compacted else "; a reader kept the file from being rebuilt: "
                      "old pages may still hold the data; run the command again once the readers are gone"))


@privacy_group.command("erase")
@click.argument("person")
@click.option("--also", multiple=True, help="Another way the person is written: an e-mail address, "
                                             "a telephone number (repeatable).")
@click.option("--dry-run", is_flag=True, help="Show what would be removed, changed and kept; write nothing "
                                            "(the default without --confirm).")
@click.option("--confirm", is_flag=True, help="Erase: without it nothing is written.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def privacy_erase(app: AppContext, person: str, also: tuple[str, ...], dry_run: bool, confirm: bool,
                  fmt: str) -> None:
    """Erase PERSON (GDPR art. 17) where the municipality's retention rules allow it.

    Records that may be erased lose the person's name and details (or are removed, as
    the rules say); records the law requires keeping are kept and listed with the
    reason; the audit events holding the person lose their content while the chain
    still verifies. Admin only; the audit log must verify first. Without --confirm
    it only shows the list: read it, then run again with --confirm.
    """
    preview = dry_run or not confirm
    _report(app.services.privacy_erase(person, *also, dry_run=preview, progress=_progress()), fmt,
            "the erasure is", "erase", preview)


@privacy_group.command("cull")
@click.option("--dry-run", is_flag=True, help="Show what would be culled; write nothing (the default "
                                            "without --confirm).")
@click.option("--confirm", is_flag=True, help="Cull: without it nothing is written.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_app
def privacy_cull(app: AppContext, dry_run: bool, confirm: bool, fmt: str) -> None:
    """Cull (gallra) the records whose retention period has passed.

    The periods are the municipality's (its plugin's retention rules, `samverkan rules
    show`); a record without one is kept. Culling removes a record or blanks its
    personal data, as its rule says; the audit events that wrote it lose their content
    while the chain still verifies. Admin only. Without --confirm it only shows the list.
    """
    preview = dry_run or not confirm
    _report(app.services.privacy_cull(dry_run=preview, progress=_progress()), fmt, "the culling is", "cull",
            preview)
