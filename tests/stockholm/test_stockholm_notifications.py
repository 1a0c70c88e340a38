"""Notifications to the preparatory group's mailbox, and their delivery over real SMTP."""

from __future__ import annotations

import socket
import time
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sthlm_helpers import MAILBOX


def _subjects(services, cid=None) -> list[str]:
    rows = services.store.outbox(collab_id=cid)
    assert all(r["recipient"] == MAILBOX for r in rows)
    return [r["subject"].split(":")[0] for r in rows]


def test_every_initiative_is_reported_to_the_group(walk):
    c = walk.s.register_initiative("Läxhjälp", "iop", [walk.org()])
    [row] = walk.s.store.outbox(collab_id=c.id)
    assert row["recipient"] == MAILBOX and row["reason"] == "registered"
    assert row["subject"] == "Nytt initiativ till samverkan: Läxhjälp"
    assert "s. 3" in row["body"]


def test_informal_reports_start_and_end(walk):
    cid = walk.to_active("informal")
    walk.expire(cid, "Mässan är genomförd.")
    assert _subjects(walk.s, cid) == [
        "Nytt initiativ till samverkan", "Samverkan har startat", "Samverkan har avslutats"]
    end = walk.s.store.outbox(collab_id=cid)[-1]
    assert "Mässan är genomförd." in end["body"] and end["reason"] == "transition:ended"


@pytest.mark.parametrize("form", ["procurement", "iop", "employer"])
def test_formal_reports_decision_and_end(walk, form):
    cid = walk.to_active(form)
    walk.expire(cid, "Avtalet löpte ut.")
    assert _subjects(walk.s, cid) == [
        "Nytt initiativ till samverkan", "Beslut om samverkan", "Samverkan har avslutats"]
    decision = walk.s.store.outbox(collab_id=cid)[1]
    assert "Överväganden: Behovet är utrett" in decision["body"]
    assert "Koppling till budgetuppdrag/verksamhetsplan: Arbetsmarknadsnämndens" in decision["body"]


def test_external_also_reports_the_project_start(walk):
    cid = walk.to_active("external")
    assert _subjects(walk.s, cid) == [
        "Nytt initiativ till samverkan", "Beslut om samverkan", "Samverkan har startat"]


def test_formal_decline_is_reported(walk):
    cid = walk.new("iop")
    walk.decide(cid, outcome="decline")
    assert _subjects(walk.s, cid)[-1] == "Beslut om samverkan"
    assert "avstå från samverkan" in walk.s.store.outbox(collab_id=cid)[-1]["body"]


def test_refused_transition_leaves_no_notification(walk):
    from samverkan.domain.errors import TransitionRefused

    cid = walk.new("external")  # no consultation: the decision is refused
    walk.answer_all(cid)
    with pytest.raises(TransitionRefused):
        walk.decide(cid)
    assert _subjects(walk.s, cid) == ["Nytt initiativ till samverkan"]


# -- delivery over a real SMTP server ----------------------------------------------------


class _Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 at a free port; yields (port, inbox)."""
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def _wait_for(inbox, count: int) -> None:
    deadline = time.monotonic() + 5
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.02)


def test_start_and_end_notifications_reach_the_smtp_server(walk, smtp_server):
    port, inbox = smtp_server
    cid = walk.to_active("informal")
    walk.expire(cid, "Samarbetet är avslutat.")
    counts = walk.s.deliver_outbox({"host": "127.0.0.1", "port": port, "sender": "samverkan@test.invalid"})
    assert counts == {"sent": 3, "failed": 0}
    _wait_for(inbox, 3)
    subjects = [msg["Subject"] for _, msg in inbox.messages]
    assert "Samverkan har startat: Test informal" in subjects
    assert "Samverkan har avslutats: Test informal" in subjects
    assert all(rcpt == [MAILBOX] for rcpt, _ in inbox.messages)
    assert walk.s.store.outbox(pending_only=True) == []
    assert walk.s.verify_audit().ok


def test_outbox_send_command_reads_smtp_from_config(make_services, orgnr, cli, smtp_server,
                                                    isolated_config, tmp_path):
    from sthlm_helpers import Walk

    port, inbox = smtp_server
    services = make_services("stockholm", db=tmp_path / "cli.db")
    walk = Walk(services, orgnr)
    cid = walk.to_active("iop")
    walk.expire(cid, "Avtalet löpte ut.")
    (isolated_config / "config.toml").write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsender = "samverkan@test.invalid"\n')
    result = cli("outbox", "send")
    assert result.exit_code == 0, result.output
    assert "sent: 3, failed: 0" in result.output
    _wait_for(inbox, 3)
    subjects = [msg["Subject"] for _, msg in inbox.messages]
    assert subjects == ["Nytt initiativ till samverkan: Test iop", "Beslut om samverkan: Test iop",
                        "Samverkan har avslutats: Test iop"]
