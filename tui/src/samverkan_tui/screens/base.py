"""What every samverkan screen shares: translated bindings and database workers."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from textual.binding import ActiveBinding
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, get_current_worker

from samverkan.domain.errors import SamverkanError
from samverkan_tui.i18n import _

T = TypeVar("T")


def translated(bindings: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """The bindings with their descriptions in the interface language."""
    out = {}
    for key, active in bindings.items():
        b = active.binding
        if b.description:
            b = dataclasses.replace(b, description=_(b.description))
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
