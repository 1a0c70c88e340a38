"""The delivery worker: what ``samverkan worker`` runs, pass after pass.

Each pass queues the follow-up reminders that are due (each once, see
:mod:`samverkan.services.reminders`) and then delivers the outbox
(:mod:`samverkan.services.outbox`). Both go through the use cases, so the worker acts
as a user with the ``outbox.send`` permission (the service account, the first admin),
and everything it writes is audited under that name.

Any number of workers may run against one database: reminders are keyed, and
notifications are claimed under the write lock before they are sent. Between passes
the worker holds no transaction open, so it never keeps the WAL from a checkpoint.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from samverkan.domain.errors import SamverkanError
from samverkan.i18n import msg
from samverkan.services.outbox import Clock, RetryPolicy, SmtpConfig, utc_now
from samverkan.services.reminders import ReminderPolicy


@dataclass
class PassReport:
    """What one pass did."""

    queued: int = 0
    sent: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def busy(self) -> bool:
        """Whether the pass queued or tried anything."""
        return bool(self.queued or self.sent or self.failed)

    def line(self) -> str:
        """One line for the log."""
        return msg("reminders queued: {queued}, sent: {sent}, failed: {failed}",
                   queued=self.queued, sent=self.sent, failed=self.failed)


def worker_name() -> str:
    """This process's name in claims and attempts: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Worker:
    """Queues reminders and delivers the outbox of one database.

    :param services: the session to act in (its user needs ``outbox.send``).
    :param smtp: the mail server; None queues reminders only (nothing is sent).
    :param reminders: None: no reminders.
    :param clock: the current time (aware); tests pass a controlled one.
    """

    def __init__(self, services: Any, smtp: SmtpConfig | None, *, policy: RetryPolicy | None = None,
                 reminders: ReminderPolicy | None = None, clock: Clock = utc_now,
                 name: str | None = None) -> None:
        self.services, self.smtp = services, smtp
        self.policy = policy or RetryPolicy()
        self.reminders = reminders
        self.clock = clock
        self.name = name or worker_name()
        self.stop = threading.Event()
        self.checked_on: dt.date | None = None  # the day of the last integrity check

    def run_once(self) -> PassReport:
        """One pass: check the file once a day, queue the reminders due today, deliver
        what is due. A damaged file is reported (one line) and nothing is written."""
        report = PassReport()
        today = self.clock().astimezone().date()
        if self.checked_on != today:
            self.checked_on = today
            problem = self.services.check_integrity()
            if problem:
                report.problems.append(msg(
                    "the database {path} is damaged ({problem}); every write is refused: restore it "
                    "from the newest backup (samverkan restore BACKUP)",
                    path=str(self.services.database), problem=problem))
                return report
        if self.reminders is not None:
            today = self.clock().astimezone().date()
            queued = self.services.queue_reminders(self.reminders, on=today)
            report.queued, report.problems = queued["queued"], list(queued["problems"])
        if self.smtp is not None:
            counts = self.services.deliver_outbox(self.smtp, worker=self.name, policy=self.policy,
                                                  clock=self.clock, stop=self.stop)
            report.sent, report.failed = counts["sent"], counts["failed"]
        return report

    def run(self, interval: float = 30.0, log: Callable[[str], None] = print) -> None:
        """Pass after pass until :attr:`stop` is set, ``interval`` seconds apart.

        A pass that queues or sends something logs one line; a problem (a reminder
        without an address, the database busy) is logged when it first appears, not
        every pass. A message being sent when :attr:`stop` is set is finished and
        recorded; the rest wait for the next start.
        """
        seen: set[str] = set()
        stop = self.stop
        while not stop.is_set():
            try:
                report = self.run_once()
            except SamverkanError as exc:  # busy, a bad config value: try again next pass
                report = PassReport(problems=[str(exc)])
            if report.busy:
                log(report.line())
            fresh = [p for p in report.problems if p not in seen]
            for problem in fresh:
                log(msg("warning: {problem}", problem=problem))
            seen = set(report.problems)
            stop.wait(interval)
