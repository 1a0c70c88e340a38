"""First run: choose this database's municipality among the installed plugins.

Loading the demo data runs in a thread worker while a loading indicator and a status
line show; the keys are ignored until it is done.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Label, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

from samverkan_tui.i18n import N_, _
from samverkan_tui.screens.base import BaseScreen
from samverkan_tui.widgets.header import AppHeader


class FirstRunScreen(BaseScreen):
    """Shown when the database has no municipality yet."""

    area = N_("Start")
    BINDINGS = [
        Binding("enter", "start_empty", N_("Börja tomt"), id="first.empty",
                tooltip=N_("Välj kommunen och börja med en tom databas")),
        Binding("d", "demo", N_("Demodata"), id="first.demo",
                tooltip=N_("Välj kommunen och ladda dess demodata")),
    ]
    busy = False  # database work (demo data) is running

    def compose(self) -> ComposeResult:
        yield AppHeader(_("Första start"))
        munis = self.services.installed_municipalities()
        with Vertical(id="first-run"):
            yield Static(Text(_("Databasen är ny. Välj vilken kommun den tillhör:")), id="first-intro")
            yield Static(Text(_("Databas") + f": {self.services.database.name}"), id="first-db",
                         classes="muted")
            yield OptionList(
                *[Option(Text(f"{m.name} – {m.organisation} ({key})"), id=key) for key, m in munis.items()],
                id="municipalities")
            if not munis:
                yield Label(Text(_("Inga kommunplugin är installerade.")), classes="error")
            yield Static(Text(_("enter: börja med en tom databas · d: ladda demodata")), classes="muted")
            yield Label("", id="first-status")
            loading = LoadingIndicator(id="first-loading")
            loading.display = False
            yield loading
        yield Footer(compact=True)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = 0
        options.focus()

    def chosen(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def working(self, status: str | None) -> None:
        """Show (``status``) or hide (None) the progress of the database work."""
        self.busy = status is not None
        self.query_one("#first-loading").display = self.busy
        self.query_one("#first-status", Label).update(Text(status or ""))
        self.query_one(OptionList).disabled = self.busy

    def failed(self, exc: BaseException) -> None:
        self.working(None)
        self.app.show_error(exc)

    def action_start_empty(self) -> None:
        key = self.chosen()
        if key and not self.busy:
            services = self.services
            self.run_db(lambda: services.set_municipality(key), lambda _r: self.app.start_home())

    def action_demo(self) -> None:
        key = self.chosen()
        if not key or self.busy:
            return
        from samverkan.services.demo import load_demo

        services = self.services

        def done(counts: dict) -> None:
            self.notify(_("Demodata: {o} organisationer, {c} samverkansärenden.").format(
                o=counts["organisations"], c=counts["collaborations"]), markup=False)
            self.app.start_home()

        muni = self.services.installed_municipalities()[key]
        self.working(_("Laddar demodata för {name} …").format(name=muni.name))
        self.run_db(lambda: load_demo(services, key), done, self.failed)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_start_empty()
