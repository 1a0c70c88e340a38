"""One organisation: its details, its collaborations and the history of its checks."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Label, Static

from samverkan.domain.query import CollabQuery
from samverkan_tui import labels
from samverkan_tui.i18n import N_, _
from samverkan_tui.messages import OpenCollaboration
from samverkan_tui.screens.base import BaseScreen
from samverkan_tui.widgets.facts import facts
from samverkan_tui.widgets.header import AppHeader
from samverkan_tui.widgets.paged_table import cell


class OrganisationScreen(BaseScreen):
    """Detail of one organisation."""

    area = N_("Organisation")
    AUTO_FOCUS = "#org-collabs"
    BINDINGS = [
        Binding("escape", "back", N_("Tillbaka"), id="org.back"),
        Binding("c", "new_collaboration", N_("Ny samverkan"), id="org.new_collaboration",
                tooltip=N_("Registrera en samverkan med organisationen")),
        Binding("e", "edit", N_("Redigera"), id="org.edit", tooltip=N_("Ändra uppgifterna")),
        Binding("j", "conflict", N_("Jäv"), id="org.conflict",
                tooltip=N_("Anmäl jäv gentemot organisationen")),
    ]

    def __init__(self, org_id: int) -> None:
        super().__init__()
        self.org_id = org_id
        self.org: Any = None

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Organisation"))
        with Vertical(id="org-detail"):
            yield Static("", id="org-facts")
            yield Label(Text(_("Samverkan")), classes="section-title")
            table = DataTable(id="org-collabs", cursor_type="row", zebra_stripes=True)
            table.add_column(_("Nr"), key="id", width=5)
            table.add_column(_("Titel"), key="title", width=34)
            table.add_column(_("Steg"), key="stage", width=10)
            table.add_column(_("Form"), key="form", width=16)
            yield table
            yield Label(Text(_("Kontrollhistorik")), classes="section-title")
            history = DataTable(id="org-checks", cursor_type="row", zebra_stripes=True)
            history.add_column(_("Tid"), key="at", width=16)
            history.add_column(_("Nr"), key="collab", width=5)
            history.add_column(_("Kontroll"), key="check", width=30)
            history.add_column(_("Svar"), key="answer", width=13)
            history.add_column(_("Av"), key="by", width=10)
            yield history
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    def reload(self) -> None:
        services = self.services

        def work():
            org = services.organisation(self.org_id)
            collabs = services.collaborations(CollabQuery(organisation_id=self.org_id, limit=200))
            return org, collabs, services.check_history(self.org_id)[:200]

        self.run_db(work, self.show, group="org-detail", exclusive=True)

    def show(self, result) -> None:
        org, collabs, history = result
        self.org = org
        self.query_one(AppHeader).set_where(_("Organisation") + f": {org.name}")
        self.query_one("#org-facts", Static).update(facts([
            (_("Namn"), org.name), (_("Org.nr"), org.orgnr), (_("Juridisk form"), org.legal_form),
            (_("Kontakt"), org.contact),
        ]))
        table = self.query_one("#org-collabs", DataTable)
        table.clear()
        for c in collabs:
            table.add_row(cell(c["id"]), cell(c["title"]), cell(labels.stage(c["stage"])),
                          cell(labels.form(c["form"])), key=str(c["id"]))
        history_table = self.query_one("#org-checks", DataTable)
        history_table.clear()
        for i, h in enumerate(history):
            history_table.add_row(cell(h["answered_at"][:16].replace("T", " ")), cell(h["collaboration_id"]),
                                  cell(h["check_id"]), cell(labels.answer(h["answer"])),
                                  cell(h["answered_by"]), key=str(i))

    @on(DataTable.RowSelected, "#org-collabs")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(OpenCollaboration(int(event.row_key.value)))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_new_collaboration(self) -> None:
        if self.org is not None:
            self.app.goto("new_collaboration", org=self.org.orgnr)

    def action_edit(self) -> None:
        """Edit the organisation as last shown; a successful save reloads the screen."""
        if self.org is None:
            return
        from samverkan_tui.forms import UNCHANGED, edit_organisation_form

        before = self.org

        def done(result: Any) -> None:
            if result is UNCHANGED:
                self.notify(_("Inget ändrades."), markup=False)
            elif result is not None:
                self.notify(_("Ändringarna är sparade."), markup=False)
                if (result.orgnr, result.legal_form) != (before.orgnr, before.legal_form):
                    self.app.advise_legal_form(result)  # a corrected number or form: the advice
                self.reload()

        self.app.push_screen(edit_organisation_form(self.services, self.org), done)

    def action_conflict(self) -> None:
        from samverkan_tui.forms import conflict_form

        def done(result) -> None:
            if result is not None:
                self.notify(_("Jävet är anmält."), markup=False)

        self.app.push_screen(conflict_form(self.services, org_id=self.org_id), done)
