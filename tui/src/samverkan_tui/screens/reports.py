"""The municipality's reports: a list, then one report built in a worker and shown as tables.

A report (:class:`samverkan.domain.rules.Report`) is built through the services in a thread
worker while a loading indicator and a "building …" status show; the result
(:class:`samverkan.domain.rules.ReportTable`) is shown one table at a time — the main table,
then each section (``t`` switches) — with its totals row and notes. Numbers are
formatted as the CLI formats them (``6 300 926``, ``58.25``); every text is literal.
At 80x24 the cells are cut to one line; the first column stays while scrolling
sideways, and enter shows the whole row.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Label, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

from samverkan.domain.rules import Report, ReportTable
from samverkan_tui import labels
from samverkan_tui.i18n import N_, _, core_text
from samverkan_tui.screens.base import BaseModal, BaseScreen
from samverkan_tui.screens.form import Field, FormScreen
from samverkan_tui.widgets.facts import facts
from samverkan_tui.widgets.header import AppHeader

TOTALS_KEY = "__totals__"
FIRST_WIDTH = 22  # the row's name, kept in view while scrolling sideways
TEXT_WIDTH = 20  # other text columns are cut here; enter shows the whole row
NUMBER_WIDTH = 13  # a figures column is as wide as its figures, or this to fit its heading
HEADER_LINES = 3  # headings wrap onto up to this many lines
# Totals a report gives under a key that is not one of its columns.
TOTAL_LABELS = {"count": N_("Antal")}


def cell_text(value: Any) -> str:
    """A value as the CLI prints it: ints with space thousands separators, decimals with two."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    if isinstance(value, float | Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


def is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def numeric_columns(table: ReportTable) -> set[str]:
    """Columns whose every filled value (rows and totals) is a number: right-aligned."""
    out = set()
    for key, _heading in table.columns:
        values = [r.get(key) for r in [*table.rows, table.totals]]
        values = [v for v in values if v not in (None, "")]
        if values and all(is_number(v) for v in values):
            out.add(key)
    return out


def heading_lines(heading: str, width: int) -> list[str]:
    """The heading wrapped at ``width`` as the table header shows it."""
    return textwrap.wrap(heading, width, break_long_words=True) or [""]


def fit(heading: str, least: int, most: int) -> int:
    """The narrowest width from ``least`` that shows ``heading`` in HEADER_LINES lines (at most ``most``)."""
    least = max(1, min(least, most))
    for width in range(least, most + 1):
        if len(textwrap.wrap(heading, width, break_long_words=False)) <= HEADER_LINES and \
                all(len(word) <= width for word in heading.split()):
            return width
    return most


def localised(table: ReportTable) -> ReportTable:
    """``table`` with the core's texts in the interface language (its audit reports speak
    through the core's message catalogue; a plugin's texts and data pass as they are),
    and a stable key in a column named for it (a stage under ``stage``, a form under
    ``form``) by its label."""
    def text(value: Any) -> Any:
        return core_text(value) if isinstance(value, str) else value

    def cell(key: str, value: Any) -> Any:
        value = text(value)
        table_ = labels.VALUES.get(key)
        return _(table_[value]) if table_ and isinstance(value, str) and value in table_ else value

    return ReportTable(
        text(table.title), [(k, text(h)) for k, h in table.columns],
        [{k: cell(k, v) for k, v in row.items()} for row in table.rows],
        totals={k: text(v) for k, v in table.totals.items()}, notes=[text(n) for n in table.notes],
        sections=[localised(s) for s in table.sections])


def column_widths(table: ReportTable) -> dict[str, int]:
    """A width per column: figures in full, headings wrapped, long texts cut (80 columns show the figures)."""
    numbers = numeric_columns(table)
    widths = {}
    for i, (key, heading) in enumerate(table.columns):
        content = max((len(cell_text(r.get(key))) for r in [*table.rows, table.totals]), default=0)
        if key in numbers:
            widths[key] = fit(heading, content, max(content, NUMBER_WIDTH))
        else:
            widths[key] = fit(heading, content, FIRST_WIDTH if i == 0 else TEXT_WIDTH)
    return widths


def header_height(table: ReportTable, widths: dict[str, int]) -> int:
    return min(HEADER_LINES, max((len(heading_lines(h, widths[k])) for k, h in table.columns), default=1))


def display_order(table: ReportTable) -> tuple[list[tuple[str, str]], int]:
    """The columns as the TUI shows them, and how many stay in view while scrolling.

    The leading columns up to the first text column (the row's name, with an id before it)
    stay; the figures come right after them, so that 80 columns show the name with its
    numbers; the other text columns follow in the report's order (enter shows them all).
    """
    numbers = numeric_columns(table)
    lead = next((i + 1 for i, (key, _h) in enumerate(table.columns) if key not in numbers), len(table.columns))
    head, rest = table.columns[:lead], table.columns[lead:]
    return [*head, *(c for c in rest if c[0] in numbers), *(c for c in rest if c[0] not in numbers)], lead


def extra_totals(table: ReportTable) -> list[str]:
    """Totals under keys that are not columns (e.g. a count), as "label: value"."""
    keys = {k for k, _h in table.columns}
    return [f"{_(TOTAL_LABELS.get(k, k))}: {cell_text(v)}" for k, v in table.totals.items() if k not in keys]


def has_totals_row(table: ReportTable) -> bool:
    keys = {k for k, _h in table.columns}
    return any(k in keys and v not in (None, "") for k, v in table.totals.items())


class ReportsScreen(BaseScreen):
    """The reports the active municipality's plugins offer (title and description)."""

    area = N_("Rapporter")
    AUTO_FOCUS = "#report-list"
    BINDINGS = [
        Binding("escape", "back", N_("Tillbaka"), id="reports.back", tooltip=N_("Tillbaka till förra skärmen")),
        Binding("enter", "open", N_("Bygg rapporten"), id="reports.open",
                tooltip=N_("Bygg och visa den markerade rapporten")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.reports: dict[str, Report] = {}

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Rapporter"))
        yield Label("", id="status")
        yield OptionList(id="report-list")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        services = self.services

        def work() -> tuple[str, dict[str, Report]]:
            municipality = services.municipality()
            return (municipality.name if municipality else ""), services.reports()

        self.run_db(work, self.show)

    def show(self, result: tuple[str, dict[str, Report]]) -> None:
        name, self.reports = result
        options = self.query_one("#report-list", OptionList)
        options.clear_options()
        for i, (key, report) in enumerate(self.reports.items()):
            if i:
                options.add_option(None)  # a separator line between reports
            prompt = Text(core_text(report.title), style="bold")
            if report.description:
                prompt.append("\n")
                prompt.append(" ".join(core_text(report.description).split()), style="dim")
            options.add_option(Option(prompt, id=key))
        status = self.query_one("#status", Label)
        if self.reports:
            options.highlighted = 0
            status.update(Text(_("Rapporter för {name}: {n} · enter bygger den markerade").format(
                n=len(self.reports), name=name), no_wrap=True, overflow="ellipsis"))
        else:
            options.display = False
            status.update(Text(_("{name} har inga rapporter.").format(name=name)))

    @on(OptionList.OptionSelected, "#report-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.open(event.option.id)

    def action_open(self) -> None:
        options = self.query_one("#report-list", OptionList)
        if options.highlighted is not None and self.reports:
            self.open(options.get_option_at_index(options.highlighted).id)

    def open(self, key: str | None) -> None:
        report = self.reports.get(key or "")
        if report is not None:
            self.app.push_screen(ReportScreen(report))

    def action_back(self) -> None:
        self.app.pop_screen()


class ReportScreen(BaseScreen):
    """One report: built in a worker (with a loading indicator), then its tables one at a time."""

    area = N_("Rapport")
    BINDINGS = [
        Binding("escape", "back", N_("Tillbaka"), id="report.back", tooltip=N_("Tillbaka till rapportlistan")),
        Binding("t", "next_table", N_("Nästa tabell"), id="report.next_table",
                tooltip=N_("Visa rapportens nästa tabell (huvudtabellen och dess avsnitt)")),
        Binding("T", "previous_table", N_("Föregående tabell"), id="report.previous_table", show=False,
                tooltip=N_("Visa rapportens föregående tabell")),
        Binding("n", "notes", N_("Noter"), id="report.notes",
                tooltip=N_("Visa tabellens noter i hela fönstret (växla)")),
        Binding("enter", "row", N_("Hela raden"), id="report.row", show=False,
                tooltip=N_("Visa alla värden i raden under markören")),
        Binding("e", "export", N_("Spara som fil"), id="report.export",
                tooltip=N_("Spara rapporten som Excel, PDF eller CSV (formatet följer filändelsen)")),
    ]

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report
        self.tables: list[ReportTable] = []
        self.current = 0
        self.building = False

    def compose(self) -> ComposeResult:
        yield AppHeader(core_text(self.report.title))
        yield Label("", id="status")
        yield LoadingIndicator(id="report-loading")
        yield Vertical(id="report-body")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.build()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Switching tables needs more than one; notes need some (hidden from the footer otherwise)."""
        if action in ("next_table", "previous_table"):
            return len(self.tables) > 1
        if action == "notes":
            return bool(self.tables) and bool(self.tables[self.current].notes)
        if action in ("row", "export"):
            return bool(self.tables)
        return True

    def build(self) -> None:
        """Build the report in a thread worker; the loading indicator shows meanwhile."""
        self.building = True
        self.query_one("#report-loading").display = True
        self.set_status(_("Bygger rapporten {name} …").format(name=core_text(self.report.title)))
        services, key = self.services, self.report.key
        self.run_db(lambda: services.report(key), self.built, self.failed, group="report", exclusive=True)

    def set_status(self, text: str) -> None:
        self.query_one("#status", Label).update(Text(text, no_wrap=True, overflow="ellipsis"))

    def _done_building(self) -> None:
        self.building = False
        self.query_one("#report-loading").display = False

    def failed(self, exc: Exception) -> None:
        if not self.is_attached:  # left before the build finished
            return
        self._done_building()
        self.set_status(_("Rapporten kunde inte byggas: {error}").format(error=core_text(exc)))
        self.app.show_error(exc)

    def built(self, table: ReportTable) -> None:
        if not self.is_attached:  # left before the build finished
            return
        self._done_building()
        table = localised(table)
        self.tables = [table, *table.sections]
        body = self.query_one("#report-body", Vertical)
        body.mount_all(self.part(i, t) for i, t in enumerate(self.tables))
        self.call_after_refresh(self.show_table, 0)

    def part(self, index: int, table: ReportTable) -> Vertical:
        """One table of the report: the DataTable (rows, then totals) and its notes."""
        widths = column_widths(table)
        numbers = numeric_columns(table)
        columns, lead = display_order(table)
        data = DataTable(id=f"report-table-{index}", classes="report-table", cursor_type="row",
                         zebra_stripes=True, fixed_columns=lead,
                         header_height=header_height(table, widths))
        for key, heading in columns:
            data.add_column(Text(heading, overflow="ellipsis", justify="right" if key in numbers else "left"),
                            key=key, width=widths[key])

        def cells(row: dict[str, Any], style: str = "") -> list[Text]:
            return [Text(cell_text(row.get(key)), style=style, no_wrap=True, overflow="ellipsis",
                         justify="right" if key in numbers else "left") for key, _h in columns]

        for i, row in enumerate(table.rows):
            data.add_row(*cells(row), key=str(i))
        if has_totals_row(table):
            data.add_row(*cells(table.totals, "bold"), key=TOTALS_KEY)
        notes = VerticalScroll(Static(Text("\n".join(f"• {n}" for n in table.notes)), classes="report-notes-text"),
                               id=f"report-notes-{index}", classes="report-notes")
        notes.display = bool(table.notes)
        notes.can_focus = True
        part = Vertical(data, notes, id=f"report-part-{index}", classes="report-part")
        part.display = index == 0
        return part

    # -- showing ----------------------------------------------------------------

    def show_table(self, index: int) -> None:
        """Show table ``index`` (0: the main table, then the sections)."""
        if not self.tables:
            return
        self.current = index % len(self.tables)
        for i in range(len(self.tables)):
            self.query_one(f"#report-part-{i}").display = i == self.current
        self.remove_class("-notes")
        self.refresh_bindings()
        table = self.tables[self.current]
        self.query_one(f"#report-table-{self.current}", DataTable).focus()
        parts = [table.title or core_text(self.report.title)]
        if len(self.tables) > 1:
            parts.append(_("tabell {i} av {n} (t byter)").format(i=self.current + 1, n=len(self.tables)))
        parts.append(_("rader: {n}").format(n=len(table.rows)))
        parts += extra_totals(table)
        self.set_status(" · ".join(parts))

    def action_next_table(self) -> None:
        self.show_table(self.current + 1)

    def action_previous_table(self) -> None:
        self.show_table(self.current - 1)

    def action_notes(self) -> None:
        if not self.tables or not self.tables[self.current].notes:
            return
        self.toggle_class("-notes")
        if self.has_class("-notes"):
            self.query_one(f"#report-notes-{self.current}").focus()
        else:
            self.query_one(f"#report-table-{self.current}", DataTable).focus()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_row()

    def action_row(self) -> None:
        if not self.tables or self.has_class("-notes"):
            return
        table = self.tables[self.current]
        data = self.query_one(f"#report-table-{self.current}", DataTable)
        if data.row_count == 0:
            return
        key = data.coordinate_to_cell_key((data.cursor_row, 0)).row_key.value
        row = table.totals if key == TOTALS_KEY else table.rows[int(key or 0)]
        self.app.push_screen(ReportRowScreen(table, row))

    def action_export(self) -> None:
        """Ask for a file name, then write the report there in a worker (see :func:`export_form`)."""
        if self.tables:
            self.app.push_screen(export_form(self.services, self.report.key), self._exported)

    def _exported(self, written: list[Any] | None) -> None:
        if written:
            self.notify(_("Sparad: {files}").format(files=", ".join(str(p) for p in written)),
                        title=_("Rapporten är sparad"), markup=False)

    def action_back(self) -> None:
        self.app.pop_screen()


def export_form(services: Any, key: str) -> FormScreen:
    """A form asking where to save the report ``key``; saving writes the file (the format
    follows the suffix: .xlsx, .pdf or .csv; CSV for Excel with semicolons is a choice)."""
    default = f"~/{key}-{services.today.isoformat()}.xlsx"
    fields = [
        Field("path", _("Fil"), required=True, value=default,
              placeholder=_("Sökväg på den dator där samverkan körs; .xlsx, .pdf eller .csv")),
        Field("excel_csv", _("CSV för Excel (semikolon, decimalkomma)"), "bool"),
    ]

    def submit(values: dict[str, Any], confirm: bool) -> Any:
        path = values["path"]
        fmt = "csv-excel" if values["excel_csv"] and str(path).lower().endswith(".csv") else None
        return services.export_report(key, path, fmt, text=core_text)

    return FormScreen(_("Spara rapporten som fil"), fields, submit,
                      intro=_("Excel: ett blad per tabell. PDF: för diariet, med granskningsloggens "
                              "senaste hash. CSV: en fil per tabell."))


class ReportRowScreen(BaseModal[None]):
    """One row of a report with every column's heading and the whole value."""

    BINDINGS = [Binding("escape,enter", "close", N_("Stäng"), id="report_row.close",
                        tooltip=N_("Tillbaka till tabellen"))]

    def __init__(self, table: ReportTable, row: dict[str, Any]) -> None:
        super().__init__()
        self.table = table
        self.row = row

    def compose(self) -> ComposeResult:
        width = min(34, max((len(h) for _k, h in self.table.columns), default=8) + 2)
        with Vertical(id="report-row-box"):
            yield Label(Text(self.table.title), id="report-row-title")
            with VerticalScroll(id="report-row-scroll"):
                yield Static(facts([(h, cell_text(self.row.get(k))) for k, h in self.table.columns], width=width),
                             id="report-row-text")
            yield Label(Text(_("↑↓ rullar · esc stänger")), id="report-row-hint")

    def on_mount(self) -> None:
        self.query_one("#report-row-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
