"""Oversight: the auditors' questions as reports every municipality has, and the
record of one collaboration an auditor asks for.

The city audit of Stockholm's IOPs (project report 3/2021, answered in seed 004) missed
three things: a documented link to a shared societal challenge and a political
programme, documented considerations behind each decision, and joint follow-up in
which every party takes part. The reports here answer those questions, and two more:
which transitions went ahead past advisory findings, and everything about one case.
They are the core's, so they read the same in every municipality; a plugin's own
reports come after them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from samverkan.domain.errors import NotFound
from samverkan.domain.followups import add_months
from samverkan.domain.model import FORM_KEYS
from samverkan.domain.rules import ReportTable
from samverkan.i18n import Message, msg
from samverkan.services.records_view import collaboration_record
from samverkan.services.session import Session, use_case
from samverkan.services.wording import AUTHORITY_NAMES, OUTCOME_NAMES, STAGE_NAMES

#: the core's audit reports: key -> (title, description)
AUDIT_REPORTS: dict[str, tuple[Message, Message]] = {
    "audit-links": (msg("Societal challenge and policy link not documented"),
                    msg("Collaborations whose shared societal challenge or link to a political programme "
                        "or budget assignment is not documented, per form and unit (city audit 3/2021).")),
    "audit-considerations": (msg("Decisions without documented considerations"),
                             msg("Decisions whose motivation or considerations are not documented, "
                                 "with who decided and when.")),
    "audit-follow-up": (msg("No joint follow-up in the last 12 months"),
                        msg("Active collaborations whose form has a follow-up policy and that had no "
                            "follow-up in which every party took part in the last 12 months.")),
    "failed-deliveries": (msg("Notifications that could not be sent"),
                          msg("Notifications the delivery worker gave up on, with their attempts and last "
                              "error; `samverkan outbox retry` sends them again.")),
    "audit-advisories": (msg("Transitions past advisory findings"),
                         msg("Every transition that went ahead after advisory findings were confirmed: "
                             "the findings as they stood, who confirmed them and when.")),
}

def _joined(parts: list[Message]) -> Message | str:
    """Several short messages as one cell ("a; b")."""
    if not parts:
        return ""
    out = parts[0]
    for part in parts[1:]:
        out = msg("{first}; {second}", first=out, second=part)
    return out


class OversightUseCases(Session):
    """The audit reports (mixed into :class:`samverkan.services.Services`)."""

    def _form_name(self, form: str) -> str:
        offer = self.view.form(form)
        return offer.name if offer else form

    def _audit_report(self, key: str) -> ReportTable:
        """Build the core's audit report ``key`` (see :data:`AUDIT_REPORTS`)."""
        builders = {"audit-links": self._links, "audit-considerations": self._considerations,
                    "audit-follow-up": self._follow_up, "audit-advisories": self._advisories,
                    "failed-deliveries": self._failed_deliveries}
        if key not in builders:
            raise NotFound(msg("no report {key!r}; available: {reports}", key=key,
                               reports=", ".join(AUDIT_REPORTS)))
        return builders[key]()

    def _links(self) -> ReportTable:
        found = self.store.undocumented_links()
        rows = [{"id": r["id"], "title": r["title"], "form": self._form_name(r["form"]), "unit": r["unit"],
                 "stage": STAGE_NAMES.get(r["stage"], r["stage"]),
                 "missing": _joined([m for m, gap in ((msg("societal challenge"), r["no_challenge"]),
                                                      (msg("policy link"), r["no_policy_link"])) if gap])}
                for r in found]
        per = Counter((row["form"], row["unit"] or "-") for row in rows)
        summary = ReportTable(
            msg("Per form and unit"), [("form", msg("Form")), ("unit", msg("Unit")), ("count", msg("Count"))],
            [{"form": f, "unit": u, "count": n} for (f, u), n in sorted(per.items())])
        return ReportTable(
            AUDIT_REPORTS["audit-links"][0],
            [("id", msg("Id")), ("title", msg("Title")), ("form", msg("Form")), ("unit", msg("Unit")),
             ("stage", msg("Stage")), ("missing", msg("Not documented"))],
            rows, totals={"count": len(rows)}, sections=[summary] if rows else [],
            notes=[msg("A policy link counts when it is on the collaboration or its decision.")])

    def _considerations(self) -> ReportTable:
        rows = []
        for r in self.store.undocumented_decisions():
            how = AUTHORITY_NAMES.get(r["authority"], r["authority"])
            if r["authority"] == "board":
                how = msg("{authority} ({body}, {date} {paragraph})", authority=how, body=r["body"],
                          date=r["meeting_date"], paragraph=r["minute_paragraph"])
            rows.append({
                "id": r["id"], "title": r["title"], "form": self._form_name(r["form"]), "unit": r["unit"],
                "outcome": OUTCOME_NAMES.get(r["outcome"], r["outcome"]), "decided_by": r["decided_by"],
                "decided_on": r["decided_on"], "authority": how,
                "missing": _joined([m for m, gap in ((msg("motivation"), r["no_motivation"]),
                                                     (msg("considerations"), r["no_considerations"])) if gap])})
        return ReportTable(
            AUDIT_REPORTS["audit-considerations"][0],
            [("id", msg("Id")), ("title", msg("Title")), ("form", msg("Form")), ("unit", msg("Unit")),
             ("outcome", msg("Outcome")), ("decided_by", msg("Decided by")), ("decided_on", msg("Decided on")),
             ("authority", msg("Authority")), ("missing", msg("Not documented"))],
            rows, totals={"count": len(rows)})

    def _follow_up(self) -> ReportTable:
        # the forms followed up on a schedule: a policy without an interval ("regularly")
        # sets no period a 12-month window could hold a collaboration to
        forms = [f for f in FORM_KEYS if getattr(self.view.follow_up_policy(f), "interval_months", None)]
        today = self.today
        since = add_months(today, -12)
        rows = []
        for r in self.store.missing_joint_follow_ups(forms, since, today):
            if r["last_follow_up"] is None:
                status = msg("never followed up")
            elif r["last_joint"] is None:
                status = msg("never followed up jointly")
            else:
                status = msg("last joint follow-up {date}", date=r["last_joint"])
            rows.append({"id": r["id"], "title": r["title"], "form": self._form_name(r["form"]),
                         "unit": r["unit"], "started": r["started"] or "", "last_follow_up": r["last_follow_up"] or "",
                         "last_joint": r["last_joint"] or "", "status": status})
        return ReportTable(
            AUDIT_REPORTS["audit-follow-up"][0],
            [("id", msg("Id")), ("title", msg("Title")), ("form", msg("Form")), ("unit", msg("Unit")),
             ("started", msg("Agreement from")), ("last_follow_up", msg("Last follow-up")),
             ("last_joint", msg("Last joint follow-up")), ("status", msg("Status"))],
            rows, totals={"count": len(rows)},
            notes=[msg("Joint: someone took part for every party, the municipality included. "
                       "Counted from {since} to {today}; a collaboration younger than that is listed "
                       "once a follow-up was due.", since=since.isoformat(), today=today.isoformat())])

    def _advisory_rows(self, collab_id: int | None = None) -> list[dict[str, Any]]:
        return [{"id": r["id"], "title": r["title"], "to_stage": STAGE_NAMES.get(r["to_stage"], r["to_stage"]),
                 "confirmed_by": r["confirmed_by"], "at": r["at"][:16].replace("T", " "),
                 "findings": " | ".join(f"{f['rule_id']}: {f['message']} ({f['source']})" for f in r["findings"])}
                for r in self.store.confirmed_advisories(collab_id)]

    def _advisories(self) -> ReportTable:
        rows = self._advisory_rows()
        return ReportTable(
            AUDIT_REPORTS["audit-advisories"][0],
            [("id", msg("Id")), ("title", msg("Title")), ("to_stage", msg("To stage")),
             ("confirmed_by", msg("Confirmed by")), ("at", msg("When")), ("findings", msg("Findings"))],
            rows, totals={"count": len(rows)})

    def _failed_deliveries(self) -> ReportTable:
        rows = [{"id": n.get("collaboration_id"), "notification": n["id"], "recipient": n.get("recipient", ""),
                 "subject": n.get("subject", ""), "attempts": n.get("attempts") or 0,
                 "last_attempt": (n.get("last_attempt_at") or "")[:16].replace("T", " "),
                 "error": n.get("error") or ""}
                for n in self.store.outbox(status="failed")]
        return ReportTable(
            AUDIT_REPORTS["failed-deliveries"][0],
            [("id", msg("Id")), ("notification", msg("Notification")), ("recipient", msg("Recipient")),
             ("subject", msg("Subject")), ("attempts", msg("Attempts")), ("last_attempt", msg("Last attempt")),
             ("error", msg("Last error"))],
            rows, totals={"count": len(rows)})

    @use_case("read", on="collaboration")
    def collaboration_record(self, state: Any) -> ReportTable:
        """Everything an auditor asks for about one collaboration: its facts, the checklist,
        the decision with its considerations, every confirmed finding at every transition as
        it stood then, the agreement, money, follow-ups, documents, the guideline documents
        of the municipality and the audit events."""
        return collaboration_record(self, state)

    @use_case("read")
    def overview(self) -> dict[str, Any]:
        """The portfolio in figures (SQL aggregates): collaborations per form and stage,
        unit and year, yearly money per form, overdue and soon-due follow-ups, and
        collaborations waiting for a decision."""
        figures = self.store.portfolio()
        today = self.today
        figures["overdue"] = self.store.count_follow_ups_due(None, today)
        figures["due_soon"] = self.store.count_follow_ups_due(today, today + dt.timedelta(days=30))
        figures["awaiting_decision"] = sum(r["n"] for r in figures["form_stage"] if r["stage"] == "preparation")
        return figures
