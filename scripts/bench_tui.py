#!/usr/bin/env python
"""Benchmark the TUI in a pseudo-terminal at 80x24 (a script, not a timed test).

    uv run python scripts/bench_tui.py [--db PATH] [--collaborations 100000]
        [--organisations 10000] [--keys 200] [--runs 9]

0. Byte-compiles the workspace's sources (an installed app has its .pyc files).
1. Builds (once; reused when the file already holds the data) a database with the
   given numbers of collaborations and organisations, through the services inside one
   transaction per batch, so every row is validated and audited like any other.
2. Starts ``samverkan --db PATH`` (the real console script) and a bare Textual app the
   same way, in a pty of 80x24, and measures the time until each first screen is drawn
   (the home screen's "1–100 av …" status; the bare app's text). One uncounted round
   warms the disk cache; the order of the commands rotates from round to round.
3. Presses the down arrow ``--keys`` times through the list (crossing page boundaries,
   which load the next page through SQL) and measures key-to-frame latency: from
   writing the key to the end of the frame it causes. The script answers Textual's
   synchronized-output query, so each frame ends with ``ESC[?2026l``.
4. Reads the app's peak resident memory (VmHWM) before quitting.
5. Opens the overview (``v``) ``--overview`` times and measures from the key to its
   figures on the screen (SQL aggregates over every collaboration).
6. Starts ``samverkan`` ``--no-bytecode-runs`` times as an installation without .pyc files
   would (``PYTHONPYCACHEPREFIX`` pointing at an empty folder and
   ``PYTHONDONTWRITEBYTECODE=1``: every module compiled from source on every start), for
   the first-screen time with and without compiled bytecode (issue 14).

Targets (issue 4): ratio ≤ 1.5, median ≤ 10 ms, p90 ≤ 20 ms, ≤ 80 MB; issue 13: the
overview opens in well under a second.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"
SYNC_END = b"\x1b[?2026l"
ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")
DOWN = b"\x1b[B"
UP = b"\x1b[A"

# The bare app has the home screen's shape (a line of text, a 100-row table, a footer),
# so its latency is the floor Textual itself sets on this machine.
BARE_APP = '''
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Static

class Bare(App):
    def compose(self) -> ComposeResult:
        yield Static("bare-ready")
        table = DataTable(cursor_type="row", zebra_stripes=True)
        table.add_columns("Nr", "Titel", "Steg", "Form", "Organisation", "Enhet", "Uppf.")
        for i in range(100):
            table.add_row(str(i), f"Titel {i}", "Initiativ", "IOP", "Förening", "Enhet", "")
        yield table
        yield Footer()

Bare().run()
'''


# -- the database ------------------------------------------------------------------


def build_db(path: Path, n_collabs: int, n_orgs: int) -> None:
    """Fill ``path`` through the services (validated, audited), in big transactions."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from stdnum import luhn

    from samverkan.domain.query import CollabQuery
    from samverkan.services import Services

    def orgnr(n: int) -> str:
        base = f"802{n:06d}"
        full = base + luhn.calc_check_digit(base)
        return f"{full[:6]}-{full[6:]}"

    s = Services.open(path, "bench", "bench")
    if s.municipality_key is None:
        s.set_municipality("stockholm")
    have_orgs, have = s.count_organisations(), s.count_collaborations(CollabQuery())
    if have_orgs >= n_orgs and have >= n_collabs:
        s.store.close()
        return
    t0 = time.perf_counter()
    forms = [f.form for f in s.view.forms() if f.offered]
    words = ["Läxhjälp", "Språkcafé", "Jobbcoach", "Mentorskap", "Idrott", "Kulturgrupp",
             "Fritidsgård", "Praktik", "Stödboende", "Matkasse"]
    batch = 5000
    org_ids: list[int] = []
    for start in range(have_orgs, n_orgs, batch):
        with s.store.transaction("bench", "bench"):
            for i in range(start, min(n_orgs, start + batch)):
                org_ids.append(s.register_organisation(f"Förening {i + 1}", orgnr(i + 1)).id)
    if not org_ids:
        org_ids = [o.id for o in s.organisations(limit=n_orgs)]
    for start in range(have, n_collabs, batch):
        with s.store.transaction("bench", "bench"):
            for i in range(start, min(n_collabs, start + batch)):
                s.register_initiative(
                    f"{words[i % len(words)]} {i + 1}", forms[i % len(forms)],
                    [org_ids[i % len(org_ids)]], unit=f"Enhet {i % 25 + 1}",
                    purpose="Fler i arbete och gemenskap")
        print(f"  … {min(n_collabs, start + batch):,} collaborations ({time.perf_counter() - t0:.0f} s)",
              file=sys.stderr)
    s.store.checkpoint()
    s.store.close()


def compile_sources() -> None:
    """Byte-compile the workspace's packages, as an installed application has them.

    A checkout (or a shell with PYTHONDONTWRITEBYTECODE set) compiles every source newer
    than its .pyc again at each start: that would time the compiler, not samverkan.
    Textual, the bare app's only code, is already compiled in site-packages.
    """
    import compileall

    root = Path(__file__).resolve().parents[1]
    for src in [root / "core" / "src", root / "tui" / "src", *sorted(root.glob("plugins/*/src"))]:
        compileall.compile_dir(src, quiet=1)


# -- the pseudo-terminal -----------------------------------------------------------------


class Pty:
    """A child process on a pty of ``cols`` x ``rows`` that answers the sync query."""

    def __init__(self, argv: list[str], env: dict[str, str], cols: int = 80, rows: int = 24):
        self.t0 = time.perf_counter()
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.fd = master
        self.out = bytearray()
        self.answered = False

    def read(self, timeout: float) -> bytes:
        ready, _w, _x = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:
            return b""
        self.out += chunk
        if not self.answered and SYNC_QUERY in self.out:
            os.write(self.fd, SYNC_REPLY)
            self.answered = True
        return chunk

    def wait_text(self, text: str, timeout: float = 60.0) -> float:
        """Seconds since start until ``text`` is on the screen (escape sequences removed)."""
        wanted = text.encode()
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            self.read(0.05)
            if wanted in ANSI.sub(b"", bytes(self.out)).replace(b"\r", b""):
                return time.perf_counter() - self.t0
            if self.proc.poll() is not None:
                break
        tail = ANSI.sub(b"", bytes(self.out[-2000:])).decode(errors="replace")
        raise SystemExit(f"{text!r} never appeared (exit {self.proc.poll()}); last output:\n{tail}")

    def drain(self, quiet: float = 0.3) -> None:
        while self.read(quiet):
            pass

    def key_to_text(self, key: bytes, text: str, timeout: float = 30.0) -> float:
        """Seconds from writing ``key`` until ``text`` is on the screen."""
        self.out.clear()
        t = time.perf_counter()
        os.write(self.fd, key)
        wanted = text.encode()
        while time.perf_counter() < t + timeout:
            self.read(0.02)
            if wanted in ANSI.sub(b"", bytes(self.out)).replace(b"\r", b""):
                return time.perf_counter() - t
        return float("nan")

    def key_to_frame(self, key: bytes, timeout: float = 2.0) -> float:
        """Seconds from writing ``key`` to the end of the frame it causes."""
        self.out.clear()
        t = time.perf_counter()
        os.write(self.fd, key)
        deadline = t + timeout
        while time.perf_counter() < deadline:
            self.read(0.5)
            if SYNC_END in self.out:
                return time.perf_counter() - t
        return float("nan")

    def peak_rss_mb(self) -> float:
        """Peak resident memory of the child (VmHWM), in MB (the Python process itself)."""
        pid = self.proc.pid
        try:
            text = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return float("nan")
        kb = int(re.search(r"VmHWM:\s+(\d+)", text).group(1))
        return kb / 1024

    def close(self, quit_key: bytes = b"q") -> int:
        try:
            os.write(self.fd, quit_key)
        except OSError:
            pass
        deadline = time.perf_counter() + 10
        while self.proc.poll() is None and time.perf_counter() < deadline:
            self.read(0.05)
        if self.proc.poll() is None:
            self.proc.kill()
        os.close(self.fd)
        return self.proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "samverkan-bench.db")
    parser.add_argument("--collaborations", type=int, default=100_000)
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--overview", type=int, default=5, help="times to open the overview (v)")
    parser.add_argument("--no-bytecode-runs", type=int, default=3,
                        help="first-screen runs without compiled bytecode (issue 14), 0 to skip")
    args = parser.parse_args()

    print(f"database: {args.db}", file=sys.stderr)
    build_db(args.db, args.collaborations, args.organisations)
    compile_sources()

    home = Path(tempfile.mkdtemp(prefix="bench-home-"))
    env = {**os.environ, "TERM": "xterm-256color", "LANG": "sv_SE.UTF-8", "COLORTERM": "truecolor",
           "SAMVERKAN_CONFIG": str(home / "config.toml"), "TEXTUAL_ANIMATIONS": "none"}
    env.pop("SAMVERKAN_DB", None)
    samverkan = shutil.which("samverkan") or str(Path(sys.executable).parent / "samverkan")
    bare_file = home / "bare.py"
    bare_file.write_text(BARE_APP)
    total = f"{args.collaborations:,}".replace(",", " ")

    times: dict[str, list[float]] = {"samverkan": [], "python -m samverkan_tui": [], "bare": []}
    latencies: dict[str, list[float]] = {"samverkan": [], "bare": []}
    peaks: dict[str, float] = {}
    commands = {
        "samverkan": ([samverkan, "--db", str(args.db), "--lang", "sv"], f"av {total}", b"q"),
        "python -m samverkan_tui": ([sys.executable, "-m", "samverkan_tui", "--db", str(args.db)],
                                    f"av {total}", b"q"),
        "bare": ([sys.executable, str(bare_file)], "bare-ready", b"\x11"),  # ctrl+q quits
    }
    names = list(commands)
    # run -1 warms the disk cache and is not counted; the order rotates from run to run,
    # so no command is always the one that starts first after an idle moment
    for run in range(-1, args.runs):
        for name in names[run % len(names):] + names[: run % len(names)]:
            argv, marker, quit_key = commands[name]
            p = Pty(argv, env)
            started = p.wait_text(marker)
            if run >= 0:
                times[name].append(started)
            if run == 0 and name in latencies:
                p.drain(0.5)
                for i in range(args.keys):
                    # the bare table has 100 rows: it goes down and up again; samverkan
                    # keeps going down, loading the next page from SQL every 100 rows
                    key = DOWN if name != "bare" or (i // 90) % 2 == 0 else UP
                    latencies[name].append(p.key_to_frame(key))
                    time.sleep(0.02)
                    p.drain(0.01)
                peaks[name] = p.peak_rss_mb()
            else:
                p.drain(0.2)
            status = p.close(quit_key)
            if status not in (0, -2, 130):
                print(f"warning: {name} exited with {status}", file=sys.stderr)

    overview: list[float] = []
    if args.overview:
        argv, marker, quit_key = commands["samverkan"]
        p = Pty(argv, env)
        p.wait_text(marker)
        p.drain(0.5)
        for _ in range(args.overview):
            overview.append(p.key_to_text(b"v", "aktiva"))  # its status: "N samverkan · M aktiva"
            p.drain(0.3)
            os.write(p.fd, b"\x1b")  # back home
            p.drain(0.5)
        p.close(quit_key)

    uncompiled: list[float] = []
    if args.no_bytecode_runs:
        argv, marker, quit_key = commands["samverkan"]
        empty = Path(tempfile.mkdtemp(prefix="bench-no-pyc-"))
        bare_env = {**env, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(empty)}
        for _ in range(args.no_bytecode_runs):
            p = Pty(argv, bare_env)
            uncompiled.append(p.wait_text(marker))
            p.drain(0.2)
            p.close(quit_key)

    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"time to first screen (median of {args.runs}; 80x24 pty):")
    for name, values in times.items():
        print(f"  {name:<24} {med[name] * 1000:6.0f} ms   runs: {', '.join(f'{t * 1000:.0f}' for t in values)}")
    print(f"  ratio samverkan / bare        {med['samverkan'] / med['bare']:.2f} (target ≤ 1.5)")
    print(f"  ratio -m samverkan_tui / bare {med['python -m samverkan_tui'] / med['bare']:.2f}")
    print(f"key-to-frame, {args.keys} arrow presses through the list:")
    for name, values in latencies.items():
        ok = [x for x in values if x == x]
        p90 = statistics.quantiles(ok, n=10)[-1] * 1000 if len(ok) >= 10 else float("nan")
        print(f"  {name:<10} median {statistics.median(ok) * 1000:5.1f} ms (≤ 10), p90 {p90:5.1f} ms (≤ 20), "
              f"max {max(ok) * 1000:6.1f} ms, frames {len(ok)}/{len(values)}")
    print("peak memory (VmHWM): " + ", ".join(f"{k} {v:.1f} MB" for k, v in peaks.items()) + " (≤ 80)")
    if uncompiled:
        print(f"first screen without compiled bytecode (median of {len(uncompiled)}): "
              f"{statistics.median(uncompiled) * 1000:.0f} ms, with: {med['samverkan'] * 1000:.0f} ms "
              f"(runs: {', '.join(f'{t * 1000:.0f}' for t in uncompiled)})")
    if overview:
        print(f"overview (v) to its figures on {total} collaborations: median "
              f"{statistics.median(overview) * 1000:.0f} ms, max {max(overview) * 1000:.0f} ms "
              f"(runs: {', '.join(f'{t * 1000:.0f}' for t in overview)})")


if __name__ == "__main__":
    main()
