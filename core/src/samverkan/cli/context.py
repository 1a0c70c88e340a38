"""What every command shares: settings, the services, and error reporting."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import click

from samverkan.domain.errors import SamverkanError, TransitionRefused
from samverkan.runtime.config import Settings, resolve


@dataclass
class AppContext:
    """Resolved settings plus lazily opened services."""

    settings: Settings
    _services: Any = field(default=None, repr=False)

    @classmethod
    def create(cls, db: str | None, user: str | None, lang: str | None) -> AppContext:
        """Resolve settings; ``--user`` only for the configured service account."""
        settings = resolve(db, lang)
        if user:
            account = settings.config.get("service_account")
            if not account or account != settings.user:
                raise click.UsageError(
                    "--user is only accepted when running as the configured service account"
                    + (f" ({account})" if account else " (none is configured)")
                )
            settings.user = user
        return cls(settings)

    @property
    def services(self):
        """Services on the configured database (opened and migrated on first use)."""
        if self._services is None:
            from samverkan.services import Services

            self._services = Services.open(self.settings.db_path, self.settings.user, self.settings.origin)
        return self._services

    def require(self, use_case: str) -> None:
        """Refuse now (audited) unless the acting user may run the use case ``use_case``.

        For a command that reads a file or its configuration before it can call the use
        case (a key file, a backup manifest, the SMTP settings): someone who may not run
        it is refused first, exactly as the use case would refuse, and learns nothing
        about the file from an error about its content.
        """
        from samverkan.services import Services

        permission = getattr(Services, use_case).permission
        self.services.authorize(permission.resolve((), {}), entity=permission.on, entity_id="*")

    def launch_interface(self) -> int | None:
        """Open the registered interface (the TUI), or print help when none is installed."""
        from samverkan.plugin.manager import get_plugin_manager

        interfaces = get_plugin_manager().interfaces()
        if "tui" not in interfaces:
            click.echo(click.get_current_context().get_help())
            click.echo("\nNo interface is installed (install samverkan-tui).", err=True)
            return 0
        return interfaces["tui"].launch(self.settings)


pass_app = click.make_pass_decorator(AppContext)


def print_findings(findings: list[Any], stream: Any = None) -> None:
    """Print findings, blocking first, each with its rule id and source."""
    for f in findings:
        kind = "BLOCKING" if f.blocking else "advisory"
        click.echo(f"  [{kind}] {f.rule_id}: {f.message}\n      source: {f.source}", file=stream)


@contextmanager
def fail_on_refusal() -> Iterator[None]:
    """Turn a SamverkanError into its message on stderr and exit status 1."""
    try:
        yield
    except TransitionRefused as exc:
        click.echo(f"Error: {exc}", err=True)
        print_findings(exc.findings, sys.stderr)
        sys.exit(1)
    except SamverkanError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise  # click's own: usage errors (exit 2), --help, ctrl+c
    except Exception as exc:  # a defect: one line, never a traceback with SQL and data
        click.echo(f"Error: unexpected {type(exc).__name__}: {exc} "
                   "(the change was not saved; please report this)", err=True)
        sys.exit(1)


def echo_json(value: Any) -> None:
    """Print ``value`` as indented JSON (dates as ISO text)."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))
