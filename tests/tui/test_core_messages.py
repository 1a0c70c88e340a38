"""The core's refusal messages in the TUI follow the interface language.

The core raises English messages (the CLI prints them as they are); the TUI shows them
translated through the core's catalogue: Swedish by default, English with ``--lang en``.
"""

from __future__ import annotations

from pathlib import Path

from test_import_screen import BAD_CHECK_DIGIT, error_rows, open_import, run_import, write_csv
from tuikit import SIZE, fill_form, screen_name, settle

SWEDISH = "ogiltigt organisationsnummer '802012-3456': kontrollsiffran stämmer inte"
ENGLISH = "invalid organisation number '802012-3456': the check digit is wrong"


async def new_organisation_with_a_bad_number(app, pilot) -> str:
    """Fill the new-organisation form with a wrong check digit; the text under the number."""
    await settle(pilot)
    await pilot.press("o", "n")
    await settle(pilot)
    await fill_form(pilot, {"name": "Förening Ett", "orgnr": "802012-3456", "contact": "a@b.se"})
    assert screen_name(app) == "FormScreen"
    form = app.screen
    box = form.query_one(f"#err-{[f.key for f in form.fields].index('orgnr')}")
    assert box.display
    return box.render().plain


async def test_swedish_form_shows_the_swedish_message_under_the_field(make_app):
    app = make_app("stockholm")
    async with app.run_test(size=SIZE) as pilot:
        assert await new_organisation_with_a_bad_number(app, pilot) == SWEDISH
    assert app.services.count_organisations() == 0


async def test_english_form_shows_the_english_message(make_app):
    from samverkan_tui import i18n

    app = make_app("stockholm", lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            assert await new_organisation_with_a_bad_number(app, pilot) == ENGLISH
    finally:
        i18n.set_language("sv")


async def test_import_dialog_shows_invalid_rows_in_swedish(make_app, orgnr, tmp_path):
    app = make_app("stockholm")
    path = write_csv(tmp_path / "organisationer.csv", orgnr, 3,
                     bad={1: ("Fel kontrollsiffra", BAD_CHECK_DIGIT), 3: ("", orgnr(3))})
    async with app.run_test(size=SIZE) as pilot:
        await open_import(pilot)
        await run_import(pilot, Path(path))
        assert error_rows(app) == [
            ("2", "ogiltigt organisationsnummer '802000-0000': kontrollsiffran stämmer inte"),
            ("4", "name: får inte vara tomt"),
        ]
    # the result itself keeps the English the CLI prints
    assert app.services.count_organisations() == 1


async def test_english_import_dialog_shows_english_rows(make_app, orgnr, tmp_path):
    from samverkan_tui import i18n

    app = make_app("stockholm", lang="en")
    path = write_csv(tmp_path / "orgs.csv", orgnr, 2, bad={2: ("Bad", BAD_CHECK_DIGIT)})
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_import(pilot)
            await run_import(pilot, Path(path))
            assert error_rows(app) == [
                ("3", "invalid organisation number '802000-0000': the check digit is wrong")]
    finally:
        i18n.set_language("sv")


async def test_under_its_field_a_message_does_not_repeat_the_field_key(make_app, orgnr):
    """The core writes "start: …"; under the Start field the key is left out."""
    app = make_app("stockholm")
    org = app.services.register_organisation("Förening Två", orgnr(2))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await fill_form(pilot, {"title": "Läxhjälp", "org": str(org.id), "start": "2026-13-45"})
        form = app.screen
        assert screen_name(app) == "FormScreen"
        box = form.query_one(f"#err-{[f.key for f in form.fields].index('start')}")
        assert box.display
        assert box.render().plain == "Inte ett datum i formen ÅÅÅÅ-MM-DD: '2026-13-45'"
