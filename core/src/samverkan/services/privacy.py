"""Use cases: personal data under GDPR and the archives act (extract, erase, cull)."""

from __future__ import annotations

from samverkan.services.session import Session


class PrivacyUseCases(Session):
    """The register extract (art. 15), erasure (art. 17) and culling (gallring)."""
