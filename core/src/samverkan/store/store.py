"""The store: every read and write of samverkan's data, and nothing else.

Writes happen only inside :meth:`Store.transaction`, which takes the write lock up front
(``BEGIN IMMEDIATE``, retried within bounds when another session holds it), runs the body
in ``db.atomic()`` and appends an audit event for every change in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database

from samverkan.errors import NotFound, StaleUpdate, StoreError, ValidationError
from samverkan.i18n import msg
from samverkan.model import (
    Agreement,
    CheckAnswer,
    Collaboration,
    ConflictDeclaration,
    Contribution,
    Decision,
    Event,
    FollowUp,
    Notification,
    Organisation,
    Record,
    Termination,
)
from samverkan.store import audit
from samverkan.store.connection import connect
from samverkan.store.migrations import SET_NAME, STEPS, migration_set

LOCK_RETRIES = 3

COLLAB_SORTS = {
    "id": "id", "title": "title", "stage": "stage", "form": "form", "unit": "unit",
    "organisation": "org_names", "next_follow_up": "next_follow_up", "updated": "updated_at",
}


def now() -> str:
    """The current UTC time as ISO text (what every record's timestamp holds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dict, list, tuple)):
        return audit.canonical(value)
    return value


def _row(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: _plain(v) for k, v in asdict(obj).items() if k not in skip}


def _build(cls: type, row: Mapping[str, Any], **extra: Any) -> Any:
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in row.items() if k in names}, **extra)


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


def fts_query(text: str) -> str:
    """Turn what a user typed into a safe FTS5 prefix query (every word must match)."""
    words = [w.replace('"', "") for w in text.split()]
    return " ".join(f'"{w}"*' for w in words if w)


class Store:
    """One SQLite file holding organisations, collaborations and their audit log."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self._db: Database | None = None
        self._lock = threading.RLock()
        self._actor: str | None = None
        self._origin = ""

    @property
    def db(self) -> Database:
        """The sqlite-utils view of the connection, built on first use.

        Plain reads go through ``self.conn``; writes, migrations and table helpers use
        this. Deferring it keeps sqlite-utils out of the TUI's start-up.
        """
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn)
        return self._db

    # -- opening ----------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, migrate: bool = True) -> Store:
        """Open the database at ``path``; apply pending migrations unless ``migrate=False``."""
        store = cls(connect(path), Path(path))
        if migrate:
            store.migrate()
        return store

    def migrate(self) -> list[str]:
        """Apply pending migrations; return the names applied."""
        pending = self.pending_migrations()
        if pending:
            try:
                with self._lock:
                    migration_set().apply(self.db)
            except sqlite3.OperationalError as exc:
                raise StoreError(msg("cannot migrate {path}: {error}", path=self.path, error=exc)) from None
        return pending

    def pending_migrations(self) -> list[str]:
        """Names of migrations not yet applied (read with plain SQL, no sqlite-utils)."""
        try:
            has_table = self.conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
            ).fetchone()
            applied = {r[0] for r in self.conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [SET_NAME])} if has_table else set()
        except sqlite3.DatabaseError as exc:
            raise StoreError(msg("cannot read {path}: {error}", path=self.path, error=exc)) from None
        return [step.__name__ for step in STEPS if step.__name__ not in applied]

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def _rows(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        cur = self.conn.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    # -- transactions and audit -------------------------------------------------

    @contextmanager
    def snapshot(self) -> Iterator[Store]:
        """Read in one transaction: every query inside sees the file as the first one did.

        For reads in several queries (an export page by page): without it a row written
        meanwhile by another session shifts the pages, and a row appears twice or not at
        all. Writers are not blocked (WAL); inside a write transaction it adds nothing.
        """
        if self.conn.in_transaction:
            yield self
            return
        self.conn.execute("BEGIN")
        try:
            yield self
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    @contextmanager
    def transaction(self, actor: str, origin: str = "") -> Iterator[Store]:
        """Run the body as one write transaction acting as ``actor``.

        The write lock is taken first (``BEGIN IMMEDIATE``), so the audit chain's head
        cannot move between reading it and appending to it.

        :raises StoreError: when another session holds the lock past the retries.
        """
        with self._lock:
            if self._actor is not None:  # nested: join the outer transaction
                with self.db.atomic():
                    yield self
                return
            self._begin()
            self._actor, self._origin = actor, origin
            try:
                with self.db.atomic():  # a savepoint inside our BEGIN IMMEDIATE
                    yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            else:
                self._commit()
            finally:
                self._actor, self._origin = None, ""

    def _begin(self) -> None:
        for attempt in range(LOCK_RETRIES + 1):
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise StoreError(msg("cannot write to {path}: {error}", path=self.path, error=exc)) from None
                if attempt == LOCK_RETRIES:
                    raise StoreError(msg(
                        "the database {path} is busy (another session holds the write lock); "
                        "nothing was changed, try again", path=self.path)) from None
                time.sleep(0.05 * (attempt + 1))

    def _commit(self) -> None:
        try:
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self.conn.execute("ROLLBACK")
            raise StoreError(msg("could not save the change to {path}: {error}; nothing was changed",
                                  path=self.path, error=exc)) from None

    def _require_tx(self) -> str:
        if self._actor is None:
            raise RuntimeError("store writes must run inside Store.transaction()")
        return self._actor

    def audit(self, action: str, entity: str, entity_id: Any, before: Any = None, after: Any = None) -> int:
        """Append an event to the hash chain (inside the current transaction)."""
        actor = self._require_tx()
        head = self.conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
        row = {
            "id": (head[0] + 1) if head else 1,
            "at": now(),
            "actor": actor,
            "origin": self._origin,
            "action": action,
            "entity": entity,
            "entity_id": str(entity_id),
            "before": audit.canonical(before) if before is not None else None,
            "after": audit.canonical(after) if after is not None else None,
            "prev_hash": head[1] if head else audit.GENESIS,
        }
        row["hash"] = audit.event_hash(row)
        self.db["events"].insert(row)
        return row["id"]

    # -- meta -------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A value from the meta table (e.g. ``municipality``)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Set a meta value (audited)."""
        before = self.get_meta(key)
        if before == value:
            return
        self._require_tx()
        self.db["meta"].upsert({"key": key, "value": value}, pk="key")
        self.audit("meta.set", "meta", key, {"value": before} if before is not None else None, {"value": value})

    def is_empty(self) -> bool:
        """True when the database holds no organisations and no collaborations."""
        return not self.conn.execute(
            "SELECT EXISTS(SELECT 1 FROM organisations) OR EXISTS(SELECT 1 FROM collaborations)"
        ).fetchone()[0]

    # -- organisations ----------------------------------------------------------

    def insert_organisation(self, org: Organisation) -> Organisation:
        """Insert ``org``; refuses an organisation number already registered."""
        self._require_tx()
        existing = self.find_organisation(org.orgnr)
        if existing:
            raise ValidationError(
                msg("organisation number {orgnr} is already registered as {name!r} (id {id})",
                    orgnr=org.orgnr, name=existing.name, id=existing.id),
                "orgnr",
            )
        row = _row(org, skip=("id",))
        row["created_at"] = row["updated_at"] = now()
        org.id = self.db["organisations"].insert(row).last_pk
        self.audit("organisation.create", "organisation", org.id, None, _row(org))
        return org

    def get_organisation(self, org_id: int) -> Organisation:
        """The organisation with ``org_id``."""
        row = self.conn.execute("SELECT * FROM organisations WHERE id = ?", [org_id]).fetchone()
        if row is None:
            raise NotFound(msg("no organisation with id {id}", id=org_id))
        return self._org(row)

    def _org(self, row: Any) -> Organisation:
        cols = [d[0] for d in self.conn.execute("SELECT * FROM organisations LIMIT 0").description]
        data = dict(zip(cols, row, strict=True)) if not isinstance(row, Mapping) else dict(row)
        data["is_example"] = bool(data["is_example"])
        return _build(Organisation, data)

    def find_organisation(self, orgnr: str) -> Organisation | None:
        """The organisation registered under ``orgnr`` (formatted NNNNNN-NNNN), if any."""
        rows = list(self.db["organisations"].rows_where("orgnr = ?", [orgnr], limit=1))
        return self._org(rows[0]) if rows else None

    def update_organisation(self, org_id: int, expected_version: int, changes: dict[str, Any]) -> Organisation:
        """Apply ``changes`` if the organisation is still at ``expected_version``."""
        self._require_tx()
        before = self.get_organisation(org_id)
        merged = Organisation(**{**asdict(before), **changes})  # validates
        if merged.orgnr != before.orgnr:
            other = self.find_organisation(merged.orgnr)
            if other is not None:
                raise ValidationError(
                    msg("organisation number {orgnr} is already registered as {name!r} (id {id})",
                        orgnr=merged.orgnr, name=other.name, id=other.id),
                    "orgnr",
                )
        values = {k: _plain(getattr(merged, k)) for k in changes}
        self._versioned_update("organisations", org_id, expected_version, values)
        if merged.name != before.name:
            self._refresh_org_names(org_id)
        after = self.get_organisation(org_id)
        self.audit("organisation.update", "organisation", org_id, _row(before), _row(after))
        return after

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
        rows = self.conn.execute(
            f"SELECT * FROM organisations {where} ORDER BY name, id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()
        return [self._org(r) for r in rows]

    def count_organisations(self, search: str = "") -> int:
        """How many organisations match ``search``."""
        if search:
            return self.conn.execute(
                "SELECT count(*) FROM organisations WHERE name LIKE ? OR orgnr LIKE ?",
                [f"%{search}%", f"%{search}%"],
            ).fetchone()[0]
        return self.conn.execute("SELECT count(*) FROM organisations").fetchone()[0]

    # -- collaborations ---------------------------------------------------------

    def insert_collaboration(self, collab: Collaboration) -> Collaboration:
        """Insert ``collab`` with its organisations."""
        self._require_tx()
        orgs = [self.get_organisation(i) for i in collab.organisation_ids]
        row = _row(collab, skip=("id", "organisation_ids"))
        row["created_at"] = row["updated_at"] = now()
        row["org_names"] = ", ".join(o.name for o in orgs)
        collab.id = self.db["collaborations"].insert(row).last_pk
        collab.created_at = row["created_at"]
        self.db["collaboration_organisations"].insert_all(
            {"collaboration_id": collab.id, "organisation_id": o.id} for o in orgs
        )
        self.audit("collaboration.create", "collaboration", collab.id, None, _row(collab))
        return collab

    def get_collaboration(self, collab_id: int) -> Collaboration:
        """The collaboration with ``collab_id``, with its organisation ids."""
        rows = list(self.db["collaborations"].rows_where("id = ?", [collab_id]))
        if not rows:
            raise NotFound(msg("no collaboration with id {id}", id=collab_id))
        data = rows[0]
        org_ids = [
            r[0] for r in self.conn.execute(
                "SELECT organisation_id FROM collaboration_organisations WHERE collaboration_id = ? "
                "ORDER BY organisation_id", [collab_id])
        ]
        for flag in ("compensated", "singles_out", "is_example"):
            data[flag] = bool(data[flag])
        return _build(Collaboration, data, organisation_ids=org_ids)

    def update_collaboration(self, collab_id: int, expected_version: int, changes: dict[str, Any],
                             action: str = "collaboration.update") -> Collaboration:
        """Apply ``changes`` if the collaboration is still at ``expected_version``.

        :raises StaleUpdate: when someone else changed it meanwhile (nothing is written).
        """
        self._require_tx()
        before = self.get_collaboration(collab_id)
        merged = Collaboration(**{**asdict(before), **changes})  # validates the result
        values = {k: _plain(getattr(merged, k)) for k in changes if k != "organisation_ids"}
        values["updated_at"] = now()
        self._versioned_update("collaborations", collab_id, expected_version, values)
        after = self.get_collaboration(collab_id)
        self.audit(action, "collaboration", collab_id, _row(before), _row(after))
        return after

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
        if cur.rowcount == 0:
            current = self.conn.execute(f"SELECT version FROM [{table}] WHERE id = ?", [row_id]).fetchone()
            if current is None:
                raise NotFound(msg("no {what} with id {id}", what=_entity(table), id=row_id))
            raise StaleUpdate(msg(
                "{what} {id} was changed by someone else (now version {version}, "
                "you had version {expected}); nothing was overwritten — reload and try again",
                what=_entity(table), id=row_id, version=current[0], expected=expected_version))

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
        cur = self.conn.execute(
            f"SELECT c.id, c.title, c.form, c.stage, c.unit, c.org_names, c.next_follow_up, "
            f"c.start, c.end, c.initiator, c.is_example, c.version FROM collaborations c {where} "
            f"ORDER BY c.{sort} {direction}, c.id {direction} LIMIT ? OFFSET ?",
            [*params, q.limit, q.offset],
        )
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

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

    # -- lifecycle records ------------------------------------------------------

    def upsert_answer(self, answer: CheckAnswer) -> CheckAnswer:
        """Store an answer to a check (replacing an earlier one; both stay in the audit log)."""
        self._require_tx()
        before = self.answers(answer.collaboration_id).get(answer.check_id)
        answer.answered_at = now()
        self.db["check_answers"].upsert(_row(answer), pk=("collaboration_id", "check_id"))
        self.audit("check.answer", "collaboration", answer.collaboration_id,
                   _row(before) if before else None, _row(answer))
        return answer

    def answers(self, collab_id: int) -> dict[str, CheckAnswer]:
        """Answers on a collaboration's checklist, by check id."""
        return {
            r["check_id"]: _build(CheckAnswer, r)
            for r in self.db["check_answers"].rows_where("collaboration_id = ?", [collab_id])
        }

    def insert_decision(self, decision: Decision) -> Decision:
        """Store a decision (decisions are never edited; a new one supersedes)."""
        self._require_tx()
        row = _row(decision)
        row["recorded_at"] = now()
        self.db["decisions"].insert(row)
        self.audit("decision.record", "collaboration", decision.collaboration_id, None, _row(decision))
        return decision

    def decision(self, collab_id: int) -> Decision | None:
        """The latest decision on a collaboration."""
        rows = list(self.db["decisions"].rows_where("collaboration_id = ?", [collab_id], order_by="id desc", limit=1))
        return _build(Decision, rows[0]) if rows else None

    def upsert_agreement(self, agreement: Agreement) -> Agreement:
        """Store (or replace) the agreement of a collaboration."""
        self._require_tx()
        before = self.agreement(agreement.collaboration_id)
        row = _row(agreement)
        row["recorded_at"] = now()
        self.db["agreements"].upsert(row, pk="collaboration_id")
        self.audit("agreement.record", "collaboration", agreement.collaboration_id,
                   _row(before) if before else None, _row(agreement))
        return agreement

    def agreement(self, collab_id: int) -> Agreement | None:
        """The agreement of a collaboration, if recorded."""
        rows = list(self.db["agreements"].rows_where("collaboration_id = ?", [collab_id]))
        if not rows:
            return None
        data = rows[0]
        data["sections"] = json.loads(data["sections"] or "{}")
        return _build(Agreement, data)

    def replace_contributions(self, collab_id: int, items: list[Contribution]) -> None:
        """Replace the yearly contributions of every party to a collaboration."""
        self._require_tx()
        before = [_row(c) for c in self.contributions(collab_id)]
        self.conn.execute("DELETE FROM contributions WHERE collaboration_id = ?", [collab_id])
        self.db["contributions"].insert_all(_row(c) for c in items)
        self.audit("contributions.replace", "collaboration", collab_id, {"items": before},
                   {"items": [_row(c) for c in items]})

    def contributions(self, collab_id: int) -> list[Contribution]:
        """Contributions to a collaboration, in the order entered."""
        out = []
        for r in self.db["contributions"].rows_where("collaboration_id = ?", [collab_id], order_by="id"):
            r["is_municipality"] = bool(r["is_municipality"])
            out.append(_build(Contribution, r))
        return out

    def insert_follow_up(self, follow_up: FollowUp) -> FollowUp:
        """Store a follow-up."""
        self._require_tx()
        row = _row(follow_up)
        row["recorded_at"] = now()
        self.db["follow_ups"].insert(row)
        self.audit("follow_up.record", "collaboration", follow_up.collaboration_id, None, _row(follow_up))
        return follow_up

    def follow_ups(self, collab_id: int) -> list[FollowUp]:
        """Follow-ups of a collaboration, oldest first."""
        out = []
        for r in self.db["follow_ups"].rows_where("collaboration_id = ?", [collab_id], order_by="done_on, id"):
            r["evaluation"] = json.loads(r["evaluation"] or "{}")
            out.append(_build(FollowUp, r))
        return out

    def insert_termination(self, t: Termination) -> Termination:
        """Store how a collaboration ended."""
        self._require_tx()
        row = _row(t)
        row["recorded_at"] = now()
        self.db["terminations"].upsert(row, pk="collaboration_id")
        self.audit("termination.record", "collaboration", t.collaboration_id, None, _row(t))
        return t

    def termination(self, collab_id: int) -> Termination | None:
        """How a collaboration ended, if recorded."""
        rows = list(self.db["terminations"].rows_where("collaboration_id = ?", [collab_id]))
        if not rows:
            return None
        rows[0]["procurement_unit_involved"] = bool(rows[0]["procurement_unit_involved"])
        return _build(Termination, rows[0])

    def insert_conflict(self, c: ConflictDeclaration) -> ConflictDeclaration:
        """Store a declaration of conflict of interest."""
        self._require_tx()
        c.declared_at = now()
        self.db["conflicts"].insert(_row(c))
        entity, eid = ("collaboration", c.collaboration_id) if c.collaboration_id else ("organisation", c.organisation_id)
        self.audit("conflict.declare", entity, eid, None, _row(c))
        return c

    def conflicts(self, collab_id: int | None = None, org_ids: list[int] | None = None,
                  user: str | None = None) -> list[ConflictDeclaration]:
        """Conflict declarations on a collaboration or any of ``org_ids`` (optionally of ``user``)."""
        clauses, params = [], []
        targets = []
        if collab_id is not None:
            targets.append("collaboration_id = ?")
            params.append(collab_id)
        if org_ids:
            targets.append(f"organisation_id IN ({', '.join('?' * len(org_ids))})")
            params.extend(org_ids)
        if targets:
            clauses.append("(" + " OR ".join(targets) + ")")
        if user is not None:
            clauses.append("user = ?")
            params.append(user)
        where = " AND ".join(clauses) or "1"
        return [_build(ConflictDeclaration, r) for r in self.db["conflicts"].rows_where(where, params, order_by="id")]

    def insert_record(self, record: Record) -> Record:
        """Store a plugin-defined record about a collaboration."""
        self._require_tx()
        record.recorded_at = now()
        row = _row(record, skip=("id",))
        record.id = self.db["records"].insert(row).last_pk
        self.audit(f"record.{record.kind}", "collaboration", record.collaboration_id, None, _row(record))
        return record

    def records(self, collab_id: int, kind: str | None = None) -> list[Record]:
        """Plugin records of a collaboration, oldest first."""
        where, params = "collaboration_id = ?", [collab_id]
        if kind:
            where, params = where + " AND kind = ?", [*params, kind]
        out = []
        for r in self.db["records"].rows_where(where, params, order_by="id"):
            r["data"] = json.loads(r["data"] or "{}")
            out.append(_build(Record, r))
        return out

    # -- users ------------------------------------------------------------------

    def has_users(self) -> bool:
        """Whether any user is registered (else the installation is single-user)."""
        return bool(self.conn.execute("SELECT EXISTS(SELECT 1 FROM users)").fetchone()[0])

    def get_user(self, name: str) -> dict[str, Any] | None:
        """The registered user ``name`` (roles as a tuple), if any."""
        rows = self._rows("SELECT * FROM users WHERE name = ?", [name])
        if not rows:
            return None
        row = rows[0]
        row["roles"] = tuple(r for r in row["roles"].split(",") if r)
        return row

    def list_users(self) -> list[dict[str, Any]]:
        """Registered users by name."""
        return [self.get_user(r["name"]) for r in self.db["users"].rows_where(order_by="name")]

    def upsert_user(self, name: str, roles: tuple[str, ...], unit: str = "", public_key: str = "") -> None:
        """Create or change a user (audited)."""
        actor = self._require_tx()
        before = self.get_user(name)
        row = {"name": name, "roles": ",".join(roles), "unit": unit,
               "public_key": public_key or (before or {}).get("public_key") or "",
               "created_at": (before or {}).get("created_at") or now(),
               "created_by": (before or {}).get("created_by") or actor}
        self.db["users"].upsert(row, pk="name")
        self.audit("user.update" if before else "user.create", "user", name,
                   {**before, "roles": list(before["roles"])} if before else None, row)

    def delete_user(self, name: str) -> None:
        """Remove a user (audited); their past events keep their name."""
        self._require_tx()
        before = self.get_user(name)
        if before is None:
            raise NotFound(msg("no user {name!r}", name=name))
        self.conn.execute("DELETE FROM users WHERE name = ?", [name])
        self.audit("user.remove", "user", name, {**before, "roles": list(before["roles"])}, None)

    def audit_refusal(self, actor: str, origin: str, action: str, entity: str, entity_id: Any,
                      detail: dict[str, Any]) -> None:
        """Record a refused action in its own transaction (the refusal itself must be kept)."""
        with self.transaction(actor, origin):
            self.audit(action, entity, entity_id, None, detail)

    # -- outbox -----------------------------------------------------------------

    def insert_notification(self, n: Notification) -> int:
        """Put a notification in the outbox (same transaction as its cause)."""
        self._require_tx()
        row = {"collaboration_id": n.collaboration_id, "recipient": n.to, "subject": n.subject,
               "body": n.body, "reason": n.reason, "created_at": now(), "attempts": 0}
        nid = self.db["outbox"].insert(row).last_pk
        self.audit("notification.queue", "notification", nid, None, row)
        return nid

    def outbox(self, pending_only: bool = False, collab_id: int | None = None) -> list[dict[str, Any]]:
        """Outbox rows, oldest first."""
        clauses, params = [], []
        if pending_only:
            clauses.append("sent_at IS NULL")
        if collab_id is not None:
            clauses.append("collaboration_id = ?")
            params.append(collab_id)
        return list(self.db["outbox"].rows_where(" AND ".join(clauses) or None, params or None, order_by="id"))

    def mark_notification(self, nid: int, *, sent: bool, error: str = "") -> None:
        """Record a delivery attempt of an outbox row."""
        self._require_tx()
        sent_at = now() if sent else None
        self.conn.execute("UPDATE outbox SET attempts = attempts + 1, sent_at = ?, error = ? WHERE id = ?",
                        [sent_at, error, nid])
        self.audit("notification.sent" if sent else "notification.failed", "notification", nid,
                   None, {"error": error} if error else {"sent_at": sent_at})

    # -- audit log --------------------------------------------------------------

    def events(self, *, entity: str | None = None, entity_id: Any = None, actor: str | None = None,
               action_prefix: str | None = None, limit: int = 100, offset: int = 0,
               newest_first: bool = True) -> list[Event]:
        """Audit events, filtered; newest first by default."""
        clauses, params = [], []
        if entity:
            clauses.append("entity = ?")
            params.append(entity)
        if entity_id is not None:
            clauses.append("entity_id = ?")
            params.append(str(entity_id))
        if actor:
            clauses.append("actor = ?")
            params.append(actor)
        if action_prefix:
            clauses.append("action LIKE ?")
            params.append(action_prefix + "%")
        order = "id DESC" if newest_first else "id"
        rows = self.db["events"].rows_where(" AND ".join(clauses) or None, params or None,
                                            order_by=order, limit=limit, offset=offset)
        return [self._event(r) for r in rows]

    @staticmethod
    def _event(r: dict[str, Any]) -> Event:
        return Event(**{**r, "before": json.loads(r["before"]) if r["before"] else None,
                        "after": json.loads(r["after"]) if r["after"] else None})

    def count_events(self) -> int:
        """How many events the log holds."""
        return self.conn.execute("SELECT count(*) FROM events").fetchone()[0]

    def verify_chain(self, expect: tuple[int, str] | None = None) -> audit.ChainReport:
        """Verify the whole audit chain (see :func:`samverkan.store.audit.verify`)."""
        cur = self.conn.execute("SELECT * FROM events ORDER BY id")
        cols = [d[0] for d in cur.description]
        return audit.verify((dict(zip(cols, r, strict=True)) for r in cur), expect)

    def integrity_check(self) -> str:
        """SQLite's own integrity check ("ok" when the file is sound)."""
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]

    def checkpoint(self) -> tuple[int, int, int]:
        """Checkpoint the WAL into the database file (TRUNCATE mode)."""
        return tuple(self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone())

    # -- backup -----------------------------------------------------------------

    def backup(self, dest: str | Path) -> dict[str, Any]:
        """Copy the database with SQLite's online backup and write a manifest next to it.

        The manifest records the audit head hash and event count, so a later
        ``audit verify --manifest`` detects events cut off after the backup.
        """
        dest = Path(dest)
        if dest.exists():
            raise ValidationError(msg("{dest} already exists; choose a new file name", dest=dest), "dest")
        dest.parent.mkdir(parents=True, exist_ok=True)
        report = self.verify_chain()
        target = sqlite3.connect(str(dest))
        try:
            with self._lock:
                self.conn.backup(target)
        finally:
            target.close()
        manifest = {
            "database": str(self.path), "backup": str(dest), "created_at": now(),
            "events": report.count, "head": report.head, "chain_ok": report.ok,
            "municipality": self.get_meta("municipality"),
        }
        Path(str(dest) + ".manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        return manifest


#: the record a versioned table holds, as a refusal message names it
_ENTITIES = {"organisations": msg("organisation"), "collaborations": msg("collaboration")}


def _entity(table: str) -> str:
    return _ENTITIES.get(table, table[:-1])
