"""``samverkan collab``: the collaboration lifecycle from the command line."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from samverkan.cli.context import AppContext, echo_json, pass_app, print_findings
from samverkan.cli.org import export_options, write_export
from samverkan.cli.output import text_table
from samverkan.domain.errors import ValidationError
from samverkan.domain.lifecycle import STAGES
from samverkan.domain.model import ANSWERS, FORM_KEYS, INITIATORS


@click.group("collab")
def collab_group() -> None:
    """Collaborations: register, check, advance, decide, agree, follow up, end."""


@collab_group.command("add")
@click.argument("title")
@click.option("--form", type=click.Choice(FORM_KEYS), required=True)
@click.option("--org", "orgs", multiple=True, required=True, help="Organisation id or number (repeatable).")
@click.option("--initiator", type=click.Choice(INITIATORS), default="organisation", show_default=True)
@click.option("--unit", default="")
@click.option("--manager", default="")
@click.option("--target-group", default="")
@click.option("--purpose", default="")
@click.option("--policy-link", default="", help="Budget assignment or operating plan it answers.")
@click.option("--start", default=None, help="Planned start, YYYY-MM-DD.")
@click.option("--end", default=None, help="Planned end, YYYY-MM-DD.")
@click.option("--compensated", is_flag=True, help="The municipality gives staff time or money.")
@click.option("--singles-out", is_flag=True, help="One organisation is singled out.")
@pass_app
def collab_add(app: AppContext, title: str, form: str, orgs: tuple[str, ...], initiator: str,
               unit: str, manager: str, target_group: str, purpose: str, policy_link: str,
               start: str | None, end: str | None, compensated: bool, singles_out: bool) -> None:
    """Register an initiative; prints the new collaboration's id."""
    c = app.services.register_initiative(
        title, form, list(orgs), initiator, unit=unit, manager=manager, target_group=target_group,
        purpose=purpose, policy_link=policy_link, start=start, end=end,
        compensated=compensated, singles_out=singles_out)
    click.echo(c.id)


@collab_group.command("list")
@click.option("--stage", type=click.Choice(STAGES))
@click.option("--form", type=click.Choice(FORM_KEYS))
@click.option("--search", default="")
@click.option("--overdue", is_flag=True, help="Only those whose follow-up is overdue.")
@click.option("--limit", default=1000, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def collab_list(app: AppContext, stage: str | None, form: str | None, search: str, overdue: bool,
                limit: int, as_json: bool) -> None:
    """List collaborations."""
    from samverkan.domain.query import CollabQuery

    s = app.services
    q = CollabQuery(search=search, stage=stage, form=form, limit=limit,
                    overdue_on=s.today if overdue else None)
    rows = s.collaborations(q)
    if as_json:
        echo_json(rows)
        return
    click.echo(text_table(["id", "title", "form", "stage", "organisations", "next follow-up"],
                          [[r["id"], r["title"], r["form"], r["stage"], r["org_names"], r["next_follow_up"]]
                           for r in rows]))


@collab_group.command("show")
@click.argument("collab_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def collab_show(app: AppContext, collab_id: int, as_json: bool) -> None:
    """Show a collaboration with its checklist, decision, agreement and follow-ups."""
    d = app.services.detail(collab_id)
    c = d["collaboration"]
    if as_json:
        echo_json({
            "collaboration": asdict(c),
            "organisations": [asdict(o) for o in d["organisations"]],
            "answers": {k: asdict(v) for k, v in d["answers"].items()},
            "decision": asdict(d["decision"]) if d["decision"] else None,
            "agreement": asdict(d["agreement"]) if d["agreement"] else None,
            "follow_ups": [asdict(f) for f in d["follow_ups"]],
            "termination": asdict(d["termination"]) if d["termination"] else None,
            "records": [asdict(r) for r in d["records"]],
            "next_stages": list(d["next_stages"]),
        })
        return
    click.echo(f"#{c.id} {c.title}\nform: {d['form_name']} ({c.form})   stage: {c.stage}   version: {c.version}")
    click.echo("organisations: " + ", ".join(f"{o.name} ({o.orgnr})" for o in d["organisations"]))
    for label, value in (("unit", c.unit), ("manager", c.manager), ("initiator", c.initiator),
                         ("policy link", c.policy_link), ("period", f"{c.start or ''} – {c.end or ''}")):
        click.echo(f"{label}: {value}")
    click.echo("\nchecklist:")
    for item in d["checks"]:
        a = d["answers"].get(item.id)
        click.echo(f"  [{a.answer if a else '-':>14}] {item.id}: {item.text}")
    if d["decision"]:
        dec = d["decision"]
        click.echo(f"\ndecision: {dec.outcome} by {dec.decided_by} ({dec.authority}) on {dec.decided_on}"
                   f"\n  motivation: {dec.motivation}\n  considerations: {dec.considerations}")
    if d["agreement"]:
        a = d["agreement"]
        click.echo(f"\nagreement: {a.start} – {a.end}, signed {a.signed_on}\n  goals: {a.goals}")
    for f in d["follow_ups"]:
        click.echo(f"\nfollow-up {f.done_on}: {f.summary}")
    click.echo("\nnext: " + (", ".join(d["next_stages"]) or "none (final stage)"))


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
    """Show the checklist with its answers and sources."""
    rows = [[i.id, a.answer if a else "", i.text, str(i.source)] for i, a in app.services.checklist(collab_id)]
    click.echo(text_table(["check", "answer", "text", "source"], rows))


@collab_group.command("decide")
@click.argument("collab_id", type=int)
@click.option("--outcome", type=click.Choice(["start", "decline"]), required=True)
@click.option("--motivation", required=True)
@click.option("--considerations", default="", help="The considerations behind the decision.")
@click.option("--policy-link", default="")
@click.option("--date", "decided_on", default=None)
@click.option("--meeting-date", default=None, help="Board decisions: the meeting date.")
@click.option("--paragraph", "minute_paragraph", default="", help="Board decisions: the minute paragraph.")
@click.option("--confirm", is_flag=True)
@pass_app
def collab_decide(app: AppContext, collab_id: int, outcome: str, motivation: str, considerations: str,
                  policy_link: str, decided_on: str | None, meeting_date: str | None,
                  minute_paragraph: str, confirm: bool) -> None:
    """Record the decision (as the acting user) and move to decided or declined."""
    c, findings = app.services.decide(
        collab_id, outcome, motivation, considerations, policy_link=policy_link,
        decided_on=decided_on, meeting_date=meeting_date, minute_paragraph=minute_paragraph,
        confirm=confirm)
    click.echo(f"collaboration {c.id} is now {c.stage}")
    print_findings(findings)


@collab_group.command("agree")
@click.argument("collab_id", type=int)
@click.option("--signed", "signed_on", required=True)
@click.option("--start", required=True)
@click.option("--end", required=True)
@click.option("--goals", default="", help="Measurable goals set in the agreement.")
@click.option("--section", "sections", multiple=True, help="KEY=TEXT (repeatable).")
@pass_app
def collab_agree(app: AppContext, collab_id: int, signed_on: str, start: str, end: str, goals: str,
                 sections: tuple[str, ...]) -> None:
    """Record the signed agreement."""
    parsed = {}
    for s in sections:
        if "=" not in s:
            raise ValidationError(f"--section expects KEY=TEXT, got {s!r}", "section")
        k, v = s.split("=", 1)
        parsed[k] = v
    app.services.record_agreement(collab_id, signed_on=signed_on, start=start, end=end, goals=goals,
                                  sections=parsed)
    click.echo(f"agreement recorded for collaboration {collab_id}")


@collab_group.command("follow-up")
@click.argument("collab_id", type=int)
@click.option("--summary", required=True)
@click.option("--date", "done_on", default=None)
@click.option("--goals-met", default="")
@click.option("--evaluation", default="", help="Evaluation data as JSON (e.g. SROI inputs).")
@pass_app
def collab_follow_up(app: AppContext, collab_id: int, summary: str, done_on: str | None, goals_met: str,
                     evaluation: str) -> None:
    """Record a follow-up."""
    try:
        data = json.loads(evaluation) if evaluation else {}
    except json.JSONDecodeError as exc:
        raise ValidationError(f"--evaluation is not valid JSON: {exc}", "evaluation") from None
    f = app.services.record_follow_up(collab_id, summary, done_on=done_on, goals_met=goals_met, evaluation=data)
    click.echo(f"follow-up recorded for collaboration {collab_id} on {f.done_on}")
    for k, v in f.evaluation.items():
        click.echo(f"  {k}: {v}")


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


@collab_group.command("record")
@click.argument("collab_id", type=int)
@click.argument("kind")
@click.option("--field", "fields_", multiple=True, help="KEY=VALUE (repeatable).")
@pass_app
def collab_record(app: AppContext, collab_id: int, kind: str, fields_: tuple[str, ...]) -> None:
    """Add a municipality-specific record (e.g. a consultation)."""
    data = {}
    for f in fields_:
        if "=" not in f:
            raise ValidationError(f"--field expects KEY=VALUE, got {f!r}", "field")
        k, v = f.split("=", 1)
        data[k] = v
    r = app.services.add_record(collab_id, kind, data)
    click.echo(f"{kind} recorded for collaboration {collab_id} (record {r.id})")


@collab_group.command("contributions")
@click.argument("collab_id", type=int)
@click.option("--item", "items", multiple=True,
              help="PARTY:CATEGORY:AMOUNT[:municipality] (repeatable), amounts in whole kronor per year.")
@pass_app
def collab_contributions(app: AppContext, collab_id: int, items: tuple[str, ...]) -> None:
    """Set each party's yearly contributions (replaces the earlier ones)."""
    parsed = []
    for it in items:
        parts = it.split(":")
        if len(parts) not in (3, 4):
            raise ValidationError(f"--item expects PARTY:CATEGORY:AMOUNT[:municipality], got {it!r}", "item")
        parsed.append({"party": parts[0], "category": parts[1], "amount": parts[2],
                       "is_municipality": len(parts) == 4 and parts[3] == "municipality"})
    app.services.set_contributions(collab_id, parsed)
    click.echo(f"{len(parsed)} contribution(s) set for collaboration {collab_id}")


@collab_group.command("conflict")
@click.option("--collab", "collab_id", type=int)
@click.option("--org", "org_id", type=int)
@click.option("--reason", required=True)
@pass_app
def collab_conflict(app: AppContext, collab_id: int | None, org_id: int | None, reason: str) -> None:
    """Declare that you have a conflict of interest (jäv)."""
    app.services.declare_conflict(reason, collaboration_id=collab_id, organisation_id=org_id)
    click.echo("conflict of interest declared")


@collab_group.command("overdue")
@pass_app
def collab_overdue(app: AppContext) -> None:
    """List active collaborations whose follow-up is overdue."""
    rows = app.services.overdue()
    click.echo(text_table(["id", "title", "due"], [[r["id"], r["title"], r["next_follow_up"]] for r in rows]))


@collab_group.command("export")
@click.option("--stage", type=click.Choice(STAGES))
@click.option("--form", type=click.Choice(FORM_KEYS))
@click.option("--search", default="")
@export_options
@pass_app
def collab_export(app: AppContext, stage: str | None, form: str | None, search: str, fmt: str | None,
                  output: Path | None) -> None:
    """Write the collaborations (optionally filtered) as CSV or JSON, one row each."""
    from samverkan.domain.query import CollabQuery
    from samverkan.services.transfer import COLLAB_EXPORT_FIELDS

    rows = app.services.export_collaborations(CollabQuery(search=search, stage=stage, form=form))
    write_export(rows, COLLAB_EXPORT_FIELDS, fmt, output)
