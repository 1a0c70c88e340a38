"""Helpers for the TUI tests: fixed dates, pilot helpers and settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from samverkan.runtime.config import Settings

TODAY = dt.date(2026, 11, 22)
SIZE = (80, 24)


def settings_for(services: Any, lang: str = "sv") -> Settings:
    """Settings as the CLI would resolve them, for the database ``services`` uses."""
    return Settings(db_path=Path(services.store.path), config_path=Path("/nonexistent"),
                    user=services.actor, origin="test", lang=lang)



async def settle(pilot: Any) -> None:
    """Wait until the app's workers finished and the screen is idle."""
    app = pilot.app
    for _i in range(50):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            break


async def type_text(pilot: Any, text: str) -> None:
    """Type ``text`` key by key."""
    await pilot.press(*[("space" if ch == " " else ch) for ch in text])


# -- driving the UI with keys only -----------------------------------------------

TEXT = "Ok"  # short: every character is a key press, and the walks fill many fields
OVERRIDES = {"end": "2027-12-31", "minute_paragraph": "paragraf 12", "amount": "100000",
             "year": "2026"}


def screen_name(app: Any) -> str:
    return type(app.screen).__name__


async def focus(pilot: Any, widget: Any, limit: int = 40) -> None:
    """Press tab until ``widget`` has focus."""
    for _i in range(limit):
        if pilot.app.focused is widget:
            return
        await pilot.press("tab")
    raise AssertionError(f"could not tab to {widget!r}; focus is on {pilot.app.focused!r}")


async def choose(pilot: Any, select: Any, value: Any, choices: list, blank: bool) -> None:
    """Pick ``value`` in a focused Select by keys: enter opens it, home, down …, enter."""
    index = [v for _label, v in choices].index(value) + (1 if blank else 0)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("home", *(["down"] * index), "enter")
    await pilot.pause()
    assert select.value == value, (select.value, value)


async def fill_form(pilot: Any, values: dict[str, Any] | None = None, *, save: bool = True,
                    fill_all: bool = False) -> None:
    """Fill the open FormScreen by keys: ``values`` first, then every required empty field
    (every empty field with ``fill_all``) with a plausible value, and tick every check box;
    then ctrl+s."""
    from textual.widgets import Checkbox, Input, Select, TextArea

    app = pilot.app
    form = app.screen
    assert screen_name(app) == "FormScreen", screen_name(app)
    values = dict(values or {})
    current = form.values()
    for f in form.fields:
        widget = form.widget_for(f.key)
        if f.key in values:
            want = values[f.key]
        elif f.kind == "bool":
            want = True
        elif (f.required or fill_all) and f.kind != "choice" and current[f.key] in (None, ""):
            want = OVERRIDES.get(f.key, TODAY.isoformat() if f.kind == "date" else TEXT)
        else:
            continue
        if want == current[f.key]:
            continue
        await focus(pilot, widget)
        if isinstance(widget, Checkbox):
            await pilot.press("space")
        elif isinstance(widget, Select):
            await choose(pilot, widget, want, f.choices, blank=not f.required)
        elif isinstance(widget, TextArea):
            await pilot.press("ctrl+a", "delete") if widget.text else None
            await type_text(pilot, str(want))
        elif isinstance(widget, Input):
            await pilot.press("home", "ctrl+k")
            await type_text(pilot, str(want))
    if save:
        await pilot.press("ctrl+s")
        await settle(pilot)


def form_errors(app: Any) -> list[str]:
    """The error messages the open form shows."""
    if screen_name(app) != "FormScreen":
        return []
    return [str(e.render()) for e in app.screen.query(".error") if e.display]


def satisfy(services: Any, collab_id: int, org_name: str) -> None:
    """Through the services: answer every check, add every record kind, contributions."""
    for item, _answer in services.checklist(collab_id):
        services.answer_check(collab_id, item.id, "met", "Bedömt")
    for kind in services.view.record_kinds().values():
        data = {}
        for f in kind.fields:
            data[f.key] = (TODAY.isoformat() if f.kind == "date" else True if f.kind == "bool"
                           else f.choices[0] if f.kind == "choice" else OVERRIDES.get(f.key, TEXT))
        services.add_record(collab_id, kind.key, data)
    muni = services.view.municipality.name
    services.set_contributions(collab_id, [
        {"party": muni, "category": "money", "amount": 100000, "is_municipality": True},
        {"party": org_name, "category": "staff", "amount": 100000},
    ])


def decide(services: Any, collab_id: int) -> None:
    """Decide to start (with everything a board decision needs), confirming advisories."""
    board = services.view.decision_authority(services.collaboration(collab_id).form).kind == "board"
    extra = {"meeting_date": TODAY, "minute_paragraph": "§ 3"} if board else {}
    services.decide(collab_id, "start", "Motiverat", "Övervägt", policy_link="Budget 2026",
                    confirm=True, **extra)


def agree(services: Any, collab_id: int, start: Any) -> None:
    """Record the agreement with every section and move to ``agreement``."""
    form = services.collaboration(collab_id).form
    sections = {s.key: TEXT for s in services.view.agreement_sections(form)}
    services.record_agreement(collab_id, signed_on=TODAY, start=start, end="2028-12-31",
                              goals="Mål", sections=sections)
    services.advance(collab_id, "agreement", confirm=True)


MARKUP = "[bold]x[/bold]"
ESCAPE = "\x1b[31mröd\x1b]0;titel\x07"


def screen_text(app: Any) -> str:
    """What the terminal shows, as plain text (from the SVG screenshot)."""
    import html
    import re

    svg = app.export_screenshot()
    return html.unescape("".join(re.findall(r">([^<]*)</text>", svg))).replace("\xa0", " ")


def fixed_clock(monkeypatch: Any) -> None:
    """Make every stored timestamp deterministic (one second apart)."""
    import itertools

    import samverkan.store.sql as store_module

    ticks = itertools.count()
    base = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(store_module, "now", lambda: (base + dt.timedelta(seconds=next(ticks))).isoformat(
        timespec="microseconds"))


def populate(services: Any, orgnr: Any) -> dict[str, int]:
    """A small fixed database: organisations (one with markup in its name) and
    collaborations at several stages."""
    a = services.register_organisation("Stadsmissionen", orgnr(1), contact="info@example.org")
    b = services.register_organisation(f"Förening {MARKUP}", orgnr(2))
    c = services.register_organisation("Idrottsföreningen Kula", orgnr(3), "ekonomisk förening")
    ids = {}
    ids["iop"] = services.register_initiative("Språkcafé för nyanlända", "iop", [a.id],
                                              unit="Arbetsmarknad", purpose="Fler i arbete").id
    ids["informal"] = services.register_initiative("Promenadgrupp", "informal", [b.id], unit="Stadsdel").id
    ids["procurement"] = services.register_initiative("Lokalvård", "procurement", [c.id], unit="Service").id
    services.advance(ids["iop"], "preparation")
    services.answer_check(ids["iop"], services.checklist(ids["iop"])[0][0].id, "met", f"Anteckning {MARKUP}")
    services.advance(ids["informal"], "preparation")
    satisfy(services, ids["informal"], b.name)
    decide(services, ids["informal"])
    services.advance(ids["informal"], "active", confirm=True)
    ids["org_a"], ids["org_b"] = a.id, b.id
    return ids
