"""Collaborations: registration, versioned changes, lists and the state of one."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from samverkan.domain.errors import NotFound, StaleUpdate, StateChanged, ValidationError
from samverkan.domain.model import Collaboration, copy_with
from samverkan.domain.query import CollabQuery
from samverkan.domain.state import CollabState
from samverkan.i18n import msg
from samverkan.store import sql
from samverkan.store.sql import build, insert, maker, plain, row_fields, row_of, rows

#: the parts of a CollabState that can be read (besides the collaboration itself)
STATE_PARTS = frozenset({"organisations", "answers", "decision", "agreement", "contributions",
                         "follow_ups", "termination", "records", "conflicts", "watermark"})

COLLAB_SORTS = {
    "id": "id", "title": "title", "stage": "stage", "form": "form", "unit": "unit",
    "organisation": "org_names", "next_follow_up": "next_follow_up", "updated": "updated_at",
}

#: the record a versioned table holds, as a refusal message names it
_ENTITIES = {"organisations": msg("organisation"), "collaborations": msg("collaboration")}


_ONE_COLLABORATION = (
    "SELECT c.*, (SELECT group_concat(organisation_id) FROM ("
    " SELECT organisation_id FROM collaboration_organisations"
    " WHERE collaboration_id = c.id ORDER BY organisation_id)) AS _org_ids"
    " FROM collaborations c WHERE c.id = ?")


def fts_query(text: str) -> str:
    """Turn what a user typed into a safe FTS5 prefix query (every word must match)."""
    words = [w.replace('"', "") for w in text.split()]
    return " ".join(f'"{w}"*' for w in words if w)


def collab_from_row(data: dict[str, Any], org_ids: list[int]) -> Collaboration:
    """A :class:`Collaboration` from its row and its organisations' ids."""
    for flag in ("compensated", "singles_out", "is_example"):
        data[flag] = bool(data[flag])
    return build(Collaboration, data, organisation_ids=org_ids)


class CollaborationRows:
    """The collaborations table and its organisations (mixed into the store)."""

    conn: sqlite3.Connection

    def insert_collaboration(self, collab: Collaboration) -> Collaboration:
        """Insert ``collab`` with its organisations."""
        self._require_tx()
        orgs = self.get_organisations(collab.organisation_ids)
        row = row_of(collab, skip=("organisation_ids",) if collab.id else ("id", "organisation_ids"))
        row["created_at"] = row["updated_at"] = sql.now()
        row["org_names"] = ", ".join(o.name for o in orgs)
        try:
            collab.id = insert(self.conn, "collaborations", row)
        except sqlite3.IntegrityError:
            taken = collab.id is not None and self.conn.execute(
                "SELECT 1 FROM collaborations WHERE id = ?", [collab.id]).fetchone()
            if not taken:
                raise
            # another session registered one since the id was read: judge again
            raise StateChanged(msg("collaboration {id} was registered meanwhile", id=collab.id)) from None
        collab.created_at = row["created_at"]
        self.conn.executemany(
            "INSERT INTO collaboration_organisations (collaboration_id, organisation_id) VALUES (?, ?)",
            [(collab.id, o.id) for o in orgs])
        self.touch("collaborations", collab.id)
        for o in orgs:
            self.touch("collaboration_organisations", collab.id, o.id)
        self.audit("collaboration.create", "collaboration", collab.id, None, row_of(collab))
        return collab

    def next_collaboration_id(self) -> int:
        """The id the next registered collaboration will most likely get (a read, no lock).

        Registration renders its notifications, which name the new collaboration, before
        it takes the write lock; :meth:`insert_collaboration` then claims this id and
        refuses with :class:`StateChanged` if another session took it meanwhile.
        """
        return self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM collaborations").fetchone()[0]

    def get_collaboration(self, collab_id: int) -> Collaboration:
        """The collaboration with ``collab_id``, with its organisation ids (one query)."""
        cur = self.conn.execute(_ONE_COLLABORATION, [collab_id])
        found = cur.fetchone()
        if found is None:
            raise NotFound(msg("no collaboration with id {id}", id=collab_id))
        ids = found[-1] or ""  # the last column: the organisations' ids
        return maker(Collaboration, cur)(found, {"organisation_ids": [int(i) for i in str(ids).split(",") if i]})

    def load_state(self, collab_id: int, parts: frozenset[str] | None = None) -> CollabState:
        """Everything stored about one collaboration, in a fixed number of queries.

        :param parts: which parts of :class:`CollabState` to read besides the
            collaboration itself (see :data:`STATE_PARTS`); all when None (eleven
            queries). A use case that needs less reads less.
        """
        c = self.get_collaboration(collab_id)
        wanted = STATE_PARTS if parts is None else parts
        org_ids = c.organisation_ids
        readers = {
            "organisations": lambda: self.get_organisations(org_ids),
            "answers": lambda: self.answers(c.id),
            "decision": lambda: self.decision(c.id),
            "agreement": lambda: self.agreement(c.id),
            "contributions": lambda: self.contributions(c.id),
            "follow_ups": lambda: self.follow_ups(c.id),
            "termination": lambda: self.termination(c.id),
            "records": lambda: self.records(c.id),
            "conflicts": lambda: self.conflicts(c.id, org_ids),
            "watermark": lambda: self.watermark(c.id, org_ids),
        }
        return CollabState(collaboration=c, **{part: readers[part]() for part in wanted})

    def watermark(self, collab_id: int, org_ids: list[int]) -> int:
        """The newest audit event about the collaboration or its organisations (0 if none)."""
        marks = ", ".join("?" * len(org_ids)) or "NULL"
        row = self.conn.execute(
            "SELECT max(m) FROM ("
            " SELECT max(id) AS m FROM events WHERE entity = 'collaboration' AND entity_id = ?"
            f" UNION ALL SELECT max(id) FROM events WHERE entity = 'organisation' AND entity_id IN ({marks}))",
            [str(collab_id), *(str(i) for i in org_ids)]).fetchone()
        return row[0] or 0

    def update_collaboration(self, collab_id: int, expected_version: int, changes: dict[str, Any],
                             action: str = "collaboration.update",
                             before: Collaboration | None = None) -> Collaboration:
        """Apply ``changes`` if the collaboration is still at ``expected_version``.

        :param before: the collaboration as read at ``expected_version`` (read here if not
            given); the versioned update guarantees it is what was changed.
        :raises StaleUpdate: when someone else changed it meanwhile (nothing is written).
        """
        self._require_tx()
        before = before or self.get_collaboration(collab_id)
        if set(changes) <= {"stage"}:  # a transition: the lifecycle has checked the stage
            merged = copy_with(before, **changes)
        else:  # an edit: validate the result as a registration would be
            merged = Collaboration(**{**row_fields(before), **changes})
        values = {k: plain(getattr(merged, k)) for k in changes if k != "organisation_ids"}
        values["updated_at"] = sql.now()
        self._versioned_update("collaborations", collab_id, expected_version, values)
        merged.version = expected_version + 1
        self.audit(action, "collaboration", collab_id, row_of(before), row_of(merged))
        return merged

    def set_next_follow_up(self, collab_id: int, due: dt.date | None) -> None:
        """Store the derived due date of the next follow-up (not a user edit: not versioned)."""
        self._require_tx()
        self.conn.execute("UPDATE collaborations SET next_follow_up = ? WHERE id = ?",
                          [due.isoformat() if due else None, collab_id])

    def _versioned_update(self, table: str, row_id: int, expected_version: int, values: dict[str, Any]) -> None:
        assignments = ", ".join(f"[{k}] = ?" for k in values)
        cur = self.conn.execute(
            f"UPDATE [{table}] SET {assignments}, version = version + 1 WHERE id = ? AND version = ?",
            [*values.values(), row_id, expected_version],
        )
        self.touch(table, row_id)
        if cur.rowcount == 0:
            current = self.conn.execute(f"SELECT version FROM [{table}] WHERE id = ?", [row_id]).fetchone()
            what = _ENTITIES.get(table, table[:-1])
            if current is None:
                raise NotFound(msg("no {what} with id {id}", what=what, id=row_id))
            raise StaleUpdate(msg(
                "{what} {id} was changed by someone else (now version {version}, "
                "you had version {expected}); nothing was overwritten — reload and try again",
                what=what, id=row_id, version=current[0], expected=expected_version))

    def _collab_where(self, q: CollabQuery) -> tuple[str, list[Any]]:
        clauses, params = [], []
        if q.search.strip():
            clauses.append("c.id IN (SELECT rowid FROM collaborations_fts WHERE collaborations_fts MATCH ?)")
            params.append(fts_query(q.search))
        for col in ("stage", "form", "unit"):
            if getattr(q, col):
                clauses.append(f"c.{col} = ?")
                params.append(getattr(q, col))
        if q.organisation_id is not None:
            clauses.append("c.id IN (SELECT collaboration_id FROM collaboration_organisations WHERE organisation_id = ?)")
            params.append(q.organisation_id)
        if q.overdue_on is not None:
            clauses.append("c.stage = 'active' AND c.next_follow_up IS NOT NULL AND c.next_follow_up < ?")
            params.append(q.overdue_on.isoformat())
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params

    def list_collaborations(self, q: CollabQuery) -> list[dict[str, Any]]:
        """One page of collaboration rows (plain dicts) for lists and tables."""
        where, params = self._collab_where(q)
        sort = COLLAB_SORTS.get(q.sort)
        if sort is None:
            raise ValidationError(msg("cannot sort by {sort!r}; expected one of: {allowed}",
                                      sort=q.sort, allowed=", ".join(COLLAB_SORTS)), "sort")
        direction = "DESC" if q.descending else "ASC"
        return rows(
            self.conn,
            f"SELECT c.id, c.title, c.form, c.stage, c.unit, c.org_names, c.next_follow_up, "
            f"c.start, c.end, c.initiator, c.is_example, c.version FROM collaborations c {where} "
            f"ORDER BY c.{sort} {direction}, c.id {direction} LIMIT ? OFFSET ?",
            [*params, q.limit, q.offset],
        )

    def count_collaborations(self, q: CollabQuery) -> int:
        """How many collaborations match the filters of ``q``."""
        where, params = self._collab_where(q)
        return self.conn.execute(f"SELECT count(*) FROM collaborations c {where}", params).fetchone()[0]

    def units(self) -> list[str]:
        """Distinct responsible units, for filters."""
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT unit FROM collaborations WHERE unit != '' ORDER BY unit")]

    def collaboration_ids(self, stage: str | None = None) -> list[int]:
        """Ids of collaborations (optionally in ``stage``), for reports and batch work."""
        if stage:
            return [r[0] for r in self.conn.execute("SELECT id FROM collaborations WHERE stage = ? ORDER BY id", [stage])]
        return [r[0] for r in self.conn.execute("SELECT id FROM collaborations ORDER BY id")]
