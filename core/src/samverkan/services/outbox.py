"""Delivering the outbox: notifications written by plugins, sent by SMTP where configured.

Notifications are stored in the same transaction as the change that caused them (so
none is lost or sent for a change that was rolled back) and delivered afterwards by
:func:`deliver`. Without an ``[smtp]`` table in the config they simply stay in the
outbox, where the TUI and ``samverkan outbox list`` show them.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import Any

from samverkan.store import Store


def deliver(store: Store, actor: str, origin: str, smtp: dict[str, Any], limit: int = 100) -> dict[str, int]:
    """Send pending notifications through the SMTP server in ``smtp``.

    :param smtp: ``host`` (required), ``port`` (25), ``sender``, ``timeout`` (10 s),
        ``starttls`` (false), ``username`` / ``password`` (optional).
    :returns: counts of ``sent`` and ``failed`` messages; each attempt is recorded.
    """
    pending = store.outbox(pending_only=True, limit=limit)
    counts = {"sent": 0, "failed": 0}
    if not pending or not smtp.get("host"):
        return counts
    sender = smtp.get("sender", "samverkan@localhost")
    try:
        server = smtplib.SMTP(smtp["host"], int(smtp.get("port", 25)), timeout=float(smtp.get("timeout", 10)))
    except OSError as exc:
        with store.transaction(actor, origin):
            for row in pending:
                store.mark_notification(row["id"], sent=False, error=f"connect: {exc}")
        counts["failed"] = len(pending)
        return counts
    with server:
        if smtp.get("starttls"):
            server.starttls()
        if smtp.get("username"):
            server.login(smtp["username"], smtp.get("password", ""))
        for row in pending:
            msg = EmailMessage()
            msg["From"], msg["To"], msg["Subject"] = sender, row["recipient"], row["subject"]
            msg.set_content(row["body"] or "")
            try:
                server.send_message(msg)
                ok, error = True, ""
            except smtplib.SMTPException as exc:
                ok, error = False, str(exc)
            with store.transaction(actor, origin):
                store.mark_notification(row["id"], sent=ok, error=error)
            counts["sent" if ok else "failed"] += 1
    return counts
