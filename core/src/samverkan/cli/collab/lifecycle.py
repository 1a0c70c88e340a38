"""Moving a collaboration through its lifecycle: check, advance, decide, agree, end (a
follow-up, with its evaluation, is in :mod:`.followup`)."""

from __future__ import annotations

import click

from samverkan.cli.collab.group import collab_group, key_values
from samverkan.cli.context import AppContext, echo_json, pass_app, print_findings
from samverkan.domain.lifecycle import STAGES


def _print_steps(steps) -> int:
    blocking = 0
    for frm, to, findings in steps:
        click.echo(f"{frm} -> {to}: " + ("no findings" if not findings else f"{len(findings)} finding(s)"))
        print_findings(findings)
        blocking += sum(f.blocking for f in findings)
    return blocking


@collab_group.command("check")
@click.argument("collab_id", type=int)
@click.option("--to", "to_stage", type=click.Choice(STAGES), required=True)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def collab_check(app: AppContext, collab_id: int, to_stage: str, as_json: bool) -> None:
    """Every finding between the collaboration and a stage (exit 1 if any blocks)."""
    steps = app.services.check(collab_id, to_stage)
    if as_json:
        echo_json([{"from": f, "to": t, "findings": [x.as_dict() for x in fs]} for f, t, fs in steps])
        blocking = sum(x.blocking for _, _, fs in steps for x in fs)
    else:
        blocking = _print_steps(steps)
    if blocking:
        raise SystemExit(1)


@collab_group.command("advance")
@click.argument("collab_id", type=int)
@click.option("--to", "to_stage", type=click.Choice(STAGES), required=True)
@click.option("--confirm", is_flag=True, help="Confirm advisory findings (recorded in the audit log).")
@click.option("--version", type=int, help="Refuse if the collaboration changed since this version.")
@pass_app
def collab_advance(app: AppContext, collab_id: int, to_stage: str, confirm: bool, version: int | None) -> None:
    """Move a collaboration to the next stage; refused with every blocking finding."""
    c, findings = app.services.advance(collab_id, to_stage, version=version, confirm=confirm)
    click.echo(f"collaboration {c.id} is now {c.stage}")
    print_findings(findings)


@collab_group.command("decide")
@click.argument("collab_id", type=int)
@click.option("--outcome", type=click.Choice(["start", "decline"]), required=True)
@click.option("--motivation", required=True)
@click.option("--considerations", default="", help="The considerations behind the decision.")
@click.option("--policy-link", default="")
@click.option("--date", "decided_on", default=None)
@click.option("--meeting-date", default=None, help="Board decisions: the meeting date.")
@click.option("--paragraph", "minute_paragraph", default="", help="Board decisions: the minute paragraph.")
@click.option("--by", "authority", type=click.Choice(["manager", "board"]), default=None,
              help="Who decided, where the delegation order allows either (default: the board "
                   "when a meeting date is given, else the manager).")
@click.option("--confirm", is_flag=True)
@pass_app
def collab_decide(app: AppContext, collab_id: int, outcome: str, motivation: str, considerations: str,
                  policy_link: str, decided_on: str | None, meeting_date: str | None,
                  minute_paragraph: str, authority: str | None, confirm: bool) -> None:
    """Record the decision (as the acting user) and move to decided or declined."""
    c, findings = app.services.decide(
        collab_id, outcome, motivation, considerations, policy_link=policy_link,
        decided_on=decided_on, meeting_date=meeting_date, minute_paragraph=minute_paragraph,
        authority=authority or "", confirm=confirm)
    click.echo(f"collaboration {c.id} is now {c.stage}")
    print_findings(findings)


@collab_group.command("agree")
@click.argument("collab_id", type=int)
@click.option("--signed", "signed_on", required=True)
@click.option("--start", required=True)
@click.option("--end", default=None, help="The last day, if the agreement sets one.")
@click.option("--goals", default="", help="Measurable goals set in the agreement.")
@click.option("--section", "sections", multiple=True, help="KEY=TEXT (repeatable).")
@pass_app
def collab_agree(app: AppContext, collab_id: int, signed_on: str, start: str, end: str, goals: str,
                 sections: tuple[str, ...]) -> None:
    """Record the signed agreement."""
    parsed = key_values(sections, "--section", "KEY=TEXT")
    app.services.record_agreement(collab_id, signed_on=signed_on, start=start, end=end, goals=goals,
                                  sections=parsed)
    click.echo(f"agreement recorded for collaboration {collab_id}")


@collab_group.command("end")
@click.argument("collab_id", type=int)
@click.option("--reason", required=True)
@click.option("--kind", type=click.Choice(["expired", "terminated"]), default="terminated", show_default=True)
@click.option("--date", "ended_on", default=None)
@click.option("--procurement-unit", is_flag=True, help="The procurement unit was involved.")
@click.option("--confirm", is_flag=True)
@pass_app
def collab_end(app: AppContext, collab_id: int, reason: str, kind: str, ended_on: str | None,
               procurement_unit: bool, confirm: bool) -> None:
    """End a collaboration."""
    c, findings = app.services.end(collab_id, reason, kind=kind, ended_on=ended_on,
                                   procurement_unit_involved=procurement_unit, confirm=confirm)
    click.echo(f"collaboration {c.id} is now {c.stage}")
    print_findings(findings)
