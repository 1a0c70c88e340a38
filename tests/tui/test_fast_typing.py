"""Keys typed faster than the app handles them still land in the field they were meant for.

Over SSH, a paste or a fast typist delivers "name<enter>number" in one read: the app
queues every key before it has handled the first enter. These tests queue the keys the
same way (posted to the app without waiting in between) and check each field's value.
"""

from __future__ import annotations

from textual import events
from tuikit import SIZE, settle

from samverkan_tui.forms import organisation_form


def queue_keys(app, keys: list[str]) -> None:
    """Post key events the way the terminal driver does, without waiting in between."""
    for key in keys:
        if key == "enter":
            app.post_message(events.Key("enter", "\r"))
        elif key == " ":
            app.post_message(events.Key("space", " "))
        else:
            app.post_message(events.Key(key, key))


async def test_keys_after_enter_land_in_the_next_field(make_app, orgnr) -> None:
    app = make_app("stockholm")
    number = orgnr(41)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = organisation_form(app.services)
        app.push_screen(form)
        await settle(pilot)
        queue_keys(app, [*"Snabb förening", "enter", *number, "enter"])
        await settle(pilot)
        assert form.widget_for("name").value == "Snabb förening"
        assert form.widget_for("orgnr").value == number


async def test_enter_on_the_last_field_saves_what_was_typed_before_it(make_app, orgnr) -> None:
    app = make_app("stockholm")
    number = orgnr(42)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        results: list = []
        app.push_screen(organisation_form(app.services), results.append)
        await settle(pilot)
        # name, number, legal form (a list: tab past it), then the contact person, the last field
        queue_keys(app, [*"Förening X", "enter", *number, "enter"])
        await settle(pilot)
        await pilot.press("tab")
        queue_keys(app, [*"Eva, kontakt@example.org", "enter"])
        await settle(pilot)
        assert results and results[0] is not None, "enter on the last field should save"
        org = app.services.organisation(number)
        assert org.name == "Förening X"
        assert [(c.name, c.email) for c in app.services.contacts(org.id)] == [("Eva", "kontakt@example.org")]
