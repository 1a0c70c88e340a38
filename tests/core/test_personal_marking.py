"""Every text column of the schema is marked as holding personal data or not (issue 15,
point 6): a migration that adds a column without marking it fails here."""

from __future__ import annotations

from samverkan.store.privacy import IMPERSONAL, PERSONAL, SKIPPED
from samverkan.store.store import Store


def test_every_text_column_is_marked_personal_or_not(tmp_path):
    store = Store.open(tmp_path / "marks.db")
    try:
        tables = [r[0] for r in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE '%_fts%'")]
        unmarked, twice = [], []
        for table in (t for t in tables if t not in SKIPPED):
            for _cid, column, kind, *_rest in store.conn.execute(f"PRAGMA table_info([{table}])"):
                if (kind or "TEXT").upper() not in ("TEXT", "STR", ""):
                    continue
                marks = (column in PERSONAL.get(table, {})) + (column in IMPERSONAL.get(table, ()))
                (unmarked if marks == 0 else twice if marks == 2 else []).append(f"{table}.{column}")
        assert unmarked == [] and twice == []
        # and no mark names a column the schema does not have
        for marks in (PERSONAL, IMPERSONAL):
            for table, columns in marks.items():
                have = {r[1] for r in store.conn.execute(f"PRAGMA table_info([{table}])")}
                assert set(columns) <= have, (table, set(columns) - have)
    finally:
        store.close()
