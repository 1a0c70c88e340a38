"""Organisations: registration, look-up, changes and lists."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from samverkan.domain.errors import NotFound, ValidationError
from samverkan.domain.model import Organisation
from samverkan.i18n import msg
from samverkan.store import sql
from samverkan.store.sql import build, insert, objects, plain, row_of, rows

_ORG_COLUMNS = "id, name, orgnr, legal_form, is_example, version"


def org_from_row(data: Mapping[str, Any]) -> Organisation:
    """An :class:`Organisation` from its row."""
    data = dict(data)
    data["is_example"] = bool(data["is_example"])
    return build(Organisation, data)


class OrganisationRows:
    """The organisations table (mixed into :class:`samverkan.store.Store`)."""

    conn: sqlite3.Connection

    def insert_organisation(self, org: Organisation) -> Organisation:
        """Insert ``org``; refuses an organisation number already registered."""
        self._require_tx()
        row = row_of(org, skip=("id",))
        audited = {**row}  # the event records the organisation, not its timestamps
        row["created_at"] = row["updated_at"] = sql.now()
        try:
            # the unique index refuses a registered number; looked up only then, for the message
            org.id = insert(self.conn, "organisations", row)
        except sqlite3.IntegrityError:
            existing = self.find_organisation(org.orgnr)
            if existing is None:
                raise
            raise ValidationError(
                msg("organisation number {orgnr} is already registered as {name!r} (id {id})",
                    orgnr=org.orgnr, name=existing.name, id=existing.id),
                "orgnr",
            ) from None
        self.touch("organisations", org.id)
        self.audit("organisation.create", "organisation", org.id, None, {**audited, "id": org.id})
        return org

    def get_organisation(self, org_id: int) -> Organisation:
        """The organisation with ``org_id``."""
        found = rows(self.conn, f"SELECT {_ORG_COLUMNS} FROM organisations WHERE id = ?", [org_id])
        if not found:
            raise NotFound(msg("no organisation with id {id}", id=org_id))
        return org_from_row(found[0])

    def get_organisations(self, org_ids: list[int]) -> list[Organisation]:
        """The organisations with ``org_ids``, in that order (one query)."""
        if not org_ids:
            return []
        marks = ", ".join("?" * len(org_ids))
        by_id = {o.id: o for o in objects(
            self.conn, Organisation, f"SELECT {_ORG_COLUMNS} FROM organisations WHERE id IN ({marks})", org_ids)}
        missing = [i for i in org_ids if i not in by_id]
        if missing:
            raise NotFound(msg("no organisation with id {id}", id=missing[0]))
        return [by_id[i] for i in org_ids]

    def find_organisation(self, orgnr: str) -> Organisation | None:
        """The organisation registered under ``orgnr`` (formatted NNNNNN-NNNN), if any."""
        found = objects(self.conn, Organisation, f"SELECT {_ORG_COLUMNS} FROM organisations WHERE orgnr = ?",
                        [orgnr])
        return found[0] if found else None

    def registered_orgnrs(self, orgnrs: list[str]) -> set[str]:
        """Which of ``orgnrs`` are registered already (one query)."""
        if not orgnrs:
            return set()
        marks = ", ".join("?" * len(orgnrs))
        return {r[0] for r in self.conn.execute(
            f"SELECT orgnr FROM organisations WHERE orgnr IN ({marks})", orgnrs)}

    def update_organisation(self, org_id: int, expected_version: int, changes: dict[str, Any],
                            before: Organisation | None = None) -> Organisation:
        """Apply ``changes`` if the organisation is still at ``expected_version``.

        :param before: the organisation as read at ``expected_version`` (read here if not
            given); the versioned update guarantees it is what was changed.
        """
        self._require_tx()
        before = before or self.get_organisation(org_id)
        merged = Organisation(**{**asdict(before), **changes})  # validates
        if merged.orgnr != before.orgnr:
            other = self.find_organisation(merged.orgnr)
            if other is not None:
                raise ValidationError(
                    msg("organisation number {orgnr} is already registered as {name!r} (id {id})",
                        orgnr=merged.orgnr, name=other.name, id=other.id),
                    "orgnr",
                )
        values = {k: plain(getattr(merged, k)) for k in changes}
        values["updated_at"] = sql.now()
        self._versioned_update("organisations", org_id, expected_version, values)
        if merged.name != before.name:
            self._refresh_org_names(org_id)
        merged.version = expected_version + 1
        self.audit("organisation.update", "organisation", org_id, row_of(before), row_of(merged))
        return merged

    def _refresh_org_names(self, org_id: int) -> None:
        # collaborations keep their organisations' names for listing, sorting and
        # search (FTS, kept in step by triggers); a renamed organisation renames them
        self.conn.execute(
            "UPDATE collaborations SET org_names = ("
            " SELECT group_concat(name, ', ') FROM ("
            "  SELECT o.name FROM collaboration_organisations co"
            "  JOIN organisations o ON o.id = co.organisation_id"
            "  WHERE co.collaboration_id = collaborations.id ORDER BY co.rowid))"
            " WHERE id IN (SELECT collaboration_id FROM collaboration_organisations"
            " WHERE organisation_id = ?)",
            [org_id],
        )

    def list_organisations(self, search: str = "", limit: int = 100, offset: int = 0) -> list[Organisation]:
        """Organisations by name, optionally filtered by a name or number fragment."""
        where, params = "", []
        if search:
            where, params = "WHERE name LIKE ? OR orgnr LIKE ?", [f"%{search}%", f"%{search}%"]
        return [org_from_row(r) for r in rows(
            self.conn, f"SELECT {_ORG_COLUMNS} FROM organisations {where} ORDER BY name, id LIMIT ? OFFSET ?",
            [*params, limit, offset])]

    def count_organisations(self, search: str = "") -> int:
        """How many organisations match ``search``."""
        if search:
            return self.conn.execute(
                "SELECT count(*) FROM organisations WHERE name LIKE ? OR orgnr LIKE ?",
                [f"%{search}%", f"%{search}%"],
            ).fetchone()[0]
        return self.conn.execute("SELECT count(*) FROM organisations").fetchone()[0]
