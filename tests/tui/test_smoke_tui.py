"""The app starts, shows the home screen and answers the basic keys."""

from __future__ import annotations

from tuikit import SIZE, settle


async def test_home_opens(make_app, orgnr):
    app = make_app("stockholm")
    s = app.services
    org = s.register_organisation("Förening A", orgnr(1))
    s.register_initiative("Läxhjälp", "iop", [org.id])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "CollaborationsScreen"
        table = app.screen.query_one("#collabs")
        assert table.row_count == 1
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "CollaborationScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "CollaborationsScreen"
