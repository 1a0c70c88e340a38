"""Twenty people adding organisations at once from fresh CLI processes, on busy cores.

Each of 20 lanes runs ``samverkan --db F org add`` three times, one new process per
call (60 writes, each from a process that starts, imports, opens the file, takes the
lock and exits), while two CPU-bound processes keep both cores busy, so that a process
is often descheduled while it holds the write lock. Nobody may be refused: every call
exits 0 with nothing "busy" on stderr, all 60 organisations are there, the chain holds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from samverkan.store import Store

LANES = 20
CALLS_PER_LANE = 3
#: no single call may take longer than this (a write waits at most 30 s for the lock)
CALL_TIMEOUT = 120
SAMVERKAN = Path(sys.executable).with_name("samverkan")  # the venv's console script


def number(n: int) -> str:
    """A valid organisation number in a range of its own (8030…)."""
    from stdnum import luhn

    base = f"803{n:06d}"
    full = base + luhn.calc_check_digit(base)
    return f"{full[:6]}-{full[6:]}"


def run_cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SAMVERKAN), "--db", str(db), *args], capture_output=True, text=True,
                          timeout=CALL_TIMEOUT, env={**os.environ, "SAMVERKAN_LANG": "en"})


def lane(db: Path, lane_no: int) -> list[tuple[str, subprocess.CompletedProcess[str]]]:
    done = []
    for call in range(CALLS_PER_LANE):
        orgnr = number(lane_no * 100 + call)
        done.append((orgnr, run_cli(db, "org", "add", f"Förening {lane_no}-{call}", "--orgnr", orgnr)))
    return done


def test_sixty_cli_writes_from_fresh_processes_on_busy_cores(tmp_path, capsys):
    assert SAMVERKAN.exists(), f"no console script at {SAMVERKAN}"
    db = tmp_path / "cli.db"
    init = run_cli(db, "init", "--municipality", "stockholm")
    assert init.returncode == 0, init.stderr

    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        started = time.monotonic()
        with ThreadPoolExecutor(LANES) as pool:
            results = [r for lane_results in pool.map(lambda n: lane(db, n), range(1, LANES + 1))
                       for r in lane_results]
        elapsed = time.monotonic() - started
    finally:
        for hog in hogs:
            hog.kill()
        for hog in hogs:
            hog.wait(timeout=10)

    refused = [f"{orgnr}: exit {p.returncode}: {p.stderr.strip()}" for orgnr, p in results
               if p.returncode != 0 or "busy" in p.stderr.lower()]
    assert not refused, f"{len(refused)} of {len(results)} writes refused:\n" + "\n".join(refused)
    assert len(results) == LANES * CALLS_PER_LANE

    store = Store.open(db)
    try:
        stored = {o.orgnr for o in store.list_organisations(limit=10_000)}
        assert {orgnr for orgnr, _ in results} <= stored
        assert len(stored) == LANES * CALLS_PER_LANE
        ids = [int(p.stdout.strip()) for _, p in results]
        assert len(set(ids)) == len(ids), "two processes were told the same id"
    finally:
        store.close()
    verified = run_cli(db, "audit", "verify")
    assert verified.returncode == 0 and "audit chain ok" in verified.stdout, verified.stdout + verified.stderr
    with capsys.disabled():
        print(f"\n[cli writers] {len(results)} `org add` processes in {LANES} lanes on busy cores: "
              f"{elapsed:.1f} s, 0 refused, chain ok")
