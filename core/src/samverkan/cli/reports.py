"""``samverkan report``: the core's audit reports and the municipality's own, on the
screen or as a file to hand on (Excel, CSV for Excel, PDF)."""

from __future__ import annotations

from pathlib import Path

import click

from samverkan.cli.context import AppContext, pass_app
from samverkan.cli.output import render_report

SCREEN_FORMATS = ("text", "markdown", "csv", "json")
FILE_FORMATS = ("xlsx", "pdf", "csv", "csv-excel")


def output_options(func):
    """``--format`` and ``-o/--output``, shared by every command that prints a report."""
    func = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                        help="Write a file (xlsx, pdf, csv or csv-excel; the format follows the "
                             "suffix unless --format says otherwise).")(func)
    return click.option("--format", "fmt", type=click.Choice(sorted({*SCREEN_FORMATS, *FILE_FORMATS})),
                        default=None,
                        help="text, markdown, csv or json on the screen; with -o also xlsx, pdf and "
                             "csv-excel (semicolons, decimal commas, UTF-8 with BOM: what a Swedish "
                             "Excel opens as a table).")(func)


def emit(table, fmt: str | None, output: Path | None, write_file) -> None:
    """Print ``table`` as ``fmt``, or write it with ``write_file(output, fmt)``."""
    if output is None:
        if fmt in ("xlsx", "pdf", "csv-excel"):
            raise click.UsageError(f"--format {fmt} writes a file: give -o FILE")
        click.echo(render_report(table(), fmt or "text"), nl=False)
        return
    for path in write_file(output, fmt):
        click.echo(f"written: {path}", err=True)


@click.command("report")
@click.argument("key", required=False)
@output_options
@pass_app
def report_cmd(app: AppContext, key: str | None, fmt: str | None, output: Path | None) -> None:
    """Build the report KEY; without KEY, list the reports on offer.

    The audit reports are the same in every municipality: audit-links (societal challenge
    or policy link not documented), audit-considerations (decisions without documented
    considerations), audit-follow-up (no joint follow-up in 12 months) and
    audit-advisories (transitions past advisory findings). One collaboration's full
    record: `samverkan collab report ID`.
    """
    services = app.services
    if key is None:
        for k, report in services.reports().items():
            click.echo(f"{k}\t{report.title}")
        return
    emit(lambda: services.report(key), fmt, output,
         lambda path, f: services.export_report(key, path, f))
