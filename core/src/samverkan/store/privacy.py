"""Where a person's data is stored: every text of every table, the audit log included.

The register extract of GDPR art. 15 needs everything stored about one person. A name,
an e-mail address or a telephone number may sit in a structured field (a user's
e-mail), in free text (an organisation's contact, a follow-up's participants, a
decision's motivation) or in the audit log's before and after images, so the search
covers every text column of every table rather than a list of known fields. Tables
that only index or copy others (the search index, stored files' bytes, the migration
log) are left out.
"""

from __future__ import annotations

import sqlite3
from typing import Any

#: tables that hold no data of their own worth extracting
SKIPPED = ("_sqlite_migrations", "blobs")


class PrivacyRows:
    """The search behind ``samverkan privacy extract`` (mixed into the store)."""

    conn: sqlite3.Connection

    def personal_data(self, terms: list[str]) -> list[dict[str, Any]]:
        """Every stored text that contains one of ``terms`` (case-insensitive): table, the
        row's key, column and the whole value, in table and key order."""
        found: list[dict[str, Any]] = []
        wanted = [t.strip().casefold() for t in terms if t and t.strip()]
        if not wanted:
            return found
        variants = sorted({f(t) for t in terms if t and t.strip() for f in (
            str.strip, lambda x: x.strip().lower(), lambda x: x.strip().upper(), lambda x: x.strip().title())})
        tables = [r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE '%_fts%' ORDER BY name")]
        for table in (t for t in tables if t not in SKIPPED):
            info = list(self.conn.execute(f"PRAGMA table_info([{table}])"))
            keys = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5]] or ["rowid"]
            texts = [r[1] for r in info if (r[2] or "TEXT").upper() in ("TEXT", "STR", "")]
            if not texts:
                continue
            # SQLite's lower() folds ASCII only ("Åsa" stays "Åsa"): the SQL looks for each
            # term as written, in lower, upper and title case, and Python decides
            where = " OR ".join(f"instr([{c}], ?) > 0" for c in texts for _v in variants)
            params = [v for _c in texts for v in variants]
            select = ", ".join([*(f"[{k}]" for k in keys), *(f"[{c}]" for c in texts)])
            for row in self.conn.execute(f"SELECT {select} FROM [{table}] WHERE {where}", params):
                key = "/".join(str(v) for v in row[:len(keys)])
                for column, value in zip(texts, row[len(keys):], strict=True):
                    if isinstance(value, str) and any(t in value.casefold() for t in wanted):
                        found.append({"table": table, "key": key, "column": column, "value": value})
        return found
