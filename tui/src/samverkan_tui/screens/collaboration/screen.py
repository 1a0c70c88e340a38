"""One collaboration: overview, checklist, decision, agreement, contributions, follow-ups,
events, and every action of its lifecycle (the tabs' content is built in :mod:`.tabs`,
the contribution lines' actions are in :mod:`.lines`)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Label, Static, TabbedContent, TabPane

from samverkan.domain.lifecycle import ACTIONS
from samverkan_tui import forms, labels
from samverkan_tui.i18n import N_, _
from samverkan_tui.screens.base import BaseScreen
from samverkan_tui.screens.collaboration import tabs
from samverkan_tui.screens.collaboration.lines import LINE_ACTIONS, ContributionLines
from samverkan_tui.widgets.header import AppHeader

TABS = ("overview", "checklist", "decision", "agreement", "contributions", "followups", "events")


class CollaborationScreen(ContributionLines, BaseScreen):
    """Detail and lifecycle actions of one collaboration."""

    area = N_("Samverkan")
    BINDINGS = [
        Binding("escape", "back", N_("Tillbaka"), id="collab.back"),
        Binding("v", "advance", N_("Nästa steg"), id="collab.advance",
                tooltip=N_("För samverkan till nästa steg (visar spärrar och råd)")),
        Binding("a", "answer", N_("Besvara"), id="collab.answer",
                tooltip=N_("Besvara kontrollpunkten under markören")),
        Binding("b", "decide", N_("Beslut"), id="collab.decide",
                tooltip=N_("Besluta att starta eller avböja")),
        Binding("t", "agreement", N_("Avtal"), id="collab.agreement",
                tooltip=N_("Registrera det undertecknade avtalet")),
        Binding("u", "follow_up", N_("Uppföljning"), id="collab.follow_up",
                tooltip=N_("Registrera en uppföljning")),
        # e edits, as on the organisation screen; ending (rare, and also what v does on an
        # active collaboration) moved to s
        Binding("e", "edit", N_("Redigera"), id="collab.edit", tooltip=N_("Ändra uppgifterna")),
        Binding("s", "end", N_("Avslut"), id="collab.end", tooltip=N_("Avsluta samverkan")),
        Binding("p", "record", N_("Post"), id="collab.record",
                tooltip=N_("Lägg till en post som kommunens riktlinjer kräver")),
        Binding("k", "contribution", N_("Bidrag"), id="collab.contribution",
                tooltip=N_("Lägg till en parts bidrag")),
        # r and x act on the line under the cursor on the contributions tab (from another
        # tab they show it first, as a does with the checklist)
        Binding("r", "edit_contribution", N_("Rätta bidrag"), id="collab.edit_contribution",
                tooltip=N_("Rätta bidragsraden under markören (part, kategori, belopp)")),
        Binding("x", "remove_contribution", N_("Ta bort bidrag"), id="collab.remove_contribution",
                tooltip=N_("Ta bort bidragsraden under markören (efter bekräftelse)")),
        Binding("j", "conflict", N_("Jäv"), id="collab.conflict",
                tooltip=N_("Anmäl jäv i ärendet")),
        Binding("d", "attach", N_("Dokument"), id="collab.attach",
                tooltip=N_("Bifoga ett dokument: en fil eller ett diarienummer")),
        Binding("f", "print_record", N_("Skriv ut"), id="collab.print", show=False,
                tooltip=N_("Skriv ut beslutsunderlaget som PDF (eller Excel) för diariet")),
        Binding("right_square_bracket", "tab(1)", N_("Nästa flik"), id="collab.next_tab", show=False),
        Binding("left_square_bracket", "tab(-1)", N_("Föregående flik"), id="collab.previous_tab",
                show=False),
    ]

    def __init__(self, collab_id: int) -> None:
        super().__init__()
        self.collab_id = collab_id
        self.data: dict[str, Any] | None = None
        self._select_line: int | None = None  # a line just added: the cursor goes to it

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Samverkan {n}").format(n=self.collab_id))
        with TabbedContent(id="tabs"):
            with TabPane(_("Översikt"), id="overview"):
                with VerticalScroll():
                    yield Static("", id="overview-text")
            with TabPane(_("Checklista"), id="checklist"):
                table = DataTable(id="checks", cursor_type="row", zebra_stripes=True)
                table.add_column(_("Svar"), key="answer", width=13)
                # the obligation in the source's own verb: ska blocks, bör advises, kan helps
                table.add_column(_("Nivå"), key="level", width=5)
                table.add_column(_("Kontrollpunkt"), key="text", width=54)
                yield table
            with TabPane(_("Beslut"), id="decision"):
                with VerticalScroll():
                    yield Static("", id="decision-text")
            with TabPane(_("Avtal"), id="agreement"):
                with VerticalScroll():
                    yield Static("", id="agreement-text")
            with TabPane(_("Bidrag"), id="contributions"):
                table = DataTable(id="contributions-table", cursor_type="row", zebra_stripes=True)
                table.add_column(_("Rad"), key="line", width=4)
                table.add_column(_("Part"), key="party", width=30)
                table.add_column(_("Kategori"), key="category", width=14)
                table.add_column(_("Kr per år"), key="amount", width=15)
                yield table
                yield Static("", id="contributions-sum")
                yield Label(Text(_("k lägger till · r rättar raden · x tar bort raden")),
                            id="contributions-hint")
            with TabPane(_("Uppföljning"), id="followups"):
                with VerticalScroll():
                    yield Static("", id="followups-text")
            with TabPane(_("Händelser"), id="events"):
                table = DataTable(id="events-table", cursor_type="row", zebra_stripes=True)
                table.add_column(_("Tid"), key="at", width=19)
                table.add_column(_("Vem"), key="actor", width=12)
                table.add_column(_("Händelse"), key="action", width=36)
                yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.reload()

    # -- loading ----------------------------------------------------------------

    def reload(self) -> None:
        services = self.services

        def work() -> dict[str, Any]:
            # the detail brings the form's rules and what this user may do now ("allowed")
            data = services.detail(self.collab_id)
            # the municipality first, then the organisations: the contribution lines'
            # parties and who takes part in a follow-up
            data["parties"] = services.parties(self.collab_id)
            # an agreement's sections by their titles: the rules of its time, else today's
            # (a section the rules no longer ask for keeps the title it had)
            today = services.form_rules(data["collaboration"].form).sections
            data["section_titles"] = {s.key: s.title for s in (*today, *data["rules"].sections)}
            return data

        self.run_db(work, self.show, group="collab-detail", exclusive=True)

    def show(self, data: dict[str, Any]) -> None:
        self.data = data
        c = data["collaboration"]
        self.query_one(AppHeader).set_where(_("Samverkan {n}").format(n=c.id) + f": {c.title}")
        self.query_one("#overview-text", Static).update(tabs.overview(data))
        tabs.fill_checklist(self.query_one("#checks", DataTable), data)
        self.query_one("#decision-text", Static).update(tabs.decision(data))
        self.query_one("#agreement-text", Static).update(tabs.agreement(data))
        select, self._select_line = self._select_line, None
        self.query_one("#contributions-sum", Static).update(
            tabs.fill_contributions(self.query_one("#contributions-table", DataTable), data, select))
        self.query_one("#followups-text", Static).update(tabs.follow_ups(data))
        tabs.fill_events(self.query_one("#events-table", DataTable), data)
        self.refresh_bindings()

    # -- actions ------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer a lifecycle action only when the services allow it to this user now.

        ``allowed`` comes with the detail (:func:`samverkan.domain.lifecycle.allowed_actions`:
        the stage and the user's roles); until it is loaded, none is offered.
        """
        if action in LINE_ACTIONS:
            action = "contribution"
        if action in ACTIONS:
            return self.data is not None and action in self.data["allowed"]
        return True

    def _after(self, message: str):
        def done(result: Any) -> None:
            if result is not None:
                self.notify(message, markup=False)
                self.reload()
        return done

    def action_print_record(self) -> None:
        """Print the decision record to a file the user names (see samverkan_tui.exporting)."""
        from samverkan_tui.exporting import record_export_form, saved

        self.app.push_screen(record_export_form(self.app, self.collab_id), lambda w: saved(self.app, w))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        i = TABS.index(tabs.active) if tabs.active in TABS else 0
        tabs.active = TABS[(i + step) % len(TABS)]

    def action_advance(self) -> None:
        if self.data is None:
            return
        c = self.data["collaboration"]
        nxt = self.data["next_stages"]
        if not nxt:
            self.notify(_("Samverkan är i sitt slutsteg."), markup=False)
            return
        # a move that records something on the way opens the form that records it
        if "decided" in nxt or "declined" in nxt:
            self.action_decide()
        elif "ended" in nxt:
            self.action_end()
        elif nxt[0] == "agreement" and self.data["agreement"] is None:
            self.app.push_screen(
                forms.agreement_form(self.services, c, None, self.data["rules"], advance=True),
                self._after(_("Avtalet är registrerat.")))
        else:
            self._advance_to(nxt[0], confirm=False)

    def _advance_to(self, stage: str, confirm: bool) -> None:
        from samverkan.domain.errors import TransitionRefused
        from samverkan.services import ConfirmationNeeded

        c = self.data["collaboration"]
        services = self.services

        def refused(exc) -> None:
            if isinstance(exc, TransitionRefused):
                from samverkan_tui.screens.findings import FindingsScreen

                can_confirm = isinstance(exc, ConfirmationNeeded)

                def answered(ok: bool | None) -> None:
                    if ok and can_confirm:
                        self._advance_to(stage, confirm=True)

                self.app.push_screen(FindingsScreen(exc.findings, can_confirm), answered)
            else:
                self.app.show_error(exc)

        self.run_db(lambda: services.advance(c.id, stage, version=c.version, confirm=confirm),
                    self._after(_("Samverkan är nu i steget {stage}.").format(stage=labels.stage(stage))),
                    refused)

    def action_answer(self) -> None:
        if self.data is None:
            return
        tabs = self.query_one(TabbedContent)
        table = self.query_one("#checks", DataTable)
        if tabs.active != "checklist":
            tabs.active = "checklist"
            table.focus()
            return
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        item = next(i for i in self.data["checks"] if i.id == key)
        answer = self.data["answers"].get(key)

        def done(result: Any) -> None:
            if result is not None:
                if table.cursor_row < table.row_count - 1:
                    table.move_cursor(row=table.cursor_row + 1, animate=False)
                self.reload()

        self.app.push_screen(forms.answer_form(self.services, self.collab_id, item, answer), done)

    @on(DataTable.RowSelected, "#checks")
    def _check_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.check_action("answer", ()):  # enter on a row is the answer key, not a way round it
            self.action_answer()

    def action_edit(self) -> None:
        """Edit the collaboration's descriptive fields; a successful save reloads the screen."""
        if self.data is None:
            return

        def done(result: Any) -> None:
            if result is forms.UNCHANGED:
                self.notify(_("Inget ändrades."), markup=False)
            elif result is not None:
                self.notify(_("Ändringarna är sparade."), markup=False)
                self.reload()

        self.app.push_screen(forms.edit_collaboration_form(self.services, self.data["collaboration"],
                                                           self.data["rules"]), done)

    def action_decide(self) -> None:
        if self.data is not None:
            self.app.push_screen(forms.decision_form(self.services, self.data["collaboration"],
                                                     self.data["rules"]),
                                 self._after(_("Beslutet är registrerat.")))

    def action_agreement(self) -> None:
        if self.data is not None:
            c = self.data["collaboration"]
            self.app.push_screen(
                forms.agreement_form(self.services, c, self.data["agreement"], self.data["rules"],
                                     advance=False),
                self._after(_("Avtalet är registrerat.")))

    def action_follow_up(self) -> None:
        """Record a follow-up; once saved, the follow-ups tab shows it with its evaluation."""
        if self.data is None:
            return
        from samverkan_tui.case_forms import follow_up_form

        def done(result: Any) -> None:
            if result is not None:
                self.notify(_("Uppföljningen är registrerad."), markup=False)
                self.query_one(TabbedContent).active = "followups"
                self.reload()

        self.app.push_screen(follow_up_form(self.services, self.data["collaboration"], self.data["rules"],
                                            self.data["parties"]), done)

    def action_attach(self) -> None:
        """Attach a document; once saved, the overview lists it."""
        if self.data is None:
            return
        from samverkan_tui.case_forms import document_form

        def done(doc: Any) -> None:
            if doc is not None:
                self.notify(_("Dokumentet är bifogat: {title}.").format(title=doc.title), markup=False)
                self.query_one(TabbedContent).active = "overview"
                self.reload()

        self.app.push_screen(document_form(self.services, self.data["collaboration"]), done)

    def action_end(self) -> None:
        if self.data is not None:
            self.app.push_screen(forms.end_form(self.services, self.data["collaboration"], self.data["agreement"]),
                                 self._after(_("Samverkan är avslutad.")))

    def action_conflict(self) -> None:
        self.app.push_screen(forms.conflict_form(self.services, collab_id=self.collab_id),
                             self._after(_("Jävet är anmält.")))

    @on(DataTable.RowSelected, "#contributions-table")
    def _line_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.check_action("edit_contribution", ()):  # enter on a line corrects it
            self.action_edit_contribution()

    def action_record(self) -> None:
        if self.data is None:
            return
        kinds = list(self.data["rules"].record_kinds.values())
        if not kinds:
            self.notify(_("Kommunens riktlinjer definierar inga poster."), markup=False)
            return
        if len(kinds) == 1:
            self.open_record(kinds[0].key)
            return
        from samverkan_tui.screens.choose import ChooseScreen

        self.app.push_screen(ChooseScreen(_("Vilken post?"), [(k.label, k.key) for k in kinds]),
                             lambda key: self.open_record(key) if key else None)

    def open_record(self, key: str) -> None:
        kind = self.data["rules"].record_kinds[key]
        self.app.push_screen(forms.record_form(self.services, self.collab_id, kind),
                             self._after(_("Posten är registrerad.")))
