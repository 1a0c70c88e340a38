"""Use cases on organisations: register, look up, change, list, and their check history."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from samverkan.domain.errors import ValidationError
from samverkan.domain.model import Organisation
from samverkan.domain.query import CollabQuery
from samverkan.i18n import msg
from samverkan.services.contacts import contact_from_text
from samverkan.services.session import Session, use_case

#: what :meth:`OrganisationUseCases.update_organisation` changes
ORG_CHANGES = ("name", "orgnr", "legal_form", "is_example")


class OrganisationUseCases(Session):
    """Organisations (mixed into :class:`samverkan.services.Services`)."""

    @use_case("organisation.register", on="organisation")
    def register_organisation(self, name: str, orgnr: str, legal_form: str = "ideell förening",
                              contact: str = "", is_example: bool = False) -> Organisation:
        """Register an organisation (validated organisation number, unique).

        :param contact: a contact person in free text ("Anna Svensson, anna@example.se,
            070-123 45 67"), added with the organisation in the same transaction
            (:func:`samverkan.domain.contacts.parse_contact`); empty for none.
        """
        org = Organisation(name=name, orgnr=orgnr, legal_form=legal_form, is_example=is_example)
        person = contact_from_text(0, contact)  # validated before the lock is taken
        with self._tx():
            self.store.insert_organisation(org)
            if person is not None:
                person.organisation_id = org.id
                self.store.insert_contact(person)
            return org

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
        """Change an organisation if nobody else changed it since ``version``.

        Its contact persons are changed one by one (:meth:`update_contact`).
        """
        unknown = sorted(set(changes) - set(ORG_CHANGES))
        if unknown:
            raise ValidationError(msg("unknown field(s) {unknown}; expected {columns}",
                                      unknown=", ".join(unknown), columns=", ".join(ORG_CHANGES)),
                                  unknown[0])
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
