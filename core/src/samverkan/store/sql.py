"""Small helpers the store's modules share: row conversion and plain-SQL writes.

The store writes with plain SQL on the connection instead of sqlite-utils' table
objects: ``db["table"]`` looks the table up in ``sqlite_master`` on every access, which
was most of the statements a command ran, and all of it under the write lock.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
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
    return _row_plan(type(obj), skip)(obj)


def _converter(annotation: str) -> Any:
    """How a stored value of a field declared as ``annotation`` converts back (None: as is)."""
    if "dt.date" in annotation:
        return _date_or_none
    if annotation == "bool":
        return _bool_or_none
    if annotation.startswith("dict["):
        return _json_table
    return None


def _date_or_none(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _bool_or_none(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _json_table(value: Any) -> Any:
    return json.loads(value) if value else {}


#: field types whose stored form is the value itself (no :func:`plain` needed)
_PLAIN_TYPES = ("int", "str", "float", "int | None", "str | None", "float | None")


@functools.cache
def _row_plan(cls: type, skip: tuple[str, ...]) -> Any:
    """A compiled ``obj -> row`` function for ``cls`` (see :func:`_compile`).

    Fields declared as plain text or numbers are read as they are; the rest (dates,
    booleans, money, nested data) go through :func:`plain`.
    """
    parts = []
    for f in fields(cls):
        if f.name in skip:
            continue
        read = f"obj.{f.name}"
        parts.append(f"{f.name!r}: {read if str(f.type) in _PLAIN_TYPES else f'plain({read})'}")
    return _compile(f"def to_row(obj):\n    return {{{', '.join(parts)}}}", "to_row", plain=plain)


@functools.cache
def _build_plan(cls: type, columns: tuple[str, ...]) -> Any:
    """A compiled ``(row tuple, extra) -> instance`` function for ``cls`` and a query's
    ``columns`` (extra columns ignored; missing ones take the field's default)."""
    env: dict[str, Any] = {"new": object.__new__, "cls": cls, "_missing": functools.partial(_missing, cls)}
    items = []
    for n, f in enumerate(fields(cls)):
        name = f.name
        if name in columns:
            value = f"t[{columns.index(name)}]"
            convert = _converter(str(f.type))
            if convert is not None:
                env[f"c{n}"] = convert
                value = f"c{n}({value})"
        elif f.default is not MISSING:
            env[f"d{n}"] = f.default
            value = f"d{n}"
        elif f.default_factory is not MISSING:
            env[f"d{n}"] = f.default_factory
            value = f"d{n}()"
        else:
            value = f"extra[{name!r}] if {name!r} in extra else _missing({name!r})"
        items.append(f"{name!r}: {value}")
    # extra values (e.g. a collaboration's organisation ids) replace what the row holds
    body = (f"def make(t, extra):\n    o = new(cls)\n    d = o.__dict__\n"
            f"    d.update({{{', '.join(items)}}})\n    if extra:\n        d.update(extra)\n    return o")
    return _compile(body, "make", **env)


def _missing(cls: type, name: str) -> Any:
    raise TypeError(f"{cls.__name__}: the stored row has no {name!r}")


def _compile(source: str, name: str, **env: Any) -> Any:
    # Generated once per class (as dataclasses and attrs generate __init__): reading a
    # collaboration's state builds dozens of objects per command, and a loop over the
    # fields per object was most of a read's time.
    namespace: dict[str, Any] = dict(env)
    exec(source, namespace)  # noqa: S102 - the source is built from field names only
    return namespace[name]


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
    return _build_plan(cls, tuple(row))(tuple(row.values()), extra)


def maker(cls: type, cursor: sqlite3.Cursor) -> Any:
    """The compiled ``(row tuple, extra) -> cls`` builder for ``cursor``'s columns."""
    return _build_plan(cls, tuple(d[0] for d in cursor.description))


def objects(conn: sqlite3.Connection, cls: type, sql: str, params: Iterable[Any] = (),
            **extra: Any) -> list[Any]:
    """The result of ``sql`` as instances of the dataclass ``cls`` (see :func:`build`),
    built straight from the result tuples."""
    cur = conn.execute(sql, list(params))
    make = maker(cls, cur)
    return [make(t, extra) for t in cur.fetchall()]


def rows(conn: sqlite3.Connection, sql: str,
         params: Iterable[Any] | Mapping[str, Any] = ()) -> list[dict[str, Any]]:
    """The result of ``sql`` as dicts keyed by column name (``params`` positional, or
    named in a mapping)."""
    cur = conn.execute(sql, params if isinstance(params, Mapping) else list(params))
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
