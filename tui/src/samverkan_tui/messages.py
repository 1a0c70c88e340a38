"""Messages the screens and widgets post to each other (dataclasses, as in toolong)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class OpenCollaboration(Message):
    """Show the detail of a collaboration."""

    collab_id: int


@dataclass
class OpenOrganisation(Message):
    """Show the detail of an organisation."""

    org_id: int


@dataclass
class DataChanged(Message):
    """Something was written; lists showing it reload (coalesced)."""

    collab_id: int | None = None

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, DataChanged)


@dataclass
class PageRequested(Message):
    """A paged table asks for the page that starts at ``offset``."""

    offset: int
    cursor: int = 0
