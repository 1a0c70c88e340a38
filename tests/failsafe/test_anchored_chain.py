"""An anchored chain (issue 15, point 2): rewriting the events without the audit key
kept outside the database is detected, and the head is published outside the server.

The rewrite is what an attacker with the file can do: change an event, recompute its
hash and every later one (and the record digests), so the plain chain verifies again.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from samverkan.store import anchor, audit
from samverkan.store.store import Store


@pytest.fixture
def key(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "keys" / "audit.key"
    anchor.new_key(path)
    monkeypatch.setenv(anchor.KEY_ENV, str(path))
    return path


def write_some(make_services, db: Path | None = None) -> Path:
    s = make_services("stockholm", db=db)
    org = s.register_organisation("Läxhjälpen", "802012-3454")
    c = s.register_initiative("Läxhjälp", "informal", [org.id])
    s.update_collaboration(c.id, c.version, purpose="Fler klarar skolan")
    path = s.store.path
    s.store.close()
    return path


def rewrite(path: Path, event_id: int, after: dict) -> None:
    """Change one event's after-image and recompute its hash and every later hash, as a
    forger without the key would (the MACs cannot be recomputed)."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("SELECT * FROM events ORDER BY id")]
    prev = audit.GENESIS if rows[0]["id"] == 1 else rows[0]["prev_hash"]
    for row in rows:
        if row["id"] == event_id:
            row["after"] = audit.canonical(after)
        if row["salt"] is not None:  # the forger knows the scheme: it re-seals the content
            row["sealed"] = audit.seal(row["salt"], row)
        row["prev_hash"] = prev
        row["hash"] = prev = audit.event_hash(row)
        conn.execute("UPDATE events SET after = ?, sealed = ?, prev_hash = ?, hash = ? WHERE id = ?",
                     [row["after"], row["sealed"], row["prev_hash"], row["hash"], row["id"]])
    conn.commit()
    conn.close()


def test_every_event_carries_the_keys_mac_and_verify_says_how_far_it_proves(key, make_services):
    path = write_some(make_services)
    store = Store.open(path)
    try:
        report = store.verify_chain()
        assert report.ok and report.anchor.ok
        assert (report.anchor.since, report.anchor.proven_to) == (1, report.count)
        macs = [r[0] for r in store.conn.execute("SELECT mac FROM events")]
        assert all(macs) and len(set(macs)) == len(macs)
    finally:
        store.close()


def test_a_chain_rewritten_with_recomputed_hashes_passes_the_plain_check_but_not_the_key(
        key, make_services, monkeypatch):
    path = write_some(make_services)
    rewrite(path, 2, {"name": "Förfalskad"})
    monkeypatch.delenv(anchor.KEY_ENV)
    plain = Store.open(path)
    try:
        assert audit.verify(dict(r) for r in _rows(plain)).ok  # the hashes alone are consistent again
    finally:
        plain.close()
    monkeypatch.setenv(anchor.KEY_ENV, str(key))
    keyed = Store.open(path)
    try:
        report = keyed.verify_chain()
        assert not report.ok and "event 2 does not carry the key's MAC" in report.problem
    finally:
        keyed.close()


@pytest.mark.parametrize(("where", "problem"), [
    ("", "no event carries the key's MAC"),  # every MAC removed: a key means an anchored chain
    ("WHERE id >= 3", "event 3 has no MAC although the chain is anchored since event 1"),
])
def test_stripped_macs_are_detected_while_a_key_is_configured(key, make_services, where, problem):
    path = write_some(make_services)
    with sqlite3.connect(path) as raw:
        raw.execute(f"UPDATE events SET mac = NULL {where}")
    store = Store.open(path)
    try:
        report = store.verify_chain()
        assert not report.ok and problem in report.problem
    finally:
        store.close()


def _rows(store: Store):
    cur = store.conn.execute("SELECT * FROM events ORDER BY id")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur]


def test_key_new_anchors_an_existing_database_and_verify_reports_it(make_services, cli, tmp_path,
                                                                     monkeypatch, isolated_config):
    monkeypatch.delenv(anchor.KEY_ENV, raising=False)
    db = write_some(make_services, db=tmp_path / "cli.db")
    key = tmp_path / "audit.key"
    made = cli("audit", "key", "new", str(key), db_path=db)
    assert made.exit_code == 0, made.output
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    anchored_at = int(made.stdout.split("anchored from event ")[1].split(".")[0])
    assert os.environ.get(anchor.KEY_ENV) is None  # the command's own setting does not leak
    monkeypatch.setenv(anchor.KEY_ENV, str(key))
    verified = cli("audit", "verify", db_path=db)
    assert verified.exit_code == 0, verified.output
    assert f"anchor: every event from {anchored_at} on carries the audit key's MAC" in verified.stdout
    again = cli("audit", "key", "new", str(key), db_path=db)
    assert again.exit_code == 1 and "never overwritten" in again.stderr


def test_a_key_readable_by_others_is_refused_in_one_line(key, make_services, cli, tmp_path):
    db = write_some(make_services, db=tmp_path / "cli.db")
    key.chmod(0o644)
    result = cli("audit", "verify", db_path=db)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "readable by others than its owner" in result.stderr and len(result.stderr.splitlines()) == 1


def test_the_head_is_published_and_written_to_each_manifest(key, make_services, cli, tmp_path, monkeypatch):
    db = write_some(make_services, db=tmp_path / "cli.db")
    published = cli("audit", "publish", "--to", "revisorer@example.org", db_path=db)
    assert published.exit_code == 0 and "MAC" in published.stdout, published.output
    assert "already queued" in cli("audit", "publish", "--to", "revisorer@example.org", db_path=db).stdout
    store = Store.open(db)
    try:
        [note] = [r for r in store.outbox() if r["recipient"] == "revisorer@example.org"]
        count, head = store.audit_head()
        assert f"Händelser: {count - 1}" in note["body"]  # the head as it was, before the queueing event
        assert anchor.mac(anchor.read_key(key), note["body"].split("Huvud (SHA-256): ")[1].split()[0]) \
            in note["body"]
    finally:
        store.close()
    backup = cli("backup", str(tmp_path / "kopia.db"), db_path=db)
    assert backup.exit_code == 0, backup.output
    manifest_path = tmp_path / "kopia.db.manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert manifest["head_mac"] == anchor.mac(anchor.read_key(key), manifest["head"])
    manifest["head_mac"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    forged = cli("audit", "verify", "--manifest", str(manifest_path), db_path=db)
    assert forged.exit_code == 1 and "not signed with this audit key" in forged.stderr

    # the worker's scheduled pass publishes too, once a day, where an address is configured
    monkeypatch.setenv("SAMVERKAN_AUDIT_PUBLISH_TO", "registrator@example.org")
    s = make_services("stockholm", db=db, user="worker")
    s.add_user("worker", "admin")
    s.queue_reminders()
    s.queue_reminders()
    assert len([r for r in s.store.outbox() if r["recipient"] == "registrator@example.org"]) == 1


def test_the_configs_audit_key_signs_every_process_and_a_client_cannot_set_it(tmp_path, cli, isolated_config,
                                                                           make_services, monkeypatch):
    """``audit_key`` in the config anchors every process of the deployment, a served SSH
    session included; the SSH client's own SAMVERKAN_AUDIT_KEY is never taken."""
    from samverkan.runtime.config import CLIENT_UNTRUSTED, resolve

    key = tmp_path / "audit.key"
    anchor.new_key(key)
    (isolated_config / "config.toml").write_text(f'audit_key = "{key}"\n', encoding="utf-8")
    monkeypatch.delenv(anchor.KEY_ENV, raising=False)
    db = tmp_path / "cli.db"
    assert cli("init", "--municipality", "stockholm", db_path=db).exit_code == 0
    assert cli("org", "add", "Läxhjälpen", "--orgnr", "802012-3454", db_path=db).exit_code == 0
    verified = cli("audit", "verify", db_path=db)
    assert verified.exit_code == 0 and "anchor: every event from 1 on carries the audit key's MAC" in verified.stdout
    assert "SAMVERKAN_AUDIT_KEY" in CLIENT_UNTRUSTED and "SAMVERKAN_AUDIT_PUBLISH_TO" in CLIENT_UNTRUSTED
    monkeypatch.setenv(anchor.KEY_ENV, "/tmp/the-clients-own.key")
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.9 5000 10.0.0.1 22")
    from samverkan.runtime.config import scrub_client_environment

    scrub_client_environment()
    resolve(config=isolated_config / "config.toml", served=True, trust_env=False).apply_audit_settings()
    assert os.environ[anchor.KEY_ENV] == str(key)
