"""Follow-up reminders through the worker and a real SMTP server, on a clock the test
moves: before, on and after the due date to the responsible officer, the escalation to
the unit's manager, each exactly once across restarts and with two workers at once."""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from opskit import Clock, Mailbox, smtp_server

from samverkan.services.outbox import SmtpConfig
from samverkan.services.reminders import ReminderPolicy
from samverkan.services.worker import Worker

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "stockholm"))
from sthlm_helpers import Walk  # noqa: E402  (walks a Stockholm collaboration to active)

SENDER = "Stockholms stad <samverkan@stockholm.se>"
POLICY = ReminderPolicy(days_before=14, escalate_after_days=7)


@pytest.fixture
def office(make_services, orgnr):
    """An active IOP in the unit Jobbtorg registered by anna (officer), per its manager,
    root the admin the worker acts as; returns (services of root, collaboration, due date)."""
    anna = make_services("stockholm", user="anna")
    cid = Walk(anna, orgnr).to_active("iop", unit="Jobbtorg")  # single-user: anna holds every role
    anna.add_user("anna", "officer,admin", unit="Jobbtorg", email="anna@stockholm.se")
    anna.add_user("root", "admin")
    anna.add_user("per", "manager", unit="Jobbtorg", email="per@stockholm.se")
    anna.add_user("ola", "manager", unit="Annan enhet", email="ola@stockholm.se")
    root = make_services("stockholm", user="root")
    [row] = root.store.follow_ups_due("9999-12-31")
    assert row["id"] == cid and row["registered_by"] == "anna"
    due = dt.date.fromisoformat(row["next_follow_up"])
    return root, cid, due


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def reminders_sent(inbox: Mailbox) -> Counter:
    """The follow-up reminders delivered, by recipient and subject (Stockholm's monthly
    list to the preparatory group is not a reminder: tests/stockholm/test_stockholm_periodic.py)."""
    return Counter((rcpt[0], str(m["Subject"]).split(":")[0]) for rcpt, m in inbox.messages
                   if "uppföljning" in str(m["Subject"]).lower() and not str(m["Subject"]).startswith("IOP utan"))


def test_reminders_before_on_and_after_the_due_date_and_the_escalation_each_once(office, make_services):
    root, cid, due = office
    inbox = Mailbox()
    with smtp_server(inbox) as port:
        smtp = SmtpConfig.from_mapping({"host": "127.0.0.1", "port": port, "sender": SENDER})

        def day(offset: int) -> int:
            """A pass on ``due + offset`` by a freshly started worker (a restart each time)."""
            fresh = make_services("stockholm", user="root", db=root.database)
            report = Worker(fresh, smtp, reminders=POLICY, clock=Clock(noon(due + dt.timedelta(offset)))).run_once()
            assert report.failed == 0 and not report.problems, report
            return report.queued

        assert [day(d) for d in (-30, -15)] == [0, 0]
        assert [day(d) for d in (-14, -14, -10, -1)] == [1, 0, 0, 0]
        assert [day(d) for d in (0, 0)] == [1, 0]
        assert [day(d) for d in (1, 2, 6)] == [1, 0, 0]
        assert [day(d) for d in (7, 7, 30)] == [1, 0, 0]
    got = reminders_sent(inbox)
    assert got == Counter({
        ("anna@stockholm.se", "Påminnelse"): 1,
        ("anna@stockholm.se", "I dag"): 1,
        ("anna@stockholm.se", "Försenad uppföljning"): 1,
        ("per@stockholm.se", "Uppföljning försenad 7 dagar"): 1,
    }), got
    escalation = next(m for rcpt, m in inbox.messages if rcpt == ["per@stockholm.se"])
    assert "Ansvarig handläggare: anna" in escalation.get_content()
    assert f"samverkan collab follow-up {cid}" in escalation.get_content()
    kinds = [r["reason"] for r in root.outbox(collab_id=cid) if r["reason"].startswith("reminder.")]
    assert kinds == ["reminder.before", "reminder.due", "reminder.overdue", "reminder.escalation"]
    assert root.verify_audit().ok


def test_two_workers_at_once_queue_and_send_each_reminder_once(office, make_services):
    root, _cid, due = office
    inbox = Mailbox(delay=0.02)
    with smtp_server(inbox) as port:
        smtp = SmtpConfig.from_mapping({"host": "127.0.0.1", "port": port, "sender": SENDER})
        for offset in (-14, 0, 1, 7):  # each day: two workers start their pass together
            clock = Clock(noon(due + dt.timedelta(offset)))
            workers = [Worker(make_services("stockholm", user="root", db=root.database), smtp,
                              reminders=POLICY, clock=clock, name=f"w{i}") for i in range(2)]
            reports = together(workers)
            assert sum(r.queued for r in reports) == 1, (offset, reports)
            assert sum(r.sent for r in reports) >= 1 and not any(r.failed for r in reports)
    got = reminders_sent(inbox)
    assert sorted(got.values()) == [1, 1, 1, 1] and len(got) == 4, got


def together(workers: list[Worker]) -> list:
    """One pass of each worker, started at the same moment in threads of their own."""
    start = threading.Barrier(len(workers))
    reports: list = [None] * len(workers)

    def run(i: int) -> None:
        start.wait()
        reports[i] = workers[i].run_once()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return reports


def test_a_person_without_an_address_is_named_and_reminded_once_one_is_given(office, make_services):
    root, cid, due = office
    root.add_user("anna", "officer", unit="Jobbtorg", email="")
    clock = Clock(noon(due))
    worker = Worker(root, None, reminders=POLICY, clock=clock)
    report = worker.run_once()
    assert report.queued == 0
    assert report.problems == [f"anna has no e-mail address: the due reminder of collaboration {cid} waits for one"]
    root.add_user("anna", "officer", unit="Jobbtorg", email="anna.a@stockholm.se")
    assert worker.run_once().queued == 1
    assert worker.run_once().queued == 0
    [row] = [r for r in root.outbox(collab_id=cid) if r["reason"] == "reminder.due"]
    assert row["recipient"] == "anna.a@stockholm.se" and row["status"] == "pending"
