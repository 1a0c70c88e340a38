"""One collaboration: overview, checklist, decision, agreement, follow-ups, events, and
every action of its lifecycle."""

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
from samverkan_tui.widgets.facts import facts, heading, join
from samverkan_tui.widgets.header import AppHeader
from samverkan_tui.widgets.paged_table import cell

TABS = ("overview", "checklist", "decision", "agreement", "contributions", "followups", "events")

#: actions on one contribution line, offered like the lifecycle action "contribution"
LINE_ACTIONS = ("edit_contribution", "remove_contribution")


class CollaborationScreen(BaseScreen):
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
                table.add_column(_("Kontrollpunkt"), key="text", width=60)
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
            return data

        self.run_db(work, self.show, group="collab-detail", exclusive=True)

    def show(self, data: dict[str, Any]) -> None:
        self.data = data
        c = data["collaboration"]
        self.query_one(AppHeader).set_where(_("Samverkan {n}").format(n=c.id) + f": {c.title}")
        self._overview(data)
        self._checklist(data)
        self._decision(data)
        self._agreement(data)
        self._contributions(data)
        self._follow_ups(data)
        self._events(data)
        self.refresh_bindings()

    def _overview(self, d: dict[str, Any]) -> None:
        c = d["collaboration"]
        nxt = ", ".join(labels.stage(s) for s in d["next_stages"]) or "–"
        pairs = [
            (_("Titel"), c.title),
            (_("Diarienummer"), c.case_number),
            (_("Steg"), labels.stage(c.stage)),
            (_("Nästa steg"), nxt),
            (_("Form"), d["form_name"]),
            (_("Organisationer"), "; ".join(f"{o.name} ({o.orgnr})" for o in d["organisations"])),
            (_("Initiativtagare"), _(labels.INITIATORS.get(c.initiator, c.initiator))),
            (_("Enhet"), c.unit),
            (_("Ansvarig chef"), c.manager),
            (_("Syfte"), c.purpose),
            (_("Samhällsutmaning"), c.challenge),
            (_("Politisk koppling"), c.policy_link),
            (_("Målgrupp"), c.target_group),
            (_("Verksamhet"), c.activity),
            (_("Deltagare"), c.participants),
            (_("Anvisning"), c.referral),
            (_("Period"), " – ".join(str(x) for x in (c.start, c.end) if x)),
        ]
        if c.form == "informal":  # the two facts informal collaboration depends on
            pairs += [(_("Ersättning utgår"), _("ja") if c.compensated else _("nej")),
                      (_("En org. särskiljs"), _("ja") if c.singles_out else _("nej"))]
        main = facts(pairs, width=19)
        parts = [main]
        if d["contributions"]:
            contrib = Text()
            for x in d["contributions"]:
                contrib.append(f"\n{x.party}: {_(labels.CATEGORIES.get(x.category, x.category))} "
                               f"{forms.kronor(x.amount)} kr")
            parts.append(heading(_("Bidrag per år")) + contrib)
        if d["records"]:
            recs = Text()
            kinds = d["rules"].record_kinds
            for r in d["records"]:
                label = kinds[r.kind].label if r.kind in kinds else r.kind
                values = ", ".join(f"{k}: {v}" for k, v in r.data.items() if v not in (None, ""))
                recs.append(f"\n{label} ({r.recorded_by}, {r.recorded_at[:10]}): {values}")
            parts.append(heading(_("Poster")) + recs)
        if d.get("documents"):
            docs = Text()
            for doc in d["documents"]:
                kind = _(labels.DOCUMENT_KINDS.get(doc.kind, doc.kind))
                where = (_("{name}, {size} byte, sha256 {digest}…").format(
                    name=doc.filename or doc.title, size=doc.size, digest=doc.sha256[:12])
                    if doc.sha256 else "")
                ref = _("dnr {reference}").format(reference=doc.reference) if doc.reference else ""
                docs.append(f"\n{kind}: {doc.title} " + " · ".join(p for p in (where, ref) if p))
            parts.append(heading(_("Dokument")) + docs)
        if d["outbox"]:
            out = Text()
            for n in d["outbox"]:
                out.append(f"\n{n.get('recipient') or n.get('to', '')}: {n.get('subject', '')}")
            parts.append(heading(_("Meddelanden")) + out)
        self.query_one("#overview-text", Static).update(join(*parts))

    def _checklist(self, d: dict[str, Any]) -> None:
        table = self.query_one("#checks", DataTable)
        row = table.cursor_row
        table.clear()
        answers = d["answers"]
        for item in d["checks"]:
            a = answers.get(item.id)
            text = Text(item.text)
            if a and a.note:
                text.append(f" – {a.note}", style="italic")
            table.add_row(cell(labels.answer(a.answer if a else None)), text, key=item.id)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)

    def _decision(self, d: dict[str, Any]) -> None:
        dec = d["decision"]
        auth = d["rules"].authority
        who = facts([(_("Beslutas av"), f"{auth.body or auth.kind}"), (_("Källa"), str(auth.source))])
        if dec is None:
            body = Text(_("Inget beslut är registrerat."))
        else:
            body = facts([
                (_("Beslut"), _(labels.OUTCOMES.get(dec.outcome, dec.outcome))),
                (_("Beslutat av"), dec.decided_by),
                (_("Datum"), dec.decided_on),
                (_("Sammanträde"), dec.meeting_date),
                (_("Paragraf"), dec.minute_paragraph),
                (_("Motivering"), dec.motivation),
                (_("Överväganden"), dec.considerations),
                (_("Politiskt mål"), dec.policy_link),
            ])
        self.query_one("#decision-text", Static).update(join(who, body))

    def _agreement(self, d: dict[str, Any]) -> None:
        c = d["collaboration"]
        if not forms.written_agreement(c.form):
            self.query_one("#agreement-text", Static).update(
                Text(_("Informell samverkan har inget skriftligt avtal.")))
            return
        a = d["agreement"]
        if a is None:
            body = Text(_("Inget avtal är registrerat."))
        else:
            body = facts([
                (_("Undertecknat"), a.signed_on), (_("Start"), a.start), (_("Slut"), a.end),
                (_("Mätbara mål"), a.goals), (_("Registrerat av"), a.signed_by),
            ])
            for key, value in a.sections.items():
                body.append(f"\n{key}: ", style="bold")
                body.append(value)
        sections = Text()
        for s in d["rules"].sections:
            mark = "*" if s.required else "·"
            sections.append(f"\n{mark} {s.title}")
        parts = [body]
        if sections:
            parts.append(heading(_("Avsnitt som avtalet ska innehålla")) + sections)
        self.query_one("#agreement-text", Static).update(join(*parts))

    def _contributions(self, d: dict[str, Any]) -> None:
        table = self.query_one("#contributions-table", DataTable)
        row = table.cursor_row
        table.clear()
        lines = d["contributions"]
        for x in lines:
            table.add_row(cell(str(x.id)), cell(x.party),
                          cell(_(labels.CATEGORIES.get(x.category, x.category))),
                          Text(forms.kronor(x.amount), justify="right"), key=str(x.id))
        if self._select_line is not None:
            row = next((i for i, x in enumerate(lines) if x.id == self._select_line), row)
            self._select_line = None
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        if lines:
            own = sum(x.amount for x in lines if x.is_municipality)
            total = sum(x.amount for x in lines)
            summary = _("Summa per år: {total} kr, varav kommunen {own} kr.").format(
                total=forms.kronor(total), own=forms.kronor(own))
        else:
            summary = _("Inga bidrag är registrerade.")
        self.query_one("#contributions-sum", Static).update(Text(summary))

    def _follow_ups(self, d: dict[str, Any]) -> None:
        parts = []
        for f in d["follow_ups"]:
            extra = ", ".join(f"{k}: {v}" for k, v in f.evaluation.items())
            body = facts([(_("Datum"), f.done_on), (_("Av"), f.recorded_by),
                          (_("Sammanfattning"), f.summary), (_("Måluppfyllelse"), f.goals_met),
                          (_("Gemensam"), _("ja") if f.joint else _("nej")),
                          (_("Utvärdering"), extra)])
            if f.participants:
                body.append("\n" + _("Deltog") + ":", style="bold")
                for party, who in f.participants.items():
                    body.append(f"\n  {party}: {who}")
            parts.append(body)
        t = d["termination"]
        if t is not None:
            parts.append(heading(_("Avslut")) + Text("\n") + facts([
                (_("Datum"), t.ended_on), (_("Typ"), _(labels.END_KINDS.get(t.kind, t.kind))),
                (_("Skäl"), t.reason), (_("Beslutat av"), t.decided_by),
                (_("Upphandlingsenheten"), _("ja") if t.procurement_unit_involved else _("nej")),
            ]))
        if not parts:
            parts.append(Text(_("Inga uppföljningar ännu.")))
        self.query_one("#followups-text", Static).update(join(*parts))

    def _events(self, d: dict[str, Any]) -> None:
        table = self.query_one("#events-table", DataTable)
        table.clear()
        for e in d["events"]:
            table.add_row(cell(e.at[:19].replace("T", " ")), cell(e.actor), cell(e.action), key=str(e.id))

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
        if self.data is not None:
            self.app.push_screen(forms.follow_up_form(self.services, self.data["collaboration"],
                                                      self.data["rules"], self.data["parties"]),
                                 self._after(_("Uppföljningen är registrerad.")))

    def action_end(self) -> None:
        if self.data is not None:
            self.app.push_screen(forms.end_form(self.services, self.data["collaboration"], self.data["agreement"]),
                                 self._after(_("Samverkan är avslutad.")))

    def action_conflict(self) -> None:
        self.app.push_screen(forms.conflict_form(self.services, collab_id=self.collab_id),
                             self._after(_("Jävet är anmält.")))

    # -- contributions, line by line ----------------------------------------------

    def _show_contributions(self) -> DataTable:
        tabs = self.query_one(TabbedContent)
        tabs.active = "contributions"
        table = self.query_one("#contributions-table", DataTable)
        table.focus()
        return table

    def _line_under_cursor(self) -> Any:
        """The contribution line under the cursor of the contributions tab (None: none)."""
        table = self.query_one("#contributions-table", DataTable)
        if self.data is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((x for x in self.data["contributions"] if str(x.id) == key), None)

    def action_contribution(self) -> None:
        """Add a line; once saved, the contributions tab shows it under the cursor."""
        if self.data is None:
            return
        d = self.data

        def done(line: Any) -> None:
            if line is not None:
                self.notify(_("Bidraget är registrerat (rad {n}).").format(n=line.id), markup=False)
                self._show_contributions()
                self._select_line = line.id
                self.reload()

        self.app.push_screen(forms.contribution_form(self.services, d["collaboration"], d["parties"]),
                             done)

    def _target_line(self) -> Any:
        """The contribution line under the cursor, or None (from another tab the lines are
        shown first, so the next key press acts on a line the user can see)."""
        if self.data is None:
            return None
        if self.query_one(TabbedContent).active != "contributions":
            self._show_contributions()
            return None
        line = self._line_under_cursor()
        if line is None:
            self.notify(_("Inga bidrag är registrerade."), markup=False)
        return line

    def action_edit_contribution(self) -> None:
        """Correct the line under the cursor (from another tab: show the lines first)."""
        line = self._target_line()
        if line is None:
            return

        def done(result: Any) -> None:
            if result is forms.UNCHANGED:
                self.notify(_("Inget ändrades."), markup=False)
            elif result is not None:
                self.notify(_("Bidraget är rättat."), markup=False)
                self.reload()

        self.app.push_screen(forms.contribution_form(self.services, self.data["collaboration"],
                                                     self.data["parties"], line), done)

    def action_remove_contribution(self) -> None:
        """Remove the line under the cursor, after a confirmation that names it."""
        line = self._target_line()
        if line is None:
            return
        self.app.push_screen(forms.remove_contribution_form(self.services, self.data["collaboration"], line),
                             self._after(_("Bidragsraden är borttagen.")))

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
