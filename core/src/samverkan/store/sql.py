"""Small helpers the store's modules share: row conversion and plain-SQL writes.

The store writes with plain SQL on the connection instead of sqlite-utils' table
objects: ``db["table"]`` looks the table up in ``sqlite_master`` on every access, which
was most of the statements a command ran, and all of it under the write lock.
"""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, fields
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


def _converter(annotation: str) -> Any:
    if "dt.date" in annotation:
        return lambda v: dt.date.fromisoformat(v) if v else None
    if annotation == "bool":
        return bool
    return None


@functools.cache
def _plan(cls: type) -> tuple[tuple[str, Any, Any, bool], ...]:
    """Per field of ``cls``: its name, how a stored value converts, its default, and
    whether that default is a factory."""
    plan = []
    for f in fields(cls):
        factory = f.default is MISSING and f.default_factory is not MISSING
        default = f.default_factory if factory else f.default
        plan.append((f.name, _converter(str(f.type)), default, factory))
    return tuple(plan)


def row_fields(obj: Any) -> dict[str, Any]:
    """A dataclass's fields as a dict, values as they are (a shallow ``asdict``)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def build(cls: type, row: Mapping[str, Any], **extra: Any) -> Any:
    """An instance of the dataclass ``cls`` from a stored row (extra columns ignored).

    The row was validated when it was written, so it is not validated again: reading a
    collaboration's state builds dozens of these per command, and the model's checks
    (text cleaning, organisation numbers, dates) were most of a read's time. Dates and
    booleans are converted back from how SQLite stores them.
    """
    obj = cls.__new__(cls)
    values = obj.__dict__
    for name, convert, default, factory in _plan(cls):
        if name in extra:
            values[name] = extra[name]
        elif name in row:
            value = row[name]
            values[name] = convert(value) if convert is not None and value is not None else value
        elif default is MISSING:
            raise TypeError(f"{cls.__name__}: the stored row has no {name!r}")
        else:
            values[name] = default() if factory else default
    return obj


def rows(conn: sqlite3.Connection, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
    """The result of ``sql`` as dicts keyed by column name."""
    cur = conn.execute(sql, list(params))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


@functools.lru_cache(maxsize=256)
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    cols = ", ".join(f"[{k}]" for k in columns)
    return f"INSERT INTO [{table}] ({cols}) VALUES ({', '.join('?' * len(columns))})"


@functools.lru_cache(maxsize=256)
def _upsert_sql(table: str, columns: tuple[str, ...], pk: tuple[str, ...]) -> str:
    updates = ", ".join(f"[{k}] = excluded.[{k}]" for k in columns if k not in pk)
    conflict = ", ".join(f"[{k}]" for k in pk)
    return f"{_insert_sql(table, columns)} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"


def insert(conn: sqlite3.Connection, table: str, row: Mapping[str, Any]) -> int:
    """Insert ``row`` into ``table``; the new row's id."""
    return conn.execute(_insert_sql(table, tuple(row)), list(row.values())).lastrowid


def upsert(conn: sqlite3.Connection, table: str, row: Mapping[str, Any], pk: tuple[str, ...]) -> None:
    """Insert ``row``, or update the row with the same primary key ``pk``."""
    conn.execute(_upsert_sql(table, tuple(row), pk), list(row.values()))
