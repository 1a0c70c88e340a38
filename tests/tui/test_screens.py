"""Screens and forms, driven by keys: first run, the paged list, forms that keep input."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tuikit import SIZE, TODAY, fill_form, form_errors, screen_name, screen_text, settle, type_text

from samverkan.domain.query import CollabQuery


async def test_first_run_chooses_municipality_and_starts_empty(make_app, tmp_path):
    app = make_app(None, db=tmp_path / "blank.db")
    assert app.services.municipality_key is None
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "FirstRunScreen"
        text = screen_text(app)
        assert "Stockholms stad" in text and "Linköpings kommun" in text
        await pilot.press("down", "enter")  # the second: Stockholm
        await settle(pilot)
        assert screen_name(app) == "CollaborationsScreen"
        assert "Stockholms stad" in screen_text(app)
    assert app.services.municipality_key == "stockholm"
    assert app.services.count_collaborations() == 0


async def test_first_run_offers_demo_data(make_app, tmp_path):
    app = make_app(None, db=tmp_path / "demo.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")  # the first: Linköping, with its demo data
        await settle(pilot)
        assert screen_name(app) == "CollaborationsScreen"
        count = app.services.count_collaborations()
        assert count > 0
        assert app.screen.query_one("#collabs").row_count == min(count, 100)
    assert app.services.municipality_key == "linkoping"


def many(services, orgnr, n: int = 250) -> None:
    org = services.register_organisation("Förening", orgnr(1))
    other = services.register_organisation("Annan förening", orgnr(2))
    with services.store.transaction(services.actor, "test"):
        for i in range(n):
            services.register_initiative(
                f"{'Läxhjälp' if i % 2 else 'Idrott'} {i + 1:03d}", "iop" if i % 3 else "informal",
                [org.id if i % 5 else other.id], unit=f"Enhet {i % 4}")


async def test_home_pages_through_sql(make_app, orgnr):
    app = make_app("stockholm")
    many(app.services, orgnr)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#collabs")
        assert table.row_count == 100  # one page, never every row
        assert "1–100 av 250" in screen_text(app)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "101–200 av 250" in screen_text(app)
        assert table.get_row_at(0)[0].plain == "101"
        await pilot.press("up")  # before the first row: the previous page, on its last row
        await settle(pilot)
        assert "1–100 av 250" in screen_text(app) and table.cursor_row == 99
        await pilot.press("down")  # past the last row: the next page
        await settle(pilot)
        assert "101–200" in screen_text(app) and table.cursor_row == 0


async def test_home_search_filter_sort(make_app, orgnr):
    app = make_app("stockholm")
    many(app.services, orgnr, 40)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#collabs")
        await pilot.press("slash")
        await type_text(pilot, "läxhj")
        await pilot.press("enter")
        await settle(pilot)
        assert table.row_count == 20 and "sökning: läxhj" in screen_text(app)
        assert all(table.get_row_at(i)[1].plain.startswith("Läxhjälp") for i in range(20))
        await pilot.press("escape")  # clears search and filters
        await settle(pilot)
        assert table.row_count == 40
        await pilot.press("f")
        await settle(pilot)
        assert screen_name(app) == "FormScreen"
        await fill_form(pilot, {"form": "informal", "overdue": False})
        expected = app.services.count_collaborations(CollabQuery(form="informal"))
        assert table.row_count == expected and "form: Informell samverkan" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("s")  # sort by title
        await settle(pilot)
        titles = [table.get_row_at(i)[1].plain for i in range(table.row_count)]
        assert titles == sorted(titles) and "Titel▲" in screen_text(app)
        await pilot.press("S")
        await settle(pilot)
        assert table.get_row_at(0)[1].plain == max(titles)
        await pilot.press("x")  # overdue: none of these is active
        await settle(pilot)
        assert table.row_count == 0 and "försenad uppföljning" in screen_text(app)


async def test_overdue_filter_uses_services_today(make_app, orgnr):
    from tuikit import agree, decide, satisfy

    app = make_app("stockholm")
    s = app.services
    org = s.register_organisation("Förening", orgnr(1))
    c = s.register_initiative("Läxhjälp", "iop", [org.id])
    s.advance(c.id, "preparation")
    satisfy(s, c.id, org.name)
    decide(s, c.id)
    agree(s, c.id, start="2024-01-01")
    s.advance(c.id, "active", confirm=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        table = app.screen.query_one("#collabs")
        assert table.row_count == s.count_collaborations(CollabQuery(overdue_on=TODAY)) == 1


async def test_form_keeps_input_and_shows_error_at_the_field(make_app, orgnr):
    app = make_app("stockholm")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o", "n")
        await settle(pilot)
        await fill_form(pilot, {"name": "Förening Ett", "orgnr": "802012-3456", "contact": "a@b.se"})
        assert screen_name(app) == "FormScreen"
        errors = form_errors(app)
        assert any("organisationsnummer" in e for e in errors)
        form = app.screen
        error_box = form.query_one("#err-1")  # under the organisation number
        assert error_box.display and "kontrollsiffran" in str(error_box.render())
        assert form.values()["name"] == "Förening Ett" and form.values()["contact"] == "a@b.se"
        assert app.focused is form.widget_for("orgnr")
        await fill_form(pilot, {"orgnr": orgnr(5)})
        assert screen_name(app) == "OrganisationScreen"
    org = app.services.organisation(orgnr(5))
    assert [(c.name, c.email) for c in app.services.contacts(org.id)] == [("a@b.se", "a@b.se")]


async def test_agreement_period_error_and_conflict_of_interest(make_app, orgnr):
    from tuikit import decide, satisfy

    app = make_app("stockholm", user="chef")
    s = app.services
    org = s.register_organisation("Förening", orgnr(1))
    c = s.register_initiative("Läxhjälp", "iop", [org.id])
    s.advance(c.id, "preparation")
    satisfy(s, c.id, org.name)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("j")  # declare a conflict of interest
        await settle(pilot)
        await fill_form(pilot, {"reason": "Styrelseledamot i föreningen"})
        assert screen_name(app) == "CollaborationScreen"
        await pilot.press("b")
        await settle(pilot)
        await fill_form(pilot, {"motivation": "Bra", "considerations": "Övervägt"})
        assert screen_name(app) == "FormScreen"  # refused: the decider is jäv
        assert any("har anmält jäv" in e for e in form_errors(app))
        assert app.screen.values()["motivation"] == "Bra"
        await pilot.press("escape")
        await settle(pilot)
    assert s.collaboration(c.id).stage == "preparation"
    assert s.events(action_prefix="decision.refused_jaev")

    app2 = make_app("stockholm", user="anna", services=None, db=s.store.path)
    decide(app2.services, c.id)
    async with app2.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await fill_form(pilot, {"start": "2027-06-01", "end": "2027-01-01"})
        assert screen_name(app2) == "FormScreen"
        form = app2.screen
        end_error = form.query_one(f"#err-{[f.key for f in form.fields].index('end')}")
        assert end_error.display and "ligger före startdatumet" in str(end_error.render())
        assert form.values()["start"] == "2027-06-01"


async def test_collaboration_keys_follow_the_allowed_actions(make_app, orgnr):
    """The detail offers the keys lifecycle.allowed_actions gives the user: by stage and role."""
    from tuikit import decide, satisfy

    from samverkan.domain.lifecycle import ACTIONS
    from samverkan_tui.screens.collaboration import CollaborationScreen

    app = make_app("stockholm", user="anna")
    s = app.services
    org = s.register_organisation("Förening", orgnr(1))
    initiative = s.register_initiative("Läxhjälp", "iop", [org.id]).id
    preparation = s.register_initiative("Språkcafé", "iop", [org.id]).id
    s.advance(preparation, "preparation")
    active = s.register_initiative("Promenadgrupp", "informal", [org.id]).id
    s.advance(active, "preparation")
    satisfy(s, active, org.name)
    decide(s, active)
    s.advance(active, "active", confirm=True)
    s.add_user("anna", "admin,officer,manager")
    s.add_user("rut", "reader")

    def offered(screen) -> set[str]:
        """The lifecycle actions whose keys the screen offers (the footer, help and palette)."""
        return {b.binding.action for b in screen.active_bindings.values() if b.enabled} & set(ACTIONS)

    async def open_detail(pilot, collab_id: int) -> CollaborationScreen:
        pilot.app.push_screen(CollaborationScreen(collab_id))
        await settle(pilot)
        assert screen_name(pilot.app) == "CollaborationScreen"
        return pilot.app.screen

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_detail(pilot, initiative)
        assert offered(screen) == s.allowed_actions(initiative)
        assert "advance" in offered(screen) and "decide" not in offered(screen)
        assert not screen.check_action("decide", ()) and screen.check_action("advance", ())
        await pilot.press("b")  # no decision at the initiative stage: the key does nothing
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")
        screen = await open_detail(pilot, preparation)
        assert {"decide", "advance", "answer"} <= offered(screen)
        await pilot.press("escape")
        screen = await open_detail(pilot, active)
        assert offered(screen) == s.allowed_actions(active)
        assert {"follow_up", "end", "advance"} <= offered(screen)
        assert not {"decide", "agreement"} & offered(screen)

    reader = make_app("stockholm", user="rut")
    async with reader.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_detail(pilot, preparation)
        assert offered(screen) == reader.services.allowed_actions(preparation) == {"conflict"}
        assert not any(screen.check_action(a, ()) for a in ("decide", "answer", "advance"))
        await pilot.press("b", "v", "a")
        await settle(pilot)
        assert reader.screen is screen
        await pilot.press("right_square_bracket")  # the checklist tab: enter answers nothing
        await settle(pilot)
        screen.query_one("#checks").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert reader.screen is screen
    assert s.collaboration(preparation).stage == "preparation"


async def test_audit_log_filters_and_shows_an_event(make_app, orgnr):
    app = make_app("stockholm", user="anna")
    s = app.services
    org = s.register_organisation(f"Förening {'[b]'}", orgnr(1))
    s.register_initiative("Läxhjälp", "iop", [org.id])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert screen_name(app) == "AuditScreen"
        table = app.screen.query_one("#audit-table")
        total = table.row_count
        await pilot.press("f")
        await settle(pilot)
        await fill_form(pilot, {"entity": "organisation"})
        assert 0 < table.row_count < total
        assert all(table.get_row_at(i)[4].plain.startswith("organisation") for i in range(table.row_count))
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "EventScreen"
        assert "Förening [b]" in screen_text(app)
        notes: list[str] = []
        app.notify = lambda message, **kwargs: notes.append(message)
        await pilot.press("escape", "c")  # verify the chain
        await settle(pilot)
        assert notes == ["Loggkedjan är obruten och varje post är den som loggen visar."]
        # a record changed behind the application's back is named in words
        import sqlite3

        with sqlite3.connect(app.services.store.path) as raw:
            raw.execute("UPDATE organisations SET legal_form = 'x'")
        await pilot.press("c")
        await settle(pilot)
        assert "poster skiljer sig från granskningsloggen, bland dem organisation 1" in notes[-1]
        assert "organisations" not in notes[-1]  # no table name


async def test_help_and_palette_list_every_action(make_app, orgnr):
    app = make_app("stockholm")
    org = app.services.register_organisation("Förening", orgnr(1))
    app.services.register_initiative("Läxhjälp", "iop", [org.id])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        ids = {b.binding.id for b in detail.active_bindings.values() if b.binding.id}
        await pilot.press("question_mark")
        await settle(pilot)
        assert screen_name(app) == "HelpScreen"
        help_table = app.screen.query_one("#help-table")
        listed = {help_table.get_row_at(i)[2].plain for i in range(help_table.row_count)}
        assert {"collab.advance", "collab.answer", "collab.record", "collab.back", "app.help"} <= listed
        assert ids - {"app.palette"} <= listed | {""}
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "jäv")
        await settle(pilot)
        assert "Samverkan: Jäv" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "FormScreen" and "Anmäl jäv" in screen_text(app)


async def test_every_binding_has_id_and_description():
    from samverkan_tui.app import SamverkanApp
    from samverkan_tui.screens import (
        audit,
        choose,
        collaboration,
        collaborations,
        compare,
        findings,
        first_run,
        form,
        help,
        organisation,
        organisations,
        reports,
    )

    classes = [SamverkanApp, audit.AuditScreen, audit.EventScreen, choose.ChooseScreen,
               collaboration.CollaborationScreen, collaborations.CollaborationsScreen,
               compare.CompareScreen, compare.RuleScreen,
               findings.FindingsScreen, first_run.FirstRunScreen, form.FormScreen, help.HelpScreen,
               organisation.OrganisationScreen, organisations.OrganisationsScreen,
               reports.ReportsScreen, reports.ReportScreen, reports.ReportRowScreen]
    for cls in classes:
        for b in cls.BINDINGS:
            assert b.id and b.description, (cls.__name__, b)
    for cls in (reports.ReportsScreen, reports.ReportScreen, reports.ReportRowScreen):
        for b in cls.BINDINGS:
            assert b.tooltip, (cls.__name__, b)


async def test_wide_terminal_gives_titles_room(make_app, orgnr):
    app = make_app("stockholm")
    org = app.services.register_organisation("Förening", orgnr(1))
    app.services.register_initiative("En mycket lång titel på en samverkan om läxhjälp", "iop", [org.id])
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        assert "En mycket lång titel på en samverkan om läxhjälp" in screen_text(app)


def test_start_up_imports_only_the_first_screen(tmp_path):
    """Importing the package loads no Textual; the home screen loads no other screen."""
    code = textwrap.dedent(f"""
        import sys, asyncio
        import samverkan_tui
        assert "textual" not in sys.modules, "package import pulled in textual"
        from samverkan.runtime.config import Settings
        from samverkan.services import Services
        from pathlib import Path
        s = Services.open({str(tmp_path / 'h.db')!r}, "anna", "test")
        s.set_municipality("stockholm")
        from samverkan_tui.app import SamverkanApp
        app = SamverkanApp(Settings(Path(s.store.path), Path("/x"), "anna", "test", "sv"), services=s)
        async def main():
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                assert type(app.screen).__name__ == "CollaborationsScreen"
        asyncio.run(main())
        loaded = sorted(m for m in sys.modules if m.startswith(("samverkan_tui", "babel", "textual.widgets._text_area", "textual.widgets._select")))
        print("\\n".join(loaded))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(out.split())
    assert "samverkan_tui.screens.collaborations" in loaded
    for lazy in ("samverkan_tui.screens.collaboration", "samverkan_tui.screens.audit",
                 "samverkan_tui.screens.organisations", "samverkan_tui.screens.form",
                 "samverkan_tui.forms", "textual.widgets._text_area", "babel"):
        assert lazy not in loaded, f"{lazy} was imported before the first screen needed it"
