"""The municipality's reports in the TUI (issues 3 and 4), driven by keys only.

Linköping's value table from its demo data (every IOP's share, the totals, the other
projects), Stockholm's overdue follow-ups, a report built slowly to show the progress
indication while the worker runs, literal text and a municipality without reports.
"""

from __future__ import annotations

import threading
from types import ModuleType

import pytest
from tuikit import MARKUP, SIZE, TODAY, screen_name, screen_text, settle, type_text

from samverkan import hookimpl
from samverkan.domain.rules import Document, Municipality, Report, ReportTable
from samverkan.services.demo import load_demo

SHARES = {
    "Hoppfull framtid": "52.87",
    "Kompletterande språkträning": "65.73",
    "Bromodellen – Vägen till anställningsbarhet": "64.20",
    "Inkludering på lika villkor": "50.66",
    "Språkvänner": "55.68",
}


@pytest.fixture
def demo_app(make_app, tmp_path):
    """Factory: the app on a new database holding ``municipality``'s demo data."""
    def factory(municipality: str):
        app = make_app(None, db=tmp_path / f"{municipality}-demo.db")
        load_demo(app.services, municipality)
        return app
    return factory


def table_rows(app, index: int = 0) -> list[dict[str, str]]:
    """The rows of the report's table ``index`` as {column key: shown text} (totals last)."""
    table = app.screen.query_one(f"#report-table-{index}")
    keys = [c.key.value for c in table.ordered_columns]
    return [dict(zip(keys, (cell.plain for cell in table.get_row_at(i)), strict=True))
            for i in range(table.row_count)]


async def open_report(pilot, key: str) -> None:
    """From the reports list: move to report ``key`` and build it with enter."""
    app = pilot.app
    options = app.screen.query_one("#report-list")
    await pilot.press("home")
    for _i in range(options.option_count):
        if options.get_option_at_index(options.highlighted).id == key:
            break
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    assert screen_name(app) == "ReportScreen", screen_name(app)


async def open_report_started(pilot, key: str, started: threading.Event) -> None:
    """Select report ``key`` and press enter; return once its build began (not finished)."""
    app = pilot.app
    options = app.screen.query_one("#report-list")
    await pilot.press("home")
    for _i in range(options.option_count):
        if options.get_option_at_index(options.highlighted).id == key:
            break
        await pilot.press("down")
    await pilot.press("enter")
    for _i in range(100):
        if started.is_set():
            break
        await pilot.pause(0.02)
    assert started.is_set()
    await pilot.pause()
    assert screen_name(app) == "ReportScreen"


async def test_value_table_from_the_linkoping_demo(demo_app):
    app = demo_app("linkoping")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert screen_name(app) == "ReportsScreen"
        text = screen_text(app)
        assert "Värdetabell: IOP och övriga samverkansprojekt" in text
        assert "Nämndens översikt över alla IOP" in text  # the description too

        await open_report(pilot, "value-table")
        assert not app.screen.query_one("#report-loading").display
        rows = table_rows(app)
        total = rows[-1]
        assert total["title"] == "Totalt"
        assert (total["value"], total["board_cost"], total["board_share"]) == ("6 300 926", "3 670 000", "58.25")
        assert total["partner_share"] == "2 630 926"
        assert {r["title"]: r["board_share"] for r in rows[:-1]} == SHARES
        hoppfull = rows[0]
        assert (hoppfull["value"], hoppfull["board_cost"]) == ("2 080 500", "1 100 000")
        # at 80 columns the name, the figures and the totals are in view
        text = screen_text(app)
        for figure in ("6 300 926", "3 670 000", "58.25", "52.87", "65.73", "IOP inom arbetsmarknadsnämnden"):
            assert figure in text, figure
        assert "tabell 1 av 2" in text

        # the whole row: every column in full
        await pilot.press("down", "enter")
        await settle(pilot)
        assert screen_name(app) == "ReportRowScreen"
        row_text = str(app.screen.query_one("#report-row-text").content)
        assert "Kompletterande språkträning" in row_text and "Öva svenska dagtid, med barnpassning." in row_text
        assert "Familjecentralerna; Eget initiativ." in row_text and "65.73" in row_text
        await pilot.press("escape")
        await settle(pilot)

        # the notes in the whole window, and back
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.has_class("-notes")
        notes = " ".join(screen_text(app).split())
        assert "riktmärke cirka 50 %" in notes and "Bromodellen – Vägen till anställningsbarhet: nämndens andel" in notes
        await pilot.press("n")
        await settle(pilot)
        assert not app.screen.has_class("-notes")

        # the other projects: the report's section
        await pilot.press("t")
        await settle(pilot)
        text = screen_text(app)
        assert "Övriga samverkansprojekt" in text and "tabell 2 av 2" in text
        projects = table_rows(app, 1)
        assert [r["title"] for r in projects] == ["Arena Ryds Herrgård", "Drivbänk", "Linkstep", "Totalt"]
        # Drivbänk's ESF money is the project's external funding, not the board's cost
        assert (projects[-1]["cost_2019"], projects[-1]["cost_2020"]) == ("2 270 875", "3 340 100")
        drivbank = next(r for r in projects if r["title"] == "Drivbänk")
        assert drivbank["cost_2019"] == "550 000", drivbank
        assert "1 350 000" in " ".join(str(v) for v in drivbank.values()), drivbank
        await pilot.press("t")  # round to the main table again
        await settle(pilot)
        assert "tabell 1 av 2" in screen_text(app)
        await pilot.press("T")
        await settle(pilot)
        assert "tabell 2 av 2" in screen_text(app)

        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "ReportsScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "CollaborationsScreen"


async def test_reports_open_from_the_command_palette(demo_app):
    app = demo_app("linkoping")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "rapporter")
        await settle(pilot)
        assert "Gå till: Rapporter" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "ReportsScreen"
        await open_report(pilot, "value-table")
        assert table_rows(app)[-1]["board_share"] == "58.25"


async def test_help_lists_the_report_keys(demo_app):
    app = demo_app("linkoping")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        table = app.screen.query_one("#help-table")
        assert "collabs.reports" in {table.get_row_at(i)[2].plain for i in range(table.row_count)}
        await pilot.press("escape", "r")
        await settle(pilot)
        await open_report(pilot, "value-table")
        await pilot.press("question_mark")
        await settle(pilot)
        table = app.screen.query_one("#help-table")
        listed = {table.get_row_at(i)[2].plain for i in range(table.row_count)}
        assert {"report.back", "report.next_table", "report.previous_table", "report.notes"} <= listed


async def test_stockholm_overdue_follow_ups(demo_app):
    app = demo_app("stockholm")
    overdue = app.services.overdue(on=TODAY)
    assert overdue, "the Stockholm demo has overdue follow-ups"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        text = screen_text(app)
        assert "Försenade uppföljningar" in text and "Uppföljning av varje IOP" in text
        await open_report(pilot, "overdue-follow-ups")
        rows = table_rows(app)
        assert {r["title"] for r in rows} == {r["title"] for r in overdue}
        assert all(int(r["days_overdue"]) > 0 for r in rows)
        text = screen_text(app)
        assert f"Antal: {len(overdue)}" in text  # the count the report gives as its total
        assert overdue[0]["title"][:15] in text
        assert "t Nästa tabell" not in text  # one table: nothing to switch to
        await pilot.press("t")  # harmless
        await settle(pilot)
        assert screen_name(app) == "ReportScreen"


def _slow_plugin(release: threading.Event, started: threading.Event) -> ModuleType:
    """An always-on plugin (no ``municipality``) whose report waits until the test releases it."""
    def build(services) -> ReportTable:
        started.set()
        release.wait(10)
        return ReportTable(
            title=f"Långsam {MARKUP}",
            columns=[("name", f"Namn {MARKUP}"), ("amount", "Belopp (kr)"), ("share", "Andel (%)")],
            rows=[{"name": f"Rad {MARKUP} [red]röd[/red]", "amount": 1234567, "share": 12.345}],
            totals={"name": "Totalt", "amount": 1234567},
            notes=[f"Not {MARKUP}"],
        )

    plugin = ModuleType("slowreport_plugin")
    plugin.register_reports = hookimpl(lambda register: register(
        Report("slow", f"Långsam rapport {MARKUP}", "Byggs långsamt i testet.", build)))
    return plugin


async def test_progress_shows_while_the_report_is_built(make_app, registry):
    release, started = threading.Event(), threading.Event()
    assert registry.add(_slow_plugin(release, started), "slowreport").ok
    app = make_app("stockholm")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            assert f"Långsam rapport {MARKUP}" in screen_text(app)  # listed, literally
            await open_report_started(pilot, "slow", started)
            loading = app.screen.query_one("#report-loading")
            assert loading.display
            assert f"Bygger rapporten Långsam rapport {MARKUP} …" in screen_text(app)
            # the interface answers while the worker runs: help opens and closes
            await pilot.press("question_mark")
            await pilot.pause()
            assert screen_name(app) == "HelpScreen"
            await pilot.press("escape")
            await pilot.pause()
            assert screen_name(app) == "ReportScreen" and loading.display
            release.set()
            await settle(pilot)
            assert not loading.display
            rows = table_rows(app)
            assert rows[0] == {"name": f"Rad {MARKUP} [red]röd[/red]", "amount": "1 234 567", "share": "12.35"}
            assert rows[1] == {"name": "Totalt", "amount": "1 234 567", "share": ""}
            text = screen_text(app)
            assert f"Långsam {MARKUP}" in text and f"Not {MARKUP}" in text and f"Rad {MARKUP}" in text

            # leaving while the report is built: the list again, nothing breaks when it finishes
            await pilot.press("escape")
            await settle(pilot)
            release.clear()
            started.clear()
            await open_report_started(pilot, "slow", started)
            await pilot.press("escape")
            await pilot.pause()
            assert screen_name(app) == "ReportsScreen"
            release.set()
            await settle(pilot)
            assert screen_name(app) == "ReportsScreen"
    finally:
        release.set()


def _no_reports_plugin() -> ModuleType:
    plugin = ModuleType("tomby_plugin")
    plugin.municipality = hookimpl(lambda: Municipality(
        "tomby", "Tomby kommun", "Nämnden", (Document("r", "Riktlinjer", "TB 1"),)))
    return plugin


async def test_a_municipality_without_reports_of_its_own_has_the_audit_reports_in_swedish(make_app, registry):
    assert registry.add(_no_reports_plugin(), "tomby").ok
    app = make_app("tomby")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert screen_name(app) == "ReportsScreen"
        text = screen_text(app)
        # the core's audit reports, named through its catalogue (never in English here)
        assert "Samhällsutmaning och politisk koppling inte dokumenterade" in text
        assert "Societal challenge" not in text
        await pilot.press("enter")  # builds the first of them
        await settle(pilot)
        assert screen_name(app) == "ReportScreen"
        text = screen_text(app)
        assert "En koppling till politiskt program räknas" in text  # its note, in Swedish
        headings = [str(c.label) for c in app.screen.query_one("#report-table-0").columns.values()]
        assert headings == ["Nr", "Benämning", "Form", "Enhet", "Steg", "Inte dokumenterat"]
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert screen_name(app) == "CollaborationsScreen"


async def test_first_run_shows_progress_while_the_demo_loads(make_app, tmp_path, monkeypatch):
    import samverkan.services.demo

    release, started = threading.Event(), threading.Event()
    real = samverkan.services.demo.load_demo

    def slow_load(services, municipality, **kwargs):
        started.set()
        release.wait(10)
        return real(services, municipality, **kwargs)

    monkeypatch.setattr(samverkan.services.demo, "load_demo", slow_load)
    app = make_app(None, db=tmp_path / "blank.db")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("d")
            for _i in range(100):
                if started.is_set():
                    break
                await pilot.pause(0.02)
            assert started.is_set()
            await pilot.pause()
            assert app.screen.query_one("#first-loading").display
            assert "Laddar demodata för Linköpings kommun …" in screen_text(app)
            await pilot.press("d", "enter")  # ignored while the demo loads
            await pilot.pause()
            assert screen_name(app) == "FirstRunScreen"
            release.set()
            await settle(pilot)
            assert screen_name(app) == "CollaborationsScreen"
        assert app.services.municipality_key == "linkoping"
        assert app.services.count_collaborations() == 8
    finally:
        release.set()
