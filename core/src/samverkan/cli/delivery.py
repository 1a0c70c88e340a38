"""``samverkan outbox`` and ``samverkan worker``: notifications and reminders going out."""

from __future__ import annotations

import signal
import sys
from typing import Any

import click

from samverkan.cli.context import AppContext, echo_json, pass_app
from samverkan.domain.errors import SamverkanError
from samverkan.i18n import msg


@click.group("outbox")
def outbox_group() -> None:
    """Notifications and reminders, and how their delivery went."""


def _state(row: dict[str, Any]) -> str:
    if row["status"] == "sent":
        return f"sent {row['sent_at']}"
    if row["status"] == "failed":
        return f"failed: {row['error']}"
    if row["attempts"]:
        return f"retry after {row['next_attempt_at'] or '-'}: {row['error']}"
    return row["status"]


@outbox_group.command("list")
@click.option("--pending", is_flag=True, help="Only those not yet delivered.")
@click.option("--failed", is_flag=True, help="Only those that failed for good.")
@click.option("--collab", type=int, help="Only those about this collaboration.")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def outbox_list(app: AppContext, pending: bool, failed: bool, collab: int | None, as_json: bool) -> None:
    """List the outbox: id, recipient, subject, status, attempts, last error."""
    rows = app.services.outbox(pending_only=pending, status="failed" if failed else None, collab_id=collab)
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['id']}\t{row['recipient']}\t{row['subject']}\t{row['status']}\t"
                   f"attempts: {row['attempts']}\t{_state(row)}")


@outbox_group.command("send")
@pass_app
def outbox_send(app: AppContext) -> None:
    """Deliver what is due now through the SMTP server in the config's [smtp] table.

    The same as one pass of `samverkan worker` without reminders: failures are tried
    again later, within the bound of [worker] max_attempts.
    """
    app.require("deliver_outbox")  # refused before the configuration is looked at
    smtp, policy = _smtp(app), _retry_policy(app)
    counts = app.services.deliver_outbox(smtp, policy=policy)
    click.echo(f"sent: {counts['sent']}, failed: {counts['failed']}")
    if counts["failed"]:
        raise SystemExit(1)


@outbox_group.command("retry")
@click.argument("ids", nargs=-1, type=int)
@pass_app
def outbox_retry(app: AppContext, ids: tuple[int, ...]) -> None:
    """Queue failed notifications again (IDS, or every failed one): one more attempt each."""
    done = app.services.retry_outbox(list(ids) or None)
    click.echo(f"queued again: {', '.join(map(str, done)) or 'none'}")


@click.command("worker")
@click.option("--once", is_flag=True, help="One pass, then exit (for a systemd timer or cron).")
@click.option("--interval", type=click.FloatRange(min=0.1), default=None,
              help="Seconds between passes (default: [worker] interval_seconds, else 30).")
@pass_app
def worker_cmd(app: AppContext, once: bool, interval: float | None) -> None:
    """Deliver the outbox and queue follow-up reminders, pass after pass, until stopped.

    Failed deliveries are tried again with a growing wait, up to [worker] max_attempts;
    then they stay `failed` (see `outbox list --failed`, `outbox retry`). Reminders
    follow [reminders] (days_before, escalate_after_days; enabled = false turns them
    off). SIGTERM or ctrl+c stops it after the message under way.
    """
    from samverkan.services.reminders import ReminderPolicy
    from samverkan.services.worker import Worker

    app.require("deliver_outbox")  # refused before the configuration is looked at
    config = app.settings.config
    smtp, policy = _smtp(app), _retry_policy(app)
    table = config.get("reminders", {})
    reminders = None if table.get("enabled", True) is False else ReminderPolicy.from_mapping(table)
    worker = Worker(app.services, smtp, policy=policy, reminders=reminders)
    if once:
        report = worker.run_once()
        click.echo(report.line())
        for problem in report.problems:
            click.echo(msg("warning: {problem}", problem=problem), err=True)
        return
    every = interval or float(config.get("worker", {}).get("interval_seconds", 30))

    def stop(_signum: int, _frame: Any) -> None:
        worker.stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, stop)
    _log(f"worker {worker.name} on {app.settings.db_path}: a pass every {every:g} s")
    worker.run(every, log=_log)
    _log("worker stopped")


def _log(line: str) -> None:
    click.echo(line)
    sys.stdout.flush()  # under systemd stdout is a pipe to the journal: each line as it comes


def _smtp(app: AppContext):
    from samverkan.runtime.config import smtp_settings
    from samverkan.services.outbox import SmtpConfig

    table = smtp_settings(app.settings)
    if not table.get("host"):
        raise SamverkanError(msg("no [smtp] host in {config}; notifications stay in the outbox",
                                 config=app.settings.config_path))
    return SmtpConfig.from_mapping(table)


def _retry_policy(app: AppContext):
    from samverkan.services.outbox import RetryPolicy

    return RetryPolicy.from_mapping(app.settings.config.get("worker", {}))
