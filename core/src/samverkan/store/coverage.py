"""Every business record covered by the audit chain.

The hash chain proves the events were not changed; this module makes the events prove
the *records*. Each audited write stores, in its event, a digest of every covered row it
wrote, column by column (the row's after-image as a digest, so the event carries no
copy of the data): ``{"table": {"cols": [...], "rows": {key: "d8d8…" | null}}}``, where
each ``d8`` is the first 8 hex digits of SHA-256 over the column's stored value and
``null`` means the row was deleted. :func:`verify_rows` replays the chain to the content
every row should have and compares it with the tables, naming each row that differs
(and its column), was deleted or was added outside the services.

Derived columns (caches the store recomputes, such as a collaboration's organisation
names or its next follow-up date) are not covered: they are rebuilt from covered data.
Operational tables (the outbox, reminders, the search index) are not business records.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

#: covered table -> (its key columns, the columns left out as derived)
COVERED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "organisations": (("id",), ()),
    "collaborations": (("id",), ("org_names", "next_follow_up")),
    "collaboration_organisations": (("collaboration_id", "organisation_id"), ()),
    "check_answers": (("collaboration_id", "check_id"), ()),
    "decisions": (("id",), ()),
    "agreements": (("collaboration_id",), ()),
    "contributions": (("id",), ()),
    "follow_ups": (("id",), ()),
    "terminations": (("collaboration_id",), ()),
    "conflicts": (("id",), ()),
    "documents": (("id",), ()),
    "records": (("id",), ()),
    "users": (("name",), ()),
    "contacts": (("id",), ()),
}
#: digits of each column's digest: enough to name the column that changed
DIGITS = 8
#: rows per baseline event when existing data is first brought under the scheme
BASELINE_CHUNK = 2000


#: one encoder for every digest (``json.dumps`` with options builds a new one per call,
#: which was a fifth of an audited write's time)
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode


def _digest(value: Any) -> str:
    return hashlib.sha256(_encode(value).encode("utf-8")).hexdigest()[:DIGITS]


def key_of(values: Iterable[Any]) -> str:
    """A row's key as the text events store it (JSON of the key columns' values)."""
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))


def columns(conn: sqlite3.Connection, table: str) -> tuple[str, ...]:
    """The covered columns of ``table``, sorted (keys and derived columns left out)."""
    keys, derived = COVERED[table]
    names = [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")]
    return tuple(sorted(n for n in names if n not in keys and n not in derived))


def row_digest(row: Iterable[Any]) -> str:
    """The digests of a row's covered column values, in :func:`columns` order, joined."""
    return "".join(_digest(v) for v in row)


def _select(table: str, cols: tuple[str, ...]) -> str:
    keys = COVERED[table][0]
    return f"SELECT {', '.join(f'[{c}]' for c in (*keys, *cols))} FROM [{table}]"


def digests(conn: sqlite3.Connection, touched: dict[str, list[tuple[Any, ...]]],
            known: dict[str, tuple[tuple[str, ...], str]] | None = None) -> dict[str, Any]:
    """The ``rows`` of an event: the digest of each touched row as it now stands (null:
    deleted), by table. One SELECT per touched row (it runs inside the write).

    :param known: a cache of each table's covered columns and SELECT, kept by the caller
        for the connection's life (the schema does not change under an open store).
    """
    out: dict[str, Any] = {}
    known = {} if known is None else known
    for table, keys in touched.items():
        if table not in known:
            cols = columns(conn, table)
            where = " AND ".join(f"[{k}] = ?" for k in COVERED[table][0])
            known[table] = (cols, f"{_select(table, cols)} WHERE {where}")
        cols, select = known[table]
        rows: dict[str, str | None] = {}
        for key in keys:
            found = conn.execute(select, list(key)).fetchone()
            rows[key_of(key)] = row_digest(found[len(key):]) if found else None
        out[table] = {"cols": list(cols), "rows": rows}
    return out


def baseline(conn: sqlite3.Connection, tables: Iterable[str] | None = None,
             skip: dict[str, set[str]] | None = None) -> Iterator[dict[str, Any]]:
    """The ``rows`` of the events that bring a database's existing records under the
    scheme: every row of ``tables`` (every covered table) but the keys in
    ``skip[table]``, in chunks of :data:`BASELINE_CHUNK`."""
    for table in COVERED if tables is None else tables:
        cols = columns(conn, table)
        nkeys = len(COVERED[table][0])
        leave = (skip or {}).get(table, set())
        chunk: dict[str, str | None] = {}
        for row in conn.execute(_select(table, cols)):
            key = key_of(row[:nkeys])
            if key in leave:
                continue
            chunk[key] = row_digest(row[nkeys:])
            if len(chunk) >= BASELINE_CHUNK:
                yield {table: {"cols": list(cols), "rows": chunk}}
                chunk = {}
        if chunk:
            yield {table: {"cols": list(cols), "rows": chunk}}


def unvouched(conn: sqlite3.Connection, table: str) -> set[str]:
    """The keys of the rows of ``table`` that are not what the chain says the services
    wrote (added or changed outside them), as :func:`compare` finds them: a migration
    that re-records rows leaves these out, so they stay named."""
    want: Expected = {}
    for (rows,) in conn.execute("SELECT rows FROM events WHERE rows IS NOT NULL ORDER BY id"):
        replay(want, rows)
    expect = want.get(table, {})
    cols = columns(conn, table)
    nkeys = len(COVERED[table][0])
    out = set()
    for row in conn.execute(_select(table, cols)):
        key = key_of(row[:nkeys])
        values = dict(zip(cols, row[nkeys:], strict=True))
        recorded = expect.get(key)
        if recorded is None or recorded[1] is None or \
                row_digest(values.get(c) for c in recorded[0]) != recorded[1]:
            out.add(key)
    return out


@dataclass(frozen=True)
class Discrepancy:
    """A record that is not what the chain says the services wrote."""

    table: str
    key: str
    problem: str  # "changed", "deleted" or "added"
    columns: tuple[str, ...] = ()

    @property
    def key_values(self) -> list[Any]:
        """The row's key as values (the key columns' values, in order)."""
        return json.loads(self.key)

    def __str__(self) -> str:
        what = {"changed": "was changed outside the services",
                "deleted": "was deleted outside the services",
                "added": "was added outside the services"}[self.problem]
        cols = f" (column {', '.join(self.columns)})" if self.columns else ""
        return f"{self.table} {self.key} {what}{cols}"


#: what every covered row should hold: table -> key -> (columns, digest or None when deleted)
Expected = dict[str, dict[str, tuple[tuple[str, ...], str | None]]]


def replay(state: Expected, rows: str | None) -> None:
    """Apply one event's ``rows`` (oldest event first) to ``state``."""
    if not rows:
        return
    for table, part in json.loads(rows).items():
        cols = tuple(part["cols"])
        target = state.setdefault(table, {})
        for key, digest in part["rows"].items():
            target[key] = (cols, digest)


def compare(conn: sqlite3.Connection, want: Expected, limit: int = 1000) -> list[Discrepancy]:
    """The covered rows of ``conn`` that differ from ``want`` (at most ``limit``)."""
    found: list[Discrepancy] = []
    for table in COVERED:
        cols = columns(conn, table)
        nkeys = len(COVERED[table][0])
        expect = want.get(table, {})
        seen: set[str] = set()
        for row in conn.execute(_select(table, cols)):
            key = key_of(row[:nkeys])
            seen.add(key)
            values = dict(zip(cols, row[nkeys:], strict=True))
            recorded = expect.get(key)
            if recorded is None or recorded[1] is None:
                found.append(Discrepancy(table, key, "added"))
            else:
                rec_cols, digest = recorded
                # a column the table gained later (a migration) is not held against it
                now = row_digest(values.get(c) for c in rec_cols)
                if now != digest:
                    bad = tuple(c for i, c in enumerate(rec_cols)
                                if now[i * DIGITS:(i + 1) * DIGITS] != digest[i * DIGITS:(i + 1) * DIGITS])
                    found.append(Discrepancy(table, key, "changed", bad))
            if len(found) >= limit:
                return found
        for key, (_cols, digest) in expect.items():
            if digest is not None and key not in seen:
                found.append(Discrepancy(table, key, "deleted"))
                if len(found) >= limit:
                    return found
    return found
