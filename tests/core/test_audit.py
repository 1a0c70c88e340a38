"""The hash-chained audit log: intact, edited, deleted, reordered, and cut off after a backup.

The tampering is done with sqlite3 directly, as someone with access to the file would.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from corekit import drive, new_collab

from samverkan.store import audit


@pytest.fixture
def db(s, tmp_path):
    """A Testby database with a collaboration driven to the end: a chain of some length."""
    drive(s, new_collab(s, "informal").id, "ended")
    new_collab(s, "iop")
    assert s.store.count_events() >= 10
    s.store.checkpoint()
    s.store.close()
    return tmp_path / "testby.db"


def sql(path, statement, params=()):
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(statement, params)
    conn.close()


def event_count(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        conn.close()


def head(path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT hash FROM events ORDER BY id DESC LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def test_an_intact_chain_verifies_with_head_and_count(cli, db):
    result = cli("audit", "verify", db_path=db)
    assert result.exit_code == 0
    n = event_count(db)
    assert result.output.splitlines() == [
        f"events: {n}", f"head: {head(db)}", "audit chain ok",
        "anchor: none (no audit key is configured: set SAMVERKAN_AUDIT_KEY to prove the chain against rewriting)",
        "records ok: every covered record is what the audit log says", "documents ok"]


def test_an_edited_event_is_named(cli, db):
    sql(db, "UPDATE events SET actor = 'mallory' WHERE id = 4")
    result = cli("audit", "verify", db_path=db)
    assert result.exit_code == 1
    assert "audit chain broken (first broken event: 4): event 4 was changed after it was written" in result.stderr


def test_an_edit_with_a_recomputed_hash_breaks_the_link_to_the_next_event(cli, db):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    row = dict(conn.execute("SELECT * FROM events WHERE id = 5").fetchone())
    row["actor"] = "mallory"
    row["hash"] = audit.event_hash(row)
    with conn:
        conn.execute("UPDATE events SET actor = ?, hash = ? WHERE id = 5", [row["actor"], row["hash"]])
    conn.close()
    result = cli("audit", "verify", db_path=db)
    assert result.exit_code == 1
    assert "(first broken event: 6): event 6 does not follow event 5" in result.stderr


def test_a_deleted_event_is_detected_at_the_next_one(cli, db):
    sql(db, "DELETE FROM events WHERE id = 3")
    result = cli("audit", "verify", db_path=db)
    assert result.exit_code == 1
    assert "(first broken event: 4): event 4 does not follow event 2" in result.stderr


def test_reordered_events_are_detected(cli, db):
    # swap the contents of events 6 and 7, keeping their ids (the order on disk)
    sql(db, "UPDATE events SET id = -6 WHERE id = 6")
    sql(db, "UPDATE events SET id = 6 WHERE id = 7")
    sql(db, "UPDATE events SET id = 7 WHERE id = -6")
    result = cli("audit", "verify", db_path=db)
    assert result.exit_code == 1
    assert "(first broken event: 6): event 6 does not follow event 5" in result.stderr


def test_an_inserted_event_is_detected(cli, db):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    last = dict(conn.execute("SELECT * FROM events ORDER BY id DESC LIMIT 1").fetchone())
    conn.close()
    forged = {**last, "id": last["id"] + 1, "actor": "mallory", "prev_hash": audit.GENESIS}
    forged["hash"] = audit.event_hash(forged)
    sql(db, "INSERT INTO events (id, at, actor, origin, action, entity, entity_id, before, after, prev_hash, hash)"
            " VALUES (:id, :at, :actor, :origin, :action, :entity, :entity_id, :before, :after, :prev_hash, :hash)",
        forged)
    result = cli("audit", "verify", db_path=db)
    assert result.exit_code == 1 and f"first broken event: {forged['id']}" in result.stderr


def test_backup_writes_a_manifest_and_truncation_after_it_is_detected(cli, db, tmp_path):
    dest = tmp_path / "backups" / "kopia.db"
    n, h = event_count(db), head(db)
    result = cli("backup", str(dest), db_path=db)
    assert result.exit_code == 0
    manifest_path = tmp_path / "backups" / "kopia.db.manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert (manifest["events"], manifest["head"], manifest["chain_ok"]) == (n, h, True)
    assert manifest["municipality"] == "testby"
    assert f"events: {n}\nhead: {h}" in result.output
    # the backup is a real database whose own chain verifies
    assert cli("audit", "verify", db_path=dest).exit_code == 0
    # more work after the backup keeps the manifest check green
    assert event_count(db) == n + 1  # the backup itself is audited
    ok = cli("audit", "verify", "--manifest", str(manifest_path), db_path=db)
    assert ok.exit_code == 0, ok.stderr
    # cutting off the newest events leaves a valid chain; the records those events wrote
    # no longer match what the shortened chain says, and the manifest names the cut
    sql(db, "DELETE FROM events WHERE id > ?", [n - 3])
    alone = cli("audit", "verify", db_path=db)
    assert alone.exit_code == 1 and "differ from the audit log" in alone.stderr
    cut = cli("audit", "verify", "--manifest", str(manifest_path), db_path=db)
    assert cut.exit_code == 1
    assert f"the log has {n - 3} events but {n} were recorded earlier" in cut.stderr


def test_truncation_followed_by_new_events_is_detected_by_the_manifest(cli, db, tmp_path, testby_services):
    dest = tmp_path / "kopia.db"
    assert cli("backup", str(dest), db_path=db).exit_code == 0
    manifest = tmp_path / "kopia.db.manifest.json"
    n = json.loads(manifest.read_text(encoding="utf-8"))["events"]
    sql(db, "DELETE FROM events WHERE id > ?", [n - 2])
    s = testby_services("mallory", db=db)
    for i in range(4):
        s.register_organisation(f"Ny förening {i}", _orgnr(900 + i))
    s.store.close()
    result = cli("audit", "verify", "--manifest", str(manifest), db_path=db)
    assert result.exit_code == 1
    assert f"event number {n} no longer has the recorded hash" in result.stderr


def test_a_backup_refuses_to_overwrite_and_a_bad_manifest_is_refused(cli, db, tmp_path):
    dest = tmp_path / "kopia.db"
    dest.write_bytes(b"old")
    result = cli("backup", str(dest), db_path=db)
    assert result.exit_code == 1 and "already exists" in result.stderr and dest.read_bytes() == b"old"
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    result = cli("audit", "verify", "--manifest", str(bad), db_path=db)
    assert result.exit_code == 1 and "not a samverkan backup manifest" in result.stderr


def _orgnr(n: int) -> str:
    from corekit import orgnr

    return orgnr(n)
