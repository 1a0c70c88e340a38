"""Comparing two municipalities' rules in the TUI (issue 5), driven by keys only."""

from __future__ import annotations

from types import ModuleType

from tuikit import MARKUP, SIZE, screen_name, screen_text, settle, type_text

from samverkan import hookimpl
from samverkan.domain.model import Source
from samverkan.domain.rules import Document, Municipality, RuleText
from samverkan.plugin.compare import compare

DIFFERENT = ("initiative", "cost_split", "follow_up")  # Linköping is silent on a preparatory body


def rows(app) -> dict[str, str]:
    """topic key → the status cell's text, as the table shows them."""
    table = app.screen.query_one("#compare-table")
    return {table.coordinate_to_cell_key((i, 0)).row_key.value: table.get_row_at(i)[1].plain
            for i in range(table.row_count)}


async def cursor_to(pilot, topic: str) -> None:
    """Move the table's cursor to ``topic`` with the arrow keys."""
    table = pilot.app.screen.query_one("#compare-table")
    await pilot.press("home")
    for _i in range(table.row_count):
        if table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value == topic:
            return
        await pilot.press("down")
    raise AssertionError(f"{topic} is not in the table")


async def test_compare_screen_by_keys_only(make_app):
    app = make_app("stockholm")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert screen_name(app) == "CompareScreen"
        text = screen_text(app)
        assert "A: Stockholms stad" in text and "B: Linköpings kommun" in text
        assert "(regleras inte)" in text  # a topic one side does not regulate says so

        # every topic, the four known differences marked as such
        expected = compare(app.services.registry, "stockholm", "linkoping")
        shown = rows(app)
        assert list(shown) == [r.topic.key for r in expected.rows]
        for topic in DIFFERENT:
            assert shown[topic] == "olika", (topic, shown[topic])
        assert "samma" in shown.values()  # something the two agree on

        # only the differences: rows that agree (or neither regulates) disappear
        await pilot.press("d")
        await settle(pilot)
        only = rows(app)
        assert list(only) == [r.topic.key for r in expected.differences()]
        assert set(only.values()) <= {"olika"}  # silence on a topic is not a difference
        assert {t for t, s in shown.items() if s in ("samma", "ingen")}.isdisjoint(only)
        assert set(DIFFERENT) <= set(only)
        assert "bara skillnader" in screen_text(app)

        # the full rule text and both sources of the highlighted row
        await cursor_to(pilot, "follow_up")
        await pilot.press("k")
        await settle(pilot)
        assert screen_name(app) == "RuleScreen"
        row = next(r for r in expected.rows if r.topic.key == "follow_up")
        detail = str(app.screen.query_one("#rule-text").content)
        assert row.a.text in detail and row.b.text in detail
        assert row.a.source in detail and row.b.source in detail
        # each side's obligation level and the sentence it rests on
        assert "Nivå:" in detail and "krav (ska)" in detail and "Citat:" in detail
        assert all(q in detail for q in row.a.quotes)
        text = screen_text(app)
        assert "Uppföljning" in text and "Nivå:" in text
        await pilot.press("end")  # the box scrolls to Linköping's side
        await settle(pilot)
        assert "SROI" in screen_text(app) and "Uppföljning och utvärdering" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "CompareScreen"
        await pilot.press("enter")  # enter opens it too
        await settle(pilot)
        assert screen_name(app) == "RuleScreen"
        await pilot.press("escape")
        await settle(pilot)

        # B becomes Stockholm: a municipality compared with itself has no differences
        await pilot.press("b")
        await settle(pilot)
        assert screen_name(app) == "ChooseScreen"
        await pilot.press("home")
        for _i in range(5):
            if app.screen.query_one("#choose-list").highlighted_option.id == "stockholm":
                break
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "CompareScreen"
        assert "B: Stockholms stad" in screen_text(app)
        assert rows(app) == {}
        assert "0 av 17 ämnen skiljer sig" in screen_text(app)
        await pilot.press("d")  # every topic again, none different
        await settle(pilot)
        assert set(rows(app).values()) <= {"samma", "ingen"} and len(rows(app)) == len(expected.rows)

        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "CollaborationsScreen"


async def test_compare_opens_from_the_command_palette(make_app):
    app = make_app("linkoping")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "jämför")
        await settle(pilot)
        assert "Gå till: Jämför kommuner" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "CompareScreen"
        # A is the active municipality, B another one
        assert (app.screen.a, app.screen.b) == ("linkoping", "stockholm")
        assert rows(app)["follow_up"] == "olika"


async def test_form_and_swap(make_app):
    app = make_app("stockholm")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert screen_name(app) == "ChooseScreen" and "Alla former" in screen_text(app)
        await pilot.press("home", "down", "down", "down", "down", "enter")  # all, informal, grant, procurement, iop
        await settle(pilot)
        assert app.screen.comparison.form == "iop"
        assert "Form (f): IOP" in screen_text(app)
        assert rows(app) == {r.topic.key: s for r, s in (
            (r, {"same": "samma", "different": "olika", "only_a": "bara A", "only_b": "bara B",
                 "neither": "ingen"}[r.status]) for r in compare(app.services.registry, "stockholm", "linkoping", "iop").rows)}
        await pilot.press("x")
        await settle(pilot)
        assert "A: Linköpings kommun" in screen_text(app) and "B: Stockholms stad" in screen_text(app)
        assert rows(app)["open_call"] == "bara B"


async def test_compare_without_a_municipality(make_app, tmp_path):
    """On first run the palette can open the comparison: it needs only the plugins."""
    app = make_app(None, db=tmp_path / "blank.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screen_name(app) == "FirstRunScreen"
        await pilot.press("ctrl+p")
        await type_text(pilot, "jämför")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen_name(app) == "CompareScreen"
        assert app.screen.a != app.screen.b
        assert "initiative" in rows(app)
        await pilot.press("escape")
        await settle(pilot)
        assert screen_name(app) == "FirstRunScreen"
    assert app.services.municipality_key is None


def _markup_plugin() -> ModuleType:
    plugin = ModuleType("markupby_plugin")
    plugin.municipality = hookimpl(lambda: Municipality(
        "markupby", f"Markupby {MARKUP}", "Nämnden", (Document("r", "Riktlinjer", "MB 1"),)))
    plugin.register_rules = hookimpl(lambda register: register(RuleText(
        "markupby.initiative", "initiative", f"Regel {MARKUP} [red]röd[/red]",
        Source(f"Källa {MARKUP}", "§ 1"), "either")))
    return plugin


async def test_plugin_text_is_shown_literally(make_app):
    from samverkan_tui.screens.compare import CompareScreen

    app = make_app("stockholm")
    assert app.services.registry.add(_markup_plugin(), "markupby").ok
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        app.push_screen(CompareScreen(b="markupby"))
        await settle(pilot)
        text = screen_text(app)
        assert f"B: Markupby {MARKUP}" in text and f"Regel {MARKUP} [red]röd[/red]" in text
        await pilot.press("home", "k")
        await settle(pilot)
        text = screen_text(app)
        assert f"Källa {MARKUP}" in text and f"Regel {MARKUP}" in text


async def test_help_lists_the_compare_keys(make_app):
    app = make_app("stockholm")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        table = app.screen.query_one("#help-table")
        assert "collabs.compare" in {table.get_row_at(i)[2].plain for i in range(table.row_count)}
        await pilot.press("escape", "j")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        table = app.screen.query_one("#help-table")
        listed = {table.get_row_at(i)[2].plain for i in range(table.row_count)}
        assert {"compare.back", "compare.differences", "compare.source", "compare.choose_a",
                "compare.choose_b", "compare.form", "compare.swap"} <= listed


def test_compare_bindings_have_id_description_and_tooltip():
    from samverkan_tui.screens.compare import CompareScreen, RuleScreen

    for cls in (CompareScreen, RuleScreen):
        for b in cls.BINDINGS:
            assert b.id and b.description and b.tooltip, (cls.__name__, b)
