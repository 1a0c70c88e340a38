"""An organisation's contact persons on its screen, by keys only: listed, added (a refused
e-mail address shown under its field), changed and removed after a confirmation, each
change one audited service call."""

from __future__ import annotations

from typing import Any

from tuikit import SIZE, fill_form, form_errors, screen_name, screen_text, settle


def contact_rows(app: Any) -> list[list[str]]:
    table = app.screen.query_one("#org-contacts")
    return [[str(getattr(v, "plain", v)) for v in table.get_row_at(i)] for i in range(table.row_count)]


async def test_add_change_and_remove_a_contact_person_by_keys(make_app, orgnr):
    app = make_app("stockholm")
    org = app.services.register_organisation("Stadsmissionen", orgnr(1))
    notes: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        app.notify = lambda message, **kwargs: notes.append(message)
        await settle(pilot)
        await pilot.press("o", "enter")
        await settle(pilot)
        assert screen_name(app) == "OrganisationScreen"
        assert "Kontaktpersoner" in screen_text(app) and contact_rows(app) == []
        footer = {b.binding.id for b in app.screen.active_bindings.values()}
        assert {"org.add_contact", "org.edit_contact", "org.remove_contact"} <= footer
        await pilot.press("x")  # nobody to remove yet: said so
        await settle(pilot)
        assert notes[-1] == "Inga kontaktpersoner är registrerade." and screen_name(app) == "OrganisationScreen"

        await pilot.press("k")
        await settle(pilot)
        assert screen_name(app) == "FormScreen" and "Ny kontaktperson" in screen_text(app)
        await fill_form(pilot, {"name": "Anna Svensson", "role": "ordförande", "email": "anna.example.se",
                                "phone": "070-123 45 67"})
        assert screen_name(app) == "FormScreen"  # the address is refused, in Swedish, under its field
        assert form_errors(app) == ["Inte en e-postadress (namn@exempel.se): 'anna.example.se'"]
        assert app.focused is app.screen.widget_for("email")
        await fill_form(pilot, {"email": "anna@example.se"})
        assert screen_name(app) == "OrganisationScreen", form_errors(app)
        assert notes[-1] == "Kontaktpersonen är registrerad."
        assert contact_rows(app) == [["Anna Svensson", "ordförande", "anna@example.se", "070-123 45 67"]]
        assert "Anna Svensson" in screen_text(app)

        await pilot.press("r")  # the person under the cursor
        await settle(pilot)
        assert screen_name(app) == "FormScreen" and app.screen.values()["name"] == "Anna Svensson"
        await fill_form(pilot, {"role": "kassör"})
        assert screen_name(app) == "OrganisationScreen", form_errors(app)
        assert contact_rows(app)[0][1] == "kassör"

        await pilot.press("x")
        await settle(pilot)
        assert screen_name(app) == "FormScreen" and "Anna Svensson (kassör)" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(app) == "OrganisationScreen" and contact_rows(app) == []
        assert notes[-1] == "Kontaktpersonen är borttagen."

    events = app.services.events(action_prefix="contact.", limit=10)
    assert [e.action for e in reversed(events)] == ["contact.add", "contact.update", "contact.remove"]
    assert (events[1].before["role"], events[1].after["role"]) == ("ordförande", "kassör")
    assert app.services.contacts(org.id) == [] and app.services.verify_audit().ok
