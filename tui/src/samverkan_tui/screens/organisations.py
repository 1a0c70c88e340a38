"""The organisations, paged and searchable by name."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Input, Label

from samverkan_tui.i18n import N_, _
from samverkan_tui.messages import OpenOrganisation, PageRequested
from samverkan_tui.screens.base import BaseScreen
from samverkan_tui.widgets.header import AppHeader
from samverkan_tui.widgets.paged_table import PagedTable


class OrganisationsScreen(BaseScreen):
    """List of organisations; enter opens one."""

    area = N_("Organisationer")
    AUTO_FOCUS = "#orgs"
    BINDINGS = [
        Binding("escape", "back", N_("Tillbaka"), id="orgs.back"),
        Binding("n", "new", N_("Ny"), id="orgs.new", tooltip=N_("Registrera en organisation")),
        Binding("slash", "search", N_("Sök"), id="orgs.search", tooltip=N_("Sök på namn")),
        Binding("i", "import", N_("Importera"), id="orgs.import",
                tooltip=N_("Importera organisationer från en CSV- eller JSON-fil")),
        Binding("e", "export", N_("Spara listan"), id="orgs.export", show=False,
                tooltip=N_("Spara alla organisationer som Excel-, CSV- eller JSON-fil")),
        Binding("right_square_bracket", "next_page", N_("Nästa sida"), id="orgs.next_page", show=False),
        Binding("left_square_bracket", "previous_page", N_("Föregående sida"), id="orgs.previous_page",
                show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.search = ""

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Organisationer"))
        search = Input(placeholder=_("Sök namn (enter)"), id="org-search", compact=True)
        search.display = False
        yield search
        yield Label("", id="status")
        table = PagedTable(page_size=100, id="orgs")
        table.add_column(_("Nr"), key="id", width=5)
        table.add_column(_("Namn"), key="name", width=32)
        table.add_column(_("Org.nr"), key="orgnr", width=11)
        table.add_column(_("Juridisk form"), key="legal_form", width=20)
        yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load(0)

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.load(self.table.page_offset, self.table.cursor_row)

    @property
    def table(self) -> PagedTable:
        return self.query_one("#orgs", PagedTable)

    def load(self, offset: int, cursor: int = 0) -> None:
        services, search = self.services, self.search

        def work():
            return (services.organisations(search, limit=100, offset=offset),
                    services.count_organisations(search))

        def done(result) -> None:
            orgs, total = result
            self.table.show_page(((o.id, (o.id, o.name, o.orgnr, o.legal_form)) for o in orgs),
                                 offset, total, cursor)
            t = self.table
            status = (_("{first}–{last} av {total}").format(first=offset + 1, last=offset + t.row_count,
                                                           total=total)
                      if total else _("Inga organisationer."))
            if search:
                status += " · " + _("sökning") + f": {search}"
            self.query_one("#status", Label).update(Text(status))

        self.run_db(work, done, group="orgs-page", exclusive=True)

    @on(PageRequested)
    def _page(self, event: PageRequested) -> None:
        event.stop()
        self.load(event.offset, event.cursor)

    @on(DataTable.RowSelected, "#orgs")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(OpenOrganisation(int(event.row_key.value)))

    @on(Input.Submitted, "#org-search")
    def _search(self, event: Input.Submitted) -> None:
        event.stop()
        self.search = event.value.strip()
        self.load(0)
        self.table.focus()

    def action_search(self) -> None:
        search = self.query_one("#org-search", Input)
        search.display = True
        search.focus()

    def action_new(self) -> None:
        self.app.goto("new_organisation")

    def action_export(self) -> None:
        """Save every organisation as a file the user names (see :mod:`samverkan_tui.exporting`)."""
        from samverkan_tui.exporting import list_export_form, saved

        self.app.push_screen(list_export_form(self.app, "organisations"), lambda written: saved(self.app, written))

    def action_import(self) -> None:
        self.app.goto("import_organisations")  # the list reloads when the dialog closes

    def action_next_page(self) -> None:
        self.table.next_page()

    def action_previous_page(self) -> None:
        self.table.previous_page()

    def action_back(self) -> None:
        search = self.query_one("#org-search", Input)
        if search.has_focus or self.search:
            search.value, search.display, self.search = "", False, ""
            self.table.focus()
            self.load(0)
            return
        self.app.pop_screen()
