"""Small helpers the store's modules share: row conversion and plain-SQL writes.

The store writes with plain SQL on the connection instead of sqlite-utils' table
objects: ``db["table"]`` looks the table up in ``sqlite_master`` on every access, which
was most of the statements a command ran, and all of it under the write lock.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any

from samverkan.store import audit


def now() -> str:
    """The current UTC time as ISO text (what every record's timestamp holds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def plain(value: Any) -> Any:
    """A value as SQLite stores it (dates as ISO text, booleans as 0/1, data as JSON)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dict, list, tuple)):
        return audit.canonical(value)
    return value


def row_of(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A dataclass as a row of plain values.

    Read field by field rather than with ``dataclasses.asdict``, which deep-copies every
    value first; nested data (a dict of sections, a list of ids) becomes JSON text here.
    """
    return {f.name: plain(getattr(obj, f.name)) for f in fields(obj) if f.name not in skip}


def build(cls: type, row: Mapping[str, Any], **extra: Any) -> Any:
    """An instance of the dataclass ``cls`` from a row (extra columns ignored)."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in row.items() if k in names}, **extra)


def rows(conn: sqlite3.Connection, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    """The result of ``sql`` as dicts keyed by column name."""
    cur = conn.execute(sql, list(params))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def insert(conn: sqlite3.Connection, table: str, row: Mapping[str, Any]) -> int:
    """Insert ``row`` into ``table``; the new row's id."""
    cols = ", ".join(f"[{k}]" for k in row)
    marks = ", ".join("?" * len(row))
    return conn.execute(f"INSERT INTO [{table}] ({cols}) VALUES ({marks})", list(row.values())).lastrowid


def upsert(conn: sqlite3.Connection, table: str, row: Mapping[str, Any], pk: tuple[str, ...]) -> None:
    """Insert ``row``, or update the row with the same primary key ``pk``."""
    cols = ", ".join(f"[{k}]" for k in row)
    marks = ", ".join("?" * len(row))
    updates = ", ".join(f"[{k}] = excluded.[{k}]" for k in row if k not in pk)
    conflict = ", ".join(f"[{k}]" for k in pk)
    conn.execute(f"INSERT INTO [{table}] ({cols}) VALUES ({marks}) "
                 f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}", list(row.values()))
