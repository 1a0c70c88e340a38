"""Registering, correcting, listing and showing collaborations."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from samverkan.cli.collab.followup import evaluation_lines, form_lines
from samverkan.cli.collab.group import collab_group
from samverkan.cli.context import AppContext, echo_json, pass_app
from samverkan.cli.org import export_options, write_export
from samverkan.cli.output import text_table
from samverkan.domain.lifecycle import STAGES
from samverkan.domain.model import FORM_KEYS, INITIATORS

#: the descriptive facts of a collaboration: option name -> (field, help)
FACTS = {
    "unit": ("unit", "Responsible unit."),
    "manager": ("manager", "Responsible manager."),
    "target-group": ("target_group", "The target group (målgrupp)."),
    "purpose": ("purpose", "Purpose and shared goal."),
    "challenge": ("challenge", "The shared societal challenge it answers."),
    "policy-link": ("policy_link", "Political programme or budget assignment it answers, with its reference."),
    "activity": ("activity", "The activity (verksamhet)."),
    "participants": ("participants", "Participants, e.g. \"8 deltagare per år\"."),
    "referral": ("referral", "Referral route (anvisning), e.g. \"Jobbtorg\"."),
    "case-number": ("case_number", "Diarienummer in the municipality's records system."),
    "start": ("start", "Planned start, YYYY-MM-DD."),
    "end": ("end", "Planned end, YYYY-MM-DD."),
}


def fact_options(defaults: bool):
    """The ``--unit`` … ``--end`` options (with "" defaults for ``add``, unset for ``edit``)."""
    def decorate(command):
        for name, (field, help_) in reversed(FACTS.items()):
            command = click.option(f"--{name}", field, default="" if defaults and field not in (
                "start", "end") else None, help=help_)(command)
        return command
    return decorate


@collab_group.command("add")
@click.argument("title")
@click.option("--form", type=click.Choice(FORM_KEYS), required=True)
@click.option("--org", "orgs", multiple=True, required=True, help="Organisation id or number (repeatable).")
@click.option("--initiator", type=click.Choice(INITIATORS), default="organisation", show_default=True)
@fact_options(defaults=True)
@click.option("--compensated", is_flag=True, help="The municipality gives staff time or money.")
@click.option("--singles-out", is_flag=True, help="One organisation is singled out.")
@click.option("--answer", "answers", multiple=True, metavar="QUESTION=ANSWER",
              help="An answer to the form questionnaire, kept for the decider (see `collab guide`).")
@pass_app
def collab_add(app: AppContext, title: str, form: str, orgs: tuple[str, ...], initiator: str,
               answers: tuple[str, ...], **facts: object) -> None:
    """Register an initiative; prints the new collaboration's id."""
    if answers:
        from samverkan.cli.collab.group import key_values

        facts["form_answers"] = key_values(answers, "--answer", "QUESTION=ANSWER")
    c = app.services.register_initiative(title, form, list(orgs), initiator, **facts)
    click.echo(c.id)


@collab_group.command("edit")
@click.argument("collab_id", type=int)
@click.option("--title", default=None)
@fact_options(defaults=False)
@click.option("--compensated/--not-compensated", default=None,
              help="Whether the municipality gives staff time or money.")
@click.option("--singles-out/--not-singles-out", default=None, help="Whether one organisation is singled out.")
@click.option("--version", type=int, help="Refuse if the collaboration changed since this version.")
@pass_app
def collab_edit(app: AppContext, collab_id: int, version: int | None, **given: object) -> None:
    """Correct a collaboration's facts; only the options given change (audited)."""
    changes = {k: v for k, v in given.items() if v is not None}
    if not changes:
        raise click.UsageError("give at least one fact to change (see --help)")
    s = app.services
    current = version if version is not None else s.collaboration(collab_id).version
    c = s.update_collaboration(collab_id, current, **changes)
    click.echo(f"collaboration {c.id} changed ({', '.join(sorted(changes))}); now version {c.version}")


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
    """Show everything about a collaboration: facts, parties, money, checklist, decision,
    agreement, records, follow-ups and how it ended."""
    d = app.services.detail(collab_id)
    if as_json:
        echo_json(_as_json(d))
        return
    c = d["collaboration"]
    click.echo(f"#{c.id} {c.title}\nform: {d['form_name']} ({c.form})   stage: {c.stage}   version: {c.version}")
    click.echo("organisations: " + ", ".join(f"{o.name} ({o.orgnr})" for o in d["organisations"]))
    facts = [("initiator", c.initiator), *((name, getattr(c, field)) for name, (field, _h) in FACTS.items()),
             ("compensated", "yes" if c.compensated else "no"), ("singles out", "yes" if c.singles_out else "no")]
    for label, value in facts:
        click.echo(f"{label}: {'' if value is None else value}")
    click.echo("\ncontributions (kronor per year):")
    for line in d["contributions"]:
        who = "municipality" if line.is_municipality else "organisation"
        click.echo(f"  [{line.id}] {line.party} ({who}): {line.category} {line.amount}")
    if not d["contributions"]:
        click.echo("  none")
    click.echo("\nchecklist:")
    for item in d["checks"]:
        a = d["answers"].get(item.id)
        click.echo(f"  [{a.answer if a else '-':>14}] {item.id}: {item.text}" + (f" — {a.note}" if a and a.note else ""))
    if d["decision"]:
        dec = d["decision"]
        click.echo(f"\ndecision: {dec.outcome} by {dec.decided_by} ({dec.authority}) on {dec.decided_on}"
                   f"\n  motivation: {dec.motivation}\n  considerations: {dec.considerations}"
                   f"\n  policy link: {dec.policy_link}")
    if d["agreement"]:
        a = d["agreement"]
        click.echo(f"\nagreement: {a.start} – {a.end}, signed {a.signed_on}\n  goals: {a.goals}")
        for key, text in a.sections.items():
            click.echo(f"  {key}: {text}")
    for r in d["records"]:
        click.echo(f"\nrecord {r.kind} ({r.recorded_by}, {r.recorded_at[:10]}):")
        for key, value in r.data.items():
            click.echo(f"  {key}: {value}")
    policy = d["rules"].follow_up
    for f in d["follow_ups"]:
        click.echo(f"\nfollow-up {f.done_on}{' (joint)' if f.joint else ''}: {f.summary}")
        for party, who in f.participants.items():
            click.echo(f"  took part for {party}: {who}")
        for line in evaluation_lines(policy, f.evaluation):
            click.echo(f"  {line}")
    if c.stage == "active" and form_lines(policy):
        click.echo("\nfollow-up evaluation (collab follow-up --figure KEY=VALUE --outcome ROW):")
        for line in form_lines(policy):
            click.echo(f"  {line}")
    if d["termination"]:
        t = d["termination"]
        click.echo(f"\nended {t.ended_on} ({t.kind}): {t.reason}")
    click.echo("\nnext: " + (", ".join(d["next_stages"]) or "none (final stage)"))


def _as_json(d: dict) -> dict:
    def plain(obj):
        return asdict(obj) if obj is not None else None

    return {
        "collaboration": plain(d["collaboration"]),
        "form_name": d["form_name"],
        "organisations": [plain(o) for o in d["organisations"]],
        "contributions": [plain(c) for c in d["contributions"]],
        "answers": {k: plain(v) for k, v in d["answers"].items()},
        "decision": plain(d["decision"]),
        "agreement": plain(d["agreement"]),
        "records": [plain(r) for r in d["records"]],
        "follow_ups": [plain(f) for f in d["follow_ups"]],
        "termination": plain(d["termination"]),
        "next_stages": list(d["next_stages"]),
        "allowed": sorted(d["allowed"]),
    }


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
