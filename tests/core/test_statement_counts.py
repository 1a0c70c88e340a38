"""How many SQL statements the hot use cases run, counted with SQLite's own trace.

Every line ``set_trace_callback`` reports counts: reads before the lock, BEGIN,
savepoints, writes, the audit head, COMMIT, and the statements of any trigger a write
fires (SQLite traces those too). A use case that starts reading per item, rewrites an
index it need not touch or reads the same row twice shows up here as a larger number.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from corekit import agree, answer_all, consult, drive, new_collab

from samverkan.services import Services

#: decide on an informal collaboration at preparation with every check answered
#: (measured 22 after m005; the bound is the one the design promises)
DECIDE_MAX = 30
#: advance initiative -> preparation (measured 20: 12 reads of the state, 8 for the write)
ADVANCE_MAX = 23
#: record_agreement on a decided IOP (measured 21)
AGREEMENT_MAX = 24
#: detail(id), what the TUI's detail screen opens with (measured 14)
DETAIL_MAX = 16


def statements(s: Services, call: Callable[[], Any]) -> list[str]:
    """Run ``call`` and return every SQL statement SQLite traced on the session's connection."""
    traced: list[str] = []
    s.store.conn.set_trace_callback(traced.append)
    try:
        call()
    finally:
        s.store.conn.set_trace_callback(None)
    return traced


def assert_at_most(traced: list[str], bound: int, what: str) -> None:
    listing = "\n".join(f"  {i:3}. {line}" for i, line in enumerate(traced, 1))
    assert len(traced) <= bound, f"{what} ran {len(traced)} statements (at most {bound}):\n{listing}"
    assert traced, f"{what} traced nothing: the trace callback is not counting"


@pytest.fixture
def office(s: Services) -> Services:
    """Testby with users: the acting user's roles are read from the users table."""
    s.add_user("anna", "admin,officer,manager")
    return s


def test_decide_statement_count(office):
    c = new_collab(office, "informal")
    office.advance(c.id, "preparation")
    answer_all(office, c.id)
    traced = statements(office, lambda: office.decide(c.id, "start", "Möter ett behov.", "Alternativ prövade."))
    assert office.collaboration(c.id).stage == "decided"
    assert any(line.startswith("INSERT INTO [decisions]") for line in traced)
    assert_at_most(traced, DECIDE_MAX, "decide")


def test_advance_statement_count(office):
    c = new_collab(office, "informal")
    traced = statements(office, lambda: office.advance(c.id, "preparation"))
    assert office.collaboration(c.id).stage == "preparation"
    assert_at_most(traced, ADVANCE_MAX, "advance initiative -> preparation")


def test_record_agreement_statement_count(office):
    c = new_collab(office, "iop")
    drive(office, c.id, "decided")
    consult(office, c.id)
    traced = statements(office, lambda: agree(office, c.id))
    assert office.detail(c.id)["agreement"] is not None
    assert_at_most(traced, AGREEMENT_MAX, "record_agreement")


def test_detail_statement_count(office):
    c = new_collab(office, "iop")
    drive(office, c.id, "decided")
    consult(office, c.id)
    agree(office, c.id)
    traced = statements(office, lambda: office.detail(c.id))
    assert_at_most(traced, DETAIL_MAX, "detail")
