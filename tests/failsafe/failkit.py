"""Helpers for the fail-safe tests: a real office database, damage, and every command.

Every command of the CLI is run from the tables of tests/access/test_no_account.py
(``COMMAND_ARGS``: valid-looking arguments for each command), so a new command is tried
here the day it gets its row there.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.util
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "drive_cli.py"


def _tables() -> Any:
    spec = importlib.util.spec_from_file_location(
        "no_account_tables", HERE.parent / "access" / "test_no_account.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


TABLES = _tables()


def tuikit() -> Any:
    """tests/tui/tuikit.py (settings_for, settle, screen_text)."""
    spec = importlib.util.spec_from_file_location("tuikit_for_failsafe", HERE.parent / "tui" / "tuikit.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def orgnr(n: int) -> str:
    from stdnum import luhn

    base = f"802{n:06d}"
    full = base + luhn.calc_check_digit(base)
    return f"{full[:6]}-{full[6:]}"


def invoke(db: Path, args: list[str]) -> Any:
    """Run the real click group in-process (as the OS user, in English)."""
    from samverkan.cli import make_cli

    return CliRunner().invoke(make_cli(), ["--db", str(db), *args], env={"SAMVERKAN_LANG": "en"},
                              catch_exceptions=True)


def make_office(db: Path, files: Path) -> dict[str, Any]:
    """A Stockholm office as test_no_account sets it up (the OS user is its admin), with
    the demo data, a backup and its manifest; ``files`` holds everything else."""
    files.mkdir(parents=True, exist_ok=True)
    for args in (["init", "--municipality", "stockholm"],
                 ["admin", "user", "add", "eva", "--role", "officer"],
                 ["org", "add", "Förening", "--orgnr", orgnr(1)],
                 ["collab", "add", "Samverkan", "--form", "informal", "--org", "1"],
                 ["demo", "--municipality", "stockholm", "--force"],
                 ["backup", str(files / "admin-backup.db")]):
        done = invoke(db, args)
        assert done.exit_code == 0, (args, done.output)
    key = files / "zed.pub"
    key.write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7aS0X4h4Z3pWl3Y2Q0Zk5uYk1QYzZqT0lqbVlWd3 zed@test\n")
    import_file = files / "orgs.csv"
    import_file.write_text(f"name,orgnr\nImporterad förening,{orgnr(3)}\n", encoding="utf-8")
    gc.collect()  # the runner's sessions: their connections close, and the WAL with them
    checkpoint(db)
    return {"tmp": str(files), "manifest": str(files / "admin-backup.db.manifest.json"),
            "import_file": str(import_file), "orgnr": orgnr(2), "key": str(key),
            "backup": str(files / "admin-backup.db")}


def every_command(values: dict[str, Any]) -> list[list[str]]:
    """Every command that opens the database, with its arguments filled in; but
    ``restore``, which replaces the file (tried on its own, tests/failsafe/test_backup.py)."""
    out = []
    for path in sorted(set(TABLES.leaf_commands()) - set(TABLES.EXEMPT) - {("restore",)}):
        out.append([*path, *[TABLES._fill(a, values) for a in TABLES.COMMAND_ARGS[path]]])
    return out


#: commands that write (the rest only read, or refuse before writing anything)
WRITES = {("admin", "user", "add"), ("admin", "user", "remove"), ("collab", "add"),
          ("collab", "advance"), ("collab", "agree"), ("collab", "answer"), ("collab", "conflict"),
          ("collab", "contributions"), ("collab", "contribution", "add"),
          ("collab", "contribution", "edit"), ("collab", "contribution", "remove"),
          ("collab", "edit"), ("collab", "attach"), ("collab", "decide"), ("collab", "end"),
          ("collab", "follow-up"), ("collab", "record"), ("demo",), ("org", "add"),
          ("org", "import")}


#: writes that nothing but the file can stop (the others may be refused first by the
#: state of the collaboration they act on, which is as good: nothing is written)
PLAIN_WRITES = {("org", "add"), ("collab", "add"), ("admin", "user", "add"),
                ("admin", "user", "remove")}


def is_write(args: list[str], among: set[tuple[str, ...]] = WRITES) -> bool:
    return any(tuple(args[:len(w)]) == w for w in among)


def checkpoint(db: Path) -> None:
    """Fold the WAL into the file, so that the file alone is the database."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def damage(db: Path, seed: int = 15) -> list[int]:
    """Write random bytes over four pages in the middle of the file and over the root
    pages of ``check_answers`` and its key (which every collaboration's detail reads);
    returns the pages."""
    checkpoint(db)
    conn = sqlite3.connect(db)
    try:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        roots = [r[0] for r in conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE tbl_name = 'check_answers' AND rootpage > 0")]
    finally:
        conn.close()
    pages = db.stat().st_size // size
    chosen = [pages // 2 - 2, pages // 2 - 1, pages // 2, pages // 2 + 1, *roots]
    rng = random.Random(seed)
    with open(db, "r+b") as fh:
        for page in chosen:  # page numbers start at 1
            fh.seek((page - 1) * size)
            fh.write(rng.randbytes(size))
    return chosen


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def written(db: Path, before: str) -> bool:
    """Whether anything reached the database since its digest was ``before``: the file
    changed, or its WAL holds a frame (a commit not yet copied into the file)."""
    wal = Path(f"{db}-wal")
    return digest(db) != before or (wal.exists() and wal.stat().st_size > 0)


@dataclass
class Outcome:
    args: list[str]
    exit_code: int
    stdout: str
    stderr: str
    exception: str = ""

    @property
    def name(self) -> str:
        return " ".join(a for a in self.args if not a.startswith("/"))[:60]


def problems_with(outcomes: list[Outcome], *, must_refuse_writes: str | None = None) -> list[str]:
    """What is wrong in ``outcomes``: a traceback, an exception, an unexpected exit
    status, more than one error line, or (``must_refuse_writes``) a write that was not
    refused with a message containing that text."""
    found = []
    for o in outcomes:
        text = o.stdout + o.stderr
        if "Traceback" in text or 'File "' in text or o.exception:
            found.append(f"{o.name}: traceback or exception {o.exception!r}: {text[-500:]!r}")
        if o.exit_code not in (0, 1):
            found.append(f"{o.name}: exit {o.exit_code}: {text[-300:]!r}")
        errors = [line for line in o.stderr.splitlines() if line.startswith("Error:")]
        if len(errors) > 1:
            found.append(f"{o.name}: {len(errors)} error lines: {o.stderr!r}")
        if o.exit_code == 1 and not errors and not (o.stderr + o.stdout).strip():
            found.append(f"{o.name}: failed without saying why")
        if "unexpected error" in o.stderr:
            found.append(f"{o.name}: reported as unexpected: {o.stderr!r}")
        if must_refuse_writes and is_write(o.args) and o.exit_code != 1:
            found.append(f"{o.name}: a write was not refused: {o.stdout!r}")
        if must_refuse_writes and is_write(o.args, PLAIN_WRITES) and must_refuse_writes not in o.stderr:
            found.append(f"{o.name}: not refused with {must_refuse_writes!r}: {o.stderr!r}")
    return found


def run_in_process(db: Path, commands: list[list[str]]) -> list[Outcome]:
    out = []
    for args in commands:
        r = invoke(db, args)
        exc = "" if r.exception is None or isinstance(r.exception, SystemExit) else repr(r.exception)
        out.append(Outcome(args, r.exit_code, r.stdout, r.stderr, exc))
    return out


def run_driver(db: Path, commands: list[list[str]], workdir: Path, *, prefix: list[str] | None = None,
               setup: str = "", env: dict[str, str] | None = None) -> list[Outcome]:
    """Run ``commands`` in one separate process (drive_cli.py), optionally inside
    ``prefix`` (e.g. ``unshare --mount``) after the shell ``setup``; ``workdir`` holds
    the list of commands (outside any mount the setup makes)."""
    spec = workdir / "commands.json"
    spec.write_text(json.dumps(commands), encoding="utf-8")
    command = f"exec {sys.executable} {DRIVER} {db} {spec}"
    argv = [*(prefix or []), "sh", "-c", f"{setup}\n{command}" if setup else command]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})
    assert done.returncode == 0, f"the driver failed: {done.stderr[-2000:]}"
    return [Outcome(**o) for o in json.loads(done.stdout)]


def can_mount() -> bool:
    """Whether this process may make private mounts (root with unshare)."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "--mount", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True)
    return probe.returncode == 0
