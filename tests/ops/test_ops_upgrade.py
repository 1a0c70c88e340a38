"""An upgrade from the previous release: its database (tests/ops/data, written by commit
a83679e's code, see make_release_db.py) opens with this release's code, which applies
the pending migrations; the data and the audit chain survive, the old outbox gets its
delivery states, and the worker sends what the old release left unsent, once."""

from __future__ import annotations

import shutil
from pathlib import Path

import tomli_w
from opskit import Mailbox, smtp_server

from samverkan.store import Store

RELEASE_DB = Path(__file__).parent / "data" / "release-a83679e.db"


def test_the_previous_releases_database_upgrades_and_its_outbox_is_delivered(tmp_path, cli, isolated_config,
                                                                             monkeypatch):
    monkeypatch.setenv("LOGNAME", "admin")  # the release's admin runs the upgrade
    db = tmp_path / "samverkan.db"
    shutil.copy(RELEASE_DB, db)
    old = Store.open(db, migrate=False)
    try:
        pending = old.pending_migrations()
        counts = [old.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("organisations", "collaborations", "events", "users", "outbox")]
    finally:
        old.close()
    assert "m008_delivery_and_reminders" in pending and "m007_case_documents" not in pending

    verified = cli("audit", "verify", db_path=db)  # opening it migrates
    assert verified.exit_code == 0, verified.output
    assert "audit chain ok" in verified.output

    store = Store.open(db)
    try:
        assert store.pending_migrations() == []
        now = [store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
               for t in ("organisations", "collaborations", "events", "users", "outbox")]
        # every record was kept; the events gained the baselines that bring the release's
        # records under the chain (one per covered table holding any), nothing else
        baselines = store.conn.execute("SELECT count(*) FROM events WHERE action = 'audit.baseline'").fetchone()[0]
        assert baselines > 0 and now == [*counts[:2], counts[2] + baselines, *counts[3:]]
        rows = store.outbox()
        assert [r["status"] for r in rows] == ["sent"] * 22 + ["pending", "pending"]
        assert (rows[22]["attempts"], rows[22]["error"]) == (1, "connect: [Errno 111] Connection refused")
        eva = store.get_user("eva")
        assert eva["public_key"].startswith("ssh-ed25519 ") and eva["email"] == ""
    finally:
        store.close()

    inbox = Mailbox()
    with smtp_server(inbox) as port:
        (isolated_config / "config.toml").write_text(tomli_w.dumps(
            {"smtp": {"host": "127.0.0.1", "port": port, "sender": "samverkan@stockholm.se"}}))
        done = cli("worker", "--once", db_path=db)
        again = cli("worker", "--once", db_path=db)
    assert done.exit_code == 0 and again.exit_code == 0, done.output + again.output
    # the two mails the old release left unsent go out once; the demo's late IOPs also give
    # the preparatory group its monthly list (once, however many passes)
    assert inbox.subjects() == ["Nytt initiativ till samverkan: Försökte skickas när servern låg nere",
                                "Nytt initiativ till samverkan: Aldrig försökt",
                                "IOP utan årlig uppföljning: 1"]
    assert cli("audit", "verify", db_path=db).exit_code == 0
