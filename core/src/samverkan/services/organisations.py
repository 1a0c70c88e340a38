"""Use cases on organisations: register, look up, change, list, and their check history."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from samverkan.domain.model import Organisation
from samverkan.domain.query import CollabQuery
from samverkan.services.session import Session, use_case


class OrganisationUseCases(Session):
    """Organisations (mixed into :class:`samverkan.services.Services`)."""

    @use_case("organisation.register", on="organisation")
    def register_organisation(self, name: str, orgnr: str, legal_form: str = "ideell förening",
                              contact: str = "", is_example: bool = False) -> Organisation:
        """Register an organisation (validated organisation number, unique)."""
        org = Organisation(name=name, orgnr=orgnr, legal_form=legal_form, contact=contact,
                           is_example=is_example)
        with self._tx():
            return self.store.insert_organisation(org)

    @use_case("read", on="organisation")
    def organisation(self, ref: int | str) -> Organisation:
        """The organisation by id or organisation number."""
        return self._find_organisation(ref)

    @use_case("read", on="organisation")
    def organisations(self, search: str = "", limit: int = 100, offset: int = 0) -> list[Organisation]:
        """One page of organisations by name."""
        return self.store.list_organisations(search, limit, offset)

    @use_case("read", on="organisation")
    def count_organisations(self, search: str = "") -> int:
        """How many organisations match ``search``."""
        return self.store.count_organisations(search)

    @use_case("organisation.update", on="organisation")
    def update_organisation(self, org_id: int, version: int, **changes: Any) -> Organisation:
        """Change an organisation if nobody else changed it since ``version``."""
        before = self.store.get_organisation(org_id)
        Organisation(**{**asdict(before), **changes})  # validate before taking the lock
        with self._tx():
            return self.store.update_organisation(org_id, version, changes)

    @use_case("read", on="organisation")
    def check_history(self, org_id: int) -> list[dict[str, Any]]:
        """Every check answered on the organisation's collaborations, newest first."""
        out = []
        query = CollabQuery(organisation_id=org_id, limit=10_000)
        for c in self.store.list_collaborations(query):
            for a in self.store.answers(c["id"]).values():
                out.append({"collaboration_id": c["id"], "title": c["title"], **asdict(a)})
        return sorted(out, key=lambda r: r["answered_at"], reverse=True)
