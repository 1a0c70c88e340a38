"""Reminders of follow-ups: which are due on a day, to whom, and their text.

An active collaboration has the date its next follow-up is due
(``collaborations.next_follow_up``, from the municipality's follow-up policy). The
worker asks every pass (:meth:`Services.queue_reminders`) and reminds:

- the **responsible officer** (whoever registered the collaboration) ``days_before``
  days ahead (``before``), on the day (``due``), and once it is late (``overdue``);
- the **unit's managers** (users with the role manager in the collaboration's unit,
  else the collaboration's named manager when that is a user) once it is
  ``escalate_after_days`` days late (``escalation``).

Only the reminder that fits the day is sent: a worker that was down on the due date
sends ``overdue`` the day after, not a late ``due``. Each reminder has a key
(collaboration, due date, kind, person) that is the primary key of the ``reminders``
table, claimed in the transaction that queues its mail, so it is queued once however
many workers run and however often they restart. Recording the follow-up moves the
due date, and with it the keys.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from samverkan.domain.errors import ValidationError
from samverkan.domain.model import Notification
from samverkan.i18n import msg

BEFORE, DUE, OVERDUE, ESCALATION = "before", "due", "overdue", "escalation"


@dataclass(frozen=True)
class ReminderPolicy:
    """When reminders go out (the config's ``[reminders]`` table).

    :param days_before: remind the officer this many days before the due date.
    :param escalate_after_days: tell the unit's manager once it is this many days late.
    """

    days_before: int = 14
    escalate_after_days: int = 14

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> ReminderPolicy:
        """Validate the ``[reminders]`` table."""
        try:
            policy = cls(int(data.get("days_before", cls.days_before)),
                         int(data.get("escalate_after_days", cls.escalate_after_days)))
        except (TypeError, ValueError) as exc:
            raise ValidationError(msg("[reminders]: {error}", error=str(exc)), "reminders") from None
        if policy.days_before < 0 or policy.escalate_after_days < 1:
            raise ValidationError(msg("[reminders]: days_before must be 0 or more and "
                                      "escalate_after_days 1 or more"), "reminders")
        return policy


@dataclass(frozen=True)
class Reminder:
    """One reminder to one person about one collaboration's follow-up."""

    kind: str
    collaboration_id: int
    title: str
    due: dt.date
    user: str
    email: str
    today: dt.date
    officer: str = ""  # for an escalation: whose follow-up it is

    @property
    def key(self) -> str:
        """What makes it once: collaboration, due date, kind and person."""
        return f"follow-up:{self.collaboration_id}:{self.due.isoformat()}:{self.kind}:{self.user}"


def kinds_on(today: dt.date, due: dt.date, policy: ReminderPolicy) -> list[str]:
    """The reminders that fit ``today`` for a follow-up due on ``due``."""
    if today < due:
        return [BEFORE] if (due - today).days <= policy.days_before else []
    if today == due:
        return [DUE]
    late = [OVERDUE]
    if (today - due).days >= policy.escalate_after_days:
        late.append(ESCALATION)
    return late


def plan(due_rows: list[dict[str, Any]], users: dict[str, dict[str, Any]], policy: ReminderPolicy,
         today: dt.date) -> tuple[list[Reminder], list[str]]:
    """The reminders for ``due_rows`` (see :meth:`Store.follow_ups_due`) on ``today``.

    :returns: the reminders, and a line for each that has nobody to go to.
    """
    out: list[Reminder] = []
    problems: list[str] = []
    for row in due_rows:
        due = dt.date.fromisoformat(row["next_follow_up"])
        for kind in kinds_on(today, due, policy):
            officer = row.get("registered_by") or ""
            if kind == ESCALATION:
                people = managers_of(row, users)
                if not people:
                    problems.append(msg("collaboration {id}: no manager of {unit!r} to tell that its "
                                        "follow-up is late", id=row["id"], unit=row["unit"] or "-"))
            else:
                people = [officer] if officer in users else []
                if not people:
                    problems.append(msg("collaboration {id}: {officer!r} who registered it is no "
                                        "user any more; nobody is reminded", id=row["id"], officer=officer))
            for name in people:
                email = users[name].get("email") or ""
                if not email:
                    problems.append(msg("{user} has no e-mail address: the {kind} reminder of "
                                        "collaboration {id} waits for one", user=name, kind=kind, id=row["id"]))
                    continue
                out.append(Reminder(kind, row["id"], row["title"], due, name, email, today, officer))
    return out, problems


def managers_of(row: dict[str, Any], users: dict[str, dict[str, Any]]) -> list[str]:
    """The managers of the collaboration's unit, else its named manager if a user."""
    unit = row.get("unit") or ""
    found = [name for name, u in sorted(users.items())
             if "manager" in u["roles"] and unit and (u.get("unit") or "") == unit]
    if not found and row.get("manager") in users:
        found = [row["manager"]]
    return found


def render(r: Reminder, municipality: str = "") -> Notification:
    """The mail of a reminder (in Swedish, the language the municipalities work in)."""
    when = r.due.isoformat()
    ref = f"samverkan {r.collaboration_id} ”{r.title}”"
    how = (f"Registrera uppföljningen i samverkan, eller med\n"
           f"  samverkan collab follow-up {r.collaboration_id} --summary …\n")
    if r.kind == BEFORE:
        days = (r.due - r.today).days
        subject = f"Påminnelse: uppföljning av {r.title} senast {when}"
        text = f"Uppföljningen av {ref} ska vara gjord senast {when}, om {days} dagar."
    elif r.kind == DUE:
        subject = f"I dag: uppföljning av {r.title}"
        text = f"Uppföljningen av {ref} ska vara gjord i dag, {when}."
    elif r.kind == OVERDUE:
        subject = f"Försenad uppföljning: {r.title}"
        text = f"Uppföljningen av {ref} skulle ha gjorts senast {when} och är inte registrerad."
    else:
        days = (r.today - r.due).days
        subject = f"Uppföljning försenad {days} dagar: {r.title}"
        text = (f"Uppföljningen av {ref} skulle ha gjorts senast {when}; den är {days} dagar sen. "
                f"Ansvarig handläggare: {r.officer or '-'}. Du får det här som chef för enheten.")
    sign = f"\n\n-- \nsamverkan{', ' + municipality if municipality else ''}\n"
    return Notification(to=r.email, subject=subject, body=f"Hej {r.user}!\n\n{text}\n\n{how}{sign}",
                        collaboration_id=r.collaboration_id, reason=f"reminder.{r.kind}")
