"""Helpers for the tests of running it for real: a controlled clock, a real SMTP server
(aiosmtpd on 127.0.0.1) whose answers a test chooses, and a self-signed certificate.

A module of its own (not conftest) so tests import it by a name no other folder uses."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class Clock:
    """The worker's clock, moved by the test (aware datetimes)."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


class Mailbox:
    """An aiosmtpd handler: refuses the first ``refuse`` messages (None: all of them) with
    ``code``, keeps the rest."""

    def __init__(self, refuse: int | None = 0, code: str = "451 4.3.0 Try again later",
                 delay: float = 0.0) -> None:
        self.refuse, self.code, self.delay = refuse, code, delay
        self.refused = 0
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.sessions: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.sessions.append(session)
        if self.refuse is None or self.refused < self.refuse:
            self.refused += 1
            return self.code
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=email_policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 2.0.0 OK"

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for _rcpt, m in self.messages]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server(handler: Mailbox, **smtp_options: Any) -> Iterator[int]:
    """A real SMTP server on 127.0.0.1 at a free port; yields the port."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **smtp_options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (openssl), for STARTTLS."""
    cert, key = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key
