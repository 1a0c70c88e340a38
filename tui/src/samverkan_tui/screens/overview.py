"""The portfolio at a glance: what a manager opens first (``v`` from the home screen).

Every figure comes from SQL aggregates through ``services.overview()`` (one worker
call, no rows loaded): collaborations per form and stage, per unit, registered and
started per year, the yearly money per form of what runs now, overdue and soon-due
follow-ups, and how many wait for a decision. The counts per form and the money are
drawn as bars and the years as a sparkline; every figure is also in a table below.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Label, Sparkline, Static

from samverkan_tui import labels
from samverkan_tui.i18n import N_, _
from samverkan_tui.screens.base import BaseScreen
from samverkan_tui.widgets.header import AppHeader

#: stages as the table's columns, in the lifecycle's order
STAGE_ORDER = ("initiative", "preparation", "decided", "declined", "agreement", "active", "ended")
BAR_WIDTH = 30


def kronor(amount: int | None) -> str:
    """``1234567`` as ``1 234 567`` (kronor, Swedish grouping)."""
    return f"{amount or 0:,}".replace(",", " ")


def bars(items: list[tuple[str, int]], width: int = BAR_WIDTH) -> Text:
    """Horizontal bars, one line per (label, value), scaled to the largest value."""
    top = max((v for _l, v in items), default=0) or 1
    label_width = min(28, max((len(label) for label, _v in items), default=0))
    out = Text()
    for i, (label, value) in enumerate(items):
        if i:
            out.append("\n")
        out.append(f"{label[:label_width]:<{label_width}} ")
        out.append("█" * max(1 if value else 0, round(value * width / top)), style="bold")
        out.append(f" {kronor(value)}")
    return out


def per_form(figures: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Counts as {form: {stage: n}} from the aggregate rows."""
    table: dict[str, dict[str, int]] = {}
    for row in figures["form_stage"]:
        table.setdefault(row["form"], {})[row["stage"]] = row["n"]
    return table


class OverviewScreen(BaseScreen):
    """Counts, money and deadlines of the whole portfolio, as bars and tables."""

    area = N_("Översikt")
    BINDINGS = [
        Binding("escape", "back", N_("Tillbaka"), id="overview.back", tooltip=N_("Tillbaka till listan")),
        Binding("x", "overdue", N_("Försenade"), id="overview.overdue",
                tooltip=N_("Visa samverkan vars uppföljning är försenad")),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Översikt"))
        yield Label("", id="status")
        with VerticalScroll(id="overview-body"):
            yield Static("", id="overview-deadlines")
            yield Label(_("Antal per form"), classes="overview-heading")
            yield Static("", id="overview-form-bars")
            yield Label(_("Pengar per år i pågående samverkan, per form (kommunen + övriga parter)"),
                        classes="overview-heading")
            yield Static("", id="overview-money-bars")
            yield Label(_("Registrerade per år"), classes="overview-heading")
            yield Sparkline([], id="overview-years")
            yield Static("", id="overview-years-text")
            yield Label(_("Per form och steg"), classes="overview-heading")
            yield DataTable(id="overview-form-stage", cursor_type="row", zebra_stripes=True)
            yield Label(_("Pengar per form"), classes="overview-heading")
            yield DataTable(id="overview-money", cursor_type="row", zebra_stripes=True)
            yield Label(_("Per enhet"), classes="overview-heading")
            yield DataTable(id="overview-units", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#status", Label).update(_("Räknar …"))
        services = self.services
        self.run_db(services.overview, self.show)

    def show(self, figures: dict[str, Any]) -> None:
        """Fill the bars and the tables from ``figures`` (``services.overview()``)."""
        self.figures = figures
        counts = per_form(figures)
        total = sum(sum(stages.values()) for stages in counts.values())
        self.query_one("#status", Label).update(Text(
            _("{n} samverkan · {active} aktiva").format(
                n=kronor(total), active=kronor(sum(s.get("active", 0) for s in counts.values()))),
            no_wrap=True, overflow="ellipsis"))
        self.query_one("#overview-deadlines", Static).update(Text(_(
            "Försenade uppföljningar: {overdue} · inom 30 dagar: {soon} · väntar på beslut: {waiting}").format(
            overdue=figures["overdue"], soon=figures["due_soon"], waiting=figures["awaiting_decision"])))
        self.query_one("#overview-form-bars", Static).update(
            bars([(labels.form(f), sum(s.values())) for f, s in counts.items()]))
        money = figures["money"]
        self.query_one("#overview-money-bars", Static).update(
            bars([(labels.form(r["form"]), (r["municipality"] or 0) + (r["partners"] or 0)) for r in money]))
        registered = {r["year"]: r["n"] for r in figures["year"]}
        started = {r["year"]: r["n"] for r in figures["started"]}
        years = sorted(set(registered) | set(started))
        self.query_one("#overview-years", Sparkline).data = [registered.get(y, 0) for y in years] or [0]
        self.query_one("#overview-years-text", Static).update(Text("  ".join(
            _("{year}: {n} registrerade, {m} avtal startade").format(
                year=y, n=registered.get(y, 0), m=started.get(y, 0)) for y in years)))
        self._fill(counts, money, figures["unit"])

    def _fill(self, counts: dict[str, dict[str, int]], money: list[dict[str, Any]],
              units: list[dict[str, Any]]) -> None:
        grid = self.query_one("#overview-form-stage", DataTable)
        grid.clear(columns=True)
        grid.add_columns(_("Form"), *(labels.stage(s) for s in STAGE_ORDER), _("Summa"))
        for form, stages in counts.items():
            grid.add_row(labels.form(form), *(str(stages.get(s, 0)) for s in STAGE_ORDER),
                         str(sum(stages.values())), key=form)
        cash = self.query_one("#overview-money", DataTable)
        cash.clear(columns=True)
        cash.add_columns(_("Form"), _("Kommunen (kr/år)"), _("Övriga parter (kr/år)"))
        for r in money:
            cash.add_row(labels.form(r["form"]), kronor(r["municipality"]), kronor(r["partners"]), key=r["form"])
        per_unit = self.query_one("#overview-units", DataTable)
        per_unit.clear(columns=True)
        per_unit.add_columns(_("Enhet"), _("Antal"), _("Aktiva"))
        for r in units:
            per_unit.add_row(r["unit"], str(r["n"]), str(r["active"] or 0), key=r["unit"])

    def action_overdue(self) -> None:
        self.app.pop_screen()
        self.app.screen.action_overdue()

    def action_back(self) -> None:
        self.app.pop_screen()
