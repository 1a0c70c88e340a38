"""The real thing: `uv run samverkan` in tmux at 80x24, driven by keys, quit cleanly."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from tuikit import TODAY

from samverkan.services import Services

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


class Terminal:
    """One tmux session on a private socket."""

    def __init__(self, base: Path) -> None:
        self.socket = base / "tmux.sock"

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", str(self.socket), *args], check=True,
                              capture_output=True, text=True).stdout

    def start(self, command: str, width: int = 80, height: int = 24) -> None:
        self.tmux("new-session", "-d", "-s", "t", "-x", str(width), "-y", str(height), command)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)
        time.sleep(0.3)  # let the app act on them, as a person would

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "t", "-l", text)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} did not appear; the screen shows:\n{screen}")
            time.sleep(0.1)

    def kill(self) -> None:
        subprocess.run(["tmux", "-S", str(self.socket), "kill-server"], capture_output=True)


@pytest.fixture
def terminal(tmp_path: Path):
    if not shutil.which("tmux"):
        pytest.skip("tmux is not installed")
    t = Terminal(tmp_path)
    yield t
    t.kill()


def test_first_run_create_and_quit_in_tmux(terminal: Terminal, tmp_path: Path, orgnr):
    db = tmp_path / "term.db"
    status = tmp_path / "status"
    command = (f"cd {shlex.quote(str(ROOT))} && uv run --no-sync samverkan --db {shlex.quote(str(db))}"
               f" --lang sv; echo $? > {shlex.quote(str(status))}; sleep 30")
    terminal.start(f"sh -c {shlex.quote(command)}")
    screen = terminal.wait_for("Välj vilken kommun", timeout=60)
    assert "Stockholms stad" in screen and "Linköpings kommun" in screen
    terminal.keys("Down", "Enter")  # the second: Stockholm (sorted by key)
    screen = terminal.wait_for("Inga samverkansärenden")
    assert "Stockholms stad" in screen.splitlines()[0]
    terminal.keys("o")
    terminal.wait_for("Inga organisationer")
    terminal.keys("n")
    terminal.wait_for("Ny organisation")
    terminal.type("Terminalföreningen")
    terminal.keys("Enter")
    terminal.type(orgnr(7))
    terminal.keys("C-s")
    terminal.wait_for("Kontrollhistorik")
    terminal.keys("c")
    terminal.wait_for("Ny samverkan")
    terminal.type("Läxhjälp i tmux")
    terminal.keys("C-s")
    screen = terminal.wait_for("Samverkan 1: Läxhjälp i tmux")
    assert "Översikt" in screen
    terminal.keys("Escape")
    terminal.wait_for("Kontrollhistorik")
    terminal.keys("Escape")
    terminal.wait_for("Terminalföreningen")
    terminal.keys("Escape")
    screen = terminal.wait_for("1–1 av 1")
    assert "Läxhjälp i" in screen
    terminal.keys("q")
    deadline = time.monotonic() + 20
    while not status.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert status.read_text().strip() == "0"
    assert "Traceback" not in terminal.screen()

    services = Services.open(db, "checker", today=TODAY)
    try:
        assert services.municipality_key == "stockholm"
        rows = services.collaborations()
        assert [r["title"] for r in rows] == ["Läxhjälp i tmux"]
        assert services.organisation(orgnr(7)).name == "Terminalföreningen"
        assert services.verify_audit().ok
        actors = {e.actor for e in services.events(limit=100)}
        assert len(actors) == 1 and "checker" not in actors  # the OS user acted
    finally:
        services.store.close()
