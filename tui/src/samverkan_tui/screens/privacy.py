"""A person's data under GDPR and the archives act: the register extract, erasure, culling.

The keyboard face of ``samverkan privacy`` (admin only):

- the person's name and the other ways they are written (e-mail, telephone; comma
  separated), enter (or ctrl+f) searches: every stored place that holds them (GDPR
  art. 15) as a table, with a count;
- ctrl+r shows what erasing them would remove, change and keep (with the reason a record
  is kept) and how many audit events would lose their content (a dry run), then asks
  for a confirmation before erasing (GDPR art. 17);
- ctrl+g does the same for culling (gallring) by the municipality's retention rules.

Every value is shown literally; enter on a row shows it whole. A user who is not an
administrator sees the core's refusal on the screen (one line) and nothing else.
"""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Input, Label, Static

from samverkan.domain.errors import PermissionDenied, SamverkanError
from samverkan_tui import labels
from samverkan_tui.i18n import N_, _, core_text
from samverkan_tui.screens.base import BaseScreen
from samverkan_tui.widgets.header import AppHeader

#: the tables a place can be in, in words (the audit chain's tables, and the others)
TABLES = {
    **labels.RECORD_TABLES,
    "events": N_("granskningslogg"),
    "outbox": N_("meddelande"),
    "reminders": N_("påminnelse"),
    "outbox_attempts": N_("sändningsförsök"),
    "meta": N_("inställning"),
}
#: columns the audit log's fields (labels.FIELDS) do not name
COLUMNS = {
    "before": N_("Före"), "after": N_("Efter"), "rows": N_("Rader"), "actor": N_("Vem"),
    "origin": N_("Varifrån"), "entity": N_("Objekt"), "entity_id": N_("Objektets nr"),
    "public_key": N_("Publik nyckel"), "body": N_("Text"), "error": N_("Fel"),
    "org_names": N_("Organisationer"), "form_answers": N_("Svar om formen"), "created_by": N_("Skapad av"),
}
#: what happens to a place, before (a dry run) and after
WHAT = {
    "removed": (N_("Tas bort"), N_("Borttagen")),
    "changed": (N_("Ändras"), N_("Ändrad")),
    "kept": (N_("Behålls"), N_("Behållen")),
}
#: the audit log's images: shown field by field, by their labels
IMAGES = ("before", "after")
#: what the status line and the notification say once an erasure or a culling is done
DONE = {
    "erase": (N_("Raderingen är gjord: {removed} borttagna, {changed} ändrade, {kept} behållna; innehållet i "
                 "{events} händelser i granskningsloggen är raderat (händelse {event})."),
              N_("Raderingen är registrerad som händelse {event} i granskningsloggen.")),
    "cull": (N_("Gallringen är gjord: {removed} borttagna, {changed} ändrade; innehållet i {events} händelser "
                "i granskningsloggen är raderat (händelse {event})."),
             N_("Gallringen är registrerad som händelse {event} i granskningsloggen.")),
}


def table_name(table: str) -> str:
    return _(TABLES[table]) if table in TABLES else table


def column_name(column: str) -> str:
    return _(COLUMNS[column]) if column in COLUMNS else labels.field_name(column)


def key_text(key: Any) -> str:
    """A row's key as shown, as the core names it ("3", "3/5"); "*": every row."""
    return _("alla") if key == "*" else str(key)


def one_line(value: Any) -> str:
    """A stored value on one line (newlines and runs of spaces as one space)."""
    return " ".join(str("" if value is None else value).split())


def value_text(table: str, column: str, value: Any) -> str:
    """A stored value as shown: an audit event's before or after field by field, by
    label; anything else as stored (on one line)."""
    if table == "events" and column in IMAGES and isinstance(value, str):
        try:
            data = json.loads(value)
        except ValueError:
            data = None
        if isinstance(data, dict):
            return ", ".join(f"{labels.field_name(k)}: {one_line(labels.stored_value(k, v))}"
                             for k, v in data.items())
    return one_line(value)


def cell(value: Any) -> Text:
    """A cell shown literally (stored text may hold Rich markup), cut at its width."""
    return Text(str(value), no_wrap=True, overflow="ellipsis")


def terms_of(person: str, also: str) -> tuple[str, list[str]]:
    """The name and the other ways it is written (comma separated), stripped."""
    return person.strip(), [t.strip() for t in also.split(",") if t.strip()]


class PrivacyScreen(BaseScreen):
    """The register extract, erasure and culling of one person's data (admin only)."""

    area = N_("Personuppgifter")
    AUTO_FOCUS = "#privacy-person"
    DEFAULT_CSS = """
    PrivacyScreen .privacy-line { height: 1; }
    PrivacyScreen .privacy-label { width: 16; padding: 0 1; color: $text-muted; }
    PrivacyScreen .privacy-line Input { width: 1fr; background: $boost; }
    PrivacyScreen .privacy-line Input:focus { background: $primary 25%; }
    PrivacyScreen #privacy-status { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    PrivacyScreen #privacy-status.-refused { color: $text-error; }
    PrivacyScreen #privacy-table { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "back", N_("Tillbaka"), id="privacy.back", tooltip=N_("Tillbaka till förra skärmen")),
        Binding("ctrl+f", "search", N_("Sök"), id="privacy.search",
                tooltip=N_("Visa allt som lagrats om personen (registerutdrag, GDPR art. 15)")),
        Binding("ctrl+r", "erase", N_("Radera …"), id="privacy.erase",
                tooltip=N_("Visa vad en radering av personen skulle göra, och radera efter en bekräftelse")),
        Binding("ctrl+g", "cull", N_("Gallra …"), id="privacy.cull",
                tooltip=N_("Visa vad som är moget för gallring enligt kommunens regler, och gallra efter "
                           "en bekräftelse")),
    ]

    def __init__(self) -> None:
        super().__init__()
        #: None until the role is checked; then whether the user may act here
        self.allowed: bool | None = None
        #: what the table shows: its title, columns (key, heading) and rows (full values)
        self.title_text = ""
        self.columns: list[tuple[str, str]] = []
        self.rows: list[dict[str, str]] = []

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Personuppgifter"))
        with Horizontal(classes="privacy-line"):
            yield Label(Text(_("Namn")), classes="privacy-label")
            yield Input(placeholder=_("Personens namn (enter söker)"), id="privacy-person", compact=True)
        with Horizontal(classes="privacy-line"):
            yield Label(Text(_("Även skrivet")), classes="privacy-label")
            yield Input(placeholder=_("E-post, telefon … (kommatecken mellan)"), id="privacy-also",
                        compact=True)
        yield Static(Text(_("Kontrollerar behörigheten …")), id="privacy-status")
        yield DataTable(id="privacy-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        services = self.services

        def work() -> None:
            # the use cases' own check: a refusal is the core's, and is audited as one
            services.authorize("privacy.extract", entity="database", entity_id="*")

        self.run_db(work, self._allowed, self._refused, group="privacy", exclusive=True)

    def _allowed(self, _result: None) -> None:
        self.allowed = True
        self.refresh_bindings()
        self.set_status(_("Skriv personens namn och andra sätt det skrivs; enter söker i allt som lagrats. "
                          "ctrl+r raderar, ctrl+g gallrar (båda visar först vad som görs)."))

    def _refused(self, exc: SamverkanError) -> None:
        if not isinstance(exc, PermissionDenied):  # the database, not the role: said, nothing to do
            self.app.show_error(exc)
        self.allowed = False
        for field in self.query(Input):
            field.disabled = True
        self.refresh_bindings()
        self.set_status(core_text(exc), refused=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("search", "erase", "cull"):
            return bool(self.allowed)
        return True

    # -- showing -----------------------------------------------------------------

    def set_status(self, text: str, refused: bool = False) -> None:
        status = self.query_one("#privacy-status", Static)
        status.update(Text(text))
        status.set_class(refused, "-refused")

    def show(self, title: str, columns: list[tuple[str, str, int | None]], rows: list[dict[str, str]]) -> None:
        """Show ``rows`` (full values by column key) under ``columns`` (key, heading, width)."""
        self.title_text, self.rows = title, rows
        self.columns = [(key, heading) for key, heading, _width in columns]
        table = self.query_one("#privacy-table", DataTable)
        table.clear(columns=True)
        for key, heading, width in columns:
            table.add_column(Text(heading), key=key, width=width)
        for i, row in enumerate(rows):
            table.add_row(*(cell(row.get(key, "")) for key, _h, _w in columns), key=str(i))

    # -- the register extract ------------------------------------------------------------

    def terms(self) -> tuple[str, list[str]] | None:
        """The name and the other ways it is written, or None (said so) without a name,
        and None for a user who may not see the screen."""
        if not self.allowed:
            return None
        person, also = terms_of(self.query_one("#privacy-person", Input).value,
                                self.query_one("#privacy-also", Input).value)
        if not person:
            self.notify(_("Skriv personens namn först."), severity="warning", markup=False)
            self.query_one("#privacy-person", Input).focus()
            return None
        return person, also

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_search()

    def action_search(self) -> None:
        terms = self.terms()
        if terms is None:
            return
        person, also = terms
        services = self.services
        self.set_status(_("Söker …"))
        self.run_db(lambda: services.privacy_extract(person, *also),
                    lambda found: self.extracted(person, also, found), self._failed,
                    group="privacy", exclusive=True)

    def extracted(self, person: str, also: list[str], found: list[dict[str, Any]]) -> None:
        who = ", ".join([person, *also])
        rows = [{"table": table_name(p["table"]), "key": key_text(p["key"]), "column": column_name(p["column"]),
                 "value": value_text(p["table"], p["column"], p["value"])} for p in found]
        self.show(_("Registerutdrag: {who}").format(who=who), [
            ("table", _("Tabell"), 16), ("key", _("Nyckel"), 6), ("column", _("Kolumn"), 13),
            ("value", _("Värde"), 34)], rows)
        if found:
            self.set_status(_("{n} platser innehåller {who} · enter visar hela raden").format(n=len(found), who=who))
            self.query_one("#privacy-table", DataTable).focus()
        else:
            self.set_status(_("Ingenting som lagrats innehåller {who}.").format(who=who))

    def _failed(self, exc: SamverkanError) -> None:
        self.set_status(core_text(exc), refused=isinstance(exc, PermissionDenied))
        self.app.show_error(exc)

    # -- erasure and culling ------------------------------------------------------------

    def show_removal(self, title: str, removal: Any, done: bool) -> None:
        """What an erasure or a culling would do (``done``: did), place by place."""
        when = 1 if done else 0
        rows = []
        for what, places in (("removed", removal.removed), ("changed", removal.changed), ("kept", removal.kept)):
            for p in places:
                rows.append({"what": _(WHAT[what][when]), "table": table_name(p["table"]),
                             "key": key_text(p["key"]),
                             "column": column_name(p["column"]) if p.get("column") else "",
                             "reason": one_line(core_text(p["reason"])) if p.get("reason") else ""})
        self.show(title, [
            ("what", _("Åtgärd"), 9), ("table", _("Tabell"), 16), ("key", _("Nyckel"), 6),
            ("column", _("Kolumn"), 13), ("reason", _("Skäl"), 23)], rows)

    @staticmethod
    def counts(removal: Any) -> dict[str, int]:
        return {"removed": len(removal.removed), "changed": len(removal.changed), "kept": len(removal.kept),
                "events": len(removal.events)}

    def action_erase(self) -> None:
        terms = self.terms()
        if terms is None:
            return
        person, also = terms
        services = self.services
        self.set_status(_("Tar reda på vad en radering skulle göra …"))
        self.run_db(lambda: services.privacy_erase(person, *also, dry_run=True),
                    lambda plan: self.erase_planned(person, also, plan), self._failed,
                    group="privacy", exclusive=True)

    def erase_planned(self, person: str, also: list[str], plan: Any) -> None:
        from samverkan_tui.screens.form import FormScreen

        who = ", ".join([person, *also])
        n = self.counts(plan)
        self.show_removal(_("Radering (förhandsvisning): {who}").format(who=who), plan, done=False)
        self.set_status(_("Radering av {who}, förhandsvisning: {removed} tas bort, {changed} ändras, {kept} "
                          "behålls; innehållet i {events} händelser i granskningsloggen raderas.").format(
                              who=who, **n))
        if not (plan.removed or plan.changed or plan.events):
            self.notify(_("Ingenting att radera för {who}.").format(who=who), markup=False)
            return
        services = self.services

        def submit(values: dict[str, Any], confirm: bool) -> Any:
            return services.privacy_erase(person, *also)

        intro = _("{who}: {removed} tas bort, {changed} ändras och {kept} behålls (listan bakom visar "
                  "varje plats och skälen). Innehållet i {events} händelser i granskningsloggen raderas; "
                  "loggkedjan håller. Raderingen går inte att ångra.").format(who=who, **n)
        self.app.push_screen(FormScreen(_("Radera personuppgifterna?"), [], submit, intro=intro,
                                        save_label=_("raderar")),
                             lambda removal: self.removed(_("Radering: {who}").format(who=who), removal, "erase"))

    def action_cull(self) -> None:
        if not self.allowed:
            return
        services = self.services
        self.set_status(_("Tar reda på vad som är moget för gallring …"))
        self.run_db(lambda: services.privacy_cull(dry_run=True), self.cull_planned, self._failed,
                    group="privacy", exclusive=True)

    def cull_planned(self, plan: Any) -> None:
        from samverkan_tui.screens.form import FormScreen

        n = self.counts(plan)
        self.show_removal(_("Gallring (förhandsvisning)"), plan, done=False)
        self.set_status(_("Gallring, förhandsvisning: {removed} tas bort, {changed} ändras; innehållet i {events} "
                          "händelser i granskningsloggen raderas.").format(**n))
        if not (plan.removed or plan.changed or plan.events):
            self.notify(_("Ingenting är moget för gallring."), markup=False)
            return
        services = self.services

        def submit(values: dict[str, Any], confirm: bool) -> Any:
            return services.privacy_cull()

        intro = _("{removed} tas bort och {changed} ändras enligt kommunens regler för bevarande och gallring "
                  "(listan bakom visar varje plats). Innehållet i {events} händelser i granskningsloggen "
                  "raderas; loggkedjan håller. Gallringen går inte att ångra.").format(**n)
        self.app.push_screen(FormScreen(_("Gallra?"), [], submit, intro=intro, save_label=_("gallrar")),
                             lambda removal: self.removed(_("Gallring"), removal, "cull"))

    def removed(self, title: str, removal: Any, kind: str) -> None:
        """After the confirmation: what was done, and the audit event that recorded it."""
        if removal is None:  # not confirmed: the preview stays
            return
        n = self.counts(removal)
        self.show_removal(title, removal, done=True)
        status, note = DONE[kind]
        self.set_status(_(status).format(event=removal.event_id, **n))
        self.notify(_(note).format(event=removal.event_id), markup=False)
        if not removal.compacted:
            self.notify(_("Någon annan läste databasen samtidigt, så filen kunde inte byggas om: gamla sidor kan "
                          "ännu innehålla uppgifterna. Gör om när ingen annan har den öppen."),
                        severity="warning", markup=False, timeout=12)

    # -- a row whole -------------------------------------------------------------

    @on(DataTable.RowSelected, "#privacy-table")
    def _row(self, event: DataTable.RowSelected) -> None:
        event.stop()
        from samverkan.domain.rules import ReportTable
        from samverkan_tui.screens.reports import ReportRowScreen

        index = int(event.row_key.value or 0)
        if 0 <= index < len(self.rows):
            self.app.push_screen(ReportRowScreen(ReportTable(self.title_text, self.columns, self.rows),
                                                 self.rows[index]))

    def action_back(self) -> None:
        self.app.pop_screen()
