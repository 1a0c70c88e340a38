"""A plugin's report is given the session's reads only (ReadOnlySession)."""

from __future__ import annotations

import pytest
from corekit import orgnr

from samverkan import hookimpl
from samverkan.domain.errors import SamverkanError
from samverkan.domain.rules import Report, ReportTable


class _ReportsThatWrite:
    """An always-on plugin whose reports try to write, or to reach past the services."""

    __name__ = "writingreports"

    @hookimpl
    def register_reports(self, register):
        register(Report("writes", "Skriver", "registers an organisation",
                        build=lambda session: session.register_organisation("Smyg", orgnr(7))))
        register(Report("store", "Lagret", "reads the store directly",
                        build=lambda session: session.store.count_events()))
        register(Report("reads", "Läser", "counts collaborations",
                        build=lambda session: ReportTable("n", [("n", "n")],
                                                          [{"n": session.count_collaborations()}])))


@pytest.fixture
def writing(s, testby):
    assert testby.add(_ReportsThatWrite(), "writingreports").ok
    yield s
    testby.pm.unregister(name="writingreports")


@pytest.mark.parametrize("key", ["writes", "store"])
def test_a_report_cannot_write_or_reach_the_store(writing, key):
    events = writing.store.count_events()
    with pytest.raises(SamverkanError, match=rf"the report '{key}' could not be built: AttributeError"):
        writing.report(key)
    assert writing.count_organisations() == 0
    assert writing.store.count_events() == events  # nothing written, not even a refusal
    assert any(p.hook == f"report {key}" for p in writing.registry.problems)


def test_a_report_reads_through_the_session(writing):
    assert writing.report("reads").rows == [{"n": 0}]
