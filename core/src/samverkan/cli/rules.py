"""``samverkan rules`` and ``samverkan report``: a municipality's rules and reports."""

from __future__ import annotations

import click

from samverkan.cli.context import echo_json


@click.group("rules")
def rules_group() -> None:
    """The rules each municipality's plugin ships."""


@rules_group.command("show")
@click.argument("key")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_show(key: str, fmt: str) -> None:
    """Show the rules, checks and gates of municipality KEY, each with its source.

    KEY@YYYY-MM-DD shows those in force on that day (a collaboration decided then is
    judged by them), preceded in text by the versions of the documents in force.
    """
    from samverkan.plugin.compare import parse_side
    from samverkan.plugin.manager import get_plugin_manager

    key, on = parse_side(key)
    view = get_plugin_manager().view(key).at(on)
    def item(id_: str, kind: str, topic: str, text: str, source, value, forms, effect: str) -> dict:
        return {"id": id_, "kind": kind, "topic": topic, "text": text, "source": str(source),
                "level": source.level, "effect": effect, "quote": source.quote,
                "deviation": source.deviation, "value": value, "forms": list(forms)}

    items = [item(r.id, "rule", r.topic, r.text, r.source, r.value, r.forms, "") for r in view.rules()] + [
        item(c.id, "check", "checklist", c.text, c.source, None, c.forms, check_effect(c)) for c in view.checks()
    ] + [item(g.id, "gate", "gate", g.description, g.source, None, g.forms,
              "blocking" if g.blocking else "advisory") for g in view.gates()]
    if fmt == "json":
        echo_json(items)
        return
    if on is not None:
        click.echo(f"Regler i kraft {on.isoformat()}, enligt:")
        for doc in view.documents():
            click.echo(f"  {_document_line(doc)}")
        click.echo()
    for it in items:
        forms = f" [{', '.join(it['forms'])}]" if it["forms"] else ""
        click.echo(f"{it['id']} ({it['kind']}: {it['topic']}){forms}\n  {it['text']}")
        click.echo("\n".join(f"  {line}" for line in source_lines(it)))


#: the obligation levels in words: what the source's verb makes a rule
LEVEL_LABELS = {"requirement": "krav (ska)", "recommendation": "rekommendation (bör)",
                "guidance": "vägledning (kan)", "default": "programmets standard", "": "ej angiven"}
EFFECT_LABELS = {"blocking": "stoppar", "advisory": "råd att bekräfta", "guidance": "visas som hjälp"}


def check_effect(check) -> str:
    """What a checklist item's "not met" does: blocks, advises, or (guidance) nothing."""
    if check.source.level == "guidance":
        return "guidance"
    return "blocking" if check.blocking_if_not_met else "advisory"


def source_lines(item: dict) -> list[str]:
    """The level (with its effect), the source and the quote of a rule, as printed."""
    level = LEVEL_LABELS.get(item.get("level", ""), item.get("level", ""))
    effect = EFFECT_LABELS.get(item.get("effect", ""), "")
    lines = [f"nivå: {level}" + (f", {effect}" if effect else "")]
    if item.get("deviation"):
        lines.append(f"avvikelse: {item['deviation']}")
    lines.append(f"källa: {item['source']}")
    if item.get("quote"):
        lines.append(f"citat: »{item['quote']}«")
    return lines


STATUS_LABELS = {"same": "samma", "different": "olika", "only_a": "bara A reglerar", "only_b": "bara B reglerar",
                 "neither": "ingen"}
CHANGE_LABELS = {"added": "ny", "removed": "borttagen", "changed": "ändrad"}


def _document_line(doc) -> str:
    """A document as a version: title, number, date and the period it is in force."""
    ref = ", ".join(p for p in (doc.number, doc.date) if p)
    period = f"gäller {doc.validity}" + (" (datum antaget)" if doc.date_assumed else "")
    return f"{doc.title}{f' ({ref})' if ref else ''}: {period}"


@rules_group.command("compare")
@click.argument("a")
@click.argument("b")
@click.option("--form", help="Only rules about this collaboration form.")
@click.option("--only-differences", is_flag=True, help="Leave out topics where the two agree.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "toml"]),
              default="text", show_default=True)
def rules_compare(a: str, b: str, form: str | None, only_differences: bool, fmt: str) -> None:
    """Compare the rules of municipalities A and B topic by topic.

    A or B may name a date, KEY@YYYY-MM-DD, for the rules in force on that day (without:
    today's). The same municipality at two dates shows what a revision changed: after
    the topics, every document, form, check, agreement section, decision authority,
    follow-up policy, rule and gate added, removed or changed (JSON: an object with
    "comparison", "rows" and "changes"; otherwise a list of rows).

    Rows come in the fixed topic order, so the output can be diffed and kept in version
    control. Status: same, different, only_a, only_b, neither.
    """
    from samverkan.plugin.compare import compare, parse_side, to_data
    from samverkan.plugin.manager import get_plugin_manager

    (key_a, on_a), (key_b, on_b) = parse_side(a), parse_side(b)
    comparison = compare(get_plugin_manager(), key_a, key_b, form, on_a=on_a, on_b=on_b)
    rows = comparison.differences() if only_differences else comparison.rows
    if fmt == "json":
        if comparison.is_revision:
            echo_json({**to_data(comparison, []), "rows": [r.as_dict() for r in rows],
                       "changes": [c.as_dict() for c in comparison.changes]})
        else:
            echo_json([r.as_dict() for r in rows])
    elif fmt == "toml":
        import tomli_w

        click.echo(tomli_w.dumps(to_data(comparison, rows)), nl=False)
    elif fmt == "markdown":
        click.echo(_compare_markdown(comparison, rows))
    else:
        for r in rows:
            click.echo(f"{r.topic.key} ({r.topic.label}): {r.status}")
            for name, side in ((a, r.a), (b, r.b)):
                if side.regulated:
                    click.echo(f"  {name}: {side.text}\n    nivå: {LEVEL_LABELS.get(side.level, side.level)}"
                               f"\n    källa: {side.source}")
                    for quote in side.quotes:
                        click.echo(f"    citat: »{quote}«")
                else:
                    click.echo(f"  {name}: (regleras inte)")
        if comparison.is_revision:
            click.echo(f"\nÄndringar från {a} till {b}: {len(comparison.changes)}")
            for c in comparison.changes:
                click.echo(f"{CHANGE_LABELS[c.status]} {c.kind} {c.id}")
                for label, data in (("före", c.before), ("efter", c.after)):
                    if data is not None:
                        click.echo(f"  {label}: {data['text']}" + (
                            f"\n    källa: {data['source']}" if data.get("source") else ""))


def _compare_markdown(comparison, rows) -> str:
    from samverkan.cli.output import markdown_table

    def cell(side) -> str:
        if not side.regulated:
            return "*regleras inte*"
        return (f"{side.text} ({LEVEL_LABELS.get(side.level, side.level)}; källa: {side.source})"
                .replace("\n", "<br>"))

    def named(side: str) -> str:
        on = comparison.on_a if side == "a" else comparison.on_b
        name = comparison.name_a if side == "a" else comparison.name_b
        return f"{name} {on.isoformat()}" if on else name

    title = f"# {named('a')} jämfört med {named('b')}" + (
        f" ({comparison.form})" if comparison.form else "")
    table = markdown_table(["Ämne", "Status", named("a"), named("b")],
                           [[r.topic.label, STATUS_LABELS[r.status], cell(r.a), cell(r.b)] for r in rows])
    out = f"{title}\n\n{table}"
    if comparison.is_revision:
        def text(data) -> str:
            if data is None:
                return "–"
            src = f" (källa: {data['source']})" if data.get("source") else ""
            return f"{data['text']}{src}".replace("\n", "<br>")

        changed = markdown_table(["Ändring", "Slag", "Id", named("a"), named("b")],
                                 [[CHANGE_LABELS[c.status], c.kind, c.id, text(c.before), text(c.after)]
                                  for c in comparison.changes])
        out += f"\n\n## Ändringar\n\n{changed}"
    return out
