"""How long a person's data takes to find, erase and cull on a big database.

    uv run python scripts/bench_privacy.py [--db PATH] [--collaborations 100000]

Builds (or reuses) a Stockholm database of ``--collaborations`` collaborations through
the services (as ``scripts/bench_tui.py`` does), adds one person as a contact, a user's
e-mail and a note, then prints the seconds each step takes: the register extract, the
erasure's preview, the erasure itself (its writes, then the checkpoint and VACUUM that
leave no old page) and a culling preview, with the file's size and event count. A
figure to watch, not a test: nothing here fails on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

PERSON, EMAIL = "Åsa Öberg", "asa.oberg@example.org"


def timed(label: str, call):
    t0 = time.perf_counter()
    result = call()
    print(f"{label:<34}{time.perf_counter() - t0:>8.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database to build or reuse (default: a temporary file)")
    parser.add_argument("--collaborations", type=int, default=100_000)
    args = parser.parse_args()
    from bench_tui import build_db

    from samverkan.services import Services

    path = args.db or Path(tempfile.mkdtemp(prefix="bench-privacy-")) / "privacy.db"
    build_db(path, args.collaborations, max(1, args.collaborations // 10))
    s = Services.open(path, "bench", "bench", today=dt.date(2026, 11, 30))
    try:
        if not s.users():
            s.add_user("bench", "admin,officer,manager")
        s.add_user(f"asa{s.store.count_events()}", "officer", email=EMAIL)
        s.add_contact(1, PERSON, role="Ordförande", email=EMAIL)
        s.add_record(1, "organisation_funding", {"funder": "Arvsfonden", "granted_on": "2026-01-01",
                                                 "controls": f"Samtal med {PERSON}."})
        size = path.stat().st_size / 2**20
        print(f"{args.collaborations:,} collaborations, {s.store.count_events():,} events, {size:.0f} MiB")
        found = timed("register extract", lambda: s.privacy_extract(PERSON, EMAIL))
        plan = timed("erasure, preview", lambda: s.privacy_erase(PERSON, EMAIL, dry_run=True))
        done = timed("erasure (with checkpoint, VACUUM)", lambda: s.privacy_erase(PERSON, EMAIL))
        timed("culling, preview", lambda: s.privacy_cull(dry_run=True))
        report = timed("audit verify afterwards", s.verify_audit)
        print(f"  {len(found)} places found; {len(plan.removed)} removed, {len(plan.changed)} changed, "
              f"{len(plan.kept)} kept; {len(done.events)} events' content erased; verify ok: {report.ok}")
    finally:
        s.store.close()


if __name__ == "__main__":
    main()
