"""The store: every read and write of samverkan's data, and nothing else.

Writes happen only inside :meth:`Store.transaction`, which takes the write lock up front
(``BEGIN IMMEDIATE``, waiting a bounded time when another session holds it), runs the
body in ``db.atomic()`` and appends an audit event for every change in the same
transaction. Callers do their validation, plugin hooks and rendering before they open
the transaction: while the lock is held, only SQL (and the event's hash) runs.

The tables are handled by mixins, one module per subject: :mod:`.organisations`,
:mod:`.collaborations`, :mod:`.casework` and :mod:`.people`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database

from samverkan.domain.errors import StoreError, ValidationError
from samverkan.i18n import msg
from samverkan.store import audit, sql
from samverkan.store.casework import CaseworkRows
from samverkan.store.collaborations import COLLAB_SORTS, CollaborationRows, fts_query
from samverkan.store.connection import connect
from samverkan.store.migrations import SET_NAME, STEPS, migration_set
from samverkan.store.organisations import OrganisationRows
from samverkan.store.oversight import OversightRows
from samverkan.store.people import PeopleRows
from samverkan.store.sql import insert, upsert

#: how many busy timeouts a write waits for the lock before it is refused (six times
#: five seconds: a write that others delay by up to 30 s still goes through)
WRITE_WAIT_TIMEOUTS = 6

__all__ = ["COLLAB_SORTS", "Store", "fts_query"]


class Store(OrganisationRows, CollaborationRows, CaseworkRows, PeopleRows, OversightRows):
    """One SQLite file holding organisations, collaborations and their audit log."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self._db: Database | None = None
        self._lock = threading.RLock()
        self._actor: str | None = None
        self._origin = ""
        self._head: tuple[int, str] | None = None  # the chain's head, within a transaction
        # SAMVERKAN_LOCK_LOG=FILE: append how long each write held the lock (benchmarks,
        # diagnosing contention); written after COMMIT, never under the lock
        self._lock_log = os.environ.get("SAMVERKAN_LOCK_LOG") or None

    @property
    def db(self) -> Database:
        """The sqlite-utils view of the connection, built on first use.

        Plain reads and writes go through ``self.conn``; migrations and nested
        transactions (``atomic()``) use this. Deferring it keeps sqlite-utils out of the
        TUI's start-up and off the ordinary write path.
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
        cannot move between reading it and appending to it. A transaction opened inside
        another joins it as a savepoint (sqlite-utils' ``db.atomic()``), so the inner
        part can fail alone. The outermost one needs no savepoint of its own: its
        ``BEGIN IMMEDIATE`` … ``COMMIT`` / ``ROLLBACK`` is the unit, and leaving the
        savepoint out keeps sqlite-utils' import (50–200 ms in a fresh process) and two
        statements off the write path.

        :raises StoreError: when another session holds the lock past the wait.
        """
        with self._lock:
            if self._actor is not None:  # nested: join the outer transaction
                with self.db.atomic():
                    yield self
                return
            self._begin()
            locked_at = time.perf_counter()
            self._actor, self._origin, self._head = actor, origin, None
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            else:
                self._commit()
                if self._lock_log:
                    self._log_hold(time.perf_counter() - locked_at)
            finally:
                self._actor, self._origin, self._head = None, "", None

    def _log_hold(self, seconds: float) -> None:
        try:
            with open(self._lock_log, "a", encoding="utf-8") as fh:  # type: ignore[arg-type]
                fh.write(json.dumps({"pid": os.getpid(), "hold_ms": round(seconds * 1000, 3)}) + "\n")
        except OSError:
            pass  # a diagnostic must never fail a write that is already committed

    def _begin(self) -> None:
        # Each attempt waits up to the connection's busy timeout inside SQLite; the
        # bound on the whole wait is WRITE_WAIT_TIMEOUTS of them (read from the
        # connection when the first attempt found the lock taken).
        deadline = None
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise StoreError(msg("cannot write to {path}: {error}", path=self.path, error=exc)) from None
                if deadline is None:
                    timeout_ms = self.conn.execute("PRAGMA busy_timeout").fetchone()[0]
                    deadline = time.monotonic() + (WRITE_WAIT_TIMEOUTS - 1) * timeout_ms / 1000
                if time.monotonic() >= deadline:
                    raise StoreError(msg(
                        "the database {path} is busy (another session holds the write lock); "
                        "nothing was changed, try again", path=self.path)) from None
                time.sleep(0.01)

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
        if self._head is None:  # read once per transaction: nobody else can move it now
            head = self.conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
            self._head = (head[0], head[1]) if head else (0, audit.GENESIS)
        row = {
            "id": self._head[0] + 1,
            "at": sql.now(),
            "actor": actor,
            "origin": self._origin,
            "action": action,
            "entity": entity,
            "entity_id": str(entity_id),
            "before": audit.canonical(before) if before is not None else None,
            "after": audit.canonical(after) if after is not None else None,
            "prev_hash": self._head[1],
        }
        row["hash"] = audit.event_hash(row)
        insert(self.conn, "events", row)
        self._head = (row["id"], row["hash"])
        return row["id"]

    def audit_refusal(self, actor: str, origin: str, action: str, entity: str, entity_id: Any,
                      detail: dict[str, Any]) -> None:
        """Record a refused action in its own transaction (the refusal itself must be kept)."""
        with self.transaction(actor, origin):
            self.audit(action, entity, entity_id, None, detail)

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
        upsert(self.conn, "meta", {"key": key, "value": value}, pk=("key",))
        self.audit("meta.set", "meta", key, {"value": before} if before is not None else None, {"value": value})

    def is_empty(self) -> bool:
        """True when the database holds no organisations and no collaborations."""
        return not self.conn.execute(
            "SELECT EXISTS(SELECT 1 FROM organisations) OR EXISTS(SELECT 1 FROM collaborations)"
        ).fetchone()[0]

    # -- verification and maintenance -------------------------------------------

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
            "database": str(self.path), "backup": str(dest), "created_at": sql.now(),
            "events": report.count, "head": report.head, "chain_ok": report.ok,
            "municipality": self.get_meta("municipality"),
        }
        Path(str(dest) + ".manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        return manifest
