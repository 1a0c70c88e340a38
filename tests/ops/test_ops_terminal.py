"""The guard of an interactive session, without the TUI: a hangup ends the process even
when the interface is stuck (closing the database first), idleness ends it after the
configured time, and the per-person cap holds however a session ends."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from samverkan.runtime.terminal import (
    HANGUP,
    IDLE,
    SessionGuard,
    SessionSlots,
    TooManySessions,
    require_terminal,
)

STUCK = textwrap.dedent('''
    import os, pty, sys, time
    from pathlib import Path
    from samverkan.runtime.terminal import SessionGuard

    marker = Path(sys.argv[1])
    master, slave = pty.openpty()  # a terminal of its own, which the test never closes
    guard = SessionGuard(lambda reason: time.sleep(3600),          # an interface that never returns
                         lambda: marker.write_text("closed"), fds=(slave,))
    guard.start()
    print("ready", flush=True)
    time.sleep(3600)
''')


def test_a_hangup_ends_a_stuck_session_within_a_second_and_closes_the_database(tmp_path: Path):
    marker = tmp_path / "closed"
    proc = subprocess.Popen([sys.executable, "-c", STUCK, str(marker)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        sent = time.monotonic()
        proc.send_signal(signal.SIGHUP)
        status = proc.wait(10)
        took = time.monotonic() - sent
    finally:
        proc.kill()
    assert status == 128 + signal.SIGHUP
    assert marker.read_text() == "closed"
    assert took < 1.5, took


STUCK_ON_THE_WAY_OUT = textwrap.dedent('''
    import threading, time
    from samverkan.runtime.terminal import SessionGuard

    guard = SessionGuard(lambda reason: None, None, fds=())
    with guard:
        pass  # the interface returned ...
    # ... but a thread of it spins on a terminal that went away, and is not a daemon
    threading.Thread(target=lambda: time.sleep(3600), daemon=False).start()
    guard.exit_within(0.5)
    print("returned", flush=True)
''')


def test_a_process_whose_interface_returned_does_not_hang_on_a_stuck_thread():
    proc = subprocess.Popen([sys.executable, "-c", STUCK_ON_THE_WAY_OUT], stdout=subprocess.PIPE, text=True)
    try:
        started = time.monotonic()
        status = proc.wait(10)  # without the bound the interpreter waits for the thread for ever
        took = time.monotonic() - started
    finally:
        proc.kill()
    assert proc.stdout is not None and proc.stdout.read() == "returned\n"
    assert status == 0 and took < 5, took


def test_a_closed_terminal_ends_the_session(tmp_path: Path):
    import os
    import pty

    master, slave = pty.openpty()
    ended: list[str] = []
    guard = SessionGuard(ended.append, None, fds=(slave,), tick=0.05)
    with guard:
        os.close(master)  # the far end goes away: the terminal hangs up
        deadline = time.monotonic() + 5
        while not ended and time.monotonic() < deadline:
            time.sleep(0.01)
    os.close(slave)
    assert ended == [HANGUP] and guard.reason == HANGUP


def test_idleness_ends_the_session_after_the_configured_time_and_input_postpones_it():
    now = [0.0]
    ended: list[str] = []
    warned: list[float] = []
    guard = SessionGuard(ended.append, None, idle_seconds=600, warn=warned.append, warn_before=60,
                         fds=(), clock=lambda: now[0], tick=0.01)
    with guard:
        now[0] = 500
        _settle()
        assert not ended and not warned
        now[0] = 545
        _wait(lambda: warned)
        assert warned == [55]
        guard.touch()  # a key: the idle time starts again
        now[0] = 1100
        _settle()
        assert not ended
        now[0] = 1145
        _wait(lambda: ended)
    assert ended == [IDLE] and guard.exit_status == 0


def test_the_cap_of_sessions_per_person(tmp_path: Path):
    with SessionSlots(tmp_path, "eva", 2), SessionSlots(tmp_path, "eva", 2):
        with pytest.raises(TooManySessions, match="eva already has 2 sessions open"):
            SessionSlots(tmp_path, "eva", 2).acquire()
        with SessionSlots(tmp_path, "rut", 2):  # another person is not counted
            pass
    with SessionSlots(tmp_path, "eva", 2):  # released when a session ends
        pass


def test_no_terminal_no_session(tmp_path: Path):
    with (tmp_path / "f").open("w") as f, pytest.raises(Exception, match="opens only on a terminal"):
        require_terminal(f, f)


def _wait(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the guard did not act"
        time.sleep(0.005)


def _settle() -> None:
    time.sleep(0.05)  # a few ticks of the watcher (which reads the test's clock, not time)
