"""Stockholm's reports, built through the services (never SQL); declared with their
titles and sources in ``data/python.toml``.

- ``overdue-follow-ups``: active collaborations whose scheduled follow-up is past due:
  a signed IOP agreement is followed up yearly (AMN 2019); other collaborations are
  evaluated regularly with no interval set (AMF 2024 s. 10), so they have no due date.
- ``iop-follow-ups``: every IOP with its goals and follow-ups, the auditor's question
  "show me the follow-up of every IOP" (Dnr KS 2021/826, audit report 3/2021).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from samverkan.domain.query import CollabQuery
from samverkan.domain.rules import ReportTable
from samverkan.plugin.datapack import load_pack

if TYPE_CHECKING:
    from samverkan.domain.reading import ReadSession

_PAGE = 200


def _pages(services: ReadSession, query: CollabQuery) -> Iterator[dict[str, Any]]:
    """Every row of ``query``, read one page at a time."""
    offset = 0
    while True:
        query.offset = offset
        rows = services.collaborations(query)
        yield from rows
        if len(rows) < query.limit:
            return
        offset += query.limit


def _form_name(services: ReadSession, form: str) -> str:
    offer = services.form_offer(form)
    return offer.name if offer else form


def overdue_follow_ups(services: ReadSession) -> ReportTable:
    """Active collaborations whose next follow-up date has passed, most overdue first."""
    today = services.today
    rows = []
    for r in services.overdue(on=today):
        due = r["next_follow_up"]
        days = (today - _as_date(due)).days
        rows.append({
            "id": r["id"], "title": r["title"], "form": _form_name(services, r["form"]),
            "unit": r["unit"], "organisations": r["org_names"], "due": due, "days_overdue": days,
        })
    rows.sort(key=lambda r: -r["days_overdue"])
    return ReportTable(
        title=f"Försenade uppföljningar per {today.isoformat()}",
        columns=[("id", "Nr"), ("title", "Samverkan"), ("form", "Form"), ("unit", "Enhet"),
                 ("organisations", "Organisation(er)"), ("due", "Uppföljning senast"),
                 ("days_overdue", "Dagar sen")],
        rows=rows, totals={"count": len(rows)},
        notes=[f"Ett ingånget IOP-avtal följs upp årligen "
               f"({load_pack('samverkan_stockholm').follow_up_policy('iop').source}); "
               f"övrig samverkan utvärderas regelbundet utan fast intervall och har inget förfallodatum."],
    )


def iop_follow_ups(services: ReadSession) -> ReportTable:
    """Every IOP past the decision, with its goals, follow-ups and the next due date."""
    rows = []
    for r in _pages(services, CollabQuery(form="iop", limit=_PAGE)):
        if r["stage"] not in ("agreement", "active", "ended"):
            continue
        d = services.detail(r["id"])
        follow_ups = d["follow_ups"]
        agreement = d["agreement"]
        rows.append({
            "id": r["id"], "title": r["title"], "stage": r["stage"],
            "goals": agreement.goals if agreement else "",
            "follow_ups": len(follow_ups),
            "last": max((f.done_on for f in follow_ups), default=None),
            "next_due": r["next_follow_up"] or "",
        })
    for row in rows:
        row["last"] = row["last"].isoformat() if row["last"] else ""
    return ReportTable(
        title="Uppföljning av varje IOP",
        columns=[("id", "Nr"), ("title", "IOP"), ("stage", "Skede"), ("goals", "Mål i avtalet"),
                 ("follow_ups", "Uppföljningar"), ("last", "Senast"), ("next_due", "Nästa")],
        rows=rows, totals={"count": len(rows)},
        notes=["Stadsrevisionen (rapport 3/2021) efterfrågade gemensam uppföljning av varje partnerskap."],
    )


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
