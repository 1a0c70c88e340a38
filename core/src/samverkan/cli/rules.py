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
    """Show the rules, checks and gates of municipality KEY, each with its source."""
    from samverkan.plugin.manager import get_plugin_manager

    view = get_plugin_manager().view(key)
    items = [
        {"id": r.id, "kind": "rule", "topic": r.topic, "text": r.text, "source": str(r.source),
         "value": r.value, "forms": list(r.forms)} for r in view.rules()
    ] + [
        {"id": c.id, "kind": "check", "topic": "checklist", "text": c.text, "source": str(c.source),
         "value": None, "forms": list(c.forms)} for c in view.checks()
    ] + [
        {"id": g.id, "kind": "gate", "topic": "gate", "text": g.description, "source": str(g.source),
         "value": None, "forms": list(g.forms)} for g in view.gates()
    ]
    if fmt == "json":
        echo_json(items)
        return
    for it in items:
        forms = f" [{', '.join(it['forms'])}]" if it["forms"] else ""
        click.echo(f"{it['id']} ({it['kind']}: {it['topic']}){forms}\n  {it['text']}\n  källa: {it['source']}")


STATUS_LABELS = {"same": "samma", "different": "olika", "only_a": "bara A", "only_b": "bara B",
                 "neither": "ingen"}


@rules_group.command("compare")
@click.argument("a")
@click.argument("b")
@click.option("--form", help="Only rules about this collaboration form.")
@click.option("--only-differences", is_flag=True, help="Leave out topics where the two agree.")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json", "toml"]),
              default="text", show_default=True)
def rules_compare(a: str, b: str, form: str | None, only_differences: bool, fmt: str) -> None:
    """Compare the rules of municipalities A and B topic by topic.

    Rows come in the fixed topic order, so the output can be diffed and kept in version
    control. Status: same, different, only_a, only_b, neither.
    """
    from samverkan.plugin.compare import compare, to_data
    from samverkan.plugin.manager import get_plugin_manager

    comparison = compare(get_plugin_manager(), a, b, form)
    rows = comparison.differences() if only_differences else comparison.rows
    if fmt == "json":
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
                    click.echo(f"  {name}: {side.text}\n    källa: {side.source}")
                else:
                    click.echo(f"  {name}: (regleras inte)")


def _compare_markdown(comparison, rows) -> str:
    from samverkan.cli.output import markdown_table

    def cell(side) -> str:
        if not side.regulated:
            return "*regleras inte*"
        return f"{side.text} (källa: {side.source})".replace("\n", "<br>")

    title = f"# {comparison.name_a} jämfört med {comparison.name_b}" + (
        f" ({comparison.form})" if comparison.form else "")
    table = markdown_table(["Ämne", "Status", comparison.name_a, comparison.name_b],
                           [[r.topic.label, STATUS_LABELS[r.status], cell(r.a), cell(r.b)] for r in rows])
    return f"{title}\n\n{table}"
