"""One collaboration's full record, as an auditor asks for it (report (e) of issue 13).

Built from the collaboration's state as read once, its documents, the confirmed
findings at each transition (from the audit log, as they stood then), the
municipality's guideline documents and the collaboration's audit events. Used by the
``audit-record`` report and the decision record (PDF).
"""

from __future__ import annotations

from typing import Any

from samverkan.domain.form_guide import answers_in_words
from samverkan.domain.rules import ReportTable
from samverkan.domain.state import CollabState
from samverkan.i18n import msg
from samverkan.services.wording import ANSWER_NAMES, AUTHORITY_NAMES, OUTCOME_NAMES, STAGE_NAMES

#: the session the record is read through (an :class:`~samverkan.services.oversight.OversightUseCases`)
OversightUseCases = Any


def _pairs(title: Any, pairs: list[tuple[Any, Any]]) -> ReportTable:
    """A two-column table of facts (what, value)."""
    return ReportTable(title, [("what", msg("What")), ("value", msg("Value"))],
                       [{"what": k, "value": "" if v is None else v} for k, v in pairs])


def facts(session: OversightUseCases, state: CollabState) -> ReportTable:
    """The collaboration's facts and its organisations."""
    c = state.collaboration
    orgs = "; ".join(f"{o.name} ({o.orgnr})" for o in state.organisations)
    return _pairs(msg("Collaboration {id}: {title}", id=c.id, title=c.title), [
        (msg("Form"), session._form_name(c.form)), (msg("Stage"), STAGE_NAMES.get(c.stage, c.stage)),
        (msg("Case number"), c.case_number), (msg("Organisations"), orgs),
        (msg("Unit"), c.unit), (msg("Responsible manager"), c.manager),
        (msg("Societal challenge"), c.challenge), (msg("Policy link"), c.policy_link),
        (msg("Purpose"), c.purpose), (msg("Target group"), c.target_group),
        (msg("Activity"), c.activity), (msg("Participants"), c.participants),
        (msg("Referral"), c.referral)])


def decision_table(state: CollabState) -> ReportTable | None:
    """The decision with its documentation, if one was taken."""
    d = state.decision
    if d is None:
        return None
    pairs = [(msg("Outcome"), OUTCOME_NAMES.get(d.outcome, d.outcome)), (msg("Decided by"), d.decided_by),
             (msg("Decided on"), d.decided_on.isoformat() if d.decided_on else ""),
             (msg("Authority"), AUTHORITY_NAMES.get(d.authority, d.authority))]
    if d.authority == "board":
        pairs += [(msg("Board"), d.body), (msg("Meeting"), d.meeting_date), (msg("Minute paragraph"),
                                                                            d.minute_paragraph)]
    pairs += [(msg("Motivation"), d.motivation), (msg("Considerations"), d.considerations),
              (msg("Policy link"), d.policy_link)]
    return _pairs(msg("Decision"), pairs)


def findings_table(session: OversightUseCases, collab_id: int) -> ReportTable:
    """Every finding confirmed at a transition of the collaboration, as it stood then."""
    rows = session._advisory_rows(collab_id)
    return ReportTable(msg("Findings confirmed at transitions"),
                       [("to_stage", msg("To stage")), ("confirmed_by", msg("Confirmed by")),
                        ("at", msg("When")), ("findings", msg("Findings"))], rows,
                       notes=[] if rows else [msg("No transition went ahead past an advisory finding.")])


def collaboration_record(session: OversightUseCases, state: CollabState) -> ReportTable:
    """Everything about one collaboration, as sections of one report."""
    c = state.collaboration
    sections = []
    if c.form_answers:
        sections.append(_pairs(msg("Form questionnaire"), answers_in_words(c.form_answers)))
    answers = [{"check": item.id, "text": item.text, "answer": ANSWER_NAMES.get(a.answer, a.answer) if a else "",
                "note": a.note if a else "", "by": a.answered_by if a else ""}
               for item, a in ((i, state.answers.get(i.id)) for i in session.view.checks(c.form))]
    sections.append(ReportTable(msg("Checklist"), [("check", msg("Check")), ("text", msg("Text")),
                                                   ("answer", msg("Answer")), ("note", msg("Note")),
                                                   ("by", msg("By"))], answers))
    decision = decision_table(state)
    if decision is not None:
        sections.append(decision)
    sections.append(findings_table(session, c.id))
    a = state.agreement
    if a is not None:
        sections.append(_pairs(msg("Agreement"), [
            (msg("Signed on"), a.signed_on), (msg("Period"), f"{a.start or ''} – {a.end or ''}"),
            (msg("Goals"), a.goals), *((key, text) for key, text in a.sections.items())]))
    if state.contributions:
        sections.append(ReportTable(msg("Contributions per year"),
                                    [("party", msg("Party")), ("category", msg("Category")),
                                     ("amount", msg("Amount (SEK)"))],
                                    [{"party": k.party, "category": k.category, "amount": k.amount}
                                     for k in state.contributions],
                                    totals={"amount": sum(k.amount for k in state.contributions)}))
    if state.follow_ups:
        sections.append(ReportTable(msg("Follow-ups"),
                                    [("done_on", msg("Date")), ("joint", msg("Joint")),
                                     ("participants", msg("Took part")), ("summary", msg("Summary"))],
                                    [{"done_on": f.done_on, "joint": msg("yes") if f.joint else msg("no"),
                                      "participants": "; ".join(f"{p}: {who}" for p, who in f.participants.items()),
                                      "summary": f.summary} for f in state.follow_ups]))
    documents = session.store.documents(c.id)
    if documents:
        sections.append(ReportTable(msg("Documents"),
                                    [("title", msg("Title")), ("kind", msg("Kind")),
                                     ("reference", msg("Case number")), ("sha256", msg("SHA-256"))],
                                    [{"title": d.title, "kind": d.kind, "reference": d.reference,
                                      "sha256": d.sha256} for d in documents]))
    muni = session.view.municipality
    if muni is not None:
        sections.append(ReportTable(msg("Guideline documents of the municipality"),
                                    [("title", msg("Title")), ("number", msg("Number")), ("date", msg("Date"))],
                                    [{"title": d.title, "number": d.number, "date": d.date} for d in muni.documents]))
    events = session.store.events(entity="collaboration", entity_id=c.id, limit=1000, newest_first=False)
    sections.append(ReportTable(msg("Audit events"),
                                [("id", msg("Event")), ("at", msg("When")), ("actor", msg("Who")),
                                 ("action", msg("Action")), ("hash", msg("Hash"))],
                                [{"id": e.id, "at": e.at[:19].replace("T", " "), "actor": e.actor,
                                  "action": e.action, "hash": e.hash[:16]} for e in events]))
    head = facts(session, state)
    head.sections.extend(sections)
    return head
