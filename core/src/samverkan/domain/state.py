"""One collaboration as the core knows it: everything stored about it, read at once.

A command reads a :class:`CollabState` once (the store does it in a fixed number of
queries) and passes it to the permission check, the gates, the notifications and the
interfaces' detail view, instead of each of them reading the rows it needs again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from samverkan.domain.model import (
        Agreement,
        CheckAnswer,
        Collaboration,
        ConflictDeclaration,
        Contribution,
        Decision,
        FollowUp,
        Organisation,
        Record,
        Termination,
    )


@dataclass
class CollabState:
    """Everything stored about one collaboration at one moment.

    :param watermark: the newest audit event about the collaboration or its
        organisations when the state was read. A write checks it again under the write
        lock: if it moved, someone changed what the gates looked at, and the command is
        evaluated again on fresh data.
    """

    collaboration: Collaboration
    organisations: list[Organisation] = field(default_factory=list)
    answers: dict[str, CheckAnswer] = field(default_factory=dict)
    decision: Decision | None = None
    agreement: Agreement | None = None
    contributions: list[Contribution] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    termination: Termination | None = None
    records: list[Record] = field(default_factory=list)
    conflicts: list[ConflictDeclaration] = field(default_factory=list)
    watermark: int = 0

    @property
    def id(self) -> int:
        """The collaboration's id."""
        return self.collaboration.id  # type: ignore[return-value]

    @property
    def stage(self) -> str:
        """The collaboration's stage."""
        return self.collaboration.stage

    @property
    def form(self) -> str:
        """The collaboration's form key."""
        return self.collaboration.form

    def conflicts_of(self, user: str) -> list[ConflictDeclaration]:
        """The conflicts of interest ``user`` declared on this collaboration or its organisations."""
        return [c for c in self.conflicts if c.user == user]
