"""Swedish source strings, an English catalogue read at run time, no drift between them."""

from __future__ import annotations

from pathlib import Path

from tuikit import SIZE, screen_text, settle

import samverkan_tui
from samverkan_tui import i18n

PACKAGE = Path(samverkan_tui.__file__).parent


def extracted() -> set[str]:
    from babel.messages.extract import extract_from_dir

    return {msg for _file, _line, msg, _comments, _context in
            extract_from_dir(str(PACKAGE), keywords={"_": None, "N_": None})}


def test_english_catalogue_translates_every_string():
    catalogue = i18n.load_catalogue("en")
    missing = sorted(extracted() - set(catalogue))
    assert not missing, f"add to locale/en/LC_MESSAGES/samverkan_tui.po: {missing}"


def test_language_selection():
    try:
        assert i18n.set_language("en") == "en"
        assert i18n._("Avsluta") == "Quit"
        assert i18n.set_language("fr") == "sv"  # no catalogue: the Swedish source text
        assert i18n._("Avsluta") == "Avsluta"
    finally:
        i18n.set_language("sv")


async def test_english_interface(make_app, orgnr):
    app = make_app("stockholm", lang="en")
    org = app.services.register_organisation("Förening", orgnr(1))
    app.services.register_initiative("Läxhjälp", "iop", [org.id])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Collaborations" in text and "Title" in text and "Stage" in text
        assert "Quit" in text and "Avsluta" not in text
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Overview" in text and "Checklist" in text
    i18n.set_language("sv")
