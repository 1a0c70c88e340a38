"""Delivering the outbox: notifications written by plugins and reminders, sent by SMTP.

Notifications are stored in the same transaction as the change that caused them (so
none is lost or sent for a change that was rolled back) and delivered afterwards by
:func:`deliver`, which ``samverkan worker`` runs in a loop and ``samverkan outbox send``
once. Without an ``[smtp]`` table in the config they simply stay in the outbox, where
``samverkan outbox list`` shows them.

How a notification is delivered:

1. **Claimed** under the write lock, one at a time, with plain SQL
   (:meth:`Store.claim_notifications`): two workers never hold the same row. A claim
   runs out after :func:`lease`; a worker that died mid-send leaves its row to be taken
   again then.
2. **Sent** outside any transaction: a well-formed message (``Date``, a ``Message-ID``
   kept across retries, UTF-8 subject and body, the configured sender), over SMTP with
   STARTTLS or TLS and authentication when configured.
3. **Recorded** (:meth:`Store.record_attempt`): every attempt gets a row in
   ``outbox_attempts`` and an audit event. A temporary failure (connection, timeout,
   a 4xx reply, authentication) is tried again after a back-off that doubles
   (:class:`RetryPolicy`); a permanent refusal of the message (a 5xx reply to it) or
   the last allowed attempt leaves it ``failed``, with its error, for ``outbox list``
   to show and ``outbox retry`` to queue again.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any

from samverkan.domain.errors import ValidationError
from samverkan.i18n import msg
from samverkan.store import Store

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The current time (aware, UTC): the worker's clock unless a test gives its own."""
    return dt.datetime.now(dt.UTC)


def iso(t: dt.datetime) -> str:
    """``t`` as the store's timestamps are written (UTC ISO text, microseconds)."""
    return t.astimezone(dt.UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class SmtpConfig:
    """How to reach the mail server (the config's ``[smtp]`` table).

    The password never comes from the database: the command line reads it from the
    config file, ``password_file``, a systemd credential or ``SAMVERKAN_SMTP_PASSWORD``
    (see :func:`samverkan.runtime.config.smtp_settings`).
    """

    host: str
    sender: str
    port: int = 25
    starttls: bool = False
    tls: bool = False  # implicit TLS (port 465)
    username: str = ""
    password: str = ""
    timeout: float = 10.0
    cafile: str = ""  # a CA bundle to trust besides the system's (an internal CA)

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> SmtpConfig:
        """Validate the ``[smtp]`` table.

        :raises ValidationError: naming the missing or wrong key.
        """
        host = str(data.get("host") or "").strip()
        if not host:
            raise ValidationError(msg("no [smtp] host is configured; notifications stay in the outbox"), "smtp")
        sender = str(data.get("sender") or "").strip()
        if "@" not in parseaddr(sender)[1]:
            raise ValidationError(msg(
                "[smtp] sender must be the municipality's address, e.g. "
                "'Samverkan <samverkan@kommun.se>' (got {sender!r})", sender=sender), "smtp")
        try:
            tls = bool(data.get("tls", False))
            port = int(data.get("port") or (465 if tls else 587 if data.get("starttls") else 25))
            timeout = float(data.get("timeout", 10))
        except (TypeError, ValueError) as exc:
            raise ValidationError(msg("[smtp]: {error}", error=str(exc)), "smtp") from None
        password = str(data.get("password") or "")
        if not password.isascii():  # smtplib sends the credentials as ASCII
            raise ValidationError(msg("the SMTP password must be ASCII characters only"), "smtp")
        return cls(host=host, sender=sender, port=port, starttls=bool(data.get("starttls", False)),
                   tls=tls, username=str(data.get("username") or ""),
                   password=password, timeout=timeout,
                   cafile=str(data.get("cafile") or ""))

    def tls_context(self) -> ssl.SSLContext:
        """The TLS context: the system's trust store, plus ``cafile`` when given."""
        context = ssl.create_default_context()
        if self.cafile:
            context.load_verify_locations(cafile=self.cafile)
        return context


@dataclass(frozen=True)
class RetryPolicy:
    """How often, and how far apart, a notification is tried (``[worker]`` in the config).

    :param max_attempts: after this many failed attempts a notification is ``failed``.
    :param first_delay: seconds before the second attempt; each later wait doubles.
    :param max_delay: no wait is longer than this.
    """

    max_attempts: int = 8
    first_delay: float = 60.0
    max_delay: float = 6 * 3600.0

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> RetryPolicy:
        """Read ``max_attempts``, ``retry_after_seconds`` and ``max_retry_after_seconds``
        of the ``[worker]`` table."""
        try:
            policy = cls(int(data.get("max_attempts", cls.max_attempts)),
                         float(data.get("retry_after_seconds", cls.first_delay)),
                         float(data.get("max_retry_after_seconds", cls.max_delay)))
        except (TypeError, ValueError) as exc:
            raise ValidationError(msg("[worker]: {error}", error=str(exc)), "worker") from None
        if policy.max_attempts < 1 or policy.first_delay < 0:
            raise ValidationError(msg("[worker]: max_attempts must be 1 or more"), "worker")
        return policy

    def delay(self, attempt: int) -> dt.timedelta:
        """The wait after the ``attempt``-th failed attempt (1-based)."""
        return dt.timedelta(seconds=min(self.max_delay, self.first_delay * 2 ** max(0, attempt - 1)))


def lease(smtp: SmtpConfig) -> dt.timedelta:
    """How long a claim holds: long enough for one connection and one message to time out."""
    return dt.timedelta(seconds=3 * smtp.timeout + 60)


def build_message(row: dict[str, Any], smtp: SmtpConfig, now: dt.datetime) -> EmailMessage:
    """The e-mail for the outbox row ``row``: From the configured sender, To the row's
    recipient, a ``Date`` of ``now``, the row's ``Message-ID`` (a new one on its first
    attempt), UTF-8 subject and body, marked as sent automatically (RFC 3834)."""
    message = EmailMessage(policy=email_policy.SMTP)
    message["From"] = smtp.sender
    message["To"] = row["recipient"]
    message["Subject"] = row["subject"]
    message["Date"] = format_datetime(now.astimezone())
    domain = parseaddr(smtp.sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = row.get("message_id") or make_msgid(f"samverkan.{row['id']}", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row["body"] or "", charset="utf-8")
    return message


class _Permanent(Exception):
    """The server refused this message for good (a 5xx reply to it)."""


def _reply_error(exc: smtplib.SMTPException) -> tuple[str, bool]:
    """(error text, permanent?) of an SMTP exception."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        text = "; ".join(f"{rcpt}: {code} {_text(reply)}" for rcpt, (code, reply) in exc.recipients.items())
        return text, all(code >= 500 for code in codes)
    code = getattr(exc, "smtp_code", None)
    text = f"{code} {_text(getattr(exc, 'smtp_error', b''))}" if code else str(exc)
    permanent = isinstance(exc, (smtplib.SMTPDataError, smtplib.SMTPSenderRefused)) and code is not None and code >= 500
    return text.strip(), permanent


def _text(reply: Any) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


class _Connection:
    """One SMTP connection, opened on the first message of a pass and reused."""

    def __init__(self, smtp: SmtpConfig) -> None:
        self.smtp = smtp
        self.server: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        if self.server is None:
            self.server = self._open()
        self.server.send_message(message)

    def _open(self) -> smtplib.SMTP:
        s = self.smtp
        if s.tls:
            server: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=s.tls_context())
        else:
            server = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            if s.starttls and not s.tls:
                server.starttls(context=s.tls_context())
            if s.username:
                server.login(s.username, s.password)
        except BaseException:
            server.close()
            raise
        return server

    def drop(self) -> None:
        """Forget a connection that failed (the next message opens a new one)."""
        if self.server is not None:
            try:
                self.server.close()
            finally:
                self.server = None

    def close(self) -> None:
        if self.server is not None:
            try:
                self.server.quit()
            except (smtplib.SMTPException, OSError):
                self.server.close()
            self.server = None


def deliver(store: Store, actor: str, origin: str, smtp: SmtpConfig, *, worker: str = "",
            policy: RetryPolicy | None = None, clock: Clock = utc_now, limit: int = 100,
            stop: threading.Event | None = None) -> dict[str, int]:
    """Deliver the notifications that are due, one claim at a time (see the module docstring).

    A pass ends when nothing is due, after ``limit`` messages, when the server cannot be
    reached (the rest wait for the next pass rather than each failing alike), or when
    ``stop`` is set (the message under way is finished and recorded first).

    :param worker: the name recorded with each claim and attempt.
    :returns: ``sent`` and ``failed`` attempts of this pass.
    """
    policy = policy or RetryPolicy()
    worker = worker or f"{socket.gethostname()}:{actor}"
    counts = {"sent": 0, "failed": 0}
    connection = _Connection(smtp)
    try:
        for _ in range(limit):
            if stop is not None and stop.is_set():
                break
            now = clock()
            with store.transaction(actor, origin):
                claimed = store.claim_notifications(worker, iso(now), iso(now + lease(smtp)))
            if not claimed:
                break
            row = claimed[0]
            message = build_message(row, smtp, now)
            error, permanent, unreachable = "", False, False
            try:
                connection.send(message)
            except smtplib.SMTPException as exc:
                error, permanent = _reply_error(exc)
                if isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPAuthenticationError,
                                    smtplib.SMTPHeloError, smtplib.SMTPNotSupportedError)):
                    unreachable = True
                    connection.drop()
            except (OSError, ssl.SSLError) as exc:  # refused, timed out, TLS failed
                error, unreachable = f"{type(exc).__name__}: {exc}", True
                connection.drop()
            at = clock()
            retry_at = None
            if error and not permanent and row["attempts"] + 1 < policy.max_attempts:
                retry_at = iso(at + policy.delay(row["attempts"] + 1))
            with store.transaction(actor, origin):
                store.record_attempt(row["id"], worker, iso(at), ok=not error, error=error,
                                     retry_at=retry_at, message_id=message["Message-ID"])
            counts["failed" if error else "sent"] += 1
            if unreachable:
                break
    finally:
        connection.close()
    return counts
