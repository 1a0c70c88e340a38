"""Opening the SQLite file: pragmas, clear errors for bad files, and a file that fails safe.

Every error SQLite reports about the file itself — damaged, read-only, full disk, I/O —
becomes one line naming the file and what to do (:func:`refusal`); a damaged file is
noted next to it (:func:`damage_marker`) so that every later session refuses to write
to it until it is restored from a backup.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from samverkan.domain.errors import SamverkanError, StoreError, ValidationError
from samverkan.i18n import msg

BUSY_TIMEOUT_MS = 5_000
# Checkpoint after this many WAL pages (about 4 MB with 4 KiB pages): keeps the WAL
# bounded when many short writers run without an idle moment for automatic checkpoints.
WAL_AUTOCHECKPOINT_PAGES = 1_000


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) the database at ``path`` with WAL, foreign keys and a busy timeout.

    :raises StoreError: when the file is not a SQLite database or cannot be opened.
    """
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a database file")
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # isolation_level=None: the store issues BEGIN IMMEDIATE itself, so that the
        # python sqlite3 module never opens implicit transactions behind its back.
        conn = sqlite3.connect(
            str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise _open_refusal(exc, path) from None
    if str(mode).lower() != "wal":
        raise StoreError(f"cannot switch {path} to WAL mode (got {mode!r})")
    return conn


# -- a file that fails safe ------------------------------------------------------------

#: files up to this size get SQLite's ``PRAGMA quick_check`` when opened (it reads every
#: page: about 30 ms for 32 MiB from the page cache). Larger files are not checked at
#: open — the TUI must start quickly on 100,000 collaborations (scripts/bench_tui.py) —
#: and are found damaged by the first query that meets a damaged page.
QUICK_CHECK_MAX_BYTES = 32 * 1024 * 1024

#: the largest integer SQLite stores (a larger Python int raises OverflowError)
MAX_INTEGER = 2**63 - 1

# SQLite's primary result codes (the low byte of an extended code)
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


class DamagedDatabase(StoreError):
    """The database file is damaged: nothing is written to it until it is restored."""


def _code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF
    text = str(exc).lower()  # older sqlite3 modules carry no code: read the message
    for needle, primary in (("malformed", _CORRUPT), ("not a database", _NOTADB),
                            ("readonly", _READONLY), ("read-only", _READONLY),
                            ("disk is full", _FULL), ("disk i/o", _IOERR),
                            ("unable to open", _CANTOPEN), ("locked", _BUSY)):
        if needle in text:
            return primary
    return None


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` says the file is damaged (SQLITE_CORRUPT or SQLITE_NOTADB)."""
    return isinstance(exc, sqlite3.DatabaseError) and _code(exc) in (_CORRUPT, _NOTADB)


def damaged(path: Path, error: object) -> DamagedDatabase:
    """The refusal for a damaged file: one line naming it and the way back."""
    return DamagedDatabase(msg(
        "the database {path} is damaged ({error}); nothing was written to it. Restore it from "
        "a backup: samverkan restore BACKUP (see docs/deployment.md)", path=path, error=one_line(error)))


def refusal(exc: BaseException, path: Path) -> SamverkanError | None:
    """The one-line refusal for an error about the file itself, or None for anything else.

    Damage, a read-only file or folder, a full disk, an I/O error, a lock held too long
    and a number too large for SQLite are the file's or the input's; anything else
    (a constraint, a missing table) is a defect and is left to the caller.
    """
    if isinstance(exc, OverflowError):
        if "sqlite" not in str(exc).lower():
            return None
        return ValidationError(msg("a number is out of range (the largest is {max}); "
                                   "nothing was changed", max=MAX_INTEGER))
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(
            exc, (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)):
        return None
    code = _code(exc)
    if code in (_CORRUPT, _NOTADB):
        return damaged(path, exc)
    if code == _READONLY:
        return StoreError(msg("cannot write to {path}: the file or its folder is read-only; "
                              "nothing was changed", path=path))
    if code == _FULL:
        return StoreError(msg("cannot write to {path}: the disk is full; nothing was changed "
                              "(free some space and try again)", path=path))
    if code in (_IOERR, _CANTOPEN):
        return StoreError(msg("cannot read or write {path}: {error}; nothing was changed",
                              path=path, error=str(exc)))
    if code in (_BUSY, _LOCKED):
        return StoreError(msg(
            "the database {path} is busy (another session holds the write lock); "
            "nothing was changed, try again", path=path))
    return None


def _open_refusal(exc: sqlite3.DatabaseError, path: Path) -> StoreError:
    if _code(exc) == _CANTOPEN and path.exists() and not os.access(path.parent, os.W_OK):
        return StoreError(msg(
            "cannot open {path}: its folder is read-only, and SQLite must create {name}-wal and "
            "{name}-shm next to it; nothing was changed", path=path, name=path.name))
    code = _code(exc)
    if code in (_READONLY, _FULL, _IOERR, _CANTOPEN):
        return refusal(exc, path) or StoreError(str(exc))  # one line that says which
    if code in (_CORRUPT, _NOTADB):
        return StoreError(msg(
            "cannot open {path}: {error} (is it a samverkan database? nothing was changed; if it "
            "is, it is damaged: restore it from a backup with samverkan restore BACKUP)",
            path=path, error=str(exc)))
    return StoreError(msg("cannot open {path}: {error}; nothing was changed", path=path, error=str(exc)))


def damage_marker(path: Path) -> Path:
    """The file noting that ``path`` was found damaged (``NAME.damaged``, next to it).

    Every session that opens ``path`` while it exists refuses to write; ``samverkan
    restore`` removes it. It is text: when the damage was found, and SQLite's words.
    """
    return path.with_name(path.name + ".damaged")


def note_damage(path: Path, error: object) -> None:
    """Write :func:`damage_marker` (best effort: a read-only folder keeps no note)."""
    marker = damage_marker(path)
    if marker.exists():
        return
    try:
        stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        marker.write_text(f"{one_line(error)}\nfound by samverkan at {stamp}\n", encoding="utf-8")
    except OSError:
        pass


def one_line(error: object, limit: int = 200) -> str:
    """SQLite's report (``quick_check`` gives several lines) as one short line."""
    text = " ".join(str(error).replace("*** in database main ***", "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def check_damage(conn: sqlite3.Connection, path: Path) -> str | None:
    """Why ``path`` is damaged, or None when no damage is known.

    A marker left by an earlier session counts; a file up to
    :data:`QUICK_CHECK_MAX_BYTES` is also checked with ``PRAGMA quick_check`` (and the
    damage it finds is noted in the marker).
    """
    marker = damage_marker(path)
    if marker.exists():
        try:
            first = marker.read_text(encoding="utf-8").partition("\n")[0]
        except OSError:
            first = ""
        return one_line(first) or "noted in " + marker.name
    try:
        if path.stat().st_size > QUICK_CHECK_MAX_BYTES:
            return None
        result = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            raise
        result = str(exc)
    except OSError:
        return None
    if result == "ok":
        return None
    note_damage(path, result)
    return one_line(result)
