"""Every business record is covered by the audit chain (issue 15, point 1).

Plain SQL behind the application's back — a changed motivation, organisation number,
amount, stage or role, a deleted record, an inserted row — in every business table:
``audit verify`` exits 1 and names each (table, key and, for a change, the column). An
untouched database verifies clean. (A migrated database: tests/core/test_store.py and
tests/ops/test_ops_upgrade.py; concurrent writers: tests/concurrency/.)
"""

from __future__ import annotations

import getpass
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from samverkan.services import Services

FIRST = "(SELECT min(id) FROM {t})"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """Stockholm's demo, every business table holding rows (users and follow-ups added);
    built once, each test tampers with its own copy."""
    from samverkan.plugin.manager import get_plugin_manager

    path = tmp_path_factory.mktemp("covered") / "demo.db"
    s = Services.open(path, getpass.getuser(), "test", registry=get_plugin_manager())
    try:
        s.set_municipality("stockholm")
        s.load_demo("stockholm")
        s.add_user(getpass.getuser(), "admin,officer,manager")  # who runs the CLI below
        s.add_user("eva", "officer", unit="Jobbtorg")
        active = [c["id"] for c in s.collaborations() if c["stage"] == "active"]
        s.record_follow_up(active[0], "Avstämning", participants={"kommunen": "Anna"})
    finally:
        s.store.close()
    with sqlite3.connect(path) as raw:
        for table in ("decisions", "organisations", "contributions", "agreements", "check_answers",
                      "records", "follow_ups", "users", "collaborations", "terminations", "contacts"):
            assert raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0], table
    return path


def tampered(demo_db: Path, tmp_path: Path, *statements: str) -> Path:
    path = tmp_path / "tampered.db"
    shutil.copy(demo_db, path)
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA foreign_keys = OFF")
        for statement in statements:
            raw.execute(statement)
    return path


def test_an_untouched_database_verifies_clean(demo_db, tmp_path, cli):
    result = cli("audit", "verify", db_path=tampered(demo_db, tmp_path))
    assert result.exit_code == 0, result.output
    assert "records ok" in result.stdout


@pytest.mark.parametrize(("statement", "reported"), [
    ("UPDATE decisions SET motivation = 'Ändrad' WHERE id = " + FIRST.format(t="decisions"),
     r"decisions \[\d+\] was changed outside the services \(column motivation\)"),
    ("UPDATE organisations SET orgnr = '802000-0000' WHERE id = " + FIRST.format(t="organisations"),
     r"organisations \[\d+\] was changed outside the services \(column orgnr\)"),
    ("UPDATE contributions SET amount = amount * 10 WHERE id = " + FIRST.format(t="contributions"),
     r"contributions \[\d+\] was changed outside the services \(column amount\)"),
    ("UPDATE agreements SET goals = 'Inga' WHERE rowid = (SELECT min(rowid) FROM agreements)",
     r"agreements \[\d+\] was changed outside the services \(column goals\)"),
    ("UPDATE check_answers SET answer = 'met' WHERE rowid = (SELECT min(rowid) FROM check_answers"
     " WHERE answer != 'met')",
     r'check_answers \[\d+,"[\w.]+"\] was changed outside the services \(column answer\)'),
    ("DELETE FROM records WHERE id = " + FIRST.format(t="records"),
     r"records \[\d+\] was deleted outside the services"),
    ("UPDATE follow_ups SET summary = 'Allt bra' WHERE id = " + FIRST.format(t="follow_ups"),
     r"follow_ups \[\d+\] was changed outside the services \(column summary\)"),
    ("UPDATE users SET roles = 'admin' WHERE name = 'eva'",
     r'users \["eva"\] was changed outside the services \(column roles\)'),
    ("INSERT INTO users (name, roles) VALUES ('mallory', 'admin')",
     r'users \["mallory"\] was added outside the services'),
    ("UPDATE collaborations SET stage = 'active' WHERE stage = 'declined'",
     r"collaborations \[\d+\] was changed outside the services \(column stage\)"),
    ("INSERT INTO decisions (collaboration_id, outcome, decided_by, authority, motivation, decided_on)"
     " VALUES (1, 'start', 'mallory', 'manager', 'Ja', '2026-01-01')",
     r"decisions \[\d+\] was added outside the services"),
    ("DELETE FROM terminations WHERE rowid = (SELECT min(rowid) FROM terminations)",
     r"terminations \[\d+\] was deleted outside the services"),
    ("UPDATE contacts SET email = 'mallory@example.org' WHERE id = " + FIRST.format(t="contacts"),
     r"contacts \[\d+\] was changed outside the services \(column email\)"),
])
def test_a_record_changed_deleted_or_added_behind_the_services_is_named(demo_db, tmp_path, cli,
                                                                         statement, reported):
    result = cli("audit", "verify", db_path=tampered(demo_db, tmp_path, statement))
    assert result.exit_code == 1
    assert "audit chain ok" in result.stdout  # the events themselves are intact
    assert re.search(reported, result.stderr), result.stderr
    assert "Traceback" not in result.output


def test_every_tampered_record_is_named_at_once(demo_db, tmp_path, cli):
    path = tampered(demo_db, tmp_path,
                    "UPDATE decisions SET considerations = 'x' WHERE id = " + FIRST.format(t="decisions"),
                    "DELETE FROM contributions WHERE id = " + FIRST.format(t="contributions"),
                    "UPDATE organisations SET legal_form = 'x', name = 'y' WHERE id = " + FIRST.format(t="organisations"))
    result = cli("audit", "verify", db_path=path)
    lines = [line for line in result.stderr.splitlines() if line.startswith("record: ")]
    assert len(lines) == 3 and "3 record(s) differ" in result.stderr
    assert any("(column legal_form, name)" in line for line in lines)


def test_a_backup_of_a_tampered_database_says_so(demo_db, tmp_path, cli):
    path = tampered(demo_db, tmp_path, "UPDATE decisions SET motivation = 'Ändrad'")
    result = cli("backup", str(tmp_path / "kopia.db"), db_path=path)
    manifest = (tmp_path / "kopia.db.manifest.json").read_text(encoding="utf-8")
    assert '"chain_ok": false' in manifest, (result.output, manifest)
