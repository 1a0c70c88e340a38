"""Choosing the form in the TUI (issue 12, point 3): g from home asks the questions,
shows what the municipality's rules make of them with reasons and sources, and enter
registers an initiative with the chosen form; the answers go with it and the decider
sees them on the overview."""

from __future__ import annotations

from tuikit import SIZE, screen_name, screen_text, settle

from samverkan.domain.form_guide import QUESTION_KEYS


async def answer(pilot, key: str, choice_index: int) -> None:
    """Pick the choice at ``choice_index`` of question ``key`` by keys."""
    form = pilot.app.screen
    select = form.widget_for(key)
    while pilot.app.focused is not select:
        await pilot.press("tab")
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("home", *(["down"] * choice_index), "enter")
    await pilot.pause()


async def test_linkoping_questionnaire_rules_out_iop_on_the_municipalitys_initiative(make_app, orgnr):
    app = make_app("linkoping", user="anna")
    org = app.services.register_organisation("Läxhjälpen", orgnr(1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert screen_name(app) == "FormScreen"
        # pays: yes (0), market: no (1), initiator: the municipality (1), own activity: yes (0)
        for key, index in (("pays", 0), ("market", 1), ("initiator", 1), ("own_activity", 0)):
            await answer(pilot, key, index)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(app) == "GuideResultScreen"
        text = screen_text(app)
        assert "Utesluts: Idéburet offentligt partnerskap (IOP)" in text
        assert "Initiativet måste också komma från civilsamhällesaktören" in text
        result = app.screen.result
        assert "iop" not in result.recommended and result.recommended
        await pilot.press("enter")  # register with the highlighted (first) recommended form
        await settle(pilot)
        assert screen_name(app) == "FormScreen"
        form = app.screen
        assert form.values()["form"] == result.recommended[0]
        form.widget_for("title").focus()
        await pilot.press(*"Läxhjälp")
        form.widget_for("org").focus()
        await pilot.press(*str(org.id))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen_name(app) == "CollaborationScreen"
        assert "Frågor om samverkansform" in screen_text(app)
    c = app.services.collaborations()[0]
    stored = app.services.collaboration(c["id"]).form_answers
    assert stored == {"pays": "yes", "market": "no", "initiator": "municipality", "own_activity": "yes",
                      "standard_grant": "unsure"}
    assert set(stored) <= set(QUESTION_KEYS)


def test_the_overview_shows_each_notifications_delivery_status(make_services, orgnr):
    """Issue 14: the collaboration's messages say whether they wait, were sent or failed."""
    from rich.console import Console

    from samverkan_tui.screens.collaboration.tabs import overview

    s = make_services("stockholm")
    org = s.register_organisation("Förening", orgnr(1))
    c = s.register_initiative("Läxhjälp", "informal", [org.id])  # queues a mail to the group
    console = Console(width=200, record=True)
    console.print(overview(s.detail(c.id)))
    text = console.export_text()
    assert "funktion.amf.civilsamhalle@stockholm.se" in text and "väntar" in text


async def test_the_tui_refuses_a_decision_without_considerations_as_the_cli_does(make_app, orgnr):
    """Issue 12, point 5: the decision form does not require more than the services; the
    gate that requires considerations (Stockholm, a formal start) refuses in both."""
    from samverkan.domain.errors import TransitionRefused
    from samverkan_tui.forms import decision_form

    app = make_app("stockholm")
    s = app.services
    org = s.register_organisation("Förening", orgnr(1))
    c = s.register_initiative("Läxhjälp", "procurement", [org.id])
    s.advance(c.id, "preparation")
    for item, _answer in s.checklist(c.id):
        s.answer_check(c.id, item.id, "met", "Prövat.")
    d = s.detail(c.id)
    form = decision_form(s, d["collaboration"], d["rules"])
    assert not next(f for f in form.fields if f.key == "considerations").required
    values = {"outcome": "start", "motivation": "Behov finns.", "considerations": "", "policy_link": "Budget",
              "decided_on": s.today.isoformat()}
    try:
        form.submit(values, True)
    except TransitionRefused as exc:
        tui_refusal = {f.rule_id for f in exc.findings if f.blocking}
    try:
        s.decide(c.id, "start", "Behov finns.", "", policy_link="Budget", confirm=True)
    except TransitionRefused as exc:
        cli_refusal = {f.rule_id for f in exc.findings if f.blocking}
    assert tui_refusal == cli_refusal == {"stockholm.decision.considerations"}


def test_questionnaire_snapshots(snap_compare, make_app, orgnr, monkeypatch):
    """The questionnaire and its answer at 80x24 in Swedish."""
    from tuikit import fixed_clock

    fixed_clock(monkeypatch)

    async def asked(pilot) -> None:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)

    async def answered(pilot) -> None:
        await asked(pilot)
        for key, index in (("pays", 0), ("market", 2), ("initiator", 0), ("own_activity", 0)):
            await answer(pilot, key, index)
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(make_app("linkoping"), terminal_size=SIZE, run_before=asked)
    assert snap_compare(make_app("linkoping"), terminal_size=SIZE, run_before=answered)
