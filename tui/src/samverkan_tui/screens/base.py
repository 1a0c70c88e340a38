"""What every samverkan screen shares: translated bindings and database workers."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from textual.binding import ActiveBinding
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, get_current_worker

from samverkan.domain.errors import SamverkanError
from samverkan_tui.i18n import N_, _

T = TypeVar("T")


# Descriptions Textual"s own widgets give their bindings, in the interface"s words (the
# footer, the help and the palette show them; tests/tui/test_no_internal_values.py checks
# that every widget the interface uses is covered).
WIDGET_TEXTS = {
    "Bottom": N_("Nederst"),
    "Copy": N_("Kopiera"),
    "Copy selected text": N_("Kopiera markerad text"),
    "Cursor down": N_("Markören ned"),
    "Cursor down select": N_("Markera nedåt"),
    "Cursor left": N_("Markören vänster"),
    "Cursor left select": N_("Markera åt vänster"),
    "Cursor left word select": N_("Markera ett ord åt vänster"),
    "Cursor line end": N_("Till radens slut"),
    "Cursor line end select": N_("Markera till radens slut"),
    "Cursor line start": N_("Till radens början"),
    "Cursor line start select": N_("Markera till radens början"),
    "Cursor page down": N_("Sida ned"),
    "Cursor page up": N_("Sida upp"),
    "Cursor right": N_("Markören höger"),
    "Cursor right select": N_("Markera åt höger"),
    "Cursor right word select": N_("Markera ett ord åt höger"),
    "Cursor up": N_("Markören upp"),
    "Cursor up select": N_("Markera uppåt"),
    "Cursor word left": N_("Ett ord åt vänster"),
    "Cursor word right": N_("Ett ord åt höger"),
    "Cut": N_("Klipp ut"),
    "Cut selected text": N_("Klipp ut markerad text"),
    "Delete all to the left": N_("Radera allt till vänster"),
    "Delete all to the right": N_("Radera allt till höger"),
    "Delete character left": N_("Radera tecknet till vänster"),
    "Delete character right": N_("Radera tecknet till höger"),
    "Delete left to start of word": N_("Radera till ordets början"),
    "Delete line": N_("Radera raden"),
    "Delete right to start of word": N_("Radera till nästa ords början"),
    "Delete to line end": N_("Radera till radens slut"),
    "Delete to line start": N_("Radera till radens början"),
    "Dismiss menu": N_("Stäng listan"),
    "Down": N_("Ned"),
    "End": N_("Sista"),
    "Exit the command palette": N_("Stäng kommandopaletten"),
    "First": N_("Första"),
    "Focus Next": N_("Nästa fält"),
    "Focus Previous": N_("Föregående fält"),
    "Go to bottom": N_("Längst ned"),
    "Go to end": N_("Till slutet"),
    "Go to start": N_("Till början"),
    "Go to top": N_("Längst upp"),
    "Home": N_("Första"),
    "Last": N_("Sista"),
    "Move cursor left": N_("Markören vänster"),
    "Move cursor left a word": N_("Ett ord åt vänster"),
    "Move cursor left a word and select": N_("Markera ett ord åt vänster"),
    "Move cursor left and select": N_("Markera åt vänster"),
    "Move cursor right a word": N_("Ett ord åt höger"),
    "Move cursor right a word and select": N_("Markera ett ord åt höger"),
    "Move cursor right and select": N_("Markera åt höger"),
    "Move cursor right or accept the completion suggestion": N_("Markören höger eller godta förslaget"),
    "Next command": N_("Nästa kommando"),
    "Next option": N_("Nästa alternativ"),
    "Next page": N_("Nästa sida"),
    "Next tab": N_("Nästa flik"),
    "Page Down": N_("Sida ned"),
    "Page Left": N_("Sida vänster"),
    "Page Right": N_("Sida höger"),
    "Page Up": N_("Sida upp"),
    "Page down": N_("Sida ned"),
    "Page up": N_("Sida upp"),
    "Paste": N_("Klistra in"),
    "Paste text from the clipboard": N_("Klistra in från urklipp"),
    "Previous command": N_("Föregående kommando"),
    "Previous option": N_("Föregående alternativ"),
    "Previous page": N_("Föregående sida"),
    "Previous tab": N_("Föregående flik"),
    "Quit": N_("Avsluta"),
    "Redo": N_("Gör om"),
    "Scroll Down": N_("Rulla ned"),
    "Scroll End": N_("Rulla till slutet"),
    "Scroll Home": N_("Rulla till början"),
    "Scroll Left": N_("Rulla vänster"),
    "Scroll Right": N_("Rulla höger"),
    "Scroll Up": N_("Rulla upp"),
    "Select": N_("Välj"),
    "Select all": N_("Markera allt"),
    "Select line": N_("Markera raden"),
    "Select line end": N_("Markera till radens slut"),
    "Select line start": N_("Markera till radens början"),
    "Show menu": N_("Visa listan"),
    "Show/hide": N_("Visa/dölj"),
    "Submit": N_("Skicka"),
    "Toggle": N_("Växla"),
    "Top": N_("Överst"),
    "Undo": N_("Ångra"),
    "Up": N_("Upp"),
}


def describe(text: str) -> str:
    """A binding's description in the interface language (Textual's own in Swedish words)."""
    return _(WIDGET_TEXTS.get(text, text))


def translated(bindings: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """The bindings with their descriptions in the interface language."""
    out = {}
    for key, active in bindings.items():
        b = active.binding
        if b.description:
            b = dataclasses.replace(b, description=describe(b.description))
        if b.group is not None and b.group.description:
            b = dataclasses.replace(b, group=dataclasses.replace(b.group, description=_(b.group.description)))
        out[key] = active._replace(binding=b, tooltip=_(active.tooltip) if active.tooltip else "")
    return out


def run_db(node: Any, work: Callable[[], T], done: Callable[[T], Any] | None = None,
           failed: Callable[[SamverkanError], Any] | None = None, *,
           group: str = "db", exclusive: bool = False) -> Worker:
    """Call ``work()`` in a thread worker of ``node`` (a screen or the app); then
    ``done(result)`` or ``failed(error)`` on the UI thread.

    One call at a time per app (the app's ``db_lock``: the services share one connection).
    A refusal (:class:`SamverkanError`) goes to ``failed`` or, without one, to a
    notification; any other exception is a bug and is raised in the app.
    """
    app = node.app

    def job() -> None:
        worker = get_current_worker()
        try:
            with app.db_lock:
                if worker.is_cancelled:
                    return
                result = work()
        except SamverkanError as exc:
            if not worker.is_cancelled:
                app.call_from_thread(failed or app.show_error, exc)
            return
        if done is not None and not worker.is_cancelled:
            app.call_from_thread(done, result)

    return node.run_worker(job, thread=True, group=group, exclusive=exclusive)


class DbMixin:
    """Run service calls in thread workers, one at a time per app (the store's lock)."""

    def run_db(self, work: Callable[[], T], done: Callable[[T], Any] | None = None,
               failed: Callable[[SamverkanError], Any] | None = None, *,
               group: str = "db", exclusive: bool = False) -> Worker:
        """Call ``work()`` in a thread; then ``done(result)`` or ``failed(error)`` (see :func:`run_db`)."""
        return run_db(self, work, done, failed, group=group, exclusive=exclusive)

    @property
    def services(self):
        """The app's services (acting user, database, municipality)."""
        return self.app.services  # type: ignore[attr-defined]


class BaseScreen(DbMixin, Screen):
    """A full screen with the app's header and footer."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translated(super().active_bindings)


class BaseModal(DbMixin, ModalScreen[T]):
    """A dialog over the current screen."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translated(super().active_bindings)
