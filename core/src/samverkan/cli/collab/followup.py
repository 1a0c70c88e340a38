"""Recording a follow-up, with the evaluation the municipality's form declares (e.g. SROI).

The evaluation is typed as an officer would type it in the TUI — a figure per field, a
row per outcome, percentages in percent, amounts in kronor — and read by
:func:`samverkan.domain.evaluation.read_form`, so both interfaces accept and refuse the
same input with the same message. ``--evaluation JSON`` stays for scripts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from samverkan.cli.collab.group import collab_group, key_values
from samverkan.cli.context import AppContext, pass_app
from samverkan.domain.errors import ValidationError
from samverkan.domain.rules import EvaluationForm, FollowUpPolicy

EPILOG = """\b
The evaluation, as the municipality's form declares it (`samverkan collab show ID`
lists the fields of an active collaboration):
  --figure KEY=VALUE   a figure of the whole evaluation (repeatable)
  --outcome ROW        one row (repeatable): its values separated by ';' in the order
                       of the columns, or KEY=VALUE pairs separated by ';'
  --outcomes-csv FILE  the rows from a CSV file (';' or ',' between values, UTF-8),
                       its first line naming the columns (keys or labels)
Percentages are typed in percent (25 for 25 %), amounts in whole kronor.

\b
For example, an SROI evaluation (columns: name;quantity;proxy;deadweight;
displacement;attribution;drop_off;duration — the duration in years, empty for all):
  samverkan collab follow-up 3 --summary "Första året" \\
    --figure investment=400000 --figure years=3 --figure discount_rate=3.5 \\
    --outcome "Deltagare i arbete;10;50000;20;10;25;50" \\
    --outcome "Minskat försörjningsstöd;4;25000;0;0;0;0;1"
  the same row as pairs:
    --outcome "name=Deltagare i arbete;quantity=10;proxy=50000;deadweight=20;
    displacement=10;attribution=25;drop_off=50"   (one line)
"""


@collab_group.command("follow-up", epilog=EPILOG)
@click.argument("collab_id", type=int)
@click.option("--summary", required=True)
@click.option("--date", "done_on", default=None)
@click.option("--goals-met", default="")
@click.option("--figure", "figures", multiple=True, metavar="KEY=VALUE",
              help="A figure of the evaluation, e.g. investment=400000 (repeatable; see below).")
@click.option("--outcome", "outcomes", multiple=True, metavar="ROW",
              help="One row of the evaluation, e.g. an SROI outcome (repeatable; see below).")
@click.option("--outcomes-csv", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The evaluation's rows from a CSV file with a header line (see below).")
@click.option("--evaluation", default="", help="Evaluation data as JSON (for scripts; fractions, not percent).")
@click.option("--participant", "participants", multiple=True,
              help="PARTY=WHO AND WHAT (repeatable): a party's part in the follow-up ('kommunen' or an "
                   "organisation): who took part and what it contributed; the follow-up is joint when "
                   "every party did.")
@pass_app
def collab_follow_up(app: AppContext, collab_id: int, summary: str, done_on: str | None, goals_met: str,
                     figures: tuple[str, ...], outcomes: tuple[str, ...], outcomes_csv: Path | None,
                     evaluation: str, participants: tuple[str, ...]) -> None:
    """Record a follow-up, with the evaluation the municipality's form asks for (e.g. SROI)."""
    policy = None
    if figures or outcomes or outcomes_csv:
        if evaluation:
            raise click.UsageError("give the evaluation as --evaluation JSON or with --figure/--outcome, not both")
        if outcomes and outcomes_csv:
            raise click.UsageError("give the rows with --outcome or --outcomes-csv, not both")
        app.require("record_follow_up")  # refused before any file or collaboration is read
        policy = _policy(app, collab_id)
        data = _read(policy.evaluation_form, figures, outcomes, outcomes_csv)  # type: ignore[union-attr]
    else:
        try:
            data = json.loads(evaluation) if evaluation else {}
        except json.JSONDecodeError as exc:
            raise ValidationError(f"--evaluation is not valid JSON: {exc}", "evaluation") from None
    took_part = key_values(participants, "--participant", "PARTY=WHO")
    f = app.services.record_follow_up(collab_id, summary, done_on=done_on, goals_met=goals_met, evaluation=data,
                                      participants=took_part)
    click.echo(f"follow-up recorded for collaboration {collab_id} on {f.done_on}"
               + (" (joint: every party took part)" if f.joint else ""))
    if f.evaluation and policy is None:
        policy = _policy(app, collab_id, need_form=False)
    for line in evaluation_lines(policy, f.evaluation):
        click.echo(f"  {line}")


def _policy(app: AppContext, collab_id: int, need_form: bool = True) -> FollowUpPolicy | None:
    """The follow-up policy of the collaboration's form (refused without an evaluation form)."""
    services = app.services
    c = services.collaboration(collab_id)
    policy = services.form_rules(c.form).follow_up
    if need_form and (policy is None or policy.evaluation_form is None):
        raise ValidationError(f"the follow-up of a {c.form} collaboration here has no evaluation form; "
                              "give the evaluation as --evaluation JSON", "evaluation")
    return policy


def _read(form: EvaluationForm, figures: tuple[str, ...], outcomes: tuple[str, ...],
          csv_file: Path | None) -> dict[str, Any]:
    from samverkan.domain.evaluation import read_form, rows_from_text

    values = {k: v.strip() for k, v in key_values(figures, "--figure").items()}
    if csv_file is None:
        return read_form(form, values, [rows_from_text(form, o) for o in outcomes])
    rows = read_rows_csv(form, csv_file)
    try:
        return read_form(form, values, rows)
    except ValidationError as exc:
        prefix = f"{form.rows_key}["
        if exc.field and exc.field.startswith(prefix):  # name the line of the file
            line = int(exc.field[len(prefix):].split("]", 1)[0]) + 2
            raise ValidationError(f"{csv_file}, line {line}: {exc}", exc.field) from None
        raise


def read_rows_csv(form: EvaluationForm, path: Path) -> list[dict[str, str]]:
    """The rows of ``path``: a header line of column keys or labels, then one row a line
    (``;`` or ``,`` between values, as Excel writes; UTF-8 with or without a byte-order mark)."""
    import csv

    from samverkan.domain.evaluation import headers_match

    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"{path}: not UTF-8 text", "outcomes_csv") from None
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror or exc}", "outcomes_csv") from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ValidationError(f"{path}: no header line naming the columns", "outcomes_csv")
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(lines, delimiter=delimiter)
    header = next(reader)
    try:
        keys = headers_match(form, header)
    except ValidationError as exc:
        raise ValidationError(f"{path}, line 1: {exc}", exc.field) from None
    rows = []
    for number, cells in enumerate(reader, start=2):
        if len(cells) > len(keys):
            raise ValidationError(f"{path}, line {number}: {len(cells)} values under {len(keys)} columns",
                                  "outcomes_csv")
        rows.append(dict(zip(keys, cells, strict=False)))
    return rows


def evaluation_lines(policy: FollowUpPolicy | None, evaluation: dict[str, Any]) -> list[str]:
    """A stored evaluation as text lines: the policy's result table, else the entered
    values labelled by the form, else each key and value."""
    from samverkan.cli.output import render_report
    from samverkan.domain.evaluation import entered, summarise

    table = summarise(policy, evaluation)
    if table is not None:
        return render_report(table, "text").rstrip("\n").splitlines()
    form = policy.evaluation_form if policy is not None else None
    if form is None:
        return [f"{k}: {v}" for k, v in evaluation.items()]
    pairs, rows = entered(form, evaluation)
    lines = [f"{label}: {value}" for label, value in pairs]
    if rows is not None:
        lines += render_report(rows, "text").rstrip("\n").splitlines()
    return lines


def form_lines(policy: FollowUpPolicy | None) -> list[str]:
    """The evaluation form of ``policy`` as text (empty: it has none)."""
    from samverkan.domain.evaluation import describe

    if policy is None or policy.evaluation_form is None:
        return []
    return describe(policy.evaluation_form)
