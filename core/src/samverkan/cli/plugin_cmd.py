"""``samverkan plugin``: start, check and test a municipality plugin.

- ``plugin new KEY --name NAME [--dir PATH]`` writes a complete plugin distribution that
  installs and passes the test kit as generated (:mod:`samverkan.scaffold.generate`);
- ``plugin check [PATH]`` validates a plugin's data and scenarios without installing it,
  one line per problem naming file, line and key, and prints what it declares;
- ``plugin test KEY [SCENARIO ...]`` runs the plugin contract and every scenario file of
  an installed plugin on throwaway SQLite files, without pytest (given files: only those).

None of them opens the configured database.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click


@click.group("plugin")
def plugin_group() -> None:
    """Write, check and test a municipality plugin."""


@plugin_group.command("new")
@click.argument("key")
@click.option("--name", required=True, help="The municipality's name, e.g. \"Exempelby kommun\".")
@click.option("--dir", "directory", type=click.Path(file_okay=False),
              help="Where to write the plugin (default: ./samverkan-KEY).")
def new_cmd(key: str, name: str, directory: str | None) -> None:
    """Write a new plugin distribution for municipality KEY.

    Every table of the rule-data schema is there, filled in for a small IOP guideline
    or commented; scenario files and the test kit's tests come with it. It installs and
    passes `samverkan plugin test KEY` before it is edited.
    """
    from samverkan.scaffold.generate import new_plugin

    root = Path(directory) if directory else Path(f"samverkan-{key}")
    made = new_plugin(key, name, root)
    click.echo(f"wrote {root}/ ({len(made.files)} files): plugin {key}, package {made.package}")
    for line in made.workspace_lines():
        click.echo(f"  workspace: {line}")
    click.echo("next:")
    click.echo(f"  samverkan plugin check {root}")
    click.echo(f"  uv pip install -e {root}        (or: pip install -e {root})")
    click.echo(f"  samverkan plugin test {key}")


@plugin_group.command("check")
@click.argument("path", type=click.Path(exists=True), default=".")
@click.option("--no-python", is_flag=True, help="Do not import the Python the data names.")
def check_cmd(path: str, no_python: bool) -> None:
    """Check the plugin at PATH (its folder, package or data folder) and print what it declares.

    Each problem is one line on stderr: file, line, key and what is wrong. Exit status 1
    when there is one.
    """
    from samverkan.scaffold.check import check_plugin, declaration

    result = check_plugin(Path(path), import_python=not no_python)
    for line in declaration(result) if result.ok else []:
        click.echo(line)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    for error in result.errors:
        click.echo(error, err=True)
    if not result.ok:
        sys.exit(1)


@plugin_group.command("test")
@click.argument("key")
@click.argument("scenarios", nargs=-1, type=click.Path(exists=True, path_type=Path))
def test_cmd(key: str, scenarios: tuple[Path, ...]) -> None:
    """Run the plugin contract and the scenarios of the installed plugin KEY.

    With SCENARIO files or folders, only those scenarios run (for KEY). Each runs on a
    new SQLite file through the services. Exit status 1 when anything fails.
    """
    from samverkan.plugin.manager import get_plugin_manager
    from samverkan.plugin.schema import SchemaError
    from samverkan.testing.contract import CHECKS, ContractError, Skipped
    from samverkan.testing.runner import run_scenario
    from samverkan.testing.scenarios import files_in, load_scenario, scenario_files

    registry = get_plugin_manager()
    counts = {"ok": 0, "FAILED": 0, "skipped": 0}

    def report(state: str, what: str, detail: str = "") -> None:
        counts[state] += 1
        click.echo(f"{state:8}{what}" + (f": {detail.splitlines()[0]}" if detail and state == "skipped" else ""))
        if detail and state == "FAILED":
            click.echo("\n".join(f"        {line}" for line in detail.splitlines()))

    with tempfile.TemporaryDirectory(prefix="samverkan-test-") as tmp:
        work = Path(tmp)
        for check in CHECKS if not scenarios else CHECKS[:1]:
            try:
                check(registry, key, work)
                if not scenarios:
                    report("ok", f"contract {check.__name__}")
            except Skipped as exc:
                report("skipped", f"contract {check.__name__}", str(exc))
            except ContractError as exc:
                report("FAILED", f"contract {check.__name__}", str(exc))
                if check is CHECKS[0]:  # not loaded: nothing else can run
                    break
        if registry.statuses.get(key) is not None and registry.statuses[key].ok:
            found = [(str(p), p) for p in files_in(list(scenarios))] if scenarios else scenario_files(key)
            for name, file in found:
                try:
                    scenario = load_scenario(file, key, name)
                except SchemaError as exc:
                    report("FAILED", f"scenario {name}", str(exc))
                    continue
                result = run_scenario(scenario, registry, work)
                if result.ok:
                    report("ok", f"scenario {name}")
                else:
                    report("FAILED", f"scenario {name}", result.report())
    click.echo(f"{counts['ok']} passed, {counts['FAILED']} failed, {counts['skipped']} skipped")
    if counts["FAILED"] or not counts["ok"]:
        sys.exit(1)
