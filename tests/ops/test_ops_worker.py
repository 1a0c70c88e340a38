"""The delivery worker against a real SMTP server (aiosmtpd on 127.0.0.1), with a clock
the test moves: well-formed mails, retries with back-off, a bound after which the
failure stays visible, STARTTLS with authentication, and two workers at once."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import pytest
import tomli_w
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner
from opskit import Clock, Mailbox, self_signed, smtp_server

from samverkan.cli import make_cli
from samverkan.services.outbox import RetryPolicy, SmtpConfig
from samverkan.services.worker import Worker

MAILBOX = "funktion.amf.civilsamhalle@stockholm.se"
SENDER = "Stockholms stad – samverkan <samverkan@stockholm.se>"
T0 = dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.UTC)
SAMVERKAN = str(Path(sys.executable).with_name("samverkan"))


@pytest.fixture
def office(make_services, orgnr):
    """A Stockholm database whose registrations queue notifications to the preparatory
    group's mailbox; ``office.register(n)`` registers ``n`` initiatives."""
    s = make_services("stockholm")
    org = s.register_organisation("Förening", orgnr(1)).id

    def register(n: int = 1, title: str = "Läxhjälp") -> list[int]:
        return [s.register_initiative(f"{title} {i}" if n > 1 else title, "iop", [org]).id for i in range(n)]

    s.register = register  # type: ignore[attr-defined]
    return s


def smtp(port: int, **extra) -> SmtpConfig:
    return SmtpConfig.from_mapping({"host": "127.0.0.1", "port": port, "sender": SENDER, **extra})


def test_a_notification_is_delivered_well_formed(office):
    office.register(title="Läxhjälp för unga i Rinkeby – hösten 2026")
    inbox, clock = Mailbox(), Clock(T0)
    with smtp_server(inbox) as port:
        report = Worker(office, smtp(port), clock=clock, name="w1").run_once()
    assert (report.sent, report.failed) == (1, 0)
    [(rcpt, mail)] = inbox.messages
    assert rcpt == [MAILBOX] and mail["To"] == MAILBOX
    assert mail["From"] == SENDER
    assert mail["Subject"] == "Nytt initiativ till samverkan: Läxhjälp för unga i Rinkeby – hösten 2026"
    assert parsedate_to_datetime(mail["Date"]) == T0
    assert mail["Date"] == format_datetime(T0.astimezone())
    assert mail["Message-ID"].startswith("<") and mail["Message-ID"].endswith("@stockholm.se>")
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail.get_content_charset() == "utf-8"
    body = mail.get_content()
    assert "Läxhjälp för unga i Rinkeby – hösten 2026" in body
    [row] = office.outbox()
    assert (row["status"], row["attempts"], row["sent_at"], row["message_id"]) == (
        "sent", 1, T0.isoformat(timespec="microseconds"), mail["Message-ID"])
    [attempt] = office.outbox_attempts(row["id"])
    assert (attempt["ok"], attempt["worker"], attempt["error"]) == (1, "w1", "")
    assert office.verify_audit().ok


def test_a_server_that_refuses_twice_then_accepts_gets_the_mail_once(office):
    office.register()
    inbox, clock = Mailbox(refuse=2), Clock(T0)
    policy = RetryPolicy(max_attempts=5, first_delay=60)
    with smtp_server(inbox) as port:
        worker = Worker(office, smtp(port), policy=policy, clock=clock, name="w1")
        assert (worker.run_once().failed, inbox.refused) == (1, 1)
        [row] = office.outbox()
        assert (row["status"], row["attempts"]) == ("pending", 1)
        assert row["next_attempt_at"] == (T0 + dt.timedelta(seconds=60)).isoformat(timespec="microseconds")
        assert row["error"].startswith("451")
        clock.advance(seconds=59)
        assert (worker.run_once().sent, worker.run_once().failed, inbox.refused) == (0, 0, 1)  # not due yet
        clock.advance(seconds=1)
        assert (worker.run_once().failed, inbox.refused) == (1, 2)
        clock.advance(seconds=119)  # the wait doubles: 120 s
        assert worker.run_once().failed == 0 and inbox.refused == 2
        clock.advance(seconds=1)
        assert worker.run_once().sent == 1
        clock.advance(days=1)
        assert (worker.run_once().sent, worker.run_once().failed) == (0, 0)
    assert len(inbox.messages) == 1
    [row] = office.outbox()
    assert (row["status"], row["attempts"], row["error"]) == ("sent", 3, "")
    attempts = office.outbox_attempts(row["id"])
    assert [a["ok"] for a in attempts] == [0, 0, 1]
    assert len({inbox.messages[0][1]["Message-ID"], row["message_id"]}) == 1  # kept across retries
    events = [e.action for e in office.events(entity="notification", entity_id=row["id"], newest_first=False)]
    assert events == ["notification.queue", "notification.failed", "notification.failed", "notification.sent"]


def test_a_server_that_never_accepts_leaves_a_visible_failure(office, cli, isolated_config):
    office.register()
    inbox, clock = Mailbox(refuse=None), Clock(T0)
    with smtp_server(inbox) as port:
        worker = Worker(office, smtp(port), policy=RetryPolicy(max_attempts=3, first_delay=10), clock=clock)
        for _ in range(10):  # far past the bound
            worker.run_once()
            clock.advance(hours=1)
    assert inbox.refused == 3 and inbox.messages == []
    [row] = office.outbox()
    assert (row["status"], row["attempts"], row["next_attempt_at"]) == ("failed", 3, None)
    assert row["error"] == "451 4.3.0 Try again later"

    listed = cli("outbox", "list", db_path=office.database)
    assert listed.exit_code == 0, listed.output
    assert "\tfailed\tattempts: 3\tfailed: 451 4.3.0 Try again later" in listed.output
    failed = cli("outbox", "list", "--failed", "--json", db_path=office.database)
    assert '"status": "failed"' in failed.output
    # the admin's list of failed deliveries, a report in the CLI and the TUI
    [shown] = office.report("failed-deliveries").rows
    assert (shown["notification"], shown["attempts"], shown["error"]) == (row["id"], 3, row["error"])
    again = cli("outbox", "retry", db_path=office.database)
    assert again.exit_code == 0 and "queued again: 1" in again.output
    assert office.outbox()[0]["status"] == "pending"


def test_a_permanent_refusal_is_not_tried_again(office):
    office.register()
    inbox, clock = Mailbox(refuse=None, code="550 5.1.1 No such mailbox"), Clock(T0)
    with smtp_server(inbox) as port:
        worker = Worker(office, smtp(port), clock=clock)
        worker.run_once()
        clock.advance(days=2)
        worker.run_once()
    assert inbox.refused == 1
    [row] = office.outbox()
    assert (row["status"], row["attempts"], row["error"]) == ("failed", 1, "550 5.1.1 No such mailbox")


def test_a_server_that_is_down_counts_as_an_attempt_and_is_tried_again(office):
    office.register(3)
    from opskit import free_port

    clock = Clock(T0)
    worker = Worker(office, smtp(free_port()), clock=clock)  # nothing listens there
    report = worker.run_once()
    assert (report.sent, report.failed) == (0, 1)  # the pass stops at the first: the rest wait
    rows = office.outbox()
    assert [(r["status"], r["attempts"]) for r in rows] == [("pending", 1), ("pending", 0), ("pending", 0)]
    assert "ConnectionRefusedError" in rows[0]["error"]


def test_starttls_and_authentication_with_the_password_outside_the_database(office, tmp_path, isolated_config):
    office.register(title="Språkcafé")
    cert, key = self_signed(tmp_path)
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins: list[tuple[str, str]] = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            logins.append((auth_data.login.decode(), auth_data.password.decode()))
            return AuthResult(success=auth_data.password == b"hemligt-42")
        return AuthResult(success=False, handled=False)

    password_file = tmp_path / "smtp-password"
    password_file.write_text("hemligt-42\n", encoding="utf-8")
    inbox = Mailbox()
    with smtp_server(inbox, tls_context=context, require_starttls=True, authenticator=authenticate,
                     auth_require_tls=True) as port:
        (isolated_config / "config.toml").write_text(tomli_w.dumps({"smtp": {
            "host": "127.0.0.1", "port": port, "sender": SENDER, "starttls": True, "cafile": str(cert),
            "username": "samverkan", "password_file": str(password_file)}}))
        done = CliRunner().invoke(make_cli(), ["--db", str(office.database), "worker", "--once"],
                                  catch_exceptions=False)
    assert done.exit_code == 0, done.output
    assert "sent: 1, failed: 0" in done.output
    assert logins == [("samverkan", "hemligt-42")]
    assert inbox.subjects() == ["Nytt initiativ till samverkan: Språkcafé"]
    assert inbox.sessions[0].authenticated and inbox.sessions[0].ssl is not None
    for stored in Path(office.database).parent.glob(Path(office.database).name + "*"):
        assert b"hemligt" not in stored.read_bytes(), stored


def test_a_password_smtplib_cannot_send_is_refused_in_one_line(office, cli, isolated_config):
    (isolated_config / "config.toml").write_text(tomli_w.dumps({"smtp": {
        "host": "127.0.0.1", "sender": SENDER, "username": "samverkan", "password": "hemligt-lösen"}}))
    done = cli("worker", "--once", db_path=office.database)
    assert done.exit_code == 1
    assert done.output == "Error: the SMTP password must be ASCII characters only\n"


def test_two_workers_at_once_never_send_the_same_mail_twice(office, tmp_path):
    """Two `samverkan worker --once` processes on one database and one server: every
    notification is claimed by one of them under the write lock, and sent once."""
    office.register(40)
    inbox = Mailbox(delay=0.03)
    config = tmp_path / "worker.toml"
    with smtp_server(inbox) as port:
        config.write_text(tomli_w.dumps({"smtp": {"host": "127.0.0.1", "port": port, "sender": SENDER},
                                         "reminders": {"enabled": False}}))
        env = {**os.environ, "SAMVERKAN_CONFIG": str(config), "SAMVERKAN_LANG": "en"}
        command = [SAMVERKAN, "--db", str(office.database), "worker", "--once"]
        workers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(2)]
        outputs = [w.communicate(timeout=120) for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    subjects = inbox.subjects()
    assert len(subjects) == 40 and len(set(subjects)) == 40, sorted(subjects)
    rows = office.outbox()
    assert all(r["status"] == "sent" and r["attempts"] == 1 for r in rows)
    by_worker = {}
    for r in rows:
        [attempt] = office.outbox_attempts(r["id"])
        by_worker[attempt["worker"]] = by_worker.get(attempt["worker"], 0) + 1
    print(f"\nsent per worker: {by_worker}")
    assert office.verify_audit().ok
