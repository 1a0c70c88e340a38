"""A read-only file, a read-only folder, a full disk and numbers out of range: one line each,
and nothing stored is lost.

The file systems are real: as root, each case runs every command in one process inside
a private mount namespace (``unshare --mount``) over a read-only bind mount or a tmpfs
just large enough for the database and its shared-memory file; otherwise ``chmod``
makes the file or folder read-only (and the full disk is skipped). A full database is
also shown everywhere with ``PRAGMA max_page_count``, which gives SQLite's same
SQLITE_FULL.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
from pathlib import Path

import pytest
from failkit import (
    can_mount,
    digest,
    every_command,
    invoke,
    make_office,
    problems_with,
    run_driver,
    written,
)

from samverkan.domain.errors import StoreError, ValidationError
from samverkan.runtime.config import os_user
from samverkan.services import Services

MOUNTS = can_mount()  # root with private mounts; else chmod, and no full disk


@pytest.fixture
def office(tmp_path: Path, registry) -> tuple[Path, dict]:
    db = tmp_path / "db" / "office.db"
    return db, make_office(db, tmp_path / "files")


def events_and_head(db: Path) -> tuple[int, str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
    try:
        return conn.execute("SELECT count(*), (SELECT hash FROM events ORDER BY id DESC LIMIT 1) "
                            "FROM events").fetchone()
    finally:
        conn.close()


def run_read_only(db: Path, target: Path, values: dict, workdir: Path):
    """Every command with ``target`` (the file or its folder) read-only."""
    commands = every_command(values)
    if MOUNTS:
        q = shlex.quote(str(target))
        return run_driver(db, commands, workdir, prefix=["unshare", "--mount"],
                          setup=f"mount --bind -o ro {q} {q}")
    if os.geteuid() == 0:
        pytest.skip("root ignores file modes, and private mounts are not allowed here")
    mode = target.stat().st_mode
    target.chmod(0o555 if target.is_dir() else 0o444)
    try:
        return run_driver(db, commands, workdir)
    finally:
        target.chmod(mode)


def test_a_read_only_file_is_read_and_refuses_writes_in_one_line(office, tmp_path):
    db, values = office
    before, state = digest(db), events_and_head(db)
    outcomes = run_read_only(db, db, values, tmp_path)
    problems = problems_with(outcomes, must_refuse_writes="the file or its folder is read-only")
    assert not problems, "\n".join(problems)
    assert next(o for o in outcomes if o.args[:2] == ["collab", "show"]).exit_code == 0
    assert not written(db, before) and events_and_head(db) == state


def test_a_database_in_a_read_only_folder_says_so_in_one_line(office, tmp_path):
    """SQLite cannot create the WAL index next to the file, so nothing opens; every
    command says why (a fresh copy: no session has made the index already)."""
    db, values = office
    copy = tmp_path / "readonly" / "office.db"
    copy.parent.mkdir()
    shutil.copyfile(db, copy)
    before, state = digest(copy), events_and_head(copy)
    outcomes = run_read_only(copy, copy.parent, values, tmp_path)
    problems = problems_with(outcomes, must_refuse_writes="read-only")
    assert not problems, "\n".join(problems)
    unopened = [o for o in outcomes if "its folder is read-only" not in o.stderr]
    assert not unopened, [(o.name, o.exit_code, o.stderr) for o in unopened]
    assert sorted(p.name for p in copy.parent.iterdir()) == ["office.db"]
    assert not written(copy, before) and events_and_head(copy) == state


@pytest.mark.skipif(not MOUNTS, reason="a size-limited file system needs root (unshare, tmpfs)")
def test_a_full_disk_refuses_writes_in_one_line_and_loses_nothing(office, tmp_path):
    db, values = office
    state = events_and_head(db)
    page = 4096
    # room for the database and its 32 KiB shared-memory index, and one page more: the
    # first WAL frame (header + page) does not fit
    size = -(-db.stat().st_size // page) * page + 9 * page
    source, inside = tmp_path / "source.db", db
    shutil.copyfile(db, source)
    after = tmp_path / "after"
    after.mkdir()
    q = shlex.quote
    outcomes = run_driver(
        db, [*every_command(values), ["audit", "verify"]], tmp_path,
        prefix=["unshare", "--mount"],
        setup=(f"mount -t tmpfs -o size={size} tmpfs {q(str(db.parent))} && "
               f"cp {q(str(source))} {q(str(inside))} && "
               f"trap 'cp {q(str(inside))}* {q(str(after))}/' EXIT"))
    *commands, verify = outcomes
    problems = problems_with(commands, must_refuse_writes="the disk is full")
    assert not problems, "\n".join(problems)
    assert verify.exit_code == 0 and f"events: {state[0]}" in verify.stdout, verify.stdout + verify.stderr
    assert f"head: {state[1]}" in verify.stdout


def test_a_full_database_refuses_writes_in_one_line_everywhere(office, registry):
    """SQLITE_FULL from ``PRAGMA max_page_count``: every writing use case says so in one
    line and the chain and data stay as they were."""
    db, _values = office
    s = Services.open(db, os_user(), "test", registry=registry)
    try:
        state = (s.store.count_events(), s.count_organisations())
        pages = s.store.conn.execute("PRAGMA page_count").fetchone()[0]
        s.store.conn.execute(f"PRAGMA max_page_count = {pages}")
        long = "lång text " * 900  # several pages: cannot fit in a full file
        version = s.collaboration(1).version
        for call in (lambda: s.register_initiative("Läxhjälp", "informal", [1], purpose=long),
                     lambda: s.update_collaboration(1, version, purpose=long),
                     lambda: s.declare_conflict(long, collaboration_id=1)):
            with pytest.raises(StoreError) as exc:
                call()
            assert "the disk is full" in str(exc.value) and "\n" not in str(exc.value)
        assert (s.store.count_events(), s.count_organisations()) == state
        assert s.verify_audit().ok
    finally:
        s.store.close()


#: numbers out of range, each where a command takes one
HUGE = str(2**64)
OUT_OF_RANGE = [
    ["collab", "show", HUGE],
    ["collab", "edit", "1", "--participants", "8", "--version", HUGE],
    ["collab", "advance", HUGE, "--to", "preparation"],
    ["collab", "contribution", "add", "1", "--party", "kommunen", "--category", "money",
     "--amount", HUGE],
    ["collab", "contribution", "edit", "1", HUGE, "--amount", "5"],
    ["collab", "follow-up", "1", "--summary", "x", "--evaluation", '{"n": %s}' % (10**40)],
    ["collab", "add", "Läxhjälp", "--form", "informal", "--org", HUGE],
    ["org", "show", HUGE],
    ["audit", "log", "--collab", HUGE],
    ["audit", "log", "--limit", HUGE],
]


def test_numbers_out_of_range_give_one_line_and_store_nothing(office):
    db, _values = office
    state = events_and_head(db)
    problems = []
    for args in OUT_OF_RANGE:
        r = invoke(db, args)
        text = r.stdout + r.stderr
        if "Traceback" in text or (r.exception and not isinstance(r.exception, SystemExit)):
            problems.append(f"{args}: {r.exception!r} {text[-300:]!r}")
        elif r.exit_code not in (0, 1, 2) or "unexpected" in r.stderr or r.stderr.count("\n") > 1:
            problems.append(f"{args}: exit {r.exit_code}: {r.stderr!r}")
    assert not problems, "\n".join(problems)
    assert events_and_head(db) == state


def test_a_number_out_of_range_is_refused_by_the_services(office, registry):
    db, _ = office
    s = Services.open(db, os_user(), "test", registry=registry)
    try:
        with pytest.raises(ValidationError, match="out of range"):
            s.collaboration(2**70)
        c = s.collaboration(1)
        with pytest.raises(ValidationError, match="out of range"):
            s.update_collaboration(1, 2**70, participants="9")
        assert s.collaboration(1).version == c.version
    finally:
        s.store.close()
