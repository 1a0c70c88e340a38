"""``samverkan collab record``: one collaboration's full record, as an auditor asks for it
and as the decision record (beslutsunderlag) for the diarium."""

from __future__ import annotations

from pathlib import Path

import click

from samverkan.cli.collab.group import collab_group
from samverkan.cli.context import AppContext, pass_app
from samverkan.cli.reports import emit, output_options


@collab_group.command("report")
@click.argument("collab_id", type=int)
@output_options
@pass_app
def collab_report(app: AppContext, collab_id: int, fmt: str | None, output: Path | None) -> None:
    """Everything about collaboration COLLAB_ID: facts, checklist, decision with its
    considerations, findings confirmed at each transition with rule and source, agreement,
    money, follow-ups, documents, the municipality's guideline documents and the audit
    events. `-o record.pdf` prints it for the diarium with the audit head hash."""
    services = app.services
    emit(lambda: services.collaboration_record(collab_id), fmt, output,
         lambda path, f: services.export_record(collab_id, path, f))
