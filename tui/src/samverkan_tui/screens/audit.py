"""The audit log, read-only: newest first, filterable by actor, entity and action."""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Label, Static

from samverkan_tui import labels
from samverkan_tui.i18n import N_, _
from samverkan_tui.messages import PageRequested
from samverkan_tui.screens.base import BaseModal, BaseScreen
from samverkan_tui.widgets.facts import facts, heading, join
from samverkan_tui.widgets.header import AppHeader
from samverkan_tui.widgets.paged_table import PagedTable

PAGE = 100
#: the kinds of events the filter offers: what an action starts with
EVENT_GROUPS = {
    "collaboration": N_("Samverkan registrerad eller ändrad"),
    "transition": N_("Stegbyten"),
    "check": N_("Kontrollpunkter"),
    "contribution": N_("Bidrag"),
    "decision": N_("Beslut"),
    "agreement": N_("Avtal"),
    "follow_up": N_("Uppföljningar"),
    "termination": N_("Avslut"),
    "record": N_("Poster"),
    "document": N_("Dokument"),
    "conflict": N_("Jäv"),
    "organisation": N_("Organisationer"),
    "permission": N_("Nekade åtgärder"),
    "notification": N_("Meddelanden"),
    "user": N_("Användare"),
}
FILTER_LABELS = {"actor": N_("Användare"), "entity": N_("Objekttyp"), "entity_id": N_("Objektets nr"),
                 "action_prefix": N_("Slag av händelse")}


def filter_value(key: str, value: Any) -> str:
    if key == "entity":
        return _(labels.ENTITIES.get(value, value))
    if key == "action_prefix":
        return _(EVENT_GROUPS.get(value, value))
    return str(value)


def stored(title: str, data: Any) -> list[Text]:
    """An event's before or after: a heading, then each field by its label."""
    if not data:
        return []
    if not isinstance(data, dict):
        return [heading(title) + Text("\n" + json.dumps(data, ensure_ascii=False))]
    return [heading(title) + Text("\n") + facts(
        [(labels.field_name(k), labels.stored_value(k, v)) for k, v in data.items()], width=22)]


class AuditScreen(BaseScreen):
    """Every change, as the hash-chained log recorded it."""

    area = N_("Logg")
    AUTO_FOCUS = "#audit-table"
    BINDINGS = [
        Binding("escape", "back", N_("Tillbaka"), id="audit.back"),
        Binding("f", "filter", N_("Filter"), id="audit.filter",
                tooltip=N_("Filtrera på användare, objekt och händelse")),
        Binding("c", "verify", N_("Kontrollera kedjan"), id="audit.verify",
                tooltip=N_("Kontrollera att loggen inte har ändrats")),
        Binding("e", "export", N_("Spara loggen"), id="audit.export", show=False,
                tooltip=N_("Spara hela granskningsloggen som Excel-, CSV- eller JSON-fil")),
        Binding("right_square_bracket", "next_page", N_("Nästa sida"), id="audit.next_page", show=False),
        Binding("left_square_bracket", "previous_page", N_("Föregående sida"), id="audit.previous_page",
                show=False),
    ]

    def __init__(self, **filters: Any) -> None:
        super().__init__()
        self.filters: dict[str, Any] = filters
        self.events: dict[str, Any] = {}
        self.record_kinds: dict[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Granskningslogg"))
        yield Label("", id="status")
        table = PagedTable(page_size=PAGE, id="audit-table")
        table.add_column(_("Nr"), key="id", width=4)
        table.add_column(_("Tid"), key="at", width=19)
        table.add_column(_("Vem"), key="actor", width=8)
        table.add_column(_("Händelse"), key="action", width=21)
        table.add_column(_("Objekt"), key="entity", width=15)
        yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load(0)

    def load(self, offset: int, cursor: int = 0) -> None:
        services, filters = self.services, {k: v for k, v in self.filters.items() if v}

        def work():
            if self.record_kinds is None:  # once: the municipality's record kinds by their labels
                from samverkan.domain.model import FORM_KEYS

                self.record_kinds = {key: kind.label for form in FORM_KEYS
                                     for key, kind in services.form_rules(form).record_kinds.items()}
            return services.events(limit=PAGE + 1, offset=offset, **filters)

        def done(events) -> None:
            kinds = self.record_kinds or {}
            more = len(events) > PAGE
            events = events[:PAGE]
            self.events = {str(e.id): e for e in events}
            total = offset + len(events) + (1 if more else 0)
            self.query_one("#audit-table", PagedTable).show_page(
                ((e.id, (e.id, e.at[:19].replace("T", " "), e.actor, labels.event(e.action, kinds),
                         labels.entity(e.entity, e.entity_id)))
                 for e in events), offset, total, cursor)
            parts = [_("Händelser {first}–{last}").format(first=offset + 1 if events else 0,
                                                          last=offset + len(events))]
            parts += [f"{_(FILTER_LABELS.get(k, k))}: {filter_value(k, v)}" for k, v in filters.items()]
            self.query_one("#status", Label).update(Text(" · ".join(parts)))

        self.run_db(work, done, group="audit-page", exclusive=True)

    @on(PageRequested)
    def _page(self, event: PageRequested) -> None:
        event.stop()
        self.load(event.offset, event.cursor)

    @on(DataTable.RowSelected, "#audit-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        e = self.events.get(event.row_key.value)
        if e is not None:
            self.app.push_screen(EventScreen(e, self.record_kinds or {}))

    def action_export(self) -> None:
        """Save the whole audit log as a file the user names (see samverkan_tui.exporting)."""
        from samverkan_tui.exporting import list_export_form, saved

        self.app.push_screen(list_export_form(self.app, "events"), lambda written: saved(self.app, written))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_next_page(self) -> None:
        self.query_one(PagedTable).next_page()

    def action_previous_page(self) -> None:
        self.query_one(PagedTable).previous_page()

    def action_filter(self) -> None:
        from samverkan_tui.screens.form import Field, FormScreen

        fields = [
            Field("actor", _("Användare"), value=self.filters.get("actor", "")),
            Field("entity", _("Objekttyp"), "choice", value=self.filters.get("entity") or None,
                  choices=[(_(label).capitalize(), key) for key, label in labels.ENTITIES.items()]),
            Field("entity_id", _("Objektets nr"), value=self.filters.get("entity_id", "")),
            Field("action_prefix", _("Slag av händelse"), "choice", value=self.filters.get("action_prefix") or None,
                  choices=labels.choices(EVENT_GROUPS)),
        ]

        def apply(values: dict | None) -> None:
            if values is not None:
                self.filters = values
                self.load(0)

        self.app.push_screen(FormScreen(_("Filtrera loggen"), fields, lambda v, c: v), apply)

    def action_verify(self) -> None:
        def done(report) -> None:
            if report.ok:
                self.notify(_("Loggkedjan är obruten och varje post är den som loggen visar."), markup=False)
            elif report.records:
                first = report.records[0]
                what = _(labels.RECORD_TABLES.get(first.table, first.table))
                key = ", ".join(str(k) for k in first.key_values)
                self.notify(_("{n} poster skiljer sig från granskningsloggen, bland dem {what} {key}; "
                              "samverkan audit verify listar alla.").format(
                                  n=len(report.records), what=what, key=key), severity="error", markup=False)
            elif report.broken_at:
                self.notify(_("Loggkedjan är bruten vid händelse {n}.").format(n=report.broken_at),
                            severity="error", markup=False)
            else:  # the anchor: the audit key does not confirm the chain
                self.notify(_("Loggkedjan bekräftas inte av granskningsnyckeln; "
                              "samverkan audit verify säger var."), severity="error", markup=False)

        self.run_db(self.services.verify_audit, done)


class EventScreen(BaseModal[None]):
    """One audit event with its before and after values (read-only), each stored field by
    its label and each stored key (a stage, a form …) by its name."""

    BINDINGS = [Binding("escape", "close", N_("Stäng"), id="event.close")]

    def __init__(self, event: Any, record_kinds: dict[str, str] | None = None) -> None:
        super().__init__()
        self.event = event
        self.record_kinds = record_kinds or {}

    def compose(self) -> ComposeResult:
        e = self.event
        with Vertical(id="event-box"):
            yield Label(Text(_("Händelse {n}").format(n=e.id)), id="event-title")
            with VerticalScroll():
                yield Static(join(facts([
                    (_("Tid"), e.at), (_("Vem"), e.actor), (_("Varifrån"), e.origin),
                    (_("Händelse"), labels.event(e.action, self.record_kinds)),
                    (_("Objekt"), labels.entity(e.entity, e.entity_id)), (_("Hash"), e.hash[:16]),
                    # an erasure or culling removed what the event held; the rest stands
                    *([(_("Innehåll"), _("raderat av händelse {n}").format(n=e.erased_by))]
                      if getattr(e, "erased_by", None) else []),
                ], width=10), *stored(_("Före"), e.before), *stored(_("Efter"), e.after)))

    def action_close(self) -> None:
        self.dismiss(None)
