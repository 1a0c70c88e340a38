"""The ``samverkan`` command line (click), built by :func:`make_cli`.

Exit status: 0 on success, 1 when input or state is refused (the message on stderr
names what was wrong), 2 on usage errors (click's own). Running ``samverkan`` with no
command opens the user interface a plugin registered (the TUI), if one is installed.

Subcommands are imported when they are looked up, not when the group is built: running
``samverkan`` without a command opens the TUI, and its start-up should not pay for
modules it never uses.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from samverkan import __version__
from samverkan.cli.context import AppContext, fail_on_refusal, pass_app

#: command name -> "module:attribute" of the click command
COMMANDS = {
    "plugins": "samverkan.cli.admin:plugins_cmd",
    "plugin": "samverkan.cli.plugin_cmd:plugin_group",
    "init": "samverkan.cli.admin:init_cmd",
    "demo": "samverkan.cli.admin:demo_cmd",
    "audit": "samverkan.cli.admin:audit_group",
    "backup": "samverkan.cli.admin:backup_cmd",
    "restore": "samverkan.cli.admin:restore_cmd",
    "outbox": "samverkan.cli.delivery:outbox_group",
    "worker": "samverkan.cli.delivery:worker_cmd",
    "org": "samverkan.cli.org:org_group",
    "collab": "samverkan.cli.collab:collab_group",
    "rules": "samverkan.cli.rules:rules_group",
    "report": "samverkan.cli.reports:report_cmd",
    "admin": "samverkan.cli.users:admin_group",
    "privacy": "samverkan.cli.privacy:privacy_group",
}


class SamverkanGroup(click.Group):
    """The root group: lazy built-in commands, plugin commands, refusals as exit status 1."""

    _plugins_asked = False

    def invoke(self, ctx: click.Context) -> Any:
        with fail_on_refusal():
            return super().invoke(ctx)

    def _plugin_commands(self) -> None:
        # plugins add their commands through the register_commands hook, once
        if not self._plugins_asked:
            self._plugins_asked = True
            from samverkan.plugin.manager import get_plugin_manager

            get_plugin_manager().always_on().call("register_commands", cli=self)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        if ctx.parent is None:  # the root's help says which database a plain run opens
            from samverkan.runtime.config import describe_default

            formatter.write_paragraph()
            formatter.write_text(describe_default())

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._plugin_commands()
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS and name not in self.commands:
            module, attr = COMMANDS[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attr), name)
        if name not in self.commands:
            self._plugin_commands()
        return self.commands.get(name)


def make_cli() -> click.Group:
    """Build the command group (a factory, so tests and plugins get a fresh one)."""

    @click.group(cls=SamverkanGroup, invoke_without_command=True,
                 context_settings={"help_option_names": ["-h", "--help"]})
    @click.option("--db", "db", type=click.Path(dir_okay=False),
                  help="Database file (default: SAMVERKAN_DB, else the config's `database`, "
                       "else the embedded database in the user data dir; see the end of this help).")
    @click.option("--config", "config", type=click.Path(dir_okay=False),
                  help="Configuration file (default: SAMVERKAN_CONFIG, else the user config dir).")
    @click.option("--user", "user", help="Act as this user (only for the configured service account).")
    @click.option("--lang", type=click.Choice(["sv", "en"]), help="Language of the interface.")
    @click.version_option(__version__, prog_name="samverkan")
    @click.pass_context
    def cli(ctx: click.Context, db: str | None, config: str | None, user: str | None,
            lang: str | None) -> None:
        """samverkan: collaborations between a municipality and civil society.

        Without a command, opens the interactive interface.
        """
        if ctx.invoked_subcommand is not None:  # only the TUI's start-up runs without the GC
            from samverkan.runtime.startup import resume_gc

            resume_gc()
        ctx.obj = AppContext.create(db, user, lang, config)
        if ctx.invoked_subcommand is None:
            ctx.exit(ctx.obj.launch_interface() or 0)

    return cli


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    from samverkan.runtime.startup import pause_gc

    pause_gc()  # resumed by the TUI after its first frame, or by `cli` before a command
    cli = make_cli()
    cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="samverkan")


__all__ = ["make_cli", "main", "pass_app", "AppContext"]
