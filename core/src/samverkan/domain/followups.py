"""When the next follow-up of a collaboration is due (a pure computation)."""

from __future__ import annotations

import calendar
import datetime as dt

from samverkan.domain.model import FollowUp
from samverkan.domain.rules import FollowUpPolicy
from samverkan.domain.state import CollabState


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (clamped to the month's last day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due(policy: FollowUpPolicy | None, state: CollabState, today: dt.date,
             extra: FollowUp | None = None) -> dt.date | None:
    """The next follow-up's due date under ``policy`` (None without a policy).

    Counted from the latest follow-up (``extra`` included), else from the agreement's
    start, the decision, the collaboration's start or ``today``, in that order.
    """
    if policy is None or not policy.interval_months:
        return None  # no schedule: followed up as the municipality's routines say
    done = [f.done_on for f in state.follow_ups] + ([extra.done_on] if extra else [])
    if done:
        base = max(done)
    else:
        a, d = state.agreement, state.decision
        base = (a and a.start) or (d and d.decided_on) or state.collaboration.start or today
    return add_months(base, policy.interval_months)
