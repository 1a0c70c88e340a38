"""Importing organisations in the TUI: dialog, progress bar, summary and invalid rows.

Driven by keys on a real database and real files: the organisations list, ``i``, a
path typed into the dialog, enter; then what the screen shows and what was stored.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tuikit import MARKUP, SIZE, screen_name, screen_text, settle, type_text

BAD_CHECK_DIGIT = "802000-0000"


def write_csv(path: Path, orgnr, n: int, *, bad: dict[int, tuple[str, str]] | None = None) -> Path:
    """A semicolon CSV of ``n`` organisations; ``bad`` replaces row i (1-based) with (name, orgnr)."""
    lines = ["name;orgnr;legal_form;contact"]
    for i in range(1, n + 1):
        name, number = (bad or {}).get(i, (f"Förening {i:03d} {MARKUP}", orgnr(i)))
        lines.append(f"{name};{number};;")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


async def open_import(pilot) -> None:
    """From the home screen: the organisations list, then ``i``."""
    await settle(pilot)
    await pilot.press("o")
    await settle(pilot)
    assert screen_name(pilot.app) == "OrganisationsScreen"
    await pilot.press("i")
    await settle(pilot)
    assert screen_name(pilot.app) == "ImportScreen"


async def run_import(pilot, path: Path) -> None:
    await type_text(pilot, str(path))
    await pilot.press("enter")
    await settle(pilot)


def flat(app) -> str:
    """The screen's text on one line, without the dialog's border (wrapped lines joined)."""
    return " ".join(screen_text(app).replace("│", " ").split())


def notifications(app) -> list[str]:
    """The notifications shown (toasts are not part of the screenshot)."""
    return [n.message for n in app._notifications]


def error_rows(app) -> list[tuple[str, str]]:
    table = app.screen.query_one("#import-errors")
    return [tuple(cell.plain for cell in table.get_row_at(i)) for i in range(table.row_count)]


async def test_import_of_300_rows_with_progress_summary_and_invalid_rows(make_app, orgnr, tmp_path):
    app = make_app("stockholm")
    app.services.register_organisation("Redan registrerad", orgnr(5))
    path = write_csv(tmp_path / "organisationer.csv", orgnr, 300,
                     bad={10: ("Fel kontrollsiffra", BAD_CHECK_DIGIT), 20: ("", orgnr(20))})
    events = app.services.store.count_events()
    async with app.run_test(size=SIZE) as pilot:
        await open_import(pilot)
        screen = app.screen
        await run_import(pilot, path)
        bar = screen.query_one("#import-progress")
        assert bar.display and bar.total == 300 and bar.progress == 300
        # the bar followed the batches as they were stored
        assert screen.progress_seen == [(0, 300), (100, 300), (200, 300), (300, 300)]
        text = flat(app)
        assert "Importerade 297, hoppade över 1 (redan registrerade), 2 ogiltiga." in text
        assert error_rows(app) == [
            ("11", "ogiltigt organisationsnummer '802000-0000': kontrollsiffran stämmer inte"),
            ("21", "name: får inte vara tomt"),
        ]
        assert "11" in text and "kontrollsiffran" in text and "får inte vara tomt" in text

        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "OrganisationsScreen"
        assert "1–100 av 298" in screen_text(app)  # the list reloaded
        assert MARKUP in screen_text(app)  # literal, not bold
    s = app.services
    assert s.count_organisations() == 298
    assert s.organisation(orgnr(5)).name == "Redan registrerad"
    assert s.organisation(orgnr(1)).name == f"Förening 001 {MARKUP}"
    assert s.store.count_events() == events + 297 and s.verify_audit().ok


async def test_dry_run_checks_and_stores_nothing(make_app, orgnr, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative path, as typed in a terminal
    app = make_app("stockholm")
    path = write_csv(tmp_path / "prov.csv", orgnr, 12, bad={3: ("Fel", BAD_CHECK_DIGIT)})
    events = app.services.store.count_events()
    async with app.run_test(size=SIZE) as pilot:
        await open_import(pilot)
        await type_text(pilot, path.name)
        await pilot.press("tab")  # the format choice
        await pilot.press("tab")  # the dry-run box
        assert pilot.app.focused.id == "import-dry-run"
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        text = flat(app)  # the summary wraps in the dialog
        assert "Provkörning: 11 skulle importeras, 0 finns redan, 1 ogiltiga. Inget sparades." in text
        assert error_rows(app)[0][0] == "4"
        assert app.screen.result.dry_run
    assert app.services.count_organisations() == 0
    assert app.services.store.count_events() == events


async def test_json_chosen_as_format(make_app, orgnr, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative path, as typed in a terminal
    app = make_app("stockholm")
    path = tmp_path / "lista.txt"
    path.write_text(f'[{{"name": "Json-föreningen", "orgnr": "{orgnr(1)}"}}]', encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await open_import(pilot)
        await type_text(pilot, path.name)
        await pilot.press("tab", "right", "right", "enter")  # "JSON" in the format choice
        assert app.screen.chosen_format() == "json"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Importerade 1, hoppade över 0 (redan registrerade), 0 ogiltiga." in flat(app)
        assert not app.screen.query_one("#import-errors").display
    assert app.services.organisation(orgnr(1)).name == "Json-föreningen"


async def test_missing_and_broken_files_keep_the_dialog_open(make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative path, as typed in a terminal
    app = make_app("stockholm")
    broken = tmp_path / "trasig.json"
    broken.write_text('[{"name": "A",}]', encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await open_import(pilot)
        await pilot.press("enter")
        assert "Ange filens sökväg." in screen_text(app)
        await run_import(pilot, Path("finns-inte.csv"))
        text = flat(app)
        assert "Ingenting importerades:" in text and "filen finns inte" in text
        assert screen_name(app) == "ImportScreen" and not app.screen.running
        assert app.focused.id == "import-path"
        await pilot.press("home", "ctrl+k")
        await run_import(pilot, Path(broken.name))
        assert "inte giltig JSON" in flat(app)
    assert app.services.count_organisations() == 0


async def test_reader_is_refused(make_app, make_services, orgnr, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative path, as typed in a terminal
    admin = make_services("stockholm", user="root")
    admin.add_user("root", "admin,officer")
    admin.add_user("rut", "reader")
    app = make_app("stockholm", user="rut")
    path = write_csv(tmp_path / "orgs.csv", orgnr, 3)
    async with app.run_test(size=SIZE) as pilot:
        await open_import(pilot)
        await run_import(pilot, Path(path.name))
        text = flat(app)
        assert "Ingenting importerades:" in text and "organisation.register kräver rollen" in text
    assert admin.count_organisations() == 0


async def test_escape_stops_the_import_after_the_batch_under_way(make_app, orgnr, tmp_path, monkeypatch):
    """A colleague's write holds the lock, so the first batch waits; escape then closes the
    dialog, and once the lock is free that batch is stored and the import stops."""
    monkeypatch.chdir(tmp_path)  # a relative path, as typed in a terminal
    app = make_app("stockholm")
    path = write_csv(tmp_path / "stor.csv", orgnr, 1000)
    blocker = sqlite3.connect(app.services.store.path, isolation_level=None)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_import(pilot)
            screen = app.screen
            await type_text(pilot, path.name)
            blocker.execute("BEGIN IMMEDIATE")
            await pilot.press("enter")
            for _i in range(200):  # until the worker reported the start; it then waits for the lock
                if screen.progress_seen:
                    break
                await pilot.pause(0.01)
            assert screen.running and screen.progress_seen == [(0, 1000)]
            await pilot.press("escape")
            await pilot.pause()
            assert screen_name(app) == "OrganisationsScreen"
            assert any("Importen avbryts efter pågående omgång" in n for n in notifications(app))
            blocker.execute("ROLLBACK")
            await settle(pilot)
            assert "1–100 av 100" in screen_text(app)
    finally:
        if blocker.in_transaction:
            blocker.execute("ROLLBACK")
        blocker.close()
    assert app.services.count_organisations() == 100  # the batch under way, whole; no more
    assert app.services.verify_audit().ok


async def test_palette_opens_the_import(make_app):
    app = make_app("stockholm")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "importera organisationer")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "ImportScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "CollaborationsScreen"


async def test_english_dialog(make_app, orgnr, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative path, as typed in a terminal
    app = make_app("stockholm", lang="en")
    path = write_csv(tmp_path / "orgs.csv", orgnr, 2, bad={2: ("Bad", BAD_CHECK_DIGIT)})
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_import(pilot)
            assert "Import organisations" in screen_text(app)
            await run_import(pilot, Path(path.name))
            text = flat(app)
            assert "Imported 1, skipped 0 (already registered), 1 invalid." in text and "Line" in text
    finally:
        from samverkan_tui import i18n

        i18n.set_language("sv")


def test_bindings_have_ids_descriptions_and_tooltips():
    from samverkan_tui.screens.organisations import OrganisationsScreen
    from samverkan_tui.screens.transfer import ImportScreen

    for b in ImportScreen.BINDINGS:
        assert b.id and b.description and b.tooltip, b
    assert any(b.key == "i" and b.action == "import" for b in OrganisationsScreen.BINDINGS)
