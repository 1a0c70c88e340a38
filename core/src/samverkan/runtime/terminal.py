"""An interactive session lives as long as its terminal, and not forever.

Officers reach the interface over SSH. When the connection drops, the process must not
stay behind holding the database open (a long-lived reader also keeps the WAL from
being checkpointed), and a session nobody uses should end by itself:

- :func:`require_terminal`: without a terminal (``ssh -T host``, ``ssh host cmd``) the
  interface is not started at all; one line says why.
- :class:`SessionGuard`: while the interface runs, a watcher thread waits for the
  terminal to hang up (``POLLHUP``/``POLLERR`` on its descriptors: the pty closed, the
  pipe's far end went away, a write failed) and the process's ``SIGHUP``/``SIGTERM``,
  and ends an idle session after the configured time. Ending asks the interface to exit
  (its ``end`` callback) and, if it has not returned within a short grace, closes the
  database and ends the process, so a terminal that is gone cannot keep it hanging
  (Textual's writer thread blocks for good once its terminal is gone); once the
  interface has returned, :meth:`SessionGuard.exit_within` bounds the way out too.
- :class:`SessionSlots`: at most N sessions per person at once (``flock`` on a slot
  file each, released by the kernel however the process ends).

Nothing here knows Textual: the TUI hands in its ``end`` and ``close`` callbacks and
calls :meth:`SessionGuard.touch` on input.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import IO, Any

from samverkan.domain.errors import SamverkanError
from samverkan.i18n import Message, msg
from samverkan.runtime.config import Settings

#: why a session ended (SessionGuard.reason), with the process's exit status for each
HANGUP, TERMINATED, IDLE = "hangup", "terminated", "idle"
EXIT_STATUS = {HANGUP: 128 + signal.SIGHUP, TERMINATED: 128 + signal.SIGTERM, IDLE: 0}


class NoTerminal(SamverkanError):
    """The interactive interface was asked for without a terminal."""


class TooManySessions(SamverkanError):
    """The person already has as many sessions open as the configuration allows."""


def require_terminal(stdin: IO[Any] | None = None, stdout: IO[Any] | None = None) -> None:
    """Refuse to start an interactive session unless stdin and stdout are a terminal.

    :raises NoTerminal: with the one line to show (nothing was started).
    """
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    try:
        ok = stdin is not None and stdout is not None and stdin.isatty() and stdout.isatty()
    except (ValueError, OSError):  # closed streams
        ok = False
    if not ok:
        raise NoTerminal(msg("samverkan opens only on a terminal: connect with `ssh -t` "
                             "(nothing was started)"))


def idle_notice(seconds: float) -> Message:
    """The line shown when a session ended for idleness."""
    return msg("the session ended after {minutes} minutes without input", minutes=_minutes(seconds))


def idle_warning(seconds_left: float) -> Message:
    """The notice shown shortly before an idle session ends."""
    return msg("no input for a while: the session ends in {seconds} seconds unless you press a key",
               seconds=round(seconds_left))


def _minutes(seconds: float) -> str:
    value = seconds / 60
    return f"{value:g}" if value >= 1 else f"{value:.2g}"


class SessionGuard:
    """Ends an interactive session when its terminal goes away or it sits idle.

    :param end: asks the interface to exit, given the reason (:data:`HANGUP`,
        :data:`TERMINATED`, :data:`IDLE`); called from a thread of its own, so it must
        be safe to call from any thread. It may block: the grace runs regardless.
    :param close: closes the database before the process is ended forcibly.
    :param idle_seconds: end the session after this long without input (0: never).
    :param warn: called once, from a thread of its own, ``warn_before`` seconds before an
        idle session ends (the interface shows :func:`idle_warning`); input re-arms it.
    :param fds: the terminal's descriptors to watch (stdin and stdout).
    :param grace: how long the interface may take to exit after a hangup before the
        process is ended (an idle session, whose terminal still works, gets longer).
    :param clock: monotonic seconds (tests may pass their own).
    """

    def __init__(self, end: Callable[[str], Any], close: Callable[[], Any] | None = None, *,
                 idle_seconds: float = 0, warn: Callable[[float], Any] | None = None,
                 warn_before: float = 60, fds: tuple[int, ...] = (0, 1), grace: float = 0.5,
                 clock: Callable[[], float] = time.monotonic, tick: float = 0.25) -> None:
        self._end, self._close = end, close
        self.idle_seconds = max(0.0, float(idle_seconds or 0))
        self._warn = warn
        self._warn_before = min(warn_before, self.idle_seconds / 2)
        self._fds, self._grace, self._clock, self._tick = fds, grace, clock, tick
        self._last_input = clock()
        self._warned = False
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._stopped = threading.Event()
        self._previous: dict[int, Any] = {}
        self._watcher: threading.Thread | None = None
        self.reason: str | None = None

    # -- input ---------------------------------------------------------------------------

    def touch(self) -> None:
        """Input was seen: the idle time starts again."""
        self._last_input = self._clock()
        self._warned = False

    def idle_for(self) -> float:
        """Seconds since the last input."""
        return self._clock() - self._last_input

    # -- starting and stopping ----------------------------------------------------------

    def start(self) -> SessionGuard:
        """Install the signal handlers (main thread only) and start the watcher."""
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGHUP, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._on_signal)
        self._watcher = threading.Thread(target=self._watch, name="session-guard", daemon=True)
        self._watcher.start()
        return self

    def stop(self) -> None:
        """The interface has returned: no forced exit any more; handlers restored."""
        self._done.set()
        self._stopped.set()
        for sig, previous in self._previous.items():
            try:
                signal.signal(sig, previous)
            except (TypeError, ValueError):
                pass
        self._previous.clear()

    def exit_within(self, seconds: float | None = None) -> None:
        """After the interface returned: end the process if it is still there after
        ``seconds`` (the grace, at least 2 s: a normal way out is well within it). A terminal that went away while the
        interface was quitting leaves Textual's input thread spinning on it, and the
        interpreter would wait for that thread for ever, at full CPU. A normal exit
        ends the process (and this daemon thread) long before."""
        wait = max(self._grace, 2.0) if seconds is None else seconds

        def end() -> None:
            time.sleep(wait)
            os._exit(self.exit_status)

        threading.Thread(target=end, name="session-exit", daemon=True).start()

    def __enter__(self) -> SessionGuard:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def exit_status(self) -> int:
        """The process's exit status for how the session ended (0 when it was not ended)."""
        return EXIT_STATUS.get(self.reason or "", 0)

    # -- ending ---------------------------------------------------------------------------

    def finish(self, reason: str) -> None:
        """End the session (once): ask the interface to exit, force it after the grace."""
        with self._lock:
            if self.reason is not None or self._done.is_set():
                return
            self.reason = reason
        threading.Thread(target=self._ask, args=(reason,), name="session-end", daemon=True).start()
        grace = self._grace if reason != IDLE else max(self._grace, 5.0)
        threading.Thread(target=self._force, args=(grace,), name="session-force", daemon=True).start()

    def _ask(self, reason: str) -> None:
        try:
            self._end(reason)
        except Exception:  # the interface may already be gone; the grace still runs
            pass

    def _force(self, grace: float) -> None:
        if self._done.wait(grace):
            return
        if self._close is not None:
            try:
                self._close()
            except Exception:
                pass
        os._exit(self.exit_status)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self.finish(HANGUP if signum == signal.SIGHUP else TERMINATED)

    # -- watching ---------------------------------------------------------------------------

    def _watch(self) -> None:
        poller = select.poll()
        for fd in self._fds:
            try:
                poller.register(fd, 0)  # only POLLHUP, POLLERR and POLLNVAL are reported
            except (OSError, ValueError):
                pass
        gone = select.POLLHUP | select.POLLERR | select.POLLNVAL
        while not self._stopped.is_set():
            try:
                events = poller.poll(self._tick * 1000)
            except InterruptedError:
                continue
            if any(mask & gone for _fd, mask in events):
                self.finish(HANGUP)
                return
            if self.idle_seconds:
                idle = self.idle_for()
                if idle >= self.idle_seconds:
                    self.finish(IDLE)
                    return
                if (self._warn is not None and not self._warned
                        and idle >= self.idle_seconds - self._warn_before):
                    self._warned = True  # in a thread of its own: the watcher must not wait on the interface
                    threading.Thread(target=self._call_warn, args=(self.idle_seconds - idle,),
                                     name="session-warn", daemon=True).start()

    def _call_warn(self, left: float) -> None:
        try:
            self._warn(left)  # type: ignore[misc]
        except Exception:  # the interface may be gone; ending is the watcher's job
            pass


class SessionSlots:
    """At most ``limit`` interactive sessions per person at once.

    Each session holds an exclusive ``flock`` on one of the person's slot files in
    ``directory``; the kernel releases it however the process ends, so a crashed or
    killed session never keeps a slot.
    """

    def __init__(self, directory: Path, user: str, limit: int) -> None:
        self.directory, self.user, self.limit = Path(directory), user, int(limit)
        self._fd: int | None = None

    def acquire(self) -> SessionSlots:
        """Take a free slot (no-op without a limit).

        :raises TooManySessions: when every slot is held.
        """
        if self.limit <= 0:
            return self
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        for n in range(self.limit):
            fd = os.open(self.directory / f"{self.user}.{n}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self._fd = fd
            return self
        raise TooManySessions(msg(
            "{user} already has {limit} sessions open; close one first (nothing was started)",
            user=self.user, limit=self.limit))

    def release(self) -> None:
        """Give the slot back."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> SessionSlots:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def slots_directory(db_path: Path) -> Path:
    """Where the session slots of the database ``db_path`` are kept (next to it)."""
    return db_path.with_name(db_path.name + ".sessions")



#: idle minutes of a served session when the configuration says nothing
SERVED_IDLE_MINUTES = 60


def idle_seconds(settings: Settings) -> float:
    """How long a session may sit idle: ``[session] idle_minutes`` (0: no limit).

    Served sessions (the SSH path) end after :data:`SERVED_IDLE_MINUTES` unless the
    configuration says otherwise; local sessions have no limit unless configured.
    """
    default = SERVED_IDLE_MINUTES if settings.served else 0
    return settings.session_setting("idle_minutes", default) * 60


def session_slots(settings: Settings) -> SessionSlots:
    """The person's session slots: ``[session] max_per_user`` (0: no cap), served sessions only."""
    limit = int(settings.session_setting("max_per_user", 0)) if settings.served else 0
    return SessionSlots(slots_directory(settings.db_path), settings.user, limit)
