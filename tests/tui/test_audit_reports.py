"""The core's audit reports in the TUI (issue 13): each shows the rows the services
give (those are checked against known answers in tests/stockholm), in Swedish."""

from __future__ import annotations

from test_reports_screen import open_report, table_rows
from tuikit import SIZE, settle

from samverkan.services.demo import load_demo
from samverkan.services.oversight import AUDIT_REPORTS


async def test_every_audit_report_shows_the_services_rows(make_app, tmp_path):
    app = make_app(None, db=tmp_path / "audit.db")
    load_demo(app.services, "stockholm")
    # the demo holds a declined IOP decided without considerations, confirmed past advice
    expected = {key: sorted(str(r["id"]) for r in app.services.report(key).rows) for key in AUDIT_REPORTS}
    assert any(expected.values()), "the demo answers at least one audit question"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        for key, ids in expected.items():
            await open_report(pilot, key)
            rows = [r for r in table_rows(app) if r.get("id")]
            assert sorted(r["id"] for r in rows) == ids, key
            assert all(r.get("form") != "iop" and r.get("stage") not in ("active", "declined") for r in rows)
            await pilot.press("escape")
            await settle(pilot)
