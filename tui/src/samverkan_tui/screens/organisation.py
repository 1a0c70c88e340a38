"""One organisation: its details, its contact persons, its collaborations and the
history of its checks."""

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
        # k adds a contact person; r and x act on the one under the cursor of the list of
        # contact persons (as on a collaboration's contribution lines)
        Binding("k", "add_contact", N_("Ny kontakt"), id="org.add_contact",
                tooltip=N_("Lägg till en kontaktperson")),
        Binding("r", "edit_contact", N_("Ändra kontakt"), id="org.edit_contact",
                tooltip=N_("Ändra kontaktpersonen under markören (namn, roll, e-post, telefon)")),
        Binding("x", "remove_contact", N_("Ta bort kontakt"), id="org.remove_contact",
                tooltip=N_("Ta bort kontaktpersonen under markören (efter bekräftelse)")),
    ]

    def __init__(self, org_id: int) -> None:
        super().__init__()
        self.org_id = org_id
        self.org: Any = None
        self.contacts: list[Any] = []
        self._select_contact: int | None = None  # the contact person to put the cursor on

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Organisation"))
        with Vertical(id="org-detail"):
            yield Static("", id="org-facts")
            yield Label(Text(_("Kontaktpersoner")), classes="section-title")
            people = DataTable(id="org-contacts", cursor_type="row", zebra_stripes=True)
            people.add_column(_("Namn"), key="name", width=22)
            people.add_column(_("Roll"), key="role", width=14)
            people.add_column(_("E-post"), key="email", width=22)
            people.add_column(_("Telefon"), key="phone", width=14)
            yield people
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
            people = services.contacts(self.org_id)
            collabs = services.collaborations(CollabQuery(organisation_id=self.org_id, limit=200))
            return org, people, collabs, services.check_history(self.org_id)[:200]

        self.run_db(work, self.show, group="org-detail", exclusive=True)

    def show(self, result) -> None:
        org, people, collabs, history = result
        self.org, self.contacts = org, people
        self.query_one(AppHeader).set_where(_("Organisation") + f": {org.name}")
        self.query_one("#org-facts", Static).update(facts([
            (_("Namn"), org.name), (_("Org.nr"), org.orgnr), (_("Juridisk form"), org.legal_form),
        ]))
        contacts = self.query_one("#org-contacts", DataTable)
        contacts.clear()
        for c in people:
            contacts.add_row(cell(c.name), cell(c.role), cell(c.email), cell(c.phone), key=str(c.id))
        if self._select_contact is not None:
            row = next((i for i, c in enumerate(people) if c.id == self._select_contact), None)
            if row is not None:
                contacts.move_cursor(row=row)
            self._select_contact = None
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

    @on(DataTable.RowSelected, "#org-contacts")
    def _contact_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_contact()  # enter on a contact person changes it

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

    # -- contact persons -------------------------------------------------------------

    def _contact_under_cursor(self) -> Any:
        """The contact person under the cursor of the list (None, said so, when there is none)."""
        table = self.query_one("#org-contacts", DataTable)
        if self.org is None:
            return None
        if not table.row_count:
            self.notify(_("Inga kontaktpersoner är registrerade."), markup=False)
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((c for c in self.contacts if str(c.id) == key), None)

    def _contact_saved(self, message: str, select: bool = True):
        """What to do once a contact form closes: say ``message`` and show the list again,
        the person saved under the cursor (``select``)."""
        def done(result: Any) -> None:
            from samverkan_tui.forms import UNCHANGED

            if result is UNCHANGED:
                self.notify(_("Inget ändrades."), markup=False)
            elif result is not None:
                self.notify(message, markup=False)
                self._select_contact = result.id if select else None
                self.query_one("#org-contacts", DataTable).focus()
                self.reload()
        return done

    def action_add_contact(self) -> None:
        """Add a contact person; once saved, the list shows it under the cursor."""
        if self.org is None:
            return
        from samverkan_tui.forms import contact_form

        self.app.push_screen(contact_form(self.services, self.org),
                             self._contact_saved(_("Kontaktpersonen är registrerad.")))

    def action_edit_contact(self) -> None:
        """Change the contact person under the cursor of the list."""
        contact = self._contact_under_cursor()
        if contact is None:
            return
        from samverkan_tui.forms import contact_form

        self.app.push_screen(contact_form(self.services, self.org, contact),
                             self._contact_saved(_("Ändringarna är sparade.")))

    def action_remove_contact(self) -> None:
        """Remove the contact person under the cursor, after a confirmation that names it."""
        contact = self._contact_under_cursor()
        if contact is None:
            return
        from samverkan_tui.forms import remove_contact_form

        self.app.push_screen(remove_contact_form(self.services, contact),
                             self._contact_saved(_("Kontaktpersonen är borttagen."), select=False))
