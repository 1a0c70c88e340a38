"""Notifications to the preparatory group's mailbox (funktionsbrevlådan).

The AMF guidelines (Nov 2024) require that every initiative is raised with or reported
to the preparatory group (s. 3), that informal collaborations report their start and
end (s. 7), formal ones their decision and end (s. 10), and externally funded projects
their start (s. 9). The core writes what :func:`for_event` returns to the outbox in the
same transaction as the change. ``data/python.toml`` names :func:`for_event` as the
plugin's notification renderer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from samverkan.domain.followups import add_months
from samverkan.domain.lifecycle import GateContext
from samverkan.domain.model import Notification
from samverkan.domain.query import CollabQuery
from samverkan.plugin.datapack import load_pack

_INFORMAL_EVENTS = {"transition:active": "start", "transition:ended": "end"}
_FORMAL_EVENTS = {"decision": "decision", "transition:ended": "end"}
# Externally funded projects: "Beredningsgruppen ska vidare informeras om startade projekt".
_EXTERNAL_EXTRA = {"transition:active": "start"}

_SUBJECTS = {
    "registered": "Nytt initiativ till samverkan",
    "start": "Samverkan har startat",
    "decision": "Beslut om samverkan",
    "end": "Samverkan har avslutats",
}

_WHY = {
    "registered": "Alla initiativ till samverkan lyfts i eller informeras till beredningsgruppen "
                  "(Riktlinjer för samverkan med civilsamhället, AMF nov. 2024, s. 3).",
    "start": "Start av samverkan meddelas beredningsgruppen "
             "(Riktlinjer för samverkan med civilsamhället, AMF nov. 2024, s. 7 och 9).",
    "decision": "Beslut om formell samverkan meddelas beredningsgruppen "
                "(Riktlinjer för samverkan med civilsamhället, AMF nov. 2024, s. 10).",
    "end": "Avslutad samverkan meddelas beredningsgruppen "
           "(Riktlinjer för samverkan med civilsamhället, AMF nov. 2024, s. 7 och 10).",
}


def kind_of(event: str, form: str) -> str | None:
    """Which notification (registered, start, decision, end) ``event`` calls for, if any."""
    if event == "registered":
        return "registered"
    if form == "informal":
        return _INFORMAL_EVENTS.get(event)
    if form == "external" and event in _EXTERNAL_EXTRA:
        return _EXTERNAL_EXTRA[event]
    return _FORMAL_EVENTS.get(event)


def for_event(event: str, ctx: GateContext) -> list[Notification]:
    """The notifications to the group's mailbox that ``event`` calls for (maybe none)."""
    kind = kind_of(event, ctx.form)
    pack = load_pack("samverkan_stockholm")
    to = pack.municipality.mailbox
    if kind is None or not to:
        return []
    c = ctx.collaboration
    offer = pack.form(c.form)
    form_name = offer.name if offer else c.form
    lines = [
        f"Samverkan: {c.title} (nr {c.id})",
        f"Form: {form_name}",
        f"Organisation(er): {', '.join(o.name for o in ctx.organisations) or '-'}",
        f"Initiativ från: {'organisationen' if c.initiator == 'organisation' else 'förvaltningen'}",
        f"Ansvarig enhet och chef: {c.unit or '-'}, {c.manager or '-'}",
        f"Målgrupp: {c.target_group or '-'}",
        f"Syfte: {c.purpose or '-'}",
    ]
    if kind == "decision" and ctx.decision is not None:
        d = ctx.decision
        outcome = "inleda samverkan" if d.outcome == "start" else "avstå från samverkan"
        lines += [
            f"Beslut: {outcome}, {d.decided_on.isoformat()}, av {d.decided_by}",
            f"Motivering: {d.motivation}",
            f"Överväganden: {d.considerations or '-'}",
            f"Koppling till budgetuppdrag/verksamhetsplan: {d.policy_link or '-'}",
        ]
    if kind == "start" and ctx.agreement is not None:
        lines.append(f"Avtalsperiod: {ctx.agreement.start} – {ctx.agreement.end or 'tills vidare'}")
    if kind == "end" and ctx.termination is not None:
        t = ctx.termination
        how = "löpte ut" if t.kind == "expired" else "avbröts"
        lines += [f"Avslut: {how} {t.ended_on.isoformat()}", f"Skäl: {t.reason}"]
    lines += ["", _WHY[kind]]
    return [Notification(to=to, subject=f"{_SUBJECTS[kind]}: {c.title}", body="\n".join(lines),
                         collaboration_id=c.id, reason=event)]


#: the monthly list's reason, with the month appended (it is queued once a month)
IOP_LIST = "stockholm.iop-follow-up-list"


def iop_follow_up_list(on: dt.date, reads: Any) -> list[Notification]:
    """Once a month, the active IOPs that had no follow-up in the last twelve months (or
    never, a year after their agreement started), to the group's mailbox.

    Every signed IOP agreement "ska" be followed up yearly (AMN 2019, seed 000), and the
    preparatory group is to be able to follow collaboration up ("möjlighet att följa upp
    samverkan", seed 000); the list is how it learns which are late. Nothing is sent in a
    month when none is.
    """
    to = load_pack("samverkan_stockholm").municipality.mailbox
    if not to:
        return []
    year_ago = add_months(on, -12)
    late = []
    for row in reads.collaborations(CollabQuery(form="iop", stage="active", limit=10_000)):
        state = reads.state(row["id"])
        last = max((f.done_on for f in state.follow_ups), default=None)
        started = state.agreement.start if state.agreement else None
        if (last is None or last < year_ago) and (started is None or started <= year_ago):
            late.append((row, last))
    if not late:
        return []
    lines = [f"IOP utan uppföljning de senaste tolv månaderna ({year_ago.isoformat()} – {on.isoformat()}):", ""]
    lines += [f"- {r['title']} (nr {r['id']}), {r['unit'] or '-'}: "
              f"{'aldrig uppföljd' if last is None else 'senast uppföljd ' + last.isoformat()}" for r, last in late]
    lines += ["", "Varje undertecknat IOP-avtal ska följas upp årligen (arbetsmarknadsnämnden 2019-11-26). "
                  "Listan skickas en gång i månaden så länge någon saknas."]
    return [Notification(to=to, subject=f"IOP utan årlig uppföljning: {len(late)}", body="\n".join(lines),
                         reason=f"{IOP_LIST}:{on:%Y-%m}")]
