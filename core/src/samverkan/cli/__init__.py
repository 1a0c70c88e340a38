"""The ``samverkan`` command line (click), built by :func:`make_cli`.

Exit status: 0 on success, 1 when input or state is refused (the message on stderr
names what was wrong), 2 on usage errors (click's own). Running ``samverkan`` with no
command opens the user interface a plugin registered (the TUI), if one is installed.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from samverkan import __version__
from samverkan.cli.context import AppContext, fail_on_refusal, pass_app


class SamverkanGroup(click.Group):
    """A group that turns refusals (SamverkanError) into a message and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        with fail_on_refusal():
            return super().invoke(ctx)


def make_cli() -> click.Group:
    """Build the command group (a factory, so tests and plugins get a fresh one)."""

    @click.group(cls=SamverkanGroup, invoke_without_command=True,
                 context_settings={"help_option_names": ["-h", "--help"]})
    @click.option("--db", "db", type=click.Path(dir_okay=False), envvar="SAMVERKAN_DB",
                  help="Database file (default: the embedded database in the user data dir).")
    @click.option("--user", "user", help="Act as this user (only for the configured service account).")
    @click.option("--lang", type=click.Choice(["sv", "en"]), help="Language of the interface.")
    @click.version_option(__version__, prog_name="samverkan")
    @click.pass_context
    def cli(ctx: click.Context, db: str | None, user: str | None, lang: str | None) -> None:
        """samverkan: collaborations between a municipality and civil society.

        Without a command, opens the interactive interface.
        """
        ctx.obj = AppContext.create(db, user, lang)
        if ctx.invoked_subcommand is None:
            ctx.exit(ctx.obj.launch_interface() or 0)

    from samverkan.cli import admin, collab, org, rules, users

    for module in (admin, org, collab, rules, users):
        module.register(cli)
    from samverkan.plugins import get_plugin_manager

    registry = get_plugin_manager()
    registry.always_on().call("register_commands", cli=cli)
    return cli


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    cli = make_cli()
    cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="samverkan")


__all__ = ["make_cli", "main", "pass_app", "AppContext"]
