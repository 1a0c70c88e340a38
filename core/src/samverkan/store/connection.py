"""Opening the SQLite file: pragmas, migrations and clear errors for bad files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from samverkan.domain.errors import StoreError

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
        raise StoreError(
            f"cannot open {path}: {exc} (is it a samverkan database? nothing was changed)"
        ) from None
    if str(mode).lower() != "wal":
        raise StoreError(f"cannot switch {path} to WAL mode (got {mode!r})")
    return conn
