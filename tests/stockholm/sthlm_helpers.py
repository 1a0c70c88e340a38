"""Helpers for the Stockholm plugin tests: walk a collaboration through its lifecycle the
way an officer would, on a real SQLite file, so each test can stop where its gate bites.

A module of its own (not conftest) so tests can import it by a name no other test folder uses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from samverkan.domain.errors import TransitionRefused
from samverkan.services import ConfirmationNeeded, Services, add_months

MAILBOX = "funktion.amf.civilsamhalle@stockholm.se"

#: Agreement sections that satisfy every Stockholm section (required and advised).
FULL_SECTIONS = {
    "roles": "Organisationen leder verksamheten; förvaltningen anvisar deltagare.",
    "budget": "500 000 kr per år från förvaltningen.",
    "follow_up": "Gemensam uppföljning varje år i november.",
    "termination": "Tre månaders uppsägningstid.",
    "challenge": "Långvarig arbetslöshet bland nyanlända; verksamhetsplan 2026.",
    "contributions": "Förvaltningen: pengar. Organisationen: personal.",
}


class Walk:
    """Drive one Stockholm collaboration through the services, step by step."""

    def __init__(self, services: Services, orgnr):
        self.s = services
        self.orgnr = orgnr
        self._n = 0

    @property
    def today(self) -> dt.date:
        """The services' fixed today."""
        return self.s.today

    def months_ago(self, n: int) -> dt.date:
        """The date ``n`` months before today."""
        return add_months(self.today, -n)

    def org(self) -> int:
        """Register a new organisation; return its id."""
        self._n += 1
        return self.s.register_organisation(f"Förening {self._n}", self.orgnr(self._n)).id

    def new(self, form: str, **fields: Any) -> int:
        """Register an initiative and move it to preparation."""
        fields.setdefault("compensated", form != "informal")
        fields.setdefault("policy_link", "Arbetsmarknadsnämndens verksamhetsplan 2026")
        c = self.s.register_initiative(f"Test {form}", form, [self.org()], **fields)
        self.s.advance(c.id, "preparation")
        return c.id

    def answer_all(self, cid: int, overrides: dict[str, str] | None = None) -> None:
        """Answer the whole checklist "met" (with a note), except ``overrides``."""
        overrides = overrides or {}
        for item, _ in self.s.checklist(cid):
            self.s.answer_check(cid, item.id, overrides.get(item.id, "met"), "Kontrollerat.")

    def consult(self, cid: int, on: dt.date | None = None, recommendation: str = "supports") -> None:
        """Record a consultation with the preparatory group (default: two months ago)."""
        self.s.add_record(cid, "consultation", {
            "topic": "Lämplig samverkansform?", "advice": "Lämpligt.", "by": "Beredningsgruppen",
            "recommendation": recommendation, "date": (on or self.months_ago(2)).isoformat()})

    def prestudy(self, cid: int) -> None:
        """Record a pre-study three months ago."""
        self.s.add_record(cid, "prestudy", {
            "need": "Behov", "design": "Utformning", "shared_goals": "Mål",
            "date": self.months_ago(3).isoformat()})

    def follow_up_plan(self, cid: int) -> None:
        """Record how an informal collaboration will be followed up (AMF 2024 s. 7)."""
        self.s.add_record(cid, "follow_up_plan", {"how": "Avstämning efter tre månader."})

    def assess_ending(self, cid: int, on: dt.date | None = None) -> None:
        """Record the assessment, in dialogue with the parties, before ending early (s. 10)."""
        self.s.add_record(cid, "ending_assessment", {
            "assessment": "Kraven för samverkan uppfylls inte längre.",
            "dialogue": "Möte med organisationens styrelse.",
            "date": (on or self.today).isoformat()})

    def organisation_funding(self, cid: int) -> None:
        """Record that the organisation was granted the external funding (s. 9)."""
        self.s.add_record(cid, "organisation_funding", {
            "funder": "Allmänna arvsfonden", "granted_on": self.months_ago(2).isoformat(),
            "controls": "Arvsfondens kontroller räcker."})

    def ready(self, form: str, **fields: Any) -> int:
        """A collaboration in preparation with everything Stockholm asks before the decision."""
        cid = self.new(form, **fields)
        if form in ("iop", "external"):
            self.consult(cid)
        if form == "iop":
            self.prestudy(cid)
        if form == "informal":
            self.follow_up_plan(cid)
        self.answer_all(cid)
        return cid

    def decide(self, cid: int, **kwargs: Any):
        """Decide (start unless ``outcome`` says otherwise) with considerations, a month ago."""
        kwargs.setdefault("considerations", "Behovet är utrett; ingen organisation gynnas.")
        kwargs.setdefault("decided_on", self.months_ago(1))
        return self.s.decide(cid, kwargs.pop("outcome", "start"), "Ryms i uppdraget.", **kwargs)

    def contribute(self, cid: int, partner: int = 300_000) -> None:
        """Set the municipality's and the partner's yearly contributions."""
        self.s.set_contributions(cid, [
            {"party": "AMF", "category": "money", "amount": 500_000, "is_municipality": True},
            {"party": "Föreningen", "category": "staff", "amount": partner},
        ])

    def agree(self, cid: int, **kwargs: Any) -> None:
        """Record a signed agreement with goals and every section (overridable)."""
        kwargs.setdefault("signed_on", self.months_ago(1))
        kwargs.setdefault("start", self.months_ago(1))
        kwargs.setdefault("end", add_months(self.today, 24))
        kwargs.setdefault("goals", "40 deltagare per år; 10 i arbete.")
        # every section this form has (the services refuse one it does not have)
        keys = {section.key for section in self.s.form_rules(self.s.collaboration(cid).form).sections}
        given = kwargs.get("sections", FULL_SECTIONS)
        kwargs["sections"] = {k: v for k, v in given.items() if k in keys}
        self.s.record_agreement(cid, **kwargs)

    def expire(self, cid: int, reason: str, **kwargs: Any):
        """End ``cid`` as expired: on its agreement's end date (an informal one: today)."""
        agreement = self.s.state(cid).agreement
        kwargs.setdefault("ended_on", agreement.end if agreement else self.today)
        return self.s.end(cid, reason, kind="expired", **kwargs)

    def to_active(self, form: str, **fields: Any) -> int:
        """A collaboration of ``form`` that passed every gate up to ``active``."""
        cid = self.ready(form, **fields)
        self.decide(cid)
        if form != "informal":
            self.contribute(cid)
            self.agree(cid)
            self.s.advance(cid, "agreement")
        self.s.advance(cid, "active")
        return cid


def refused(call, *args: Any, **kwargs: Any) -> list:
    """Call a service expected to be refused; return its findings."""
    with pytest.raises(TransitionRefused) as info:
        call(*args, **kwargs)
    assert blocking_ids(info.value.findings), "refused without a blocking finding"
    return info.value.findings


def blocking_ids(findings) -> set[str]:
    """Rule ids of the blocking findings."""
    return {f.rule_id for f in findings if f.blocking}


def advisory_ids(findings) -> set[str]:
    """Rule ids of the advisory findings."""
    return {f.rule_id for f in findings if not f.blocking}


def needs_confirmation(call, *args: Any, **kwargs: Any) -> list:
    """Call a service expected to stop only on advisory findings; return them."""
    with pytest.raises(ConfirmationNeeded) as info:
        call(*args, **kwargs)
    assert not blocking_ids(info.value.findings)
    return info.value.findings
