"""What a plugin's report and demo data may ask of a session (structural types).

Reports (``register_reports``) and demo data (``load_demo``) are given the acting
session. These protocols are the part of it they may rely on, so the plugin API names
no class of the services layer; :class:`samverkan.services.Services` satisfies both.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterable

    from samverkan.domain.lifecycle import Finding
    from samverkan.domain.model import (
        Agreement,
        CheckAnswer,
        CheckItem,
        Collaboration,
        Contact,
        Contribution,
        FollowUp,
        Organisation,
        Record,
    )
    from samverkan.domain.query import CollabQuery
    from samverkan.domain.rules import FormOffer, FormRules
    from samverkan.domain.state import CollabState


class ReadSession(Protocol):
    """The reads a report may make, as the acting user (each checks the reader role)."""

    @property
    def today(self) -> dt.date:
        """Today's date (fixed in tests)."""

    def collaborations(self, query: CollabQuery | None = None) -> list[dict[str, Any]]:
        """One page of collaboration rows."""

    def count_collaborations(self, query: CollabQuery | None = None) -> int:
        """How many collaborations match ``query``."""

    def overdue(self, on: dt.date | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        """Active collaborations whose next follow-up is past due."""

    def collaboration(self, collab_id: int) -> Collaboration:
        """One collaboration."""

    def state(self, collab_id: int) -> CollabState:
        """Everything stored about one collaboration."""

    def detail(self, collab_id: int) -> dict[str, Any]:
        """Everything about one collaboration, for a detail view."""

    def form_offer(self, form: str) -> FormOffer | None:
        """How the municipality offers ``form`` (its local name), if it registered it."""

    def form_rules(self, form: str) -> FormRules:
        """What the municipality's rules say about ``form`` (checks, authority, sections …)."""

    def checklist(self, collab_id: int) -> list[tuple[CheckItem, CheckAnswer | None]]:
        """The checklist of a collaboration with its answers."""


class WorkSession(ReadSession, Protocol):
    """The use cases demo data is entered through, as an officer would enter it."""

    def register_organisation(self, name: str, orgnr: str, legal_form: str = ...,
                              contact: str = ..., is_example: bool = ...) -> Organisation:
        """Register an organisation (``contact``: one contact person as text)."""

    def add_contact(self, org_id: int | str, name: str, role: str = ..., email: str = ...,
                    phone: str = ...) -> Contact:
        """Add a contact person to an organisation."""

    def register_initiative(self, title: str, form: str, organisations: list[int | str],
                            initiator: str = ..., **fields: Any) -> Collaboration:
        """Register an initiative."""

    def answer_check(self, collab_id: int, check_id: str, answer: str, note: str = ...) -> CheckAnswer:
        """Answer one check item."""

    def add_record(self, collab_id: int, kind: str, data: dict[str, Any]) -> Record:
        """Store a plugin record."""

    def set_contributions(self, collab_id: int, items: Iterable[dict[str, Any]]) -> list[Contribution]:
        """Replace the parties' contributions."""

    def advance(self, collab_id: int, to_stage: str, *, version: int | None = ...,
                confirm: bool = ...) -> tuple[Collaboration, list[Finding]]:
        """Move a collaboration one step."""

    def decide(self, collab_id: int, outcome: str, motivation: str, considerations: str = ...,
               **kwargs: Any) -> tuple[Collaboration, list[Finding]]:
        """Record a decision."""

    def record_agreement(self, collab_id: int, **kwargs: Any) -> Agreement:
        """Record the signed agreement."""

    def record_follow_up(self, collab_id: int, summary: str, **kwargs: Any) -> FollowUp:
        """Record a follow-up."""

    def end(self, collab_id: int, reason: str, **kwargs: Any) -> tuple[Collaboration, list[Finding]]:
        """End a collaboration."""
