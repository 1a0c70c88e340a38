"""A damaged database file is found, never written to, and every interface says so in one line.

Random bytes go over four pages in the middle of a real office database and over the
root page of the check answers. Then: opening it finds the damage (``quick_check``,
small file), every CLI command either works or says so in one line — writes refused,
no traceback — the file is unchanged afterwards, and the TUI shows a notification when
the damaged collaboration is opened instead of crashing. A file too large for the
check at open is found damaged by the first query that meets the damage, and from
then on (in every later session too, by the marker) refuses writes as well.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from failkit import (
    TABLES,
    checkpoint,
    damage,
    digest,
    every_command,
    make_office,
    problems_with,
    run_in_process,
    tuikit,
    written,
)

from samverkan.domain.errors import SamverkanError, StoreError
from samverkan.runtime.config import os_user
from samverkan.services import Services
from samverkan.store import Store
from samverkan.store import connection as store_connection
from samverkan.store.connection import DamagedDatabase, damage_marker


@pytest.fixture
def office(tmp_path: Path, registry) -> tuple[Path, dict]:
    db = tmp_path / "db" / "office.db"
    values = make_office(db, tmp_path / "files")
    return db, values


def test_the_damage_is_found_at_open_and_no_write_reaches_the_file(office):
    db, _ = office
    damage(db)
    before = digest(db)
    store = Store.open(db)
    try:
        assert store.damage and "btree" in store.damage.lower() or "malformed" in store.damage
        assert damage_marker(db).exists()
        with pytest.raises(DamagedDatabase, match=r"office\.db is damaged .*nothing was written to it\. "
                                                  r"Restore it from a backup: samverkan restore BACKUP"):
            with store.transaction("anna"):
                store.set_meta("x", "y")
        with pytest.raises(DamagedDatabase):
            store.backup(db.parent / "kopia.db")
        assert not (db.parent / "kopia.db").exists()
    finally:
        store.close()
    assert not written(db, before)


def test_every_command_on_a_damaged_file_answers_in_one_line_and_writes_nothing(office):
    db, values = office
    damage(db)
    before = digest(db)
    outcomes = run_in_process(db, every_command(values))
    assert not problems_with(outcomes, must_refuse_writes="is damaged"), \
        "\n".join(problems_with(outcomes, must_refuse_writes="is damaged"))
    # reads of undamaged pages still work; those that meet the damage say so
    assert any(o.exit_code == 0 for o in outcomes)
    show = next(o for o in outcomes if o.args[:2] == ["collab", "show"])
    assert show.exit_code == 1 and "is damaged" in show.stderr and show.stderr.count("\n") == 1
    assert not written(db, before)
    assert not Path(values["tmp"], "stranger-backup.db").exists()


def test_every_use_case_on_a_damaged_file_refuses_or_answers(office, registry):
    """The services raise only SamverkanError (one line) on a damaged file, never sqlite3's."""
    db, values = office
    damage(db)
    before = digest(db)
    tables = TABLES
    s = Services.open(db, os_user(), "test", registry=registry)
    problems = []
    try:
        for name, (args, kwargs) in sorted(tables.USE_CASE_ARGS.items()):
            args, kwargs = tables._fill(list(args), values), tables._fill(kwargs, values)
            try:
                result = getattr(s, name)(*args, **kwargs)
                if hasattr(result, "__next__"):
                    list(result)
            except SamverkanError as exc:
                if "\n" in str(exc):
                    problems.append(f"{name}: a message of several lines: {exc!r}")
            except Exception as exc:  # noqa: BLE001 - what the test looks for
                problems.append(f"{name}: {type(exc).__name__}: {exc}")
            else:
                if name in WRITING_USE_CASES:
                    problems.append(f"{name}: wrote to a damaged file")
    finally:
        s.store.close()
    assert not problems, "\n".join(problems)
    assert not written(db, before)


#: use cases that write (each must be refused on a damaged file)
WRITING_USE_CASES = {
    "add_record", "add_user", "advance", "answer_check", "decide", "declare_conflict", "end",
    "import_organisations", "load_demo", "record_agreement", "record_follow_up",
    "register_initiative", "register_organisation", "remove_user", "set_contributions",
    "add_contribution", "update_contribution", "remove_contribution", "attach_document",
    "set_municipality", "update_collaboration", "update_organisation",
}


def test_a_large_file_is_found_damaged_by_a_query_and_stays_refused(office, registry, monkeypatch):
    """Above the size limit nothing is checked at open; the first query that meets the
    damage marks the file, and every later session refuses to write to it."""
    db, _ = office
    monkeypatch.setattr(store_connection, "QUICK_CHECK_MAX_BYTES", 0)
    damage(db)
    user = os_user()
    s = Services.open(db, user, "test", registry=registry)
    try:
        assert s.store.damage is None  # not checked at open
        with pytest.raises(DamagedDatabase):
            s.detail(1)  # reads the damaged check answers
        assert s.store.damage and damage_marker(db).exists()
        with pytest.raises(DamagedDatabase):
            s.register_organisation("Ny förening", "802900-0091")
    finally:
        s.store.close()
    before = digest(db)
    again = Services.open(db, user, "test", registry=registry)
    try:
        assert again.store.damage  # from the marker: no query needed
        with pytest.raises(DamagedDatabase):
            again.register_organisation("Ny förening", "802900-0091")
    finally:
        again.store.close()
    assert not written(db, before)


def test_the_workers_daily_check_finds_damage_done_while_it_runs(office, registry):
    """A worker opened the file when it was sound; the damage comes later. Its daily
    integrity check (a connection of its own, any file size) finds it, reports it in one
    line, and from then on no write reaches the file, in this session or any other."""
    from samverkan.services.worker import Worker

    db, _ = office
    user = os_user()
    s = Services.open(db, user, "test", registry=registry)
    try:
        worker = Worker(s, None)
        assert worker.run_once().problems == []  # the first pass checks: sound
        damage(db)
        assert worker.run_once().problems == []  # checked once a day: not again today
        worker.checked_on = None  # the next day
        [problem] = worker.run_once().problems
        assert "office.db is damaged" in problem and "samverkan restore" in problem and "\n" not in problem
        assert s.store.damage and damage_marker(db).exists()
        before = digest(db)
        with pytest.raises(DamagedDatabase):
            s.register_organisation("Ny förening", "802900-0091")
    finally:
        s.store.close()
    assert not written(db, before)


def test_a_file_that_is_no_database_is_refused_in_one_line(tmp_path, registry, cli):
    path = tmp_path / "brus.db"
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    with pytest.raises(StoreError) as exc:
        Store.open(path)
    assert "\n" not in str(exc.value) and "restore it from a backup" in str(exc.value)
    result = cli("collab", "list", db_path=path)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


async def test_the_tui_shows_a_damaged_collaboration_as_a_notification(office, registry):
    """Opening the damaged collaboration notifies; the app keeps running; nothing is written."""
    from samverkan_tui.app import SamverkanApp

    kit = tuikit()

    db, _ = office
    damage(db)
    checkpoint(db)
    before = digest(db)
    s = Services.open(db, os_user(), "test", registry=registry)
    app = SamverkanApp(kit.settings_for(s), services=s)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await kit.settle(pilot)
            notes = [n.message for n in app._notifications]
            assert any("skadad" in n for n in notes), notes  # said at start
            assert "1–" in kit.screen_text(app)  # the list still reads
            await pilot.press("enter")
            await kit.settle(pilot)
            notes = [n.message for n in app._notifications]
            # the detail's read met the damage: the core's one line, in Swedish
            assert any("är skadad (database disk image is malformed)" in n
                       and "samverkan restore BACKUP" in n for n in notes), notes
            assert all("\n" not in n for n in notes)
            assert app.is_running
    finally:
        s.store.close()
    assert app.return_code in (0, None)
    assert not written(db, before)


@pytest.mark.e2e
def test_the_tui_in_a_real_terminal_opens_a_damaged_collaboration_without_a_traceback(office, tmp_path):
    import shlex
    import shutil
    import subprocess
    import time

    if not shutil.which("tmux"):
        pytest.skip("tmux is not installed")
    db, _ = office
    damage(db)
    before = digest(db)
    socket, status = tmp_path / "tmux.sock", tmp_path / "status"
    root = Path(__file__).resolve().parents[2]

    def tmux(*args: str) -> str:
        return subprocess.run(["tmux", "-S", str(socket), *args], check=True, capture_output=True,
                              text=True).stdout

    def wait_for(text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while text not in (shown := tmux("capture-pane", "-p", "-t", "t")):
            assert time.monotonic() < deadline, f"{text!r} did not appear:\n{shown}"
            time.sleep(0.1)
        return shown

    command = (f"cd {shlex.quote(str(root))} && uv run --no-sync samverkan --db {shlex.quote(str(db))}"
               f" --lang sv; echo $? > {shlex.quote(str(status))}; sleep 30")
    tmux("new-session", "-d", "-s", "t", "-x", "100", "-y", "30", f"sh -c {shlex.quote(command)}")
    try:
        wait_for("1–")  # the list reads
        tmux("send-keys", "-t", "t", "Enter")  # collaboration 1: its checklist is damaged
        shown = wait_for("malformed")  # the notification: "… is damaged (database disk image is malformed) …"
        assert "Traceback" not in shown
        tmux("send-keys", "-t", "t", "q")
        deadline = time.monotonic() + 20
        while not status.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        shown = tmux("capture-pane", "-p", "-t", "t")
    finally:
        subprocess.run(["tmux", "-S", str(socket), "kill-server"], capture_output=True)
    assert "Traceback" not in shown
    assert not written(db, before)


def test_every_public_store_method_is_guarded_and_none_is_a_generator():
    """The one-line refusals come from a wrapper around each public method of the Store;
    a generator would run its queries after the wrapper returned."""
    import inspect

    for name in dir(Store):
        raw = inspect.getattr_static(Store, name)
        if name.startswith("_") or not inspect.isfunction(raw):
            continue
        inner = inspect.unwrap(raw)
        if name in ("transaction", "snapshot"):
            continue  # context managers: their bodies' calls are guarded one by one
        assert not inspect.isgeneratorfunction(inner), f"Store.{name} is a generator"
        if name not in ("close", "audit"):
            assert raw is not inner, f"Store.{name} is not guarded"
