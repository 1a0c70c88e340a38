"""A person's data by keys only: the register extract, a previewed and confirmed erasure,
and the refusal a user who is not an administrator sees (screens/privacy.py)."""

from __future__ import annotations

from typing import Any

from test_no_internal_values import leaks, widget_text
from tuikit import SIZE, screen_name, screen_text, settle, type_text

NAME = "Karin [bold]Lund[/bold]"  # markup in stored text is shown as it is
EMAIL = "karin.lund@stadsmissionen.se"


def table_rows(where: Any) -> list[list[str]]:
    """The rows of the privacy table of ``where`` (the app: its current screen)."""
    screen = getattr(where, "screen", where)
    table = screen.query_one("#privacy-table")
    return [[str(getattr(v, "plain", v)) for v in table.get_row_at(i)] for i in range(table.row_count)]


def swedish_leaks(app: Any) -> list[tuple[str, str]]:
    """Internal keys or English words the screen shows (see test_no_internal_values.py)."""
    return leaks(screen_text(app) + "\n" + widget_text(app.screen))


def status(app: Any) -> str:
    return str(app.screen.query_one("#privacy-status").render())


async def test_extract_then_erase_a_contact_person_by_keys(make_app, orgnr):
    app = make_app("stockholm")
    s = app.services
    s.add_user("anna", "admin,officer,manager")
    org = s.register_organisation("Stadsmissionen", orgnr(1))
    s.add_contact(org.id, NAME, role="kassör", email=EMAIL, phone="070-123 45 67")
    s.add_contact(org.id, "Per Holm", email="per@stadsmissionen.se")
    notes: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        app.notify = lambda message, **kwargs: notes.append(message)
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "personupp")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "PrivacyScreen"
        screen = app.screen
        footer = {b.binding.id for b in screen.active_bindings.values()}
        assert {"privacy.search", "privacy.erase", "privacy.cull", "privacy.back"} <= footer
        assert all(b.id and b.description and b.tooltip for b in type(screen).BINDINGS)
        assert app.focused is screen.query_one("#privacy-person")
        assert not swedish_leaks(app)

        await type_text(pilot, "karin")  # any case
        await pilot.press("tab")
        await type_text(pilot, EMAIL)
        await pilot.press("enter")
        await settle(pilot)
        rows = table_rows(app)
        assert [r[:3] for r in rows] == [["kontaktperson", "1", "Namn"], ["kontaktperson", "1", "E-post"],
                                         ["granskningslogg", rows[2][1], "Efter"]]
        assert rows[0][3] == NAME and rows[1][3] == EMAIL
        assert f"Namn: {NAME}" in rows[2][3] and "E-post: " in rows[2][3]  # the image by its labels
        assert status(app).startswith(f"3 platser innehåller karin, {EMAIL}")
        assert "[bold]Lund" in screen_text(app)
        assert not swedish_leaks(app)

        await pilot.press("enter")  # the row under the cursor, whole
        await settle(pilot)
        assert screen_name(app) == "ReportRowScreen" and NAME in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("ctrl+r")  # what an erasure would do, then a confirmation
        await settle(pilot)
        assert screen_name(app) == "FormScreen" and "Radera personuppgifterna?" in screen_text(app)
        assert "1 tas bort, 0 ändras och 0 behålls" in screen_text(app) and not swedish_leaks(app)
        behind = app.screen_stack[-2]
        assert "förhandsvisning: 1 tas bort, 0 ändras, 0 behålls; innehållet i 1 händelser" in \
            str(behind.query_one("#privacy-status").render())
        assert s.contacts(org.id)[0].name == NAME  # nothing erased yet
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(app) == "PrivacyScreen"
        erasure = s.events(action_prefix="privacy.erase", limit=1)[0]
        assert notes[-1] == f"Raderingen är registrerad som händelse {erasure.id} i granskningsloggen."
        assert table_rows(app) == [["Borttagen", "kontaktperson", "1", "", ""]]

        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "CollaborationsScreen"

        # an event whose content was erased says so, and by which event
        from samverkan_tui.screens.audit import EventScreen

        [added] = [e for e in s.events(limit=100) if e.id in erasure.after["erased_events"]][:1]
        app.push_screen(EventScreen(added))
        await settle(pilot)
        assert f"raderat av händelse {erasure.id}" in screen_text(app) and "Karin" not in screen_text(app)

    assert [c.name for c in s.contacts(org.id)] == ["Per Holm"]
    assert s.privacy_extract("Karin", EMAIL) == []
    assert s.verify_audit().ok


async def test_a_user_who_is_not_an_administrator_sees_the_refusal(make_app, make_services, orgnr):
    admin = make_services("stockholm", user="root")
    admin.add_user("root", "admin,officer")
    admin.add_user("rut", "officer,manager")
    org = admin.register_organisation("Stadsmissionen", orgnr(1))
    admin.add_contact(org.id, "Karin Lund", email=EMAIL)
    app = make_app("stockholm", user="rut")
    notes: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        app.notify = lambda message, **kwargs: notes.append(message)
        await settle(pilot)
        app.goto("privacy")
        await settle(pilot)
        assert screen_name(app) == "PrivacyScreen"
        line = status(app)
        assert line == ("privacy.extract kräver rollen administratör; rut har rollen/rollerna "
                        "handläggare, chef")
        shown = " ".join(screen_text(app).split())  # the line wraps at 80 columns
        assert line in shown and "Traceback" not in shown
        for key in ("ctrl+f", "ctrl+r", "ctrl+g"):  # nothing to do here: no search, no erasure
            await pilot.press(key)
            await settle(pilot)
        assert screen_name(app) == "PrivacyScreen" and status(app) == line
        assert table_rows(app) == [] and notes == []
        assert not {"privacy.search", "privacy.erase", "privacy.cull"} & {
            b.binding.id for b in app.screen.active_bindings.values()}
    assert [c.name for c in admin.contacts(org.id)] == ["Karin Lund"]
    refused = admin.events(action_prefix="permission.refused", limit=1)[0]
    assert refused.actor == "rut" and admin.verify_audit().ok


async def test_cull_after_a_preview_and_a_confirmation(make_app, make_services, orgnr):
    import datetime as dt

    s = make_services("stockholm", user="anna")
    s.add_user("anna", "admin,officer,manager")
    org = s.register_organisation("Stadsmissionen", orgnr(1))
    s.add_contact(org.id, "Karin Lund", email=EMAIL)
    # years later: an organisation without collaborations keeps its contacts two years
    app = make_app(services=make_services("stockholm", user="anna", today=dt.date.today() + dt.timedelta(days=1200)))
    notes: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        app.notify = lambda message, **kwargs: notes.append(message)
        await settle(pilot)
        app.goto("privacy")
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert screen_name(app) == "FormScreen" and "Gallra?" in screen_text(app)
        assert table_rows(app.screen_stack[-2]) == [["Tas bort", "kontaktperson", "1", "", ""]]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(app) == "PrivacyScreen"
        cull = app.services.events(action_prefix="privacy.cull", limit=1)[0]
        assert notes[-1] == f"Gallringen är registrerad som händelse {cull.id} i granskningsloggen."
        assert table_rows(app) == [["Borttagen", "kontaktperson", "1", "", ""]]
        await pilot.press("ctrl+g")  # nothing left to cull: said so, no dialog
        await settle(pilot)
        assert screen_name(app) == "PrivacyScreen" and notes[-1] == "Ingenting är moget för gallring."
    assert s.contacts(org.id) == [] and s.verify_audit().ok
