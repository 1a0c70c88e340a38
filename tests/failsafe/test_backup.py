"""A backup's manifest describes exactly the backed-up file, also while others write; and
``samverkan restore`` restores it and checks it against that manifest.

The writer is a real process (tests/concurrency/writer.py) registering organisations and
raising a shared counter as fast as it can; it runs until the test stops it, so every
backup below is taken while it writes.
"""

from __future__ import annotations

import gc
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from failkit import damage, digest, invoke, orgnr

from samverkan.runtime.config import os_user
from samverkan.services import Services
from samverkan.store import Store
from samverkan.store.connection import damage_marker

WRITER = Path(__file__).resolve().parents[1] / "concurrency" / "writer.py"


def count_and_head(db: Path) -> tuple[int, str]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*), (SELECT hash FROM events ORDER BY id DESC LIMIT 1) "
                            "FROM events").fetchone()
    finally:
        conn.close()


def kept_file(db: Path) -> Path:
    """The copy a restore kept of the database as it was (NAME.before-restore-TIME)."""
    [kept] = [p for p in db.parent.glob(f"{db.name}.before-restore-*")
              if not p.name.endswith(("-wal", "-shm"))]
    return kept


@pytest.fixture
def shared_db(tmp_path: Path, registry) -> Path:
    db = tmp_path / "live" / "shared.db"
    s = Services.open(db, "setup", "test", registry=registry)
    s.set_municipality("stockholm")
    s.register_organisation("Delad förening", orgnr(999_999))
    s.register_initiative("Delad räknare", "informal", [1], participants="0")
    s.store.close()
    return db


def test_backups_under_a_running_writer_match_their_manifests_and_restore(shared_db, tmp_path):
    writer = subprocess.Popen([sys.executable, str(WRITER), str(shared_db), "1", "600"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().startswith("ORG")  # it writes
        manifests = []
        for n in range(3):
            dest = tmp_path / "backups" / f"b{n}.db"
            r = invoke(shared_db, ["backup", str(dest)])
            assert r.exit_code == 0, r.output
            manifests.append(json.loads(Path(f"{dest}.manifest.json").read_text(encoding="utf-8")))
            writer.stdout.readline()  # and goes on writing between the backups
        assert writer.poll() is None, "the writer stopped before the backups were done"
    finally:
        writer.terminate()
        writer.communicate(timeout=30)
    for n, manifest in enumerate(manifests):
        backup = tmp_path / "backups" / f"b{n}.db"
        assert count_and_head(backup) == (manifest["events"], manifest["head"])
        assert manifest["integrity"] == "ok" and manifest["chain_ok"]
        assert not list(backup.parent.glob(f"b{n}.db.partial*"))
    assert manifests[0]["events"] < manifests[-1]["events"]  # the writer wrote meanwhile

    # restore into a new file: replaced as a file, then checked against the manifest
    restored = tmp_path / "restored" / "shared.db"
    restored.parent.mkdir()
    r = invoke(restored, ["restore", str(tmp_path / "backups" / "b0.db")])
    assert r.exit_code == 0, r.output
    assert f"events: {manifests[0]['events']}\nhead: {manifests[0]['head']}" in r.stdout
    assert count_and_head(restored) == (manifests[0]["events"], manifests[0]["head"])

    # restore onto the live database (sessions may hold it open: restored through SQLite)
    live_before = count_and_head(shared_db)
    r = invoke(shared_db, ["restore", str(tmp_path / "backups" / "b1.db")])
    assert r.exit_code == 0, r.output
    assert f"events: {manifests[1]['events']}\nhead: {manifests[1]['head']}" in r.stdout
    store = Store.open(shared_db)
    try:
        report = store.verify_chain((manifests[1]["events"], manifests[1]["head"]))
        assert report.ok and report.count == manifests[1]["events"] + 1  # + the restore's own event
        assert store.events(limit=1)[0].action == "restore"
    finally:
        store.close()
    kept = kept_file(shared_db)
    assert count_and_head(kept)[0] >= live_before[0] - 1  # the file as it was, kept


def test_restore_refuses_a_backup_that_does_not_match_its_manifest(shared_db, tmp_path):
    dest = tmp_path / "b.db"
    assert invoke(shared_db, ["backup", str(dest)]).exit_code == 0
    assert invoke(shared_db, ["org", "add", "Efteråt", "--orgnr", orgnr(5)]).exit_code == 0
    manifest = Path(f"{dest}.manifest.json")
    data = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**data, "events": data["events"] - 1}), encoding="utf-8")
    before = count_and_head(shared_db)
    r = invoke(shared_db, ["restore", str(dest)])
    assert r.exit_code == 1 and r.stderr.count("\n") == 1, r.output
    assert "does not match its manifest" in r.stderr and "nothing was changed" in r.stderr
    assert count_and_head(shared_db) == before  # untouched
    assert not list(shared_db.parent.glob("*.before-restore-*"))


def test_a_damaged_database_is_restored_and_writable_again(shared_db, tmp_path, registry):
    dest = tmp_path / "b.db"
    assert invoke(shared_db, ["backup", str(dest)]).exit_code == 0
    manifest = json.loads(Path(f"{dest}.manifest.json").read_text(encoding="utf-8"))
    damage(shared_db)
    refused = invoke(shared_db, ["org", "add", "Ny", "--orgnr", orgnr(6)])
    assert refused.exit_code == 1 and "is damaged" in refused.stderr
    assert damage_marker(shared_db).exists()
    r = invoke(shared_db, ["restore", str(dest)])
    assert r.exit_code == 0, r.output
    assert not damage_marker(shared_db).exists()
    s = Services.open(shared_db, os_user(), "test", registry=registry)
    try:
        assert s.store.damage is None
        assert s.verify_audit((manifest["events"], manifest["head"])).ok
        s.register_organisation("Ny", orgnr(6))  # writable again
    finally:
        s.store.close()


def test_a_file_too_damaged_to_open_is_replaced_by_the_restore(shared_db, tmp_path):
    dest = tmp_path / "b.db"
    assert invoke(shared_db, ["backup", str(dest)]).exit_code == 0
    manifest = json.loads(Path(f"{dest}.manifest.json").read_text(encoding="utf-8"))
    gc.collect()  # the runner's sessions: closed, so nothing checkpoints into the file below
    for wal in shared_db.parent.glob("shared.db-*"):
        wal.unlink()
    shared_db.write_bytes(b"not a database at all " * 500)
    garbage = digest(shared_db)
    assert invoke(shared_db, ["org", "list"]).exit_code == 1
    r = invoke(shared_db, ["restore", str(dest)])
    assert r.exit_code == 0, r.output
    assert count_and_head(shared_db) == (manifest["events"], manifest["head"])
    kept = kept_file(shared_db)
    assert digest(kept) == garbage  # nothing is thrown away
