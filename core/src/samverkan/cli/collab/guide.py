"""``samverkan collab guide``: the form questionnaire from the command line."""

from __future__ import annotations

import click

from samverkan.cli.collab.group import collab_group, key_values
from samverkan.cli.context import AppContext, echo_json, pass_app


@collab_group.command("guide")
@click.option("--answer", "answers", multiple=True, metavar="QUESTION=ANSWER",
              help="An answer, e.g. --answer pays=yes --answer market=no (repeatable). "
                   "Without answers the questions are listed with the answers they take.")
@click.option("--json", "as_json", is_flag=True, help="Print the recommendation as JSON.")
@pass_app
def collab_guide(app: AppContext, answers: tuple[str, ...], as_json: bool) -> None:
    """Which collaboration form fits: the municipality's rules on the questionnaire's answers.

    Prints the recommended forms (only those the municipality offers), then every form a
    rule rules out or cautions about, with the reason and the source it quotes. Store the
    answers with a new initiative: `collab add … --answer QUESTION=ANSWER`.
    """
    services = app.services
    if not answers:
        for q in services.form_questions():
            choices = ", ".join(f"{key} ({label})" for key, label in q.choices)
            click.echo(f"{q.key}: {q.text}\n  {choices}")
        return
    result = services.recommend_form(key_values(answers, "--answer", "QUESTION=ANSWER"))
    names = {f.form: f.name for f in services.offered_forms()}
    if as_json:
        echo_json({
            "answers": result.answers, "recommended": result.recommended,
            "verdicts": {form: {effect: [{"id": r.id, "reason": r.reason, "source": str(r.source),
                                          "quote": r.quote} for r in getattr(v, effect)]
                                for effect in ("points_to", "rules_out", "caution")}
                         for form, v in result.verdicts.items()}})
        return
    click.echo("recommended: " + (", ".join(f"{names.get(f, f)} ({f})" for f in result.recommended) or "-"))
    for form, verdict in result.verdicts.items():
        for effect, label in (("rules_out", "ruled out"), ("caution", "caution")):
            for rule in getattr(verdict, effect):
                click.echo(f"{label}: {form} — {rule.reason}\n  {rule.id}; {rule.source}\n  «{rule.quote}»")
