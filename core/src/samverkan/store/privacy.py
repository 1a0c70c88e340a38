"""Where a person's data is stored, and the SQL that erases and culls it.

The register extract of GDPR art. 15 needs everything stored about one person. A name,
an e-mail address or a telephone number may sit in a structured field (a contact's
e-mail), in free text (a follow-up's participants, a decision's motivation) or in the
audit log's before and after images, so the search covers every text column of every
table rather than a list of known fields. Tables that only index or copy others (the
search index, stored files' bytes, the migration log) are left out.

:data:`PERSONAL` marks, per table, the columns that hold personal data and what each
becomes when the data is removed. Erasure (art. 17) and culling (gallring) decide in the
services what to remove; the methods here only run the SQL, inside the caller's
transaction, noting every covered row they write so the audit chain covers the result.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from samverkan.store import coverage

#: tables that hold no data of their own worth extracting
SKIPPED = ("_sqlite_migrations", "blobs")
#: what a free text becomes where a person's details were: the text around them stays
ERASED = "[raderat]"
#: the value of a culled free text
CULLED = "[gallrat]"
#: a column holding free text (or JSON) that may name people: an erasure replaces the
#: person's details in it, culling replaces the whole text
FREE = None

#: The columns that hold personal data, by table, and the value each takes when the
#: data is removed (:data:`FREE`: a free text, see above). JSON columns are in
#: :data:`JSON_COLUMNS`; a plugin record's fields are marked ``personal`` in its kind.
PERSONAL: dict[str, dict[str, str | None]] = {
    "contacts": {"name": ERASED, "role": "", "email": "", "phone": ""},
    "users": {"email": "", "public_key": ""},
    "collaborations": {"manager": FREE, "participants": FREE},
    "check_answers": {"note": FREE, "answered_by": FREE},
    "decisions": {"decided_by": FREE, "motivation": FREE, "considerations": FREE},
    "agreements": {"signed_by": FREE},
    "follow_ups": {"summary": FREE, "participants": FREE, "evaluation": FREE, "recorded_by": FREE},
    "terminations": {"reason": FREE, "decided_by": FREE},
    "conflicts": {"user": FREE, "reason": FREE},
    "documents": {"title": FREE, "filename": FREE, "recorded_by": FREE},
    "records": {"data": FREE, "recorded_by": FREE},
    "outbox": {"recipient": "", "subject": FREE, "body": FREE, "error": FREE},
    "reminders": {"recipient": ""},
    "outbox_attempts": {"error": FREE},
}
#: The text columns that hold no personal data (dates, codes, keys, hashes, the case's
#: own descriptions): with :data:`PERSONAL` every text column of the schema is marked
#: one way or the other, and a test keeps it so when a migration adds a column.
IMPERSONAL: dict[str, tuple[str, ...]] = {
    "agreements": ("signed_on", "start", "end", "goals", "sections", "recorded_at"),
    "check_answers": ("check_id", "answer", "answered_at"),
    "collaborations": ("title", "form", "stage", "initiator", "unit", "target_group", "purpose", "challenge",
                       "policy_link", "referral", "activity", "start", "end", "org_names", "next_follow_up",
                       "created_at", "updated_at", "case_number", "form_answers"),
    "conflicts": ("declared_at",),
    "contacts": ("created_at", "updated_at"),
    "contributions": ("party", "category"),
    "decisions": ("outcome", "authority", "body", "meeting_date", "minute_paragraph", "policy_link",
                  "decided_on", "recorded_at"),
    "documents": ("kind", "media_type", "sha256", "reference", "recorded_at"),
    "follow_ups": ("done_on", "goals_met", "recorded_at"),
    "meta": ("key", "value"),
    # an organisation is a legal person; a sole trader's number would be personal data,
    # but the civil-society forms the core accepts are associations and foundations
    "organisations": ("name", "orgnr", "legal_form", "created_at", "updated_at"),
    "outbox": ("reason", "created_at", "sent_at", "status", "next_attempt_at", "claimed_by", "claimed_until",
               "message_id", "last_attempt_at"),
    "outbox_attempts": ("at", "worker"),
    "records": ("kind", "recorded_at"),
    "reminders": ("key", "kind", "due", "created_at"),
    "terminations": ("ended_on", "kind", "recorded_at"),
    # the account name and who created it name who did what: kept with the audit log
    "users": ("name", "roles", "unit", "created_at", "created_by"),
    # the audit log: who did what is kept; its content (before, after, rows) is erased
    # event by event (samverkan.store.audit)
    "events": ("at", "actor", "origin", "action", "entity", "entity_id", "before", "after", "prev_hash",
               "hash", "rows", "mac", "salt", "sealed"),
}
#: columns holding JSON objects: culled to ``{}``, erased value by value
JSON_COLUMNS = {("follow_ups", "participants"), ("follow_ups", "evaluation"), ("records", "data"),
                ("collaborations", "form_answers")}
#: rows that only exist for a row of another table: deleted with it
DEPENDENTS = {"outbox": (("outbox_attempts", "notification_id"), ("reminders", "notification_id"))}
#: tables whose rows carry a version for optimistic locking
VERSIONED = ("organisations", "collaborations", "contacts")
#: the key columns of the tables that are not covered by the chain
_KEYS = {"outbox": ("id",), "reminders": ("key",), "outbox_attempts": ("id",), "contacts": ("id",)}


def row_key(values: Iterable[Any]) -> str:
    """A row's key as extracts, erasures and cullings name it ("3", "3/national.x")."""
    return "/".join(str(v) for v in values)


def key_columns(table: str) -> tuple[str, ...]:
    """The columns that name one row of ``table``."""
    return coverage.COVERED[table][0] if table in coverage.COVERED else _KEYS.get(table, ("rowid",))


def _variants(terms: list[str]) -> list[str]:
    # SQLite's lower() folds ASCII only ("Åsa" stays "Åsa"): the SQL looks for each term
    # as written, in lower, upper and title case, and Python decides
    return sorted({f(t) for t in terms if t and t.strip() for f in (
        str.strip, lambda x: x.strip().lower(), lambda x: x.strip().upper(), lambda x: x.strip().title())})


#: the ended collaborations whose end (the termination's date, else the agreement's or
#: the collaboration's end) is before the parameter
_ENDED = ("SELECT c.id FROM collaborations c LEFT JOIN terminations t ON t.collaboration_id = c.id"
          " LEFT JOIN agreements a ON a.collaboration_id = c.id WHERE c.stage = 'ended'"
          " AND coalesce(nullif(t.ended_on, ''), nullif(a.[end], ''), nullif(c.[end], ''),"
          " substr(c.updated_at, 1, 10)) < ?")
#: the column that dates a row, for retention periods that run from its creation
DATED = {"collaborations": "created_at", "check_answers": "answered_at", "conflicts": "declared_at",
         "terminations": "recorded_at", "decisions": "recorded_at", "agreements": "recorded_at",
         "follow_ups": "recorded_at", "documents": "recorded_at", "records": "recorded_at",
         "contacts": "created_at", "outbox": "created_at"}


def _of_kinds(where: str, params: list[Any], kinds: Sequence[str] | None,
              other_kinds: bool) -> tuple[str, list[Any]]:
    """``where`` narrowed to plugin records of ``kinds`` (or, ``other_kinds``, of the rest)."""
    if kinds is None or (other_kinds and not kinds):
        return where, params
    marks = ", ".join("?" * len(kinds)) or "NULL"  # no kinds at all: nothing (IN (NULL))
    return f"{where} AND kind {'NOT ' if other_kinds else ''}IN ({marks})", [*params, *kinds]


class PrivacyRows:
    """The SQL behind ``samverkan privacy`` (mixed into the store)."""

    conn: sqlite3.Connection

    def personal_data(self, terms: list[str]) -> list[dict[str, Any]]:
        """Every stored text that contains one of ``terms`` (case-insensitive): table, the
        row's key (as text and as ``key_values``), column and the whole value, in table
        and key order."""
        found: list[dict[str, Any]] = []
        wanted = [t.strip().casefold() for t in terms if t and t.strip()]
        if not wanted:
            return found
        variants = _variants(terms)
        tables = [r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE '%_fts%' ORDER BY name")]
        for table in (t for t in tables if t not in SKIPPED):
            info = list(self.conn.execute(f"PRAGMA table_info([{table}])"))
            keys = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]] or ["rowid"]
            texts = [r[1] for r in info if (r[2] or "TEXT").upper() in ("TEXT", "STR", "")]
            if not texts:
                continue
            where = " OR ".join(f"instr([{c}], ?) > 0" for c in texts for _v in variants)
            params = [v for _c in texts for v in variants]
            select = ", ".join([*(f"[{k}]" for k in keys), *(f"[{c}]" for c in texts)])
            for row in self.conn.execute(f"SELECT {select} FROM [{table}] WHERE {where}", params):
                key = row_key(row[:len(keys)])
                for column, value in zip(texts, row[len(keys):], strict=True):
                    if isinstance(value, str) and any(t in value.casefold() for t in wanted):
                        found.append({"table": table, "key": key, "key_values": list(row[:len(keys)]),
                                      "column": column, "value": value})
        return found

    # -- what erasure and culling read before they write ---------------------------

    def record_kinds_of(self, ids: Iterable[int]) -> dict[int, str]:
        """The kind of each plugin record in ``ids``."""
        ids = list(ids)
        if not ids:
            return {}
        marks = ", ".join("?" * len(ids))
        return dict(self.conn.execute(f"SELECT id, kind FROM records WHERE id IN ({marks})", ids))

    def events_writing(self, table: str, keys: Iterable[Sequence[Any]]) -> dict[int, str]:
        """The events (id -> their row digests, as stored) whose digests name one of
        ``keys`` of ``table``, content not yet erased."""
        wanted = {coverage.key_of(k) for k in keys}
        if not wanted:
            return {}
        found: dict[int, str] = {}
        for event_id, rows_json in self.conn.execute(
                "SELECT id, rows FROM events WHERE erased_by IS NULL AND instr(rows, ?) > 0", [f'"{table}"']):
            part = json.loads(rows_json).get(table)
            if part and wanted.intersection(part["rows"]):
                found[event_id] = rows_json
        return found

    def events_about(self, entity: str, ids: Iterable[Any]) -> list[int]:
        """The events about ``entity`` ``ids`` (by the entity they name), content not yet
        erased: older events carry no row digests, only the entity."""
        ids = [str(i) for i in ids]
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        return [r[0] for r in self.conn.execute(
            f"SELECT id FROM events WHERE erased_by IS NULL AND entity = ? AND entity_id IN ({marks})"
            " AND (before IS NOT NULL OR after IS NOT NULL OR rows IS NOT NULL)", [entity, *ids])]

    def event_rows(self, ids: Iterable[int]) -> dict[int, str | None]:
        """The row digests (as stored) of the events ``ids``."""
        ids = list(ids)
        out: dict[int, str | None] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            out.update(self.conn.execute(f"SELECT id, rows FROM events WHERE id IN ({marks})", chunk))
        return out

    def ended_collaborations(self, before: str) -> list[int]:
        """The ended collaborations whose end (the termination's date, else the
        agreement's or the collaboration's end) is before ``before`` (ISO date)."""
        return [r[0] for r in self.conn.execute(f"{_ENDED} ORDER BY c.id", [before])]

    def inactive_contacts(self, before: str) -> list[int]:
        """The contacts of organisations with no collaboration that is not ended before
        ``before`` (an organisation without collaborations counts from the contact's
        registration)."""
        return [r[0] for r in self.conn.execute(
            "SELECT k.id FROM contacts k WHERE NOT EXISTS (SELECT 1 FROM collaboration_organisations co"
            f" WHERE co.organisation_id = k.organisation_id AND co.collaboration_id NOT IN ({_ENDED}))"
            " AND (EXISTS (SELECT 1 FROM collaboration_organisations co WHERE co.organisation_id = k.organisation_id)"
            " OR substr(k.created_at, 1, 10) < ?) ORDER BY k.id", [before, before])]

    def created_before(self, table: str, before: str, kinds: Sequence[str] | None = None,
                       other_kinds: bool = False) -> list[tuple[Any, ...]]:
        """The keys of the rows of ``table`` made before ``before`` (by its
        :data:`DATED` column); for plugin records, only those of ``kinds`` (with
        ``other_kinds``: of every kind but those)."""
        where, params = _of_kinds(f"substr(coalesce([{DATED[table]}], ''), 1, 10) < ?", [before], kinds, other_kinds)
        return self._keys(table, where, params)

    def of_collaborations(self, table: str, cases: Sequence[int], kinds: Sequence[str] | None = None,
                          other_kinds: bool = False) -> list[tuple[Any, ...]]:
        """The keys of the rows of ``table`` that belong to the collaborations ``cases``
        (for plugin records, ``kinds`` as in :meth:`created_before`)."""
        column = "id" if table == "collaborations" else "collaboration_id"
        where, params = _of_kinds(f"[{column}] IN ({', '.join('?' * len(cases)) or 'NULL'})", list(cases),
                                  kinds, other_kinds)
        return self._keys(table, where, params)

    def notifications_before(self, before: str) -> dict[str, list[tuple[Any, ...]]]:
        """The notifications made before ``before`` with their delivery attempts and
        reminders, by table (those first: the order removal needs)."""
        old = [k[0] for k in self.created_before("outbox", before)]
        marks = ", ".join("?" * len(old)) or "NULL"
        return {"outbox_attempts": self._keys("outbox_attempts", f"notification_id IN ({marks})", old),
                "reminders": self._keys("reminders", f"notification_id IN ({marks})", old),
                "outbox": [(i,) for i in old]}

    def _keys(self, table: str, where: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        cols = ", ".join(f"[{c}]" for c in key_columns(table))
        return [tuple(r) for r in self.conn.execute(f"SELECT {cols} FROM [{table}] WHERE {where}", list(params))]

    def values_of(self, table: str, key: Sequence[Any], columns: Sequence[str]) -> dict[str, Any] | None:
        """Some columns of one row (None: no such row)."""
        keys = key_columns(table)
        found = self.conn.execute(
            f"SELECT {', '.join(f'[{c}]' for c in columns)} FROM [{table}] WHERE "
            + " AND ".join(f"[{k}] = ?" for k in keys), list(key)).fetchone()
        return dict(zip(columns, found, strict=True)) if found else None

    def last_event_id(self) -> int:
        """The id of the newest event (0 for none)."""
        return self.conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]

    def events_holding_since(self, after_id: int, terms: list[str]) -> bool:
        """Whether an event newer than ``after_id`` holds one of ``terms`` in its content
        (a write that came between an erasure's search and its transaction)."""
        variants = _variants(terms)
        if not variants:
            return False
        where = " OR ".join(f"instr([{c}], ?) > 0" for c in ("before", "after") for _v in variants)
        return self.conn.execute(f"SELECT 1 FROM events WHERE id > ? AND ({where}) LIMIT 1",
                                 [after_id, *variants, *variants]).fetchone() is not None

    # -- writes (inside the caller's transaction) --------------------------------

    def set_values(self, table: str, key: Sequence[Any], values: dict[str, Any]) -> None:
        """Overwrite some columns of one row."""
        keys = key_columns(table)
        # a versioned row moves on, so a form opened before cannot write the data back
        bump = ", version = version + 1" if table in VERSIONED else ""
        self.conn.execute(
            f"UPDATE [{table}] SET {', '.join(f'[{c}] = ?' for c in values)}{bump} WHERE "
            + " AND ".join(f"[{k}] = ?" for k in keys), [*values.values(), *key])
        if table in coverage.COVERED:
            self.touch(table, *key)  # type: ignore[attr-defined]

    def delete_row(self, table: str, key: Sequence[Any]) -> None:
        """Delete one row (and the rows that only exist for it: a notification's
        delivery attempts and reminders)."""
        keys = key_columns(table)
        for child, column in DEPENDENTS.get(table, ()):
            self.conn.execute(f"DELETE FROM [{child}] WHERE [{column}] = ?", [key[0]])
        self.conn.execute(f"DELETE FROM [{table}] WHERE " + " AND ".join(f"[{k}] = ?" for k in keys), list(key))
        if table in coverage.COVERED:
            self.touch(table, *key)  # type: ignore[attr-defined]

    def retouch(self, rows_json: Iterable[str | None]) -> None:
        """Note again every covered row that events (their digests given) wrote: the
        next event records what they hold now, in place of the content being erased."""
        for text in rows_json:
            for table, part in json.loads(text or "{}").items():
                if table in coverage.COVERED:
                    for key in part["rows"]:
                        self.touch(table, *json.loads(key))  # type: ignore[attr-defined]

    def erase_event_content(self, ids: Iterable[int], by: int) -> int:
        """Remove the content (images, row digests, salt) of events ``ids``, naming the
        erasure event ``by``; returns how many."""
        ids = list(ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            self.conn.execute(
                "UPDATE events SET before = NULL, after = NULL, rows = NULL, salt = NULL, erased_by = ?"
                f" WHERE id IN ({', '.join('?' * len(chunk))})", [by, *chunk])
        return len(ids)

    def purge_search_index(self) -> None:
        """Merge the search index so no removed text lingers in its old segments."""
        self.conn.execute("INSERT INTO collaborations_fts (collaborations_fts) VALUES ('optimize')")

    def compact(self) -> bool:
        """Write the log into the file and rebuild it (checkpoint, then VACUUM), so no
        page of the file or its log still holds removed data; False when a reader kept
        the log from being emptied (run again later)."""
        try:
            busy = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            self.conn.execute("VACUUM")
            busy = busy or self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except sqlite3.OperationalError:  # another statement of this session was running
            return False
        return not busy
