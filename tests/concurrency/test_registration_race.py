"""Several sessions registering initiatives on one file at once.

Registration renders the notification that names the new collaboration's number before
it takes the write lock, for the id it will most likely get; a session that loses the
race for that id must register under the next one, with a notification naming it, and
nobody may be refused. Real connections on a real file, one per thread (SQLite releases
the GIL while it waits, so the sessions interleave).
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from samverkan.domain.query import CollabQuery
from samverkan.services import Services

SESSIONS = 6
EACH = 5


def test_concurrent_registrations_get_distinct_ids_and_matching_notifications(tmp_path: Path, orgnr):
    db = tmp_path / "race.db"
    setup = Services.open(db, "setup", "test")
    setup.set_municipality("stockholm")  # queues a notification for every registration
    org = setup.register_organisation("Förening", orgnr(1))
    setup.store.close()

    start, failures, registered = threading.Barrier(SESSIONS), [], []

    def officer(n: int) -> None:
        s = Services.open(db, f"officer{n}", "test")
        try:
            start.wait()
            for i in range(EACH):
                registered.append(s.register_initiative(f"Initiativ {n}-{i}", "informal", [org.id]))
        except Exception as exc:  # reported below with the officer's number
            failures.append(f"officer{n}: {exc!r}")
        finally:
            s.store.close()

    threads = [threading.Thread(target=officer, args=(n,)) for n in range(SESSIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures

    check = Services.open(db, "auditor", "test")
    ids = [c.id for c in registered]
    assert len(ids) == SESSIONS * EACH and len(set(ids)) == len(ids)
    stored = {c["id"]: c["title"] for c in check.collaborations(CollabQuery(limit=100))}
    assert stored == {c.id: c.title for c in registered}
    mails = check.outbox()
    assert len(mails) == len(ids)
    for mail in mails:
        # the notification names the collaboration it was queued for, by number and title
        number = int(re.search(r"\(nr (\d+)\)", mail["body"]).group(1))
        assert number == mail["collaboration_id"], mail["body"]
        assert stored[number] in mail["body"]
    assert check.verify_audit().ok
