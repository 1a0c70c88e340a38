"""Fixtures for tests that run several real processes on one database file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from samverkan.services import Services

WRITER = Path(__file__).with_name("writer.py")


@pytest.fixture
def shared_db(tmp_path: Path, orgnr) -> Path:
    """A Stockholm database with one organisation and collaboration 1 (the shared counter)."""
    db = tmp_path / "shared.db"
    s = Services.open(db, "setup", "test")
    s.set_municipality("stockholm")
    s.register_organisation("Delad förening", orgnr(999_999))
    c = s.register_initiative("Delad räknare", "informal", [1], participants="0")
    assert c.id == 1
    s.store.close()
    return db


def start_writer(db: Path, worker: int, seconds: float) -> subprocess.Popen:
    """Start a writer process; its acknowledgements arrive on stdout."""
    return subprocess.Popen([sys.executable, str(WRITER), str(db), str(worker), str(seconds)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def acknowledged(output: str) -> tuple[set[str], list[int], int]:
    """Parse a writer's output: organisation numbers, counter values, busy count."""
    orgs, incs, busy = set(), [], 0
    for line in output.splitlines():
        kind, _, value = line.partition(" ")
        if kind == "ORG":
            orgs.add(value)
        elif kind == "INC":
            incs.append(int(value))
        elif kind == "BUSY":
            busy += 1
    return orgs, incs, busy
