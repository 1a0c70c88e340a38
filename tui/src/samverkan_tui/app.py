"""The Textual application: opens the services, shows the first screen, routes messages.

Screens are imported when first shown, so start-up imports only what the first screen
needs (see scripts/bench_tui.py).
"""

from __future__ import annotations

import threading
from typing import Any

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.color import Color
from textual.filter import LineFilter
from textual.screen import Screen

from samverkan.domain.model import TERMINAL_UNSAFE
from samverkan_tui.commands import SamverkanCommands
from samverkan_tui.i18n import N_, _, core_text, set_language
from samverkan_tui.messages import OpenCollaboration, OpenOrganisation


class FirstPage:
    """The home screen's first page and count, read in a thread started with the app."""

    def __init__(self, services: Any, lock: threading.Lock) -> None:
        from samverkan.domain.query import CollabQuery

        self.query = CollabQuery(limit=100)
        self.result: tuple[list[dict], int] | None = None
        self.error: BaseException | None = None
        self._done = threading.Event()
        self._services, self._lock = services, lock
        threading.Thread(target=self._read, name="first-page", daemon=True).start()

    def _read(self) -> None:
        try:
            with self._lock:
                rows = self._services.collaborations(self.query)
                self.result = (rows, self._services.count_collaborations(self.query))
        except BaseException as exc:  # shown by the screen's own worker, which reads again
            self.error = exc
        finally:
            self._done.set()

    def take(self, timeout: float = 0.5) -> tuple[list[dict], int] | None:
        """The rows and count once read (waiting at most ``timeout``), else None."""
        self._done.wait(timeout)
        return self.result if self.error is None else None


class SamverkanApp(App):
    """samverkan's terminal interface, acting as ``settings.user`` on ``settings.db_path``."""

    TITLE = "samverkan"
    CSS_PATH = "app.tcss"
    COMMANDS = {SamverkanCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("question_mark", "help", N_("Hjälp"), id="app.help",
                tooltip=N_("Visa alla tangenter på skärmen")),
        Binding("q", "quit", N_("Avsluta"), id="app.quit", tooltip=N_("Stäng programmet")),
        Binding("ctrl+p", "command_palette", N_("Kommandon"), id="app.palette", show=False,
                priority=True, tooltip=N_("Öppna kommandopaletten")),
    ]

    def __init__(self, settings: Any, services: Any = None) -> None:
        super().__init__()
        self.settings = settings
        set_language(getattr(settings, "lang", "sv"))
        if services is None:
            from samverkan.services import Services

            services = Services.open(settings.db_path, settings.user, settings.origin)
        self.services = services
        self.db_lock = threading.Lock()
        self.first_page: FirstPage | None = None
        #: ends the session when its terminal goes away or it sits idle (set by run())
        self.session_guard: Any = None

    # -- identity -------------------------------------------------------------

    def identity(self) -> str:
        """Who is acting, for which municipality (shown in every header)."""
        where = self.services.municipality_name or _("ingen kommun vald")
        return f"{self.services.actor} · {where}"

    async def on_event(self, event: events.Event) -> None:
        if self.session_guard is not None and isinstance(event, events.InputEvent):
            self.session_guard.touch()  # input: the idle time starts again
        await super().on_event(event)

    # -- screens ----------------------------------------------------------------

    def on_load(self) -> None:
        if self.services.municipality_key is not None:
            # read the home screen's first page while Textual starts, so the first frame
            # already shows rows instead of an empty table (scripts/bench_tui.py)
            self.first_page = FirstPage(self.services, self.db_lock)

    def on_mount(self) -> None:
        from samverkan.runtime.startup import resume_gc

        self.call_after_refresh(resume_gc)
        self.warn_if_damaged()
        if self.services.municipality_key is None:
            from samverkan_tui.screens.first_run import FirstRunScreen

            self.push_screen(FirstRunScreen())
        else:
            self.start_home()

    def start_home(self) -> None:
        """Show the collaborations list as the bottom screen of the stack."""
        from samverkan_tui.screens.collaborations import CollaborationsScreen

        home = CollaborationsScreen()
        if len(self.screen_stack) > 1:
            self.switch_screen(home)
        else:
            self.push_screen(home)

    def screen_commands(self) -> list[tuple[str, str, str]]:
        """(key, name, help) of every place the palette can go."""
        return [
            ("collaborations", _("Samverkan"), _("Listan över samverkan")),
            ("organisations", _("Organisationer"), _("Listan över organisationer")),
            ("audit", _("Granskningslogg"), _("Alla ändringar, skrivskyddat")),
            ("privacy", _("Personuppgifter"), _("Registerutdrag, radering och gallring (GDPR)")),
            ("compare", _("Jämför kommuner"), _("Två kommuners regler sida vid sida")),
            ("reports", _("Rapporter"), _("Kommunens rapporter, t.ex. värdetabell och uppföljningar")),
            ("overview", _("Översikt"), _("Hela portföljen: antal, pengar, uppföljningar, beslut")),
            ("new_collaboration", _("Ny samverkan"), _("Registrera ett initiativ")),
            ("form_guide", _("Välj samverkansform"), _("Frågor som leder till en form enligt kommunens riktlinjer")),
            ("new_organisation", _("Ny organisation"), _("Registrera en organisation")),
            ("import_organisations", _("Importera organisationer"), _("Från en CSV- eller JSON-fil")),
            ("help", _("Hjälp"), _("Tangenterna på skärmen")),
        ]

    def goto(self, where: str, **kwargs: Any) -> None:
        """Open a screen or form by key (used by bindings and the command palette)."""
        if where == "compare":  # needs only the installed plugins, not a municipality
            from samverkan_tui.screens.compare import CompareScreen

            if not isinstance(self.screen, CompareScreen):
                self.push_screen(CompareScreen(**kwargs))
            return
        if self.services.municipality_key is None:
            return
        if where == "collaborations":
            while len(self.screen_stack) > 2:
                self.pop_screen()
        elif where == "organisations":
            from samverkan_tui.screens.organisations import OrganisationsScreen

            self.push_screen(OrganisationsScreen())
        elif where == "audit":
            from samverkan_tui.screens.audit import AuditScreen

            self.push_screen(AuditScreen(**kwargs))
        elif where == "privacy":
            from samverkan_tui.screens.privacy import PrivacyScreen

            if not isinstance(self.screen, PrivacyScreen):
                self.push_screen(PrivacyScreen())
        elif where == "overview":
            from samverkan_tui.screens.overview import OverviewScreen

            if not isinstance(self.screen, OverviewScreen):
                self.push_screen(OverviewScreen())
        elif where == "reports":
            from samverkan_tui.screens.reports import ReportsScreen

            if not isinstance(self.screen, ReportsScreen):
                self.push_screen(ReportsScreen())
        elif where == "new_collaboration":
            from samverkan_tui.forms import collaboration_form
            from samverkan_tui.screens.base import run_db

            org = kwargs.get("org", "")
            form, answers = kwargs.get("form"), kwargs.get("answers")
            # the offered forms are a read of the services: in a worker, like every read
            run_db(self, self.services.offered_forms,
                   lambda offers: self.push_screen(
                       collaboration_form(self.services, offers, org, form=form, answers=answers),
                       self._created_collab),
                   group="new-collaboration", exclusive=True)
        elif where == "form_guide":
            self.open_form_guide()
        elif where == "new_organisation":
            from samverkan_tui.forms import organisation_form

            self.push_screen(organisation_form(self.services), self._created_org)
        elif where == "import_organisations":
            from samverkan_tui.screens.transfer import ImportScreen

            if not isinstance(self.screen, ImportScreen):
                self.push_screen(ImportScreen())
        elif where == "help":
            self.action_help()

    def open_form_guide(self) -> None:
        """The form questionnaire, its recommendation, then a new initiative with the chosen
        form and the answers (see samverkan_tui.screens.form_guide)."""
        from samverkan_tui.screens.form_guide import GuideResultScreen, guide_form

        def chosen(choice: Any) -> None:
            if choice is not None:
                form, answers = choice
                self.goto("new_collaboration", form=form, answers=answers)

        def ready(offers: list[Any]) -> None:
            names = {o.form: core_text(o.name) for o in offers}

            def answered(outcome: Any) -> None:
                if outcome is not None:
                    result, answers = outcome
                    self.push_screen(GuideResultScreen(result, answers, names), chosen)

            self.push_screen(guide_form(self.services), answered)

        from samverkan_tui.screens.base import run_db

        run_db(self, self.services.offered_forms, ready, group="form-guide", exclusive=True)

    def action_goto(self, where: str) -> None:
        """Binding and palette action: open the screen or form ``where``."""
        self.goto(where)

    def _created_collab(self, collab: Any) -> None:
        if collab is not None:
            self.notify(_("Samverkan {n} är registrerad.").format(n=collab.id), markup=False)
            self.post_message(OpenCollaboration(collab.id))

    def _created_org(self, org: Any) -> None:
        if org is not None:
            self.notify(_("Organisationen är registrerad."), markup=False)
            self.advise_legal_form(org)
            self.post_message(OpenOrganisation(org.id))

    def advise_legal_form(self, org: Any) -> None:
        """Tell the officer when the number's group digit contradicts the legal form.

        Advisory only: the registration stands. ``legal_form_advice`` is pure (a public
        digit against a form, no database), so it runs here rather than in a worker.
        """
        from samverkan_tui.i18n import core_text

        advice = self.services.legal_form_advice(org.orgnr, org.legal_form)
        if advice:
            self.notify(core_text(advice), title=_("Kontrollera juridisk form"), severity="warning",
                        markup=False, timeout=12)

    def on_open_collaboration(self, message: OpenCollaboration) -> None:
        from samverkan_tui.screens.collaboration import CollaborationScreen

        self.push_screen(CollaborationScreen(message.collab_id))

    def on_open_organisation(self, message: OpenOrganisation) -> None:
        from samverkan_tui.screens.organisation import OrganisationScreen

        self.push_screen(OrganisationScreen(message.org_id))

    def action_help(self) -> None:
        from samverkan_tui.screens.help import HelpScreen

        if type(self.screen).__name__ == "HelpScreen":
            return
        screen = self.screen
        where = _(getattr(screen, "area", "")) or _("Allmänt")
        self.push_screen(HelpScreen(dict(screen.active_bindings), where))

    def get_system_commands(self, screen: Screen):
        return iter(())

    def action_command_palette(self) -> None:
        """The command palette, with its prompt in the interface language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=_("Sök kommandon …")))

    def show_error(self, exc: BaseException) -> None:
        """Show a refusal from the services as a notification (literal text)."""
        from samverkan_tui.i18n import core_text

        self.notify(core_text(exc), severity="error", markup=False, timeout=8)

    # -- failing safe ------------------------------------------------------------

    def get_line_filters(self) -> list[LineFilter]:
        # every line drawn loses its control characters (see TerminalSafe)
        return [*super().get_line_filters(), TERMINAL_SAFE]

    def warn_if_damaged(self) -> None:
        """Say at once when the database is known to be damaged (nothing can be saved)."""
        if getattr(self.services.store, "damage", None):
            self.notify(_("Databasen {path} är skadad: inget kan sparas. Be administratören "
                          "återställa den från en säkerhetskopia.").format(path=self.services.database),
                        severity="error", markup=False, timeout=30)

    def _handle_exception(self, error: Exception) -> None:
        # Textual's last resort for an exception nothing handled prints a traceback with
        # local variables — SQL text, a case's data — and over SSH that is an officer's
        # screen. A refusal from the core in a worker becomes a notification and the app
        # carries on. Raised in a message handler, it has stopped that widget's message
        # loop (Textual's design: the app is to exit), so the app exits with the refusal
        # as its one line; anything else is logged for the administrator with an
        # incident id, and the app exits with one line quoting it.
        from textual.worker import WorkerFailed

        from samverkan.domain.errors import SamverkanError
        from samverkan.services.incidents import record, unexpected
        from samverkan_tui.i18n import core_text

        cause = error.error if isinstance(error, WorkerFailed) else error
        if isinstance(cause, SamverkanError):
            if isinstance(error, WorkerFailed):
                self.show_error(cause)
                return
            line = core_text(cause)
        else:
            incident = record(cause, where=f"TUI, screen {type(self.screen).__name__}",
                              database=self.services.database)
            line = core_text(unexpected(cause, incident))
        stop = Incident(line)
        stop.__cause__ = cause  # a test run (Pilot) shows the real traceback
        super()._handle_exception(stop)


class TerminalSafe(LineFilter):
    """Removes control characters, bidirectional controls and zero-width characters from
    every line drawn (:data:`samverkan.domain.model.TERMINAL_UNSAFE`).

    Text is cleaned when it is stored; this covers text stored before that and the audit
    log, which keeps what was written, on every screen at once. They have no width, so
    removing them leaves the layout as Textual measured it.
    """

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not any(TERMINAL_UNSAFE.search(s.text) for s in segments if not s.control):
            return segments
        return [s if s.control else Segment(TERMINAL_UNSAFE.sub("", s.text), s.style, s.control)
                for s in segments]


TERMINAL_SAFE = TerminalSafe()


class Incident(Exception):
    """An unexpected error, shown on exit as its one line (no traceback)."""

    def __rich__(self) -> Text:
        return Text(f"{_('Fel')}: {self}")


def run(settings: Any) -> int:
    """Run the app; returns the exit status.

    Only on a terminal, and only as long as it lasts: a hangup, a closed terminal or
    SIGTERM ends the app within a second, and so does idleness after the configured
    time, with a notice (see samverkan.runtime.terminal). The database is closed either way.
    """
    from samverkan.i18n import translate
    from samverkan.runtime.terminal import (
        IDLE,
        SessionGuard,
        idle_notice,
        idle_seconds,
        idle_warning,
        require_terminal,
    )

    require_terminal()
    app = SamverkanApp(settings)
    lang = getattr(settings, "lang", "sv")

    def warn(left: float) -> None:
        app.call_from_thread(app.notify, translate(idle_warning(left), lang), severity="warning",
                             timeout=max(left, 1), markup=False)

    app.session_guard = guard = SessionGuard(
        lambda reason: app.call_from_thread(app.exit), app.services.store.close,
        idle_seconds=idle_seconds(settings), warn=warn)
    try:
        with guard:
            app.run()
    finally:
        app.services.store.close()
        guard.exit_within()  # the way out must not hang on a terminal that went away
    if guard.reason == IDLE:
        print(translate(idle_notice(guard.idle_seconds), lang), flush=True)
    return guard.exit_status
