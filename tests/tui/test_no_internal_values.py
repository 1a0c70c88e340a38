"""The Swedish interface never shows an internal key or an English value (issue 12, point 5).

A Pilot walk through every screen of the Swedish TUI on both municipalities' demo data
(collaborations at every stage): the home list, its filter and new-collaboration forms,
the command palette and help, the organisations (list, detail, forms, contact persons,
import), every tab of every collaboration, every form its keys open, its findings, every
report and its tables, the comparison and a rule, the audit log, an event and the log's
filter. Each screen's text (as the terminal shows it) must hold no word the detector knows
as internal:

- **keys** from the core's data: the stages (``lifecycle.STAGES``), the forms, answers
  and initiators (``domain.model``), the actions (``lifecycle.ACTIONS``), and every key
  the TUI's label tables name (``labels``: outcomes, end kinds, document kinds,
  categories, authorities, roles, audited objects and events);
- **English** from the core's message templates: every word of the English templates
  in the core's catalogue that is not a Swedish word of that catalogue or of the TUI.

Identifiers shown on purpose — a binding's id (for a keymap), a rule or check id (a
citation) — are left out by their namespace, taken from the bindings and the plugins.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from tuikit import SIZE, screen_name, settings_for, settle

from samverkan.domain.query import CollabQuery

#: keys and English words that are Swedish words too (or loanwords Swedish text uses), and
#: the names of keys ("end")
SWEDISH = {
    "end",
    "start", "organisation", "administration", "material", "memo", "admin", "all", "an", "as", "at",
    "by", "demo", "final", "id", "kind", "list", "not", "set", "sort", "system", "plugin", "regions",
    "public", "special", "go", "time", "legal", "line", "case", "count", "effect", "for", "status",
    "version", "data", "kontroll", "to", "i", "no", "or", "up", "use", "run", "row", "save", "value",
    "sent", "full", "slut", "sign", "bit", "far", "hall", "man", "dom", "rad", "mot", "kort", "budget",
}
WORD = re.compile(r"[^\W\d]+(?:_[^\W\d]+)*")
PLACEHOLDER = re.compile(r"\{[^}]*\}")


def _words(text: str) -> set[str]:
    return set(WORD.findall(PLACEHOLDER.sub(" ", text)))


#: the plugins' record choices that have no label to show yet: a choice field declares
#: its values only (RecordField.choices; the plugin data schema has no labels for them),
#: so the TUI shows the value. Listed here until the schema gives them labels; any other
#: choice a plugin adds is checked.
UNLABELLED_CHOICES = {"supports", "advises_against", "no_position", "compatible", "not_compatible"}


@cache
def internal_keys() -> frozenset[str]:
    from samverkan.domain import lifecycle, model
    from samverkan.plugin.manager import get_plugin_manager
    from samverkan_tui import labels

    keys = set(lifecycle.STAGES) | set(model.FORM_KEYS) | set(model.ANSWERS) | set(model.INITIATORS)
    keys |= set(lifecycle.ACTIONS) | {"blocking", "advisory"}  # and a finding's severities
    for table in (*labels.VALUES.values(), labels.OUTCOMES, labels.END_KINDS, labels.DOCUMENT_KINDS,
                  labels.ENTITIES, labels.EVENTS, labels.AUTHORITIES, labels.ROLES):
        keys |= set(table)
    registry = get_plugin_manager()
    for municipality in registry.municipalities():
        for kind in registry.view(municipality).record_kinds().values():
            keys |= {c for f in kind.fields for c in f.choices if isinstance(c, str)}
    return frozenset(keys - SWEDISH - UNLABELLED_CHOICES)


@cache
def english_words() -> frozenset[str]:
    from pathlib import Path

    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    import samverkan
    import samverkan_tui

    po = Path(samverkan.__file__).parent / "locale" / "sv" / "LC_MESSAGES" / "samverkan.po"
    with po.open("rb") as fh:
        catalogue = [(m.id, m.string) for m in read_po(fh, locale="sv") if m.id]
    english = set().union(*(_words(template) for template, _sv in catalogue))
    swedish = set().union(*(_words(sv or "") for _t, sv in catalogue))
    tui = Path(samverkan_tui.__file__).parent
    for _file, _line, source, _comments, _ctx in extract_from_dir(str(tui), keywords={"_": None, "N_": None}):
        swedish |= _words(source if isinstance(source, str) else " ".join(source))
    # two-letter words are left out ("on", "to" …: a plugin's text may quote an English
    # term, "social return on investment"), except the "is" of the core's sentences
    return frozenset(w for w in english - swedish - SWEDISH if w.islower() and (len(w) > 2 or w == "is"))


@cache
def shown_identifiers() -> re.Pattern[str]:
    """Dotted identifiers shown on purpose: binding ids, rule and check ids."""
    import importlib
    import pkgutil

    from textual.dom import DOMNode

    import samverkan_tui
    from samverkan.plugin.manager import get_plugin_manager

    for module in pkgutil.walk_packages(samverkan_tui.__path__, "samverkan_tui."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    spaces = {"core", "national", *get_plugin_manager().municipalities()}
    todo = [DOMNode]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("samverkan_tui"):
            spaces |= {b.id.split(".")[0] for b in cls.BINDINGS if getattr(b, "id", None)}
    return re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, spaces))) + r")(?:\.[\w-]+)+")


def leaks(text: str) -> list[tuple[str, str]]:
    """(word, the line it is on) for every internal key or English word in ``text``."""
    keys, english = internal_keys(), english_words()
    out = []
    for line in text.splitlines():
        cleaned = shown_identifiers().sub(" ", line)
        for dotted in re.findall(r"\b[a-z_]+(?:\.[a-z_]+)+\b", cleaned):
            if dotted in keys:
                out.append((dotted, line.strip()))
        for word in WORD.findall(cleaned):
            if word in keys or word in english:
                out.append((word, line.strip()))
    return out


def test_the_detector_finds_what_the_issue_found():
    """The examples of issue 12 and the words the brief names are caught; Swedish is not."""
    found = {w for w, _line in leaks(
        "Steg: ended · Form: iop · Form: informal · Svar: not_met · Rekommendation: advises_against\n"
        "samverkan 8 är ended · collaboration 3 is closed · not offered here · Previous tab")}
    assert {"ended", "iop", "informal", "not_met", "collaboration", "is", "offered", "here"} <= found
    assert {"blocking", "advisory"} <= internal_keys()
    assert not leaks("Samverkan 8 är avslutad. Steg: Aktiv · Form: IOP · Organisation: Stadsmissionen\n"
                     "core.agreement.sections · stockholm.informal.no_compensation · collab.follow_up")
    assert len(internal_keys()) > 40 and len(english_words()) > 100


# -- the walk ----------------------------------------------------------------------------


def widget_text(screen: Any) -> str:
    """The text of every Static and DataTable of ``screen``, shown or not, in full."""
    import io

    from rich.console import Console
    from textual.widgets import DataTable, Static

    console = Console(width=100, file=io.StringIO(), color_system=None)
    for widget in screen.query(Static):
        console.print(widget.content)
    for table in screen.query(DataTable):
        console.print(" ".join(str(c.label) for c in table.columns.values()))
        for row in range(table.row_count):
            console.print(" ".join(str(getattr(v, "plain", v)) for v in table.get_row_at(row)))
    return console.file.getvalue()


class Walk:
    """Looks at each screen and remembers every leak with where it was seen."""

    def __init__(self, pilot: Any, municipality: str) -> None:
        self.pilot, self.app, self.municipality = pilot, pilot.app, municipality
        self.found: dict[str, str] = {}
        self.seen = 0

    async def look(self, where: str) -> None:
        """What the terminal shows, and the whole text of every text and table of the
        screen (the tabs not shown, the lines scrolled away)."""
        from tuikit import screen_text

        await settle(self.pilot)
        self.seen += 1
        text = screen_text(self.app) + "\n" + widget_text(self.app.screen)
        for word, line in leaks(text):
            self.found.setdefault(word, f"{self.municipality}, {where} ({screen_name(self.app)}): {line[:100]}")

    async def press(self, *keys: str) -> None:
        """Press ``keys``; the next look waits for what they started."""
        await self.pilot.press(*keys)
        await self.pilot.pause()

    async def back_to(self, name: str) -> None:
        for _i in range(6):
            if screen_name(self.app) == name:
                return
            await self.press("escape")
        raise AssertionError(f"not back at {name}: {screen_name(self.app)}")


FORM_KEYS = ("a", "b", "t", "u", "e", "s", "p", "k", "r", "x", "j", "d")
FINAL = {"declined", "ended"}


async def walk_home(w: Walk) -> None:
    await w.look("home")
    for keys, where in ((("f",), "filter form"), (("n",), "new collaboration form"),
                        (("question_mark",), "help"), (("ctrl+p",), "command palette")):
        await w.press(*keys)
        await w.look(where)
        await w.back_to("CollaborationsScreen")


async def walk_organisations(w: Walk) -> None:
    await w.press("o")
    await w.look("organisations")
    for keys, where in ((("n",), "new organisation form"), (("i",), "import dialog")):
        await w.press(*keys)
        await w.look(where)
        await w.back_to("OrganisationsScreen")
    await w.press("enter")
    await w.look("organisation")
    # its form, and the forms of its contact persons: a new one, the one under the cursor
    # (where it has one), removing it
    for key, where in (("e", "organisation form"), ("k", "new contact person form"),
                       ("r", "contact person form"), ("x", "remove contact person")):
        await w.press(key)
        await w.look(where)
        await w.back_to("OrganisationScreen")
    await w.back_to("CollaborationsScreen")


async def walk_collaboration(w: Walk, collab_id: int, keys: set[str]) -> None:
    """Every tab of the collaboration, then the forms of ``keys`` (those it offers) and
    its findings towards the next stages; ``keys`` loses the keys whose forms were seen."""
    from textual.widgets import TabbedContent

    from samverkan_tui.screens.collaboration import TABS, CollaborationScreen
    from samverkan_tui.screens.findings import FindingsScreen

    app = w.app
    app.push_screen(CollaborationScreen(collab_id))
    await settle(w.pilot)
    screen = app.screen
    await w.look(f"collaboration {collab_id}, every tab")
    for tab in TABS[1:] if "tabs" in keys else ():  # each tab as the terminal shows it, once
        screen.query_one(TabbedContent).active = tab
        await w.look(f"collaboration {collab_id}, tab {tab}")
    keys.discard("tabs")
    if "question_mark" in keys:
        keys.discard("question_mark")
        await w.press("question_mark")
        await w.look(f"collaboration {collab_id}, help")
        await w.back_to("CollaborationScreen")
    for key in FORM_KEYS:
        binding = next(b for b in screen.BINDINGS if b.key == key)
        if key not in keys or not screen.check_action(binding.action, ()):
            continue
        keys.discard(key)
        for _i in range(2):  # a, r and x show their tab first
            await w.press(key)
            if app.screen is not screen:
                break
        if app.screen is screen:
            continue
        await w.look(f"collaboration {collab_id}, key {key}")
        if screen_name(app) == "ChooseScreen":
            await w.press("enter")
            await w.look(f"collaboration {collab_id}, key {key}, the first choice")
        await w.back_to("CollaborationScreen")
    stage = screen.data["collaboration"].stage
    for target in screen.data["next_stages"] if f"findings {stage}" in keys else ():
        keys.discard(f"findings {stage}")
        findings = [f for _s, _t, fs in app.services.check(collab_id, target) for f in fs]
        if findings:
            app.push_screen(FindingsScreen(findings, not any(f.blocking for f in findings)))
            await w.look(f"collaboration {collab_id} ({stage}), findings towards {target}")
            await w.back_to("CollaborationScreen")
    await w.back_to("CollaborationsScreen")


async def walk_reports(w: Walk, only: set[str] | None = None) -> None:
    """Every report (``only``: those with these keys) and each of its tables."""
    from textual.widgets import OptionList

    await w.press("r")
    await w.look("reports")
    options = w.app.screen.query_one(OptionList)
    for i in range(options.option_count):
        option = options.get_option_at_index(i)
        if option.disabled or option.id is None or (only is not None and option.id not in only):
            continue
        options.highlighted = i
        await w.press("enter")
        await w.look(f"report {i}")
        tables = len(getattr(w.app.screen, "tables", []) or [])
        for t in range(1, tables):
            await w.press("t")
            await w.look(f"report {i}, table {t + 1}")
        await w.press("enter")
        if screen_name(w.app) == "ReportRowScreen":
            await w.look(f"report {i}, a row")
        await w.back_to("ReportsScreen")
    await w.back_to("CollaborationsScreen")


async def walk_compare_and_audit(w: Walk) -> None:
    await w.press("j")
    await w.look("compare")
    await w.press("enter")
    await w.look("compare, a rule")
    await w.back_to("CollaborationsScreen")
    await w.press("l")
    await w.look("audit log")
    await w.press("f")
    await w.look("audit filter form")
    await w.back_to("AuditScreen")
    for _i in range(3):  # the newest events: a follow-up, a document, a transition
        await w.press("enter")
        await w.look("audit event")
        await w.back_to("AuditScreen")
        await w.press("down")
    await w.back_to("CollaborationsScreen")


def more_stages(s: Any, municipality: str, orgnr: Any) -> None:
    """Add what the demo lacks: every stage, a follow-up with its evaluation, a document,
    a correction, a conflict of interest."""
    from tuikit import decide, satisfy

    from samverkan.domain.errors import SamverkanError

    org = s.register_organisation("Föreningen Gångbro", orgnr(77))
    s.register_initiative("Ny idé", "iop", [org.id])
    prep = s.register_initiative("Under beredning", "informal", [org.id])
    s.advance(prep.id, "preparation")
    ended = s.register_initiative("Avslutad promenad", "informal", [org.id])
    s.advance(ended.id, "preparation")
    satisfy(s, ended.id, org.name)
    decide(s, ended.id)
    s.advance(ended.id, "active", confirm=True)
    s.end(ended.id, "Klart", kind="terminated", confirm=True)
    s.declare_conflict("Styrelseledamot", collaboration_id=prep.id)
    active = [r["id"] for r in s.collaborations(CollabQuery(stage="active", form="iop", limit=1))]
    if municipality == "linkoping":
        s.record_follow_up(active[0], "Första året", evaluation={
            "investment": 400_000, "years": 2, "outcomes": [
                {"name": "Deltagare i arbete", "quantity": 10, "proxy": 50_000, "deadweight": 0.2,
                 "attribution": 0.25, "displacement": 0.1, "drop_off": 0.5}]})
    else:
        s.record_follow_up(active[0], "Avstämning", participants={"kommunen": "Anna"})
    s.attach_document(active[0], "minutes", "Protokoll", reference="KS 2026/1")
    try:
        s.update_collaboration(prep.id, s.collaboration(prep.id).version, purpose="Ändrat syfte")
    except SamverkanError:  # pragma: no cover - a demo that changed
        pass


#: the forms whose fields come from the municipality's rules (checklist, decision body,
#: agreement sections, follow-up evaluation, record kinds): walked for each municipality;
#: the others are the same for every municipality, walked once
MUNICIPAL_KEYS = {"a", "b", "t", "u", "p"}


async def walk_everything(municipality: str, make_services: Any, orgnr: Any, tmp_path: Any,
                          monkeypatch: Any, every_form: bool = True) -> None:
    """Walk every screen of the Swedish interface on ``municipality``'s demo data (with
    ``every_form`` false, only the forms that depend on the municipality)."""
    from samverkan.services.demo import load_demo
    from samverkan_tui.app import SamverkanApp

    monkeypatch.chdir("/")  # the import dialog names the directory relative paths start from
    s = make_services(municipality, db=tmp_path / f"{municipality}.db")
    load_demo(s, municipality)
    more_stages(s, municipality, orgnr)
    rows = s.collaborations(CollabQuery(limit=200))
    app = SamverkanApp(settings_for(s), services=s)
    app.animation_level = "none"  # nothing to wait for between looks
    # each form once; the follow-up and record forms (the municipality's own fields) and
    # the findings once per collaboration form and stage
    stages = {row["stage"] for row in rows}
    seen: set[tuple[str, str]] = set()
    forms_to_see = set(FORM_KEYS) if every_form else MUNICIPAL_KEYS
    keys = {*forms_to_see, "question_mark", "tabs", *(f"findings {stage}" for stage in stages - FINAL)}
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        w = Walk(pilot, municipality)
        await walk_home(w)
        await walk_organisations(w)
        forms: set[str] = set()
        for row in rows:
            if (row["form"], row["stage"]) in seen:  # one of each form at each stage
                continue
            seen.add((row["form"], row["stage"]))
            if row["form"] not in forms:
                forms.add(row["form"])
                keys |= {"u", "p"} & forms_to_see
            await walk_collaboration(w, row["id"], keys)
        # the core's reports are every municipality's: walked with every form
        await walk_reports(w, None if every_form else set(s.view.reports()))
        await walk_compare_and_audit(w)
    assert stages == {"initiative", "preparation", "decided", "declined", "agreement", "active", "ended"} or \
        municipality == "linkoping"
    assert keys <= {"u", "p", "b", "t", "s"} and w.seen > 30
    assert not w.found, "internal values shown:\n" + "\n".join(f"  {k!r}: {v}" for k, v in sorted(w.found.items()))


def test_every_binding_of_textual_s_widgets_has_swedish_words():
    """The footer, the help and the palette list the bindings of Textual's own widgets too
    (a table's cursor, a list's paging): each of them, in every widget the interface uses,
    is in ``WIDGET_TEXTS``."""
    import importlib
    import pkgutil

    from textual.binding import Binding
    from textual.command import CommandInput, CommandList
    from textual.dom import DOMNode
    from textual.widgets import ContentSwitcher, Tabs
    from textual.widgets._select import SelectOverlay

    import samverkan_tui
    from samverkan_tui.screens.base import WIDGET_TEXTS

    used: set[type] = {SelectOverlay, CommandInput, CommandList, Tabs, ContentSwitcher}
    for module in pkgutil.walk_packages(samverkan_tui.__path__, "samverkan_tui."):
        if module.name.endswith("__main__"):
            continue
        for value in vars(importlib.import_module(module.name)).values():
            if isinstance(value, type) and issubclass(value, DOMNode):
                used |= {c for c in value.__mro__ if c.__module__.startswith("textual")}
    missing = set()
    for cls in used:
        for b in getattr(cls, "BINDINGS", ()):
            description = b.description if isinstance(b, Binding) else (b[2] if len(b) > 2 else "")
            if description and description not in WIDGET_TEXTS:
                missing.add((cls.__name__, description))
    assert not missing, f"add to screens/base.py WIDGET_TEXTS: {sorted(missing)}"


async def test_no_screen_of_stockholm_s_interface_shows_an_internal_value(make_services, orgnr, tmp_path,
                                                                        monkeypatch):
    """(Linköping's walk is in test_no_internal_values_linkoping.py, so both run at once.)"""
    await walk_everything("stockholm", make_services, orgnr, tmp_path, monkeypatch)
