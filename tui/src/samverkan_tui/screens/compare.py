"""Two municipalities' rules side by side, topic by topic (``samverkan.plugin.compare``).

Any two installed municipality plugins can be compared, whether or not one of them is
this database's municipality, optionally for one collaboration form. At 80x24 the cells
are cut to one line; enter opens the full rule texts with their sources. Plugin text
is always shown literally.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Label, Static

from samverkan.domain.model import FORM_KEYS
from samverkan.plugin.compare import Comparison, Row, Side
from samverkan_tui import labels
from samverkan_tui.i18n import N_, _
from samverkan_tui.screens.base import BaseModal, BaseScreen
from samverkan_tui.widgets.facts import facts, heading, join
from samverkan_tui.widgets.header import AppHeader

STATUS_LABELS = {
    "same": N_("samma"),
    "different": N_("olika"),
    "only_a": N_("bara A"),
    "only_b": N_("bara B"),
    "neither": N_("ingen"),
}
# Differences stand out; agreement and silence recede. The words carry the meaning too.
STATUS_STYLES = {
    "same": "dim",
    "different": "bold reverse red",
    "only_a": "bold yellow",
    "only_b": "bold yellow",
    "neither": "dim",
}
NOT_REGULATED = N_("(regleras inte)")
TOPIC_WIDTH = 18
SIDE_WIDTH = 20
CHOOSE_GROUP = Binding.Group(N_("Byt A/B"), compact=True)  # one footer entry for a and b
ALL_FORMS = "*"  # the choice "every form" (no form key)


def status_text(status: str) -> Text:
    """The status cell: a translated word, styled so differences stand out."""
    return Text(_(STATUS_LABELS.get(status, status)), style=STATUS_STYLES.get(status, ""))


def side_cell(side: Side) -> Text:
    """One side's rule text on one line (cut by the column), or 'not regulated'."""
    if not side.regulated:
        return Text(_(NOT_REGULATED), style="italic dim", no_wrap=True, overflow="ellipsis")
    return Text(" ".join(side.text.split()), no_wrap=True, overflow="ellipsis")


def value_text(value: Any) -> str:
    """A normalised value as the detail shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value)
    return str(value)


class CompareScreen(BaseScreen):
    """A table by topic: status, A's rule and B's rule; differences highlighted."""

    area = N_("Jämförelse")
    AUTO_FOCUS = "#compare-table"
    BINDINGS = [
        Binding("escape", "back", N_("Tillbaka"), id="compare.back", tooltip=N_("Tillbaka till förra skärmen")),
        Binding("enter", "open", N_("Regeltext"), id="compare.open", show=False,
                tooltip=N_("Visa hela regeltexten med källor för ämnet under markören")),
        Binding("d", "differences", N_("Skillnader"), id="compare.differences",
                tooltip=N_("Visa bara ämnen där kommunerna skiljer sig (växla)")),
        Binding("k", "open", N_("Källa"), id="compare.source",
                tooltip=N_("Visa hela regeltexten med källor för ämnet under markören")),
        Binding("a", "choose_a", N_("Byt A"), id="compare.choose_a", tooltip=N_("Välj kommun A"),
                group=CHOOSE_GROUP),
        Binding("b", "choose_b", N_("Byt B"), id="compare.choose_b", tooltip=N_("Välj kommun B"),
                group=CHOOSE_GROUP),
        Binding("f", "choose_form", N_("Form"), id="compare.form", show=False,
                tooltip=N_("Jämför bara regler för en samverkansform")),
        Binding("x", "swap", N_("Byt plats"), id="compare.swap", show=False,
                tooltip=N_("Byt plats på kommun A och B")),
    ]

    def __init__(self, a: str | None = None, b: str | None = None, form: str | None = None) -> None:
        super().__init__()
        self.a, self.b = a or "", b or ""
        self.form = form or None
        self.only_differences = False
        self.comparison: Comparison | None = None
        self.shown: list[Row] = []

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Jämför kommuner"))
        yield Label("", id="status")
        table = DataTable(id="compare-table", cursor_type="row", zebra_stripes=True)
        table.add_column(_("Ämne"), key="topic", width=TOPIC_WIDTH)
        status_width = max(len(_(label)) for label in STATUS_LABELS.values())
        table.add_column(_("Status"), key="status", width=status_width)
        table.add_column("A", key="a", width=SIDE_WIDTH)
        table.add_column("B", key="b", width=SIDE_WIDTH)
        yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        keys = list(self.services.installed_municipalities())
        active = self.services.municipality_key
        if not self.a:  # the active municipality, else the first installed
            self.a = active if active in keys else (keys[0] if keys else "")
        if not self.b:  # another one where there is one
            self.b = next((k for k in keys if k != self.a), self.a)
        self.refresh_comparison()

    def on_resize(self) -> None:
        self.show()

    def fit_columns(self) -> None:
        """Give the two rule columns whatever width the terminal has beyond the rest."""
        table = self.table
        fixed = sum(c.width + 2 for key, c in table.columns.items() if key.value in ("topic", "status"))
        side = max(SIDE_WIDTH // 2, (self.size.width - 2 - fixed) // 2 - 2)
        for key in ("a", "b"):
            column = table.columns[key]  # type: ignore[index]
            column.width, column.auto_width = side, False

    @property
    def table(self) -> DataTable:
        return self.query_one("#compare-table", DataTable)

    # -- content --------------------------------------------------------------

    def refresh_comparison(self) -> None:
        """Compare the chosen municipalities again (the plugins' rules only: no database)."""
        if not self.a or not self.b:
            self.query_one("#status", Label).update(Text(_("Inga kommunplugin är installerade.")))
            return
        self.comparison = self.services.compare_municipalities(self.a, self.b, self.form)
        self.show()

    def show(self) -> None:
        """Fill the table from the comparison (all rows or only the differences)."""
        comparison = self.comparison
        if comparison is None:
            return
        table = self.table
        keep = table.cursor_row
        current = self.shown[keep].topic.key if 0 <= keep < len(self.shown) else None
        self.shown = comparison.differences() if self.only_differences else list(comparison.rows)
        table.columns["a"].label = Text("A: " + comparison.name_a)  # type: ignore[index]
        table.columns["b"].label = Text("B: " + comparison.name_b)  # type: ignore[index]
        table.clear()
        self.fit_columns()
        for row in self.shown:
            table.add_row(Text(row.topic.label, no_wrap=True, overflow="ellipsis"), status_text(row.status),
                          side_cell(row.a), side_cell(row.b), key=row.topic.key)
        keys = [r.topic.key for r in self.shown]
        if current in keys:
            table.move_cursor(row=keys.index(current))
        self.update_status()

    def update_status(self) -> None:
        comparison = self.comparison
        assert comparison is not None
        count = len(comparison.differences())
        parts = [
            _("Form (f)") + ": " + (labels.form(comparison.form) if comparison.form else _("alla former")),
            _("{n} av {total} ämnen skiljer sig").format(n=count, total=len(comparison.rows)),
        ]
        if self.only_differences:
            parts.append(_("bara skillnader"))
        self.query_one("#status", Label).update(Text(" · ".join(parts), no_wrap=True, overflow="ellipsis"))

    def current_row(self) -> Row | None:
        row = self.table.cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    # -- actions --------------------------------------------------------------

    @on(DataTable.RowSelected, "#compare-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        row = self.current_row()
        if row is not None and self.comparison is not None:
            self.app.push_screen(RuleScreen(row, self.comparison))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_differences(self) -> None:
        self.only_differences = not self.only_differences
        self.show()

    def action_swap(self) -> None:
        self.a, self.b = self.b, self.a
        self.refresh_comparison()

    def _municipality_options(self) -> list[tuple[str, str]]:
        return [(f"{m.name} ({key})", key) for key, m in self.services.installed_municipalities().items()]

    def action_choose_a(self) -> None:
        self._choose(_("Kommun A"), self._municipality_options(), self.a, "a")

    def action_choose_b(self) -> None:
        self._choose(_("Kommun B"), self._municipality_options(), self.b, "b")

    def action_choose_form(self) -> None:
        options = [(_("Alla former"), ALL_FORMS)] + [(labels.form(k), k) for k in FORM_KEYS]
        self._choose(_("Samverkansform"), options, self.form or ALL_FORMS, "form")

    def _choose(self, title: str, options: list[tuple[str, str]], current: str, attr: str) -> None:
        from samverkan_tui.screens.choose import ChooseScreen

        def chosen(value: str | None) -> None:
            if value is None:
                return
            if attr == "form":
                self.form = None if value == ALL_FORMS else value
            else:
                setattr(self, attr, value)
            self.refresh_comparison()

        self.app.push_screen(ChooseScreen(title, options, current), chosen)


class RuleScreen(BaseModal[None]):
    """One topic in full: the explanation, then each side's text, value and source."""

    BINDINGS = [Binding("escape,enter", "close", N_("Stäng"), id="rule.close", tooltip=N_("Tillbaka till tabellen"))]

    def __init__(self, row: Row, comparison: Comparison) -> None:
        super().__init__()
        self.row = row
        self.comparison = comparison

    def compose(self) -> ComposeResult:
        row, c = self.row, self.comparison
        title = Text(f"{row.topic.label}: ")
        title.append_text(status_text(row.status))
        with Vertical(id="rule-box"):
            yield Label(title, id="rule-title")
            with VerticalScroll(id="rule-scroll"):
                yield Static(join(Text(row.topic.explanation, style="italic"),
                                  self.side(f"A: {c.name_a}", row.a), self.side(f"B: {c.name_b}", row.b)),
                             id="rule-text")
            yield Label(Text(_("↑↓ rullar · esc stänger")), id="rule-hint")

    @staticmethod
    def side(name: str, side: Side) -> Text:
        """A side: heading, then the rule text, value and source (or 'not regulated')."""
        out = heading(name)
        out.append("\n")
        if not side.regulated:
            out.append(_(NOT_REGULATED), style="italic")
            return out
        out.append(side.text)
        out.append("\n")
        rows = [(_("Värde"), value_text(side.value))]
        if side.level:
            rows.append((_("Nivå"), labels.level(side.level)))
        rows.append((_("Källa"), side.source))
        rows += [(_("Citat"), f"»{quote}«") for quote in side.quotes]
        out.append_text(facts(rows, width=8))
        return out

    def on_mount(self) -> None:
        self.query_one("#rule-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
