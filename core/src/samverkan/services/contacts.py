"""Use cases: an organisation's contact persons."""

from __future__ import annotations

from samverkan.services.session import Session


class ContactUseCases(Session):
    """Add, change, remove and list an organisation's contact persons."""
