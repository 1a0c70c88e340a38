"""Stockholm's monthly list to the preparatory group (issue 14, point 2: a plugin adds
its own reminders): the active IOPs without a follow-up in twelve months, queued once a
month however often the worker runs."""

from __future__ import annotations

from sthlm_helpers import MAILBOX
from test_stockholm_oversight import CHALLENGE, iop_running_since

from samverkan.services import add_months


def test_hook_periodic_notifications(walk):
    """The hook through the real Stockholm data: see below."""
    test_the_group_gets_the_list_of_late_iops_once_a_month(walk)


def test_the_group_gets_the_list_of_late_iops_once_a_month(walk):
    s = walk.s
    late = iop_running_since(walk, 14, challenge=CHALLENGE)
    young = iop_running_since(walk, 2, challenge=CHALLENGE)
    followed = iop_running_since(walk, 14, challenge=CHALLENGE)
    s.record_follow_up(followed, "Uppföljd", done_on=walk.months_ago(3))
    before = {n["id"] for n in s.outbox()}

    s.queue_reminders(on=s.today)
    s.queue_reminders(on=s.today)  # a second pass in the same month (a restart, a second worker)
    [mail] = [n for n in s.outbox() if n["id"] not in before]
    assert mail["recipient"] == MAILBOX and mail["reason"] == f"stockholm.iop-follow-up-list:{s.today:%Y-%m}"
    assert f"(nr {late})" in mail["body"] and "aldrig uppföljd" in mail["body"]
    assert f"(nr {young})" not in mail["body"] and f"(nr {followed})" not in mail["body"]

    s.queue_reminders(on=add_months(s.today, 1))  # next month: the list again
    assert len([n for n in s.outbox() if n["id"] not in before]) == 2
