"""Home: the collaborations, paged through SQL, searchable (FTS5), sortable and filterable."""

from __future__ import annotations

import dataclasses

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Input

from samverkan.domain.query import CollabQuery
from samverkan_tui import labels
from samverkan_tui.i18n import N_, _
from samverkan_tui.messages import OpenCollaboration, PageRequested
from samverkan_tui.screens.base import BaseScreen
from samverkan_tui.widgets.header import AppHeader
from samverkan_tui.widgets.paged_table import PagedTable
from samverkan_tui.widgets.status_line import StatusLine

COLUMNS = (
    ("id", N_("Nr"), 4),
    ("title", N_("Titel"), 14),
    ("stage", N_("Steg"), 9),
    ("form", N_("Form"), 9),
    ("organisation", N_("Organisation"), 11),
    ("unit", N_("Enhet"), 7),
    ("next_follow_up", N_("Uppföljn."), 10),
)
SHORT_FORMS = {
    "informal": N_("Informell"), "grant": N_("Bidrag"), "procurement": N_("Upphandl."),
    "iop": "IOP", "external": N_("Extern"), "employer": N_("Arbetsg."),
}


class CollaborationsScreen(BaseScreen):
    """The list every officer starts from."""

    area = N_("Samverkan")
    AUTO_FOCUS = "#collabs"
    BINDINGS = [
        Binding("enter", "open", N_("Öppna"), id="collabs.open", show=False,
                tooltip=N_("Visa samverkan under markören")),
        Binding("n", "new", N_("Ny"), id="collabs.new", tooltip=N_("Registrera en ny samverkan")),
        Binding("slash", "search", N_("Sök"), id="collabs.search", tooltip=N_("Sök i fritext")),
        Binding("f", "filter", N_("Filter"), id="collabs.filter",
                tooltip=N_("Filtrera på steg, form, enhet och försenad uppföljning")),
        Binding("s", "sort", N_("Sortera"), id="collabs.sort", show=False, tooltip=N_("Byt sorteringskolumn")),
        Binding("S", "reverse", N_("Vänd"), id="collabs.reverse", show=False,
                tooltip=N_("Vänd sorteringsordningen")),
        Binding("x", "overdue", N_("Försenade"), id="collabs.overdue", show=False,
                tooltip=N_("Visa bara försenade uppföljningar")),
        Binding("right_square_bracket", "next_page", N_("Nästa sida"), id="collabs.next_page",
                show=False),
        Binding("left_square_bracket", "previous_page", N_("Föregående sida"),
                id="collabs.previous_page", show=False),
        Binding("o", "app.goto('organisations')", N_("Organisationer"), id="collabs.organisations",
                tooltip=N_("Visa organisationerna")),
        Binding("l", "app.goto('audit')", N_("Logg"), id="collabs.audit",
                tooltip=N_("Visa granskningsloggen")),
        Binding("g", "app.goto('form_guide')", N_("Välj form"), id="collabs.form_guide", show=False,
                tooltip=N_("Frågor som leder till en samverkansform enligt kommunens riktlinjer")),
        Binding("v", "app.goto('overview')", N_("Översikt"), id="collabs.overview", show=False,
                tooltip=N_("Hela portföljen: antal och pengar per form, steg och enhet, uppföljningar")),
        Binding("e", "export", N_("Spara listan"), id="collabs.export", show=False,
                tooltip=N_("Spara listan (med sökning och filter) som Excel- eller CSV-fil")),
        Binding("r", "app.goto('reports')", N_("Rapporter"), id="collabs.reports", show=False,
                tooltip=N_("Visa kommunens rapporter")),
        Binding("j", "app.goto('compare')", N_("Jämför"), id="collabs.compare", show=False,
                tooltip=N_("Jämför två kommuners regler")),
        Binding("escape", "clear", N_("Rensa"), id="collabs.clear", show=False,
                tooltip=N_("Rensa sökning och filter")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.query_state = CollabQuery(limit=100)
        self.overdue = False
        self._count_key: tuple | None = None
        self._total = 0
        self._search_timer = None
        self._away = False  # another screen was on top since the rows were read

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Samverkan"))
        search = Input(placeholder=_("Sök titel, syfte, organisation … (enter)"), id="search",
                       compact=True)
        search.display = False
        yield search
        table = PagedTable(page_size=100, id="collabs", moved=self._moved)
        for key, label, width in COLUMNS:
            table.add_column(_(label), key=key, width=width)
        self._label_sort(table)
        prefetched = self._first_page()
        if prefetched is not None:  # read while Textual started: the first frame has the rows
            rows, self._total = prefetched
            self._count_key = self._count_key_of(self.current_query(0))
            table.show_page(self._cells(rows), 0, self._total)
        yield StatusLine(self.status_text(table), id="status")
        yield table
        yield Footer(compact=True)

    def _first_page(self) -> tuple[list[dict], int] | None:
        first, self.app.first_page = self.app.first_page, None
        if first is None or first.query != self.current_query(0):
            return None
        return first.take()

    def on_mount(self) -> None:
        if self._count_key is None:
            self.load(0)

    def on_resize(self) -> None:
        """Give the title and organisation columns the width a larger terminal has."""
        table = self.table
        spare = max(0, self.size.width - sum(w + 2 for _k, _l, w in COLUMNS))  # no scrollbar
        for key, _label, width in COLUMNS:
            extra = {"title": spare * 3 // 5, "organisation": spare * 2 // 5}.get(key, 0)
            column = table.columns[key]  # type: ignore[index]
            column.width, column.auto_width = width + extra, False
        table.refresh()

    def on_screen_suspend(self) -> None:
        self._away = True

    def on_screen_resume(self) -> None:
        # only after another screen was on top: the first activation has fresh rows
        if self._away and self.is_mounted and self._count_key is not None:
            self._away = False
            self._count_key = None  # something may have changed while away
            self.load(self.table.page_offset, self.table.cursor_row)

    @property
    def table(self) -> PagedTable:
        return self.query_one("#collabs", PagedTable)

    # -- loading -------------------------------------------------------------

    def current_query(self, offset: int = 0) -> CollabQuery:
        q = dataclasses.replace(self.query_state, offset=offset,
                                overdue_on=self.services.today if self.overdue else None)
        return q

    def load(self, offset: int, cursor: int = 0) -> None:
        """Load the page at ``offset`` (and the count when the filters changed)."""
        q = self.current_query(offset)
        count_key = self._count_key_of(q)
        need_count = count_key != self._count_key
        services = self.services

        def work():
            rows = services.collaborations(q)
            total = services.count_collaborations(q) if need_count else None
            return rows, total

        def done(result) -> None:
            rows, total = result
            if total is not None:
                self._total, self._count_key = total, count_key
            self.show(rows, offset, cursor)

        self.run_db(work, done, group="collabs-page", exclusive=True)

    @staticmethod
    def _count_key_of(q: CollabQuery) -> tuple:
        return (q.search, q.stage, q.form, q.unit, q.overdue_on)

    def _cells(self, rows: list[dict]):
        return ((r["id"], (r["id"], r["title"], labels.stage(r["stage"]),
                           _(SHORT_FORMS.get(r["form"], r["form"])), r["org_names"], r["unit"],
                           r["next_follow_up"] or "")) for r in rows)

    def show(self, rows: list[dict], offset: int, cursor: int) -> None:
        table = self.table
        table.show_page(self._cells(rows), offset, self._total, cursor)
        self.update_status()

    def _moved(self) -> None:
        if self.is_mounted:
            self.update_status()

    def update_status(self) -> None:
        self.query_one("#status", StatusLine).update(self.status_text(self.table))

    def status_text(self, table: PagedTable) -> Text:
        """Where the page is in the whole result, and the search and filters in force."""
        total = self._total
        if total:
            where = _("{first}–{last} av {total}").format(
                first=table.page_offset + 1, last=table.page_offset + table.row_count,
                total=f"{total:,}".replace(",", " "))
        else:
            where = _("Inga samverkansärenden matchar.") if self._count_key is not None else ""
        parts = [where]
        if total and table.row_count:
            # the table has no scrollbar (it would measure the page, not the result)
            parts.append(_("rad {n}").format(n=f"{table.position + 1:,}".replace(",", " ")))
        q = self.query_state
        if q.search:
            parts.append(_("sökning") + f": {q.search}")
        if q.stage:
            parts.append(_("steg") + f": {labels.stage(q.stage)}")
        if q.form:
            parts.append(_("form") + f": {labels.form(q.form)}")
        if q.unit:
            parts.append(_("enhet") + f": {q.unit}")
        if self.overdue:
            parts.append(_("försenad uppföljning"))
        return Text(" · ".join(parts))

    @on(PageRequested)
    def _page(self, event: PageRequested) -> None:
        event.stop()
        self.load(event.offset, event.cursor)

    # -- actions -------------------------------------------------------------

    @on(DataTable.RowSelected, "#collabs")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(OpenCollaboration(int(event.row_key.value)))

    def action_open(self) -> None:
        key = self.table.selected_key()
        if key is not None:
            self.post_message(OpenCollaboration(int(key)))

    def action_new(self) -> None:
        self.app.goto("new_collaboration")

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = True
        search.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(0.3, self._apply_search)

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._search_timer is not None:
            self._search_timer.stop()
        self._apply_search()
        self.table.focus()

    def _apply_search(self) -> None:
        text = self.query_one("#search", Input).value.strip()
        if text != self.query_state.search:
            self.query_state = dataclasses.replace(self.query_state, search=text)
            self.load(0)

    def action_filter(self) -> None:
        from samverkan_tui.forms import filter_form

        def apply(values: dict | None) -> None:
            if values is None:
                return
            self.query_state = dataclasses.replace(
                self.query_state, stage=values["stage"], form=values["form"], unit=values["unit"])
            self.overdue = bool(values["overdue"])
            self.load(0)

        self.run_db(self.services.units,
                    lambda units: self.app.push_screen(
                        filter_form(self.query_state, self.overdue, units), apply))

    def action_export(self) -> None:
        """Save the list as it is filtered now (every page) as a file the user names."""
        from samverkan_tui.exporting import list_export_form, saved

        self.app.push_screen(list_export_form(self.app, "collaborations", self.current_query()),
                             lambda written: saved(self.app, written))

    def action_overdue(self) -> None:
        self.overdue = not self.overdue
        self.load(0)

    def action_sort(self) -> None:
        keys = [k for k, _l, _w in COLUMNS]
        nxt = keys[(keys.index(self.query_state.sort) + 1) % len(keys)]
        self.query_state = dataclasses.replace(self.query_state, sort=nxt)
        self._label_sort()
        self.load(0)

    def action_reverse(self) -> None:
        self.query_state = dataclasses.replace(self.query_state, descending=not self.query_state.descending)
        self._label_sort()
        self.load(0)

    def _label_sort(self, table: PagedTable | None = None) -> None:
        table = table or self.table
        arrow = "▼" if self.query_state.descending else "▲"
        for key, label, _w in COLUMNS:
            text = _(label) + (arrow if key == self.query_state.sort else "")
            table.columns[key].label = Text(text)  # type: ignore[index]
        table.refresh()

    def action_next_page(self) -> None:
        self.table.next_page()

    def action_previous_page(self) -> None:
        self.table.previous_page()

    def action_clear(self) -> None:
        search = self.query_one("#search", Input)
        changed = bool(self.query_state.search or self.query_state.stage or self.query_state.form
                       or self.query_state.unit or self.overdue)
        search.value = ""
        search.display = False
        self.table.focus()
        if changed:
            self.query_state = dataclasses.replace(self.query_state, search="", stage=None,
                                                   form=None, unit=None)
            self.overdue = False
            self.load(0)
