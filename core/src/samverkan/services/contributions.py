"""Use cases on the money and kind each party puts into a collaboration.

Contributions are lines (party, category, whole kronor per year) that an officer adds,
corrects and removes one by one; each change is audited with what the line was. The
party is one of the collaboration's parties: the municipality or one of its
organisations, given by name, id or organisation number
(:meth:`~samverkan.services.collaborations.CollaborationUseCases.parties`).
"""

from __future__ import annotations

from typing import Any

from samverkan.domain.errors import NotFound, ValidationError
from samverkan.domain.model import Contribution
from samverkan.domain.state import CollabState
from samverkan.i18n import msg
from samverkan.services.records import RecordUseCases, refuse_closed
from samverkan.services.session import use_case


class ContributionUseCases(RecordUseCases):
    """Contributions (mixed into :class:`samverkan.services.Services`)."""

    def _line(self, state: CollabState, party: Any, category: str, amount: Any) -> Contribution:
        p = self._party(state, party)
        return Contribution(collaboration_id=state.id, party=p.name, category=category, amount=amount,
                            is_municipality=p.is_municipality, organisation_id=p.organisation_id)

    @use_case("contributions.set", on="collaboration", reads=("organisations",))
    def add_contribution(self, state: CollabState, party: Any, category: str, amount: Any) -> Contribution:
        """Add one party's yearly contribution in one category (whole kronor)."""
        refuse_closed(state)
        line = self._line(state, party, category, amount)
        with self._tx():
            return self.store.insert_contribution(line)

    @use_case("contributions.set", on="collaboration", reads=("organisations", "contributions"))
    def update_contribution(self, state: CollabState, contribution_id: int, *, party: Any = None,
                            category: str | None = None, amount: Any = None) -> Contribution:
        """Correct one contribution line (party, category or amount)."""
        refuse_closed(state)
        before = _find(state, contribution_id)
        if party is None:  # the line keeps its own party, whatever it was entered as
            after = Contribution(collaboration_id=state.id, party=before.party,
                                 category=before.category if category is None else category,
                                 amount=before.amount if amount is None else amount,
                                 is_municipality=before.is_municipality,
                                 organisation_id=before.organisation_id)
        else:
            after = self._line(state, party, before.category if category is None else category,
                               before.amount if amount is None else amount)
        after.id = before.id
        with self._tx():
            return self.store.update_contribution(before, after)

    @use_case("contributions.set", on="collaboration", reads=("contributions",))
    def remove_contribution(self, state: CollabState, contribution_id: int) -> None:
        """Remove one contribution line (the audit trail keeps what it was)."""
        refuse_closed(state)
        before = _find(state, contribution_id)
        with self._tx():
            self.store.delete_contribution(before)

    @use_case("contributions.set", on="collaboration", reads=("organisations",))
    def set_contributions(self, state: CollabState, items: list[dict[str, Any]], *,
                          strict: bool = False) -> list[Contribution]:
        """Replace each party's yearly contributions (whole kronor per category).

        Each item is ``{"party", "category", "amount"}``. A party that names the
        municipality or one of the collaboration's organisations is recorded as that
        party. Unless ``strict`` (what an officer types: the CLI), an item may instead
        name a party in free text, such as a municipal administration
        (``"is_municipality": True``) or several organisations together.
        """
        refuse_closed(state)
        lines = []
        for item in items:
            item = dict(item)
            try:
                lines.append(self._line(state, item.get("party"), item.get("category", ""), item.get("amount")))
            except ValidationError as exc:
                if exc.field != "party" or strict:
                    raise
                lines.append(Contribution(collaboration_id=state.id, **item))
        with self._tx():
            self.store.replace_contributions(state.id, lines)
        return lines


def _find(state: CollabState, contribution_id: Any) -> Contribution:
    for c in state.contributions:
        if str(c.id) == str(contribution_id).strip():
            return c
    raise NotFound(msg("no contribution {id} on collaboration {collab}", id=contribution_id, collab=state.id))
