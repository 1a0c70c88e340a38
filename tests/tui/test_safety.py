"""Stored text is shown literally: Rich markup and escape sequences never act."""

from __future__ import annotations

from tuikit import ESCAPE, MARKUP, screen_name, screen_text, settle


async def test_markup_and_escapes_render_literally(make_app, orgnr):
    app = make_app("stockholm")
    s = app.services
    org = s.register_organisation(f"Org {MARKUP} {ESCAPE}", orgnr(1))
    assert "\x1b" not in org.name and "\x07" not in org.name  # stripped at the core's boundary
    c = s.register_initiative(f"Titel {MARKUP}", "iop", [org.id])
    item = s.checklist(c.id)[0][0]
    s.answer_check(c.id, item.id, "met", f"Not {MARKUP} {ESCAPE}")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert f"Titel {MARKUP}" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "CollaborationScreen"
        overview = screen_text(app)
        assert MARKUP in overview  # organisation name in the overview, header title
        assert "\x1b" not in overview
        await pilot.press("a")
        await settle(pilot)
        checklist = screen_text(app)
        assert MARKUP in checklist  # the note
        # the literal text is what the widgets hold, not a styled "x"
        table = app.screen.query_one("#checks")
        note = table.get_row_at(0)[2]  # answer, level, text
        assert f"Not {MARKUP} röd" in note.plain
        await pilot.press("escape", "o")
        await settle(pilot)
        assert f"Org {MARKUP} röd" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "OrganisationScreen"
        assert f"Org {MARKUP} röd" in app.screen.query_one("#org-facts").render().plain
