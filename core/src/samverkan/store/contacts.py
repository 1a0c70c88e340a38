"""The contact persons of organisations (rows of ``contacts``).

Every write runs inside :meth:`Store.transaction`, touches the row (so the audit chain
covers it, :mod:`.coverage`) and appends an event whose before and after images hold the
contact person's fields.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from samverkan.domain.contacts import Contact
from samverkan.domain.errors import NotFound, StaleUpdate
from samverkan.i18n import msg
from samverkan.store import sql
from samverkan.store.sql import insert, objects, row_of

_COLUMNS = "id, organisation_id, name, role, email, phone, version"


def _no_contact(contact_id: Any) -> NotFound:
    return NotFound(msg("no contact person with id {id}", id=contact_id))


class ContactRows:
    """Contact persons' rows (mixed into the store)."""

    conn: sqlite3.Connection

    def insert_contact(self, contact: Contact) -> Contact:
        """Add ``contact`` to its organisation (which must exist)."""
        self._require_tx()
        self.get_organisation(contact.organisation_id)  # a clear refusal, not a foreign-key error
        row = row_of(contact, skip=("id",))
        audited = dict(row)  # the event records the person, not the timestamps
        row["created_at"] = row["updated_at"] = sql.now()
        contact.id = insert(self.conn, "contacts", row)
        self.touch("contacts", contact.id)
        self.audit("contact.add", "contact", contact.id, None, {**audited, "id": contact.id})
        return contact

    def get_contact(self, contact_id: int) -> Contact:
        """The contact person with ``contact_id``."""
        found = objects(self.conn, Contact, f"SELECT {_COLUMNS} FROM contacts WHERE id = ?", [contact_id])
        if not found:
            raise _no_contact(contact_id)
        return found[0]

    def update_contact(self, before: Contact, after: Contact) -> Contact:
        """Change a contact person from ``before`` (as read, at its version) to ``after``.

        Refuses (:class:`StaleUpdate`) when someone changed the row since ``before`` was read.
        """
        self._require_tx()
        values = row_of(after, skip=("id", "organisation_id", "version"))
        values["updated_at"] = sql.now()
        assignments = ", ".join(f"[{k}] = ?" for k in values)
        cur = self.conn.execute(
            f"UPDATE contacts SET {assignments}, version = version + 1 WHERE id = ? AND version = ?",
            [*values.values(), before.id, before.version])
        if cur.rowcount == 0:
            current = self.conn.execute("SELECT version FROM contacts WHERE id = ?", [before.id]).fetchone()
            if current is None:
                raise _no_contact(before.id)
            raise StaleUpdate(msg(
                "contact person {id} was changed by someone else (now version {version}, you had "
                "version {expected}); nothing was overwritten — reload and try again",
                id=before.id, version=current[0], expected=before.version))
        self.touch("contacts", before.id)
        after.id, after.organisation_id, after.version = before.id, before.organisation_id, before.version + 1
        self.audit("contact.update", "contact", before.id, row_of(before), row_of(after))
        return after

    def delete_contact(self, before: Contact) -> None:
        """Remove a contact person (the event keeps what the row was)."""
        self._require_tx()
        cur = self.conn.execute("DELETE FROM contacts WHERE id = ?", [before.id])
        if cur.rowcount == 0:
            raise _no_contact(before.id)
        self.touch("contacts", before.id)
        self.audit("contact.remove", "contact", before.id, row_of(before), None)

    def list_contacts(self, org_id: int) -> list[Contact]:
        """The contact persons of one organisation, in the order they were added."""
        return objects(self.conn, Contact,
                       f"SELECT {_COLUMNS} FROM contacts WHERE organisation_id = ? ORDER BY id", [org_id])

    def contacts_of(self, org_ids: Iterable[int]) -> dict[int, list[Contact]]:
        """The contact persons of each of ``org_ids`` (one query; an organisation without
        any is left out)."""
        ids = list(org_ids)
        out: dict[int, list[Contact]] = {}
        for start in range(0, len(ids), 500):  # SQLite's limit on parameters, with room to spare
            chunk = ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            for c in objects(self.conn, Contact, f"SELECT {_COLUMNS} FROM contacts WHERE organisation_id "
                             f"IN ({marks}) ORDER BY organisation_id, id", chunk):
                out.setdefault(c.organisation_id, []).append(c)
        return out

    def list_all_contacts(self, limit: int = 1000, offset: int = 0) -> list[Contact]:
        """Every contact person, by organisation and in the order added (one page)."""
        return objects(self.conn, Contact, f"SELECT {_COLUMNS} FROM contacts ORDER BY organisation_id, id "
                       "LIMIT ? OFFSET ?", [limit, offset])

    def count_contacts(self, org_id: int | None = None) -> int:
        """How many contact persons there are (of one organisation, with ``org_id``)."""
        if org_id is None:
            return self.conn.execute("SELECT count(*) FROM contacts").fetchone()[0]
        return self.conn.execute("SELECT count(*) FROM contacts WHERE organisation_id = ?", [org_id]).fetchone()[0]
