"""Use cases: an organisation's contact persons.

A contact person has a name (required), a role, an e-mail address and a telephone number
(both checked, :class:`samverkan.domain.contacts.Contact`). Each change is validated before
the write lock is taken and audited with what the person was and became.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from samverkan.domain.contacts import CONTACT_FIELDS, Contact, parse_contact
from samverkan.domain.errors import ValidationError
from samverkan.domain.model import copy_with
from samverkan.i18n import msg
from samverkan.services.session import Session, use_case


def _contact_id(value: Any) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(msg("not a contact person's id: {value!r}", value=value), "id") from None


def contact_from_text(org_id: int, text: Any) -> Contact | None:
    """The contact person a free-text contact names ("Anna Svensson, anna@example.se,
    070-123 45 67"), validated; None for empty text (see :func:`parse_contact`)."""
    fields = parse_contact(text if isinstance(text, str) or text is None else str(text))
    if fields is None:
        return None
    try:
        return Contact(organisation_id=org_id, **fields)
    except ValidationError as exc:  # named as the text it came from (e.g. a name too long)
        raise ValidationError(exc.args[0], "contact") from None


class ContactUseCases(Session):
    """Add, change, remove and list an organisation's contact persons."""

    @use_case("contact.add", on="organisation")
    def add_contact(self, org_id: int | str, name: str, role: str = "", email: str = "",
                    phone: str = "") -> Contact:
        """Add a contact person to the organisation (by id or organisation number)."""
        org = self._find_organisation(org_id)
        contact = Contact(organisation_id=org.id, name=name, role=role, email=email, phone=phone)
        with self._tx():
            return self.store.insert_contact(contact)

    @use_case("contact.update", on="organisation")
    def update_contact(self, contact_id: int | str, version: int | None = None, **changes: Any) -> Contact:
        """Change a contact person's name, role, e-mail address or number.

        :param version: the version the change was made on (as shown); when given, a
            change someone else made meanwhile is refused instead of overwritten.
        """
        unknown = sorted(set(changes) - set(CONTACT_FIELDS))
        if unknown:
            raise ValidationError(msg("unknown field(s) {unknown}; expected {columns}",
                                      unknown=", ".join(unknown), columns=", ".join(CONTACT_FIELDS)),
                                  unknown[0])
        before = self.store.get_contact(_contact_id(contact_id))
        after = Contact(**{**asdict(before), **{k: "" if v is None else v for k, v in changes.items()}})
        if version is not None:  # the store refuses the write unless the row is still at it
            before = copy_with(before, version=int(version))
        elif all(getattr(after, k) == getattr(before, k) for k in CONTACT_FIELDS):
            return before  # nothing to change, nothing to audit
        with self._tx():
            return self.store.update_contact(before, after)

    @use_case("contact.remove", on="organisation")
    def remove_contact(self, contact_id: int | str) -> Contact:
        """Remove a contact person (the audit log keeps what it was); returns it."""
        before = self.store.get_contact(_contact_id(contact_id))
        with self._tx():
            self.store.delete_contact(before)
        return before

    @use_case("read", on="organisation")
    def contacts(self, org_id: int | str) -> list[Contact]:
        """The organisation's contact persons, in the order they were added."""
        return self.store.list_contacts(self._find_organisation(org_id).id)

    @use_case("read", on="organisation")
    def contact(self, contact_id: int | str) -> Contact:
        """One contact person."""
        return self.store.get_contact(_contact_id(contact_id))
