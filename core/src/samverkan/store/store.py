"""The store: every read and write of samverkan's data, and nothing else.

Writes happen only inside :meth:`Store.transaction`, which takes the write lock up front
(``BEGIN IMMEDIATE``, waiting a bounded time when another session holds it), runs the
body in ``db.atomic()`` and appends an audit event for every change in the same
transaction. Callers do their validation, plugin hooks and rendering before they open
the transaction: while the lock is held, only SQL (and the event's hash) runs.

The tables are handled by mixins, one module per subject: :mod:`.organisations`,
:mod:`.collaborations`, :mod:`.casework` and :mod:`.people`.

**Failing safe.** Every public method turns an error about the file (damaged,
read-only, full disk, I/O, a number too large for SQLite) into a one-line
:class:`StoreError` or :class:`ValidationError` (see :func:`.connection.refusal`). A
file found damaged — by ``PRAGMA quick_check`` when a small file is opened, by a marker
an earlier session left, or by any query meeting a damaged page — is never written to
again by this store: :meth:`Store.transaction` refuses before it takes the lock.
"""

from __future__ import annotations

import functools
import inspect
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
from samverkan.store import anchor, audit, coverage, sql
from samverkan.store.casework import CaseworkRows
from samverkan.store.collaborations import COLLAB_SORTS, CollaborationRows, fts_query
from samverkan.store.connection import (
    check_damage,
    connect,
    damage_marker,
    damaged,
    is_damage,
    note_damage,
    one_line,
    refusal,
)
from samverkan.store.contacts import ContactRows
from samverkan.store.migrations import SET_NAME, STEPS, migration_set
from samverkan.store.organisations import OrganisationRows
from samverkan.store.oversight import OversightRows
from samverkan.store.people import PeopleRows
from samverkan.store.privacy import PrivacyRows
from samverkan.store.sql import insert, upsert

#: how many busy timeouts a write waits for the lock before it is refused (six times
#: five seconds: a write that others delay by up to 30 s still goes through)
WRITE_WAIT_TIMEOUTS = 6

__all__ = ["COLLAB_SORTS", "Store", "fts_query"]


class Store(OrganisationRows, ContactRows, CollaborationRows, CaseworkRows, PeopleRows, OversightRows,
            PrivacyRows):
    """One SQLite file holding organisations, collaborations and their audit log."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self._db: Database | None = None
        self._lock = threading.RLock()
        self._actor: str | None = None
        self._origin = ""
        self._head: tuple[int, str] | None = None  # the chain's head, within a transaction
        #: covered rows written since the last event, by table (their keys, in order)
        self._touched: dict[str, list[tuple[Any, ...]]] = {}
        self._covered: dict[str, tuple[tuple[str, ...], str]] = {}  # columns and SELECT per table
        #: why the file is known to be damaged (None: no damage known); set once, never
        #: cleared — a damaged file is restored, not repaired in place
        self.damage: str | None = None
        # SAMVERKAN_LOCK_LOG=FILE: append how long each write held the lock (benchmarks,
        # diagnosing contention); written after COMMIT, never under the lock
        self._lock_log = os.environ.get("SAMVERKAN_LOCK_LOG") or None
        # SAMVERKAN_AUDIT_KEY=FILE: every event also gets a keyed MAC (an anchored chain,
        # see store.anchor); a key that cannot be read refuses the open in one line
        self.mac_key = anchor.configured_key()

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
        """Open the database at ``path``; apply pending migrations unless ``migrate=False``.

        A damaged file opens for reading only (see :meth:`check_damage`): nothing is
        migrated and every write is refused, and reads that meet the damage say so.
        """
        store = cls(connect(path), Path(path))
        try:
            store.check_damage()
            if migrate and store.damage is None:
                store.migrate()
        except BaseException:
            store.close()
            raise
        return store

    def check_damage(self) -> str | None:
        """Look for damage now: a marker an earlier session left, and for a small file
        ``PRAGMA quick_check`` (see :func:`.connection.check_damage`). Returns why the
        file is damaged, or None."""
        found = check_damage(self.conn, self.path)
        if found is not None:
            self.damage = found
        return self.damage

    def _refusal(self, exc: BaseException) -> Exception | None:
        """The one-line refusal for ``exc`` (None: a defect); damage is remembered."""
        if is_damage(exc):
            self.damage = self.damage or str(exc)
            note_damage(self.path, exc)
        return refusal(exc, self.path)

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
            if self.damage is not None:  # nothing is ever written to a damaged file
                raise damaged(self.path, self.damage)
            self._begin()
            locked_at = time.perf_counter()
            self._actor, self._origin, self._head = actor, origin, None
            self._touched = {}
            try:
                yield self
                if self._touched:  # rows written after the transaction's last event
                    self.audit("records.write", "database", "", None, None)
            except BaseException as exc:
                self._rollback()
                found = self._refusal(exc) if isinstance(exc, (sqlite3.Error, OverflowError)) else None
                if found is not None:
                    raise found from None
                raise
            else:
                self._commit()
                if self._lock_log:
                    self._log_hold(time.perf_counter() - locked_at)
            finally:
                self._actor, self._origin, self._head = None, "", None
                self._touched = {}

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
                    raise (self._refusal(exc) or StoreError(
                        msg("cannot write to {path}: {error}", path=self.path, error=exc))) from None
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
        except sqlite3.DatabaseError as exc:
            self._rollback()
            found = self._refusal(exc)
            raise (found or StoreError(msg("could not save the change to {path}: {error}; nothing was changed",
                                           path=self.path, error=exc))) from None

    def _rollback(self) -> None:
        # on a damaged, read-only or full file ROLLBACK may fail too; the error that
        # made us roll back is the one to report, and SQLite has rolled back already
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass

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
            # what the write left in every covered row it touched, as digests
            "rows": (audit.canonical(coverage.digests(self.conn, self._touched, self._covered))
                     if self._touched else None),
        }
        self._touched = {}
        audit.sealed(row)
        row["mac"] = anchor.mac(self.mac_key, row["hash"]) if self.mac_key else None
        insert(self.conn, "events", row)
        self._head = (row["id"], row["hash"])
        return row["id"]

    def head_mac(self, head: str) -> str | None:
        """The audit key's MAC of a head hash (None without a key or a head): a manifest
        or a published head carrying it was written by the key's holder."""
        return anchor.mac(self.mac_key, head) if self.mac_key and head else None

    def touch(self, table: str, *key: Any) -> None:
        """Note that the current transaction wrote (or deleted) row ``key`` of a covered
        ``table``: the next event records what the row holds then."""
        keys = self._touched.setdefault(table, [])
        if key not in keys:
            keys.append(key)

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
        """Verify the whole audit chain (see :func:`samverkan.store.audit.verify`) and
        the records it covers (:mod:`samverkan.store.coverage`), in one read snapshot:
        writers are not held up, and the report is of one moment."""
        return verify_from(self.conn, expect, self.mac_key)

    def scheduled_check(self) -> str | None:
        """The scheduled integrity check: ``PRAGMA quick_check`` of the whole file,
        whatever its size, on a read-only connection of its own (not this session's page
        cache), so damage done to the file since it was opened is seen. Damage found is
        remembered and noted for every session (:func:`.connection.note_damage`): from
        then on every write is refused. Returns why the file is damaged, or None; a file
        busy past the wait is checked next time.
        """
        try:
            conn = _open_read_only(self.path, live=True)
            try:
                result = " ".join(r[0] for r in conn.execute("PRAGMA quick_check(5)"))
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            if not is_damage(exc):
                return self.damage  # locked or unreadable now: not a finding about the file
            result = str(exc)
        if result == "ok":
            return self.damage
        self.damage = self.damage or one_line(result)
        note_damage(self.path, result)
        return self.damage

    def integrity_check(self) -> str:
        """SQLite's own integrity check ("ok" when the file is sound)."""
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]

    def checkpoint(self) -> tuple[int, int, int]:
        """Checkpoint the WAL into the database file (TRUNCATE mode)."""
        return tuple(self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone())

    def backup(self, dest: str | Path) -> dict[str, Any]:
        """Copy the database in one snapshot, check the copy, and write a manifest of it.

        SQLite's online backup copies every page in one step, inside one read
        transaction: sessions writing meanwhile are not held up (WAL), and what they
        commit is simply not in the copy. The manifest's event count and head hash are
        then read *from the copy*, together with its integrity (``quick_check``), its
        audit chain and its SHA-256, so the manifest describes exactly the file next to
        it and ``samverkan restore`` can check both. The copy gets its name only once
        checked: a failed backup leaves no file.
        """
        dest = Path(dest)
        if dest.exists():
            raise ValidationError(msg("{dest} already exists; choose a new file name", dest=dest), "dest")
        if self.damage is not None:  # a copy of a damaged file is no backup
            raise damaged(self.path, self.damage)
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(dest.name + ".partial")
        _remove_database_files(partial)
        try:
            target = sqlite3.connect(str(partial))
            try:
                with self._lock:
                    self.conn.backup(target)  # pages=-1: the whole file in one step
            finally:
                target.close()
            facts = read_backup(partial)
            if facts["integrity"] != "ok":  # the pages copied are the live file's
                raise damaged(self.path, facts["integrity"])
            os.replace(partial, dest)
        except BaseException:
            _remove_database_files(partial)
            raise
        manifest = {"database": str(self.path), "backup": str(dest), "created_at": sql.now(), **facts}
        signed = self.head_mac(facts.get("head") or "")
        if signed:  # the head anchored: only the key's holder could have written this manifest
            manifest["head_mac"] = signed
        write_manifest(dest, manifest)
        return manifest

    def _keep_copy(self, kept: Path) -> None:
        # SQLite's backup copies the pages as they are (damaged ones too) in one
        # snapshot, while other sessions may still checkpoint into the file; the file
        # and its WAL are copied as they lie only when even that fails
        target = sqlite3.connect(str(kept))
        try:
            self.conn.backup(target)
        except sqlite3.DatabaseError:
            target.close()
            _remove_database_files(kept)
            _copy_files(self.path, kept)
        else:
            target.close()

    def restore(self, source: str | Path, manifest: dict[str, Any]) -> dict[str, Any]:
        """Replace this database's content with the backup ``source`` (online), checked
        against ``manifest`` before and after.

        The backup must match its manifest (SHA-256, integrity, audit chain, event count
        and head) or nothing is changed. The current content is first copied aside as
        ``NAME.before-restore-TIME`` (a snapshot through SQLite; the file and its WAL as
        they lie if even that fails), so nothing is lost even from a damaged file. The
        backup's pages are then written into the database through SQLite's backup API,
        so sessions that have it open see the restored content, not a file swapped under
        them. A damage marker is removed once the restored file checks out.
        Returns what was checked on the restored file (``events``, ``head``, ``kept``).
        """
        source = Path(source)
        facts = check_backup(source, manifest)
        kept = _kept_name(self.path)
        with self._lock:
            if self.conn.in_transaction:
                raise StoreError(msg("cannot restore {path} inside a transaction", path=self.path))
            self._keep_copy(kept)
            src = _open_read_only(source)
            try:
                src.backup(self.conn)
            except sqlite3.DatabaseError as exc:
                raise (self._refusal(exc) or StoreError(msg(
                    "could not restore {path} from {source}: {error}; the file before the restore "
                    "is kept as {kept}", path=self.path, source=source, error=exc, kept=kept))) from None
            finally:
                src.close()
            self.damage = None
            damage_marker(self.path).unlink(missing_ok=True)
        now = read_backup_from(self.conn)
        if (now["integrity"], now["events"], now["head"]) != ("ok", facts["events"], facts["head"]):
            raise StoreError(msg(
                "{path} does not match the backup after the restore (integrity {integrity}, "
                "{events} events, head {head}); the file before the restore is kept as {kept}",
                path=self.path, integrity=now["integrity"], events=now["events"], head=now["head"],
                kept=kept))
        return {**now, "kept": str(kept)}


def _kept_name(path: Path) -> Path:
    """Where a restore keeps the database as it was: ``NAME.before-restore-YYYYMMDDTHHMMSS``."""
    return path.with_name(f"{path.name}.before-restore-{sql.now()[:19].replace(':', '').replace('-', '')}")


def _copy_files(path: Path, dest: Path) -> None:
    import shutil

    for suffix in ("", "-wal"):
        if Path(str(path) + suffix).exists():
            shutil.copyfile(str(path) + suffix, str(dest) + suffix)


def restore_file(path: str | Path, source: str | Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Restore a database that cannot be opened at all (or is missing) by replacing the
    file: what :meth:`Store.restore` does when no session can have it open.

    The backup is checked against its manifest first; the unusable file and its WAL
    are moved aside as ``NAME.before-restore-TIME``; the backup is copied into place
    (replaced only once complete) and checked again. Returns as :meth:`Store.restore`.
    """
    import shutil

    path, source = Path(path), Path(source)
    facts = check_backup(source, manifest)
    kept = _kept_name(path)
    tmp = path.with_name(path.name + ".restoring")
    shutil.copyfile(source, tmp)
    for suffix in ("", "-wal"):
        if Path(str(path) + suffix).exists():
            os.replace(str(path) + suffix, str(kept) + suffix)
    Path(str(path) + "-shm").unlink(missing_ok=True)
    os.replace(tmp, path)
    damage_marker(path).unlink(missing_ok=True)
    store = Store.open(path, migrate=False)
    try:
        now = read_backup_from(store.conn)
    finally:
        store.close()
    if (now["integrity"], now["events"], now["head"]) != ("ok", facts["events"], facts["head"]):
        raise StoreError(msg(
            "{path} does not match the backup after the restore (integrity {integrity}, "
            "{events} events, head {head}); the file before the restore is kept as {kept}",
            path=path, integrity=now["integrity"], events=now["events"], head=now["head"], kept=kept))
    return {**now, "kept": str(kept) if Path(kept).exists() else ""}


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _open_read_only(path: Path, live: bool = False) -> sqlite3.Connection:
    # immutable: a backup is not written by anyone, and a read-only folder of backups
    # must not stop the check (no -wal or -shm is created next to it); a live database
    # is opened read-only but not immutable, so its WAL (others' commits) is read too
    from urllib.parse import quote

    mode = "mode=ro" if live else "mode=ro&immutable=1"
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?{mode}", uri=True, isolation_level=None)


def verify_from(conn: sqlite3.Connection, expect: tuple[int, str] | None = None,
                key: bytes | None = None) -> audit.ChainReport:
    """The chain, its anchor (with ``key``: every event's MAC from the first that has
    one) and the covered records of ``conn``, verified in one read transaction."""
    import dataclasses

    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        # one pass over the events: the chain's links, the anchor and the records' replay
        check = anchor.AnchorCheck(key) if key is not None else None
        want: coverage.Expected = {}

        def events(cur: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
            cols = [d[0] for d in cur.description]
            for r in cur:
                event = dict(zip(cols, r, strict=True))
                if check is not None:
                    check.feed(event)
                coverage.replay(want, event.get("rows"))
                yield event

        report = audit.verify(events(conn.execute("SELECT * FROM events ORDER BY id")), expect)
        if not report.ok:
            return report
        if check is not None:
            anchored = check.report()
            report = dataclasses.replace(report, anchor=anchored)
            if not anchored.ok:
                return dataclasses.replace(report, ok=False, broken_at=None, problem=anchored.problem)
        found = tuple(coverage.compare(conn, want))
    finally:
        if own:
            conn.execute("COMMIT")
    if not found:
        return report
    shown = "; ".join(str(d) for d in found[:5]) + (f" (and {len(found) - 5} more)" if len(found) > 5 else "")
    return dataclasses.replace(report, ok=False, records=found, problem=f"records differ from the audit log: {shown}")


def read_backup_from(conn: sqlite3.Connection) -> dict[str, Any]:
    """What a manifest records, read from the connection in one read transaction:
    ``integrity`` (quick_check), ``events``, ``head``, ``chain_ok``, ``municipality``."""
    conn.execute("BEGIN")
    try:
        integrity = " ".join(r[0] for r in conn.execute("PRAGMA quick_check(5)"))
        if integrity != "ok":
            return {"integrity": integrity, "events": None, "head": None, "chain_ok": False,
                    "municipality": None}
        report = verify_from(conn)
        row = conn.execute("SELECT value FROM meta WHERE key = 'municipality'").fetchone()
    finally:
        conn.execute("COMMIT")
    return {"integrity": integrity, "events": report.count, "head": report.head,
            "chain_ok": report.ok, "municipality": row[0] if row else None}


def read_backup(path: Path) -> dict[str, Any]:
    """:func:`read_backup_from` the file ``path`` (read-only), plus its ``sha256``."""
    import hashlib

    try:
        conn = _open_read_only(path)
        try:
            facts = read_backup_from(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        facts = {"integrity": str(exc), "events": None, "head": None, "chain_ok": False,
                 "municipality": None}
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return {**facts, "sha256": digest.hexdigest()}


def write_manifest(dest: Path, manifest: dict[str, Any]) -> Path:
    """Write ``DEST.manifest.json`` (replaced only once complete)."""
    path = Path(str(dest) + ".manifest.json")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def check_backup(source: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The backup ``source`` read and compared with its ``manifest``.

    :raises ValidationError: naming what differs (nothing was changed).
    """
    if not source.is_file():
        raise ValidationError(msg("{source} is not a backup file", source=source), "backup")
    facts = read_backup(source)
    problems = []
    if facts["integrity"] != "ok":
        problems.append(msg("integrity: {result}", result=one_line(facts["integrity"])))
    elif not facts["chain_ok"]:
        problems.append(msg("its audit chain is broken"))
    for key in ("sha256", "events", "head"):
        if key in manifest and manifest[key] != facts[key]:
            problems.append(msg("{key} {found} where the manifest says {expected}",
                                key=key, found=facts[key], expected=manifest[key]))
    if problems:
        found = problems[0]
        for more in problems[1:]:
            found = msg("{first}, {second}", first=found, second=more)
        raise ValidationError(msg("the backup {source} does not match its manifest ({problems}); "
                                  "nothing was changed", source=source, problems=found), "backup")
    return facts


# -- every public method fails safe ---------------------------------------------------------

#: context managers handle their own errors (the body's calls are guarded one by one), and
#: the audit append runs only inside a transaction, which turns its errors into refusals
_UNGUARDED = frozenset({"transaction", "snapshot", "close", "audit"})


def _guarded(method: Any) -> Any:
    """``method`` with errors about the file turned into one-line refusals (see
    :meth:`Store._refusal`); defects (a constraint, a missing table) pass unchanged."""

    @functools.wraps(method)
    def call(self: Store, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.DatabaseError, OverflowError) as exc:
            found = self._refusal(exc)
            if found is None:
                raise
            raise found from None

    return call


def _guard_public_methods(cls: type) -> None:
    # Once, at import: a wrapper per public method (the mixins' included) rather than a
    # try/except in each of a hundred readers and writers. Generators would escape it;
    # the store has none outside the context managers (a test checks).
    for name in dir(cls):
        if name.startswith("_") or name in _UNGUARDED:
            continue
        raw = inspect.getattr_static(cls, name)
        if inspect.isfunction(raw):
            setattr(cls, name, _guarded(raw))


_guard_public_methods(Store)
