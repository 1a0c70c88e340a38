"""Saving a report as a file from the TUI (issue 13, point 3): e on a report asks for a
path, writes the workbook in a worker, and the sheet speaks Swedish."""

from __future__ import annotations

import openpyxl
from test_reports_screen import open_report
from tuikit import SIZE, screen_name, settle, type_text

from samverkan.services.demo import load_demo


async def save_as(pilot, key: str, target, back_to: str) -> None:
    """Press ``key`` (a "save as file" action), type ``target`` over the suggested path and
    save; the app is back on ``back_to`` once the file is written."""
    app = pilot.app
    await pilot.press(key)
    await settle(pilot)
    assert screen_name(app) == "FormScreen"
    await pilot.press("home", "ctrl+k")  # clear the suggested path
    await type_text(pilot, str(target))
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert screen_name(app) == back_to


async def test_a_report_is_saved_as_a_swedish_workbook_by_keys(make_app, tmp_path):
    app = make_app(None, db=tmp_path / "export.db")
    load_demo(app.services, "stockholm")
    target = tmp_path / "granskning.xlsx"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await open_report(pilot, "audit-links")
        await save_as(pilot, "e", target, "ReportScreen")
    sheet = openpyxl.load_workbook(target).worksheets[0]
    assert sheet.cell(1, 1).value == "Samhällsutmaning och politisk koppling inte dokumenterade"
    assert [c.value for c in sheet[3]] == ["Nr", "Benämning", "Form", "Enhet", "Steg", "Inte dokumenterat"]
    assert sheet.max_row > 3 and isinstance(sheet.cell(4, 1).value, int)


async def test_the_home_list_is_saved_with_its_filter_in_words(make_app, tmp_path):
    app = make_app(None, db=tmp_path / "list.db")
    load_demo(app.services, "stockholm")
    target = tmp_path / "lista.xlsx"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await save_as(pilot, "e", target, "CollaborationsScreen")
    sheet = openpyxl.load_workbook(target).worksheets[0]
    assert sheet.cell(1, 1).value == "Samverkan"
    assert [c.value for c in sheet[3]][:4] == ["Nr", "Benämning", "Form", "Steg"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == app.services.count_collaborations()
    assert {r[3] for r in rows} <= {"initiativ", "beredning", "beslutad", "avböjd", "avtal", "aktiv", "avslutad"}


async def test_organisations_are_saved_as_an_importable_csv(make_app, tmp_path):
    app = make_app(None, db=tmp_path / "orgs.db")
    load_demo(app.services, "stockholm")
    target = tmp_path / "organisationer.csv"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await save_as(pilot, "e", target, "OrganisationsScreen")
    from samverkan.services.transfer import read_organisations
    read = read_organisations(target)  # what org import reads back
    assert len(read) == app.services.count_organisations()


async def test_the_decision_record_is_printed_from_the_collaboration_screen(make_app, tmp_path):
    from pypdf import PdfReader

    from samverkan_tui.messages import OpenCollaboration

    app = make_app(None, db=tmp_path / "record.db")
    load_demo(app.services, "stockholm")
    decided = next(r["id"] for r in app.services.collaborations() if r["stage"] == "active")
    target = tmp_path / "beslutsunderlag.pdf"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.post_message(OpenCollaboration(decided))
        await settle(pilot)
        await save_as(pilot, "f", target, "CollaborationScreen")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(target).pages).split())
    assert f"Samverkan {decided}:" in text and "Beslut" in text and "Överväganden" in text
    _count, head = app.services.store.audit_head()
    assert head[:16] in text.replace(" ", "")


async def test_the_audit_log_is_saved_as_a_workbook(make_app, tmp_path):
    app = make_app(None, db=tmp_path / "log.db")
    load_demo(app.services, "stockholm")
    target = tmp_path / "logg.xlsx"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await save_as(pilot, "e", target, "AuditScreen")
    sheet = openpyxl.load_workbook(target).worksheets[0]
    assert [c.value for c in sheet[3]] == ["Nr", "När", "Vem", "Ursprung", "Händelse", "Objekt", "Objektets nr"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == app.services.store.count_events() and rows[0][0] == 1
