"""The case file from the command line: checklist answers, records, contributions, conflicts."""

from __future__ import annotations

import click

from samverkan.cli.collab.group import collab_group, key_values
from samverkan.cli.context import AppContext, pass_app
from samverkan.cli.output import text_table
from samverkan.domain.errors import ValidationError
from samverkan.domain.model import ANSWERS, CONTRIBUTION_CATEGORIES, DOCUMENT_KINDS


@collab_group.command("answer")
@click.argument("collab_id", type=int)
@click.argument("check_id")
@click.argument("answer", type=click.Choice(ANSWERS))
@click.option("--note", default="")
@pass_app
def collab_answer(app: AppContext, collab_id: int, check_id: str, answer: str, note: str) -> None:
    """Answer a checklist item."""
    app.services.answer_check(collab_id, check_id, answer, note)
    click.echo(f"{check_id}: {answer}")


@collab_group.command("checklist")
@click.argument("collab_id", type=int)
@pass_app
def collab_checklist(app: AppContext, collab_id: int) -> None:
    """Show the checklist with its answers, each item's obligation level (a requirement
    blocks, a recommendation advises, guidance only helps), source and quote."""
    rows = [[i.id, a.answer if a else "", i.source.level, i.text, str(i.source), i.source.quote]
            for i, a in app.services.checklist(collab_id)]
    click.echo(text_table(["check", "answer", "level", "text", "source", "quote"], rows))


@collab_group.command("record")
@click.argument("collab_id", type=int)
@click.argument("kind")
@click.option("--field", "fields_", multiple=True, help="KEY=VALUE (repeatable).")
@pass_app
def collab_record(app: AppContext, collab_id: int, kind: str, fields_: tuple[str, ...]) -> None:
    """Add a municipality-specific record (e.g. a consultation)."""
    data = key_values(fields_, "--field")
    r = app.services.add_record(collab_id, kind, data)
    click.echo(f"{kind} recorded for collaboration {collab_id} (record {r.id})")


@collab_group.command("contributions")
@click.argument("collab_id", type=int)
@click.option("--item", "items", multiple=True,
              help="PARTY:CATEGORY:AMOUNT (repeatable): replace every line with these. PARTY is "
                   "'kommunen' (or 'municipality', or the municipality's name) or one of the "
                   "collaboration's organisations by name, id or organisation number; amounts in "
                   "whole kronor per year.")
@pass_app
def collab_contributions(app: AppContext, collab_id: int, items: tuple[str, ...]) -> None:
    """List each party's yearly contributions, or replace them all with --item."""
    s = app.services
    if items:
        parsed = []
        for it in items:
            # the older form PARTY:CATEGORY:AMOUNT:municipality still reads: the party
            # is resolved against the collaboration's parties either way
            parts = it.removesuffix(":municipality").rsplit(":", 2)
            if len(parts) != 3:
                raise ValidationError(f"--item expects PARTY:CATEGORY:AMOUNT, got {it!r}", "item")
            parsed.append({"party": parts[0], "category": parts[1], "amount": parts[2]})
        s.set_contributions(collab_id, parsed, strict=True)
        click.echo(f"{len(parsed)} contribution(s) set for collaboration {collab_id}")
        return
    lines = s.state(collab_id).contributions
    click.echo(text_table(["line", "party", "category", "kronor per year"],
                          [[c.id, c.party, c.category, c.amount] for c in lines]))


@collab_group.group("contribution")
def contribution_group() -> None:
    """Add, correct or remove one contribution line (see `collab contributions ID` for the lines)."""


@contribution_group.command("add")
@click.argument("collab_id", type=int)
@click.option("--party", required=True, help="'kommunen', or an organisation's name, id or number.")
@click.option("--category", type=click.Choice(CONTRIBUTION_CATEGORIES), required=True)
@click.option("--amount", required=True, help="Whole kronor per year.")
@pass_app
def contribution_add(app: AppContext, collab_id: int, party: str, category: str, amount: str) -> None:
    """Add one party's contribution in one category; prints the new line's number."""
    line = app.services.add_contribution(collab_id, party, category, amount)
    click.echo(line.id)


@contribution_group.command("edit")
@click.argument("collab_id", type=int)
@click.argument("line", type=int)
@click.option("--party", default=None)
@click.option("--category", type=click.Choice(CONTRIBUTION_CATEGORIES), default=None)
@click.option("--amount", default=None, help="Whole kronor per year.")
@pass_app
def contribution_edit(app: AppContext, collab_id: int, line: int, party: str | None, category: str | None,
                      amount: str | None) -> None:
    """Correct one contribution line; only the options given change (audited)."""
    if party is None and category is None and amount is None:
        raise click.UsageError("give --party, --category or --amount")
    c = app.services.update_contribution(collab_id, line, party=party, category=category, amount=amount)
    click.echo(f"line {c.id}: {c.party} {c.category} {c.amount}")


@contribution_group.command("remove")
@click.argument("collab_id", type=int)
@click.argument("line", type=int)
@pass_app
def contribution_remove(app: AppContext, collab_id: int, line: int) -> None:
    """Remove one contribution line (the audit log keeps what it was)."""
    app.services.remove_contribution(collab_id, line)
    click.echo(f"line {line} removed from collaboration {collab_id}")


@collab_group.command("conflict")
@click.option("--collab", "collab_id", type=int)
@click.option("--org", "org_id", type=int)
@click.option("--reason", required=True)
@pass_app
def collab_conflict(app: AppContext, collab_id: int | None, org_id: int | None, reason: str) -> None:
    """Declare that you have a conflict of interest (jäv)."""
    app.services.declare_conflict(reason, collaboration_id=collab_id, organisation_id=org_id)
    click.echo("conflict of interest declared")


@collab_group.command("attach")
@click.argument("collab_id", type=int)
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@click.option("--kind", type=click.Choice(DOCUMENT_KINDS), required=True,
              help="agreement, minutes (protokoll), memo (tjänsteutlåtande), follow_up_report, decision, other.")
@click.option("--title", default="", help="Defaults to the file's name.")
@click.option("--reference", default="", help="Diarienummer, when the document is in the records system.")
@pass_app
def collab_attach(app: AppContext, collab_id: int, file: str | None, kind: str, title: str,
                  reference: str) -> None:
    """Attach a document to a case: a FILE (stored, its SHA-256 audited) and/or a --reference."""
    doc = app.services.attach_document(collab_id, kind, title, path=file, reference=reference)
    stored = f", {doc.size} bytes, sha256 {doc.sha256[:12]}…" if doc.sha256 else ""
    click.echo(f"document {doc.id} attached to collaboration {collab_id}{stored}")


@collab_group.command("documents")
@click.argument("collab_id", type=int)
@pass_app
def collab_documents(app: AppContext, collab_id: int) -> None:
    """List a case's documents."""
    docs = app.services.documents(collab_id)
    click.echo(text_table(["id", "kind", "title", "file", "bytes", "sha256", "reference"],
                          [[d.id, d.kind, d.title, d.filename, d.size or "", d.sha256[:12], d.reference]
                           for d in docs]))


@collab_group.command("document")
@click.argument("collab_id", type=int)
@click.argument("document_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Where to write the file (refused if it exists).")
@pass_app
def collab_document(app: AppContext, collab_id: int, document_id: int, output: str) -> None:
    """Write a stored document's file to OUTPUT."""
    from pathlib import Path

    doc, content = app.services.document_file(collab_id, document_id)
    target = Path(output)
    try:
        with target.open("xb") as fh:  # never overwrite a file someone already has
            fh.write(content)
    except FileExistsError:
        raise ValidationError(f"{target} already exists; choose a new file name", "output") from None
    except OSError as exc:
        raise ValidationError(f"cannot write {target}: {exc.strerror or exc}", "output") from None
    click.echo(f"{doc.filename or doc.title}: {len(content)} bytes written to {target}")
