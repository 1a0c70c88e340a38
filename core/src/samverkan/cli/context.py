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
from samverkan.domain.model import escape_text
from samverkan.runtime.config import Settings, resolve


@dataclass
class AppContext:
    """Resolved settings plus lazily opened services."""

    settings: Settings
    _services: Any = field(default=None, repr=False)
    #: the command creates a database (init, demo): a missing file is not refused
    creates: bool = False

    @classmethod
    def create(cls, db: str | None, user: str | None, lang: str | None,
               config: str | None = None) -> AppContext:
        """Resolve settings; ``--user`` only for the configured service account.

        ``--user`` makes a served session (see :mod:`samverkan.runtime.config`): it opens
        only the configured database, and over SSH it takes nothing from the environment
        the client may have sent.
        """
        from samverkan.runtime.config import reached_over_ssh, scrub_client_environment

        served = bool(user)
        trust_env = not (served and reached_over_ssh())
        if not trust_env:
            scrub_client_environment()
        settings = resolve(db, lang, config=config, served=served, trust_env=trust_env)
        if user:
            account = settings.config.get("service_account")
            if not account or account != settings.user:
                raise click.UsageError(
                    "--user is only accepted when running as the configured service account"
                    + (f" ({account})" if account else " (none is configured)")
                )
            settings.user = user
        settings.apply_audit_settings()
        return cls(settings)

    @property
    def services(self):
        """Services on the configured database (opened and migrated on first use).

        A database file that does not exist is refused (nothing is created) unless the
        command creates one (:attr:`creates`): a mistyped ``--db`` must not silently
        become a new, empty database where everyone holds every role.
        """
        if self._services is None:
            from samverkan.runtime.config import check_database
            from samverkan.services import Services

            check_database(self.settings, creates=self.creates)
            self._services = Services.open(self.settings.db_path, self.settings.user, self.settings.origin)
        return self._services

    def reopen(self) -> AppContext:
        """Close the services (if open) so the next use opens them afresh, e.g. with an
        audit key configured meanwhile."""
        if self._services is not None:
            self._services.store.close()
            self._services = None
        return self

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
        """Open the registered interface (the TUI), or print help when none is installed.

        A served session (the SSH forced command) is interactive only: without a terminal
        it says so in one line and exits (status 1), it never creates a database, and a
        person may hold at most ``[session] max_per_user`` of them at once.
        """
        from samverkan.plugin.manager import get_plugin_manager
        from samverkan.runtime.config import check_database, may_create_interactively
        from samverkan.runtime.terminal import require_terminal, session_slots

        if self.settings.served:
            require_terminal()  # before anything else: `ssh -T` and `ssh host cmd` end here
        check_database(self.settings, creates=may_create_interactively(self.settings))
        interfaces = get_plugin_manager().interfaces()
        if "tui" not in interfaces:
            click.echo(click.get_current_context().get_help())
            click.echo("\nNo interface is installed (install samverkan-tui).", err=True)
            return 0
        with session_slots(self.settings):  # [session] max_per_user, for served sessions
            return interfaces["tui"].launch(self.settings)


pass_app = click.make_pass_decorator(AppContext)


def print_findings(findings: list[Any], stream: Any = None) -> None:
    """Print findings, blocking first, each with its rule id, source, obligation level
    and the sentence of the source it rests on."""
    for f in findings:
        kind = "BLOCKING" if f.blocking else "advisory"
        click.echo(f"  [{kind}] {f.rule_id}: {f.message}\n      source: {f.source}", file=stream)
        if f.source.level:
            click.echo(f"      level: {f.source.level}", file=stream)
        if f.source.quote:
            click.echo(f"      quote: »{f.source.quote}«", file=stream)


@contextmanager
def fail_on_refusal() -> Iterator[None]:
    """The boundary of every command: what it prints is safe for a terminal, a
    SamverkanError becomes its message on stderr and exit status 1, and anything else
    one line with an incident id (the traceback goes to the administrator's log, see
    :mod:`samverkan.services.incidents`), never a traceback with SQL and data."""
    stdout = sys.stdout
    sys.stdout = TerminalSafe(stdout)  # type: ignore[assignment]
    try:
        yield
    except TransitionRefused as exc:
        click.echo(f"Error: {escape_text(str(exc))}", err=True)
        print_findings(exc.findings, TerminalSafe(sys.stderr))
        sys.exit(1)
    except SamverkanError as exc:
        click.echo(f"Error: {escape_text(str(exc))}", err=True)
        sys.exit(1)
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise  # click's own: usage errors (exit 2), --help, ctrl+c
    except Exception as exc:  # a defect: one line, never a traceback with SQL and data
        from samverkan.services.incidents import record, unexpected

        ctx = click.get_current_context(silent=True)
        app = ctx.find_object(AppContext) if ctx is not None else None
        incident = record(exc, database=app.settings.db_path if app is not None else None)
        click.echo(f"Error: {unexpected(exc, incident)}", err=True)
        sys.exit(1)
    finally:
        sys.stdout = stdout


class TerminalSafe:
    """A text stream that writes what it is given with control characters, bidirectional
    controls and zero-width characters shown as ``\\uXXXX`` (:func:`escape_text`).

    Text is cleaned when it is stored; this covers what was stored before that, and
    the audit log, which keeps what was written. Every command's stdout goes through it.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: Any) -> Any:
        return self._stream.write(escape_text(text) if isinstance(text, str) else text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, encoding … of the stream
        return getattr(self._stream, name)


def echo_json(value: Any) -> None:
    """Print ``value`` as indented JSON (dates as ISO text)."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))
