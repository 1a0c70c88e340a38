"""What a list of collaborations asks for: filters, order and one page.

A plain value object shared by the store (which turns it into SQL), the services, the
interfaces and the plugins' reports, so that none of them imports the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass
class CollabQuery:
    """What the collaboration list shows: filters, order and one page."""

    search: str = ""
    stage: str | None = None
    form: str | None = None
    unit: str | None = None
    organisation_id: int | None = None
    overdue_on: dt.date | None = None
    sort: str = "id"
    descending: bool = False
    limit: int = 50
    offset: int = 0
