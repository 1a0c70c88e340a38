"""Twenty writer processes on one SQLite file: nothing acknowledged is lost."""

from __future__ import annotations

import time

from samverkan.store import Store

from .conftest import acknowledged, start_writer

WRITERS = 20
SECONDS = 6.0


def test_twenty_concurrent_writers_lose_nothing(shared_db, capsys):
    started = time.monotonic()
    procs = [start_writer(shared_db, w, SECONDS) for w in range(1, WRITERS + 1)]
    wal = shared_db.with_name(shared_db.name + "-wal")
    wal_peak = 0
    while any(p.poll() is None for p in procs):  # sample the WAL while the writers run
        wal_peak = max(wal_peak, wal.stat().st_size if wal.exists() else 0)
        time.sleep(0.1)
    outputs = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        outputs.append(out)
    elapsed = time.monotonic() - started

    orgs, incs, busy = set(), [], 0
    for out in outputs:
        o, i, b = acknowledged(out)
        orgs |= o
        incs += i
        busy += b

    wal_mb = wal_peak / 2**20
    store = Store.open(shared_db)
    # While twenty processes read and write without pause, some reader always holds a
    # snapshot, so SQLite cannot restart the log and it grows with the throughput (the
    # peak is printed below, not bounded: a faster write path makes it larger). What
    # must hold is that nothing keeps it from being checkpointed once the load stops:
    # no writer left a transaction or a snapshot open.
    busy, logged, moved = store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert (busy, logged) == (0, moved), f"checkpoint blocked: busy={busy}, {moved} of {logged} frames"
    assert wal.stat().st_size == 0, "the log was not truncated after the load"
    stored = {o.orgnr for o in store.list_organisations(limit=1_000_000)}
    assert orgs <= stored, f"{len(orgs - stored)} acknowledged organisations are missing"
    # every acknowledged increment is a distinct value and the counter ends at their number
    assert len(incs) == len(set(incs)), "two writers acknowledged the same counter value"
    final = int(store.get_collaboration(1).participants)
    assert final == len(incs), f"lost updates: counter {final}, acknowledged {len(incs)}"
    report = store.verify_chain()
    assert report.ok, report.problem
    assert store.integrity_check() == "ok"
    writes = len(orgs) + len(incs)
    assert writes > WRITERS  # every writer got work done
    with capsys.disabled():
        print(f"\n[load] {WRITERS} writers, {elapsed:.1f} s: {writes} writes "
              f"({writes / elapsed:.0f} writes/s), {busy} busy refusals, "
              f"{report.count} audit events, chain ok, WAL peak {wal_mb:.1f} MB")
    store.close()
