"""Real processes for end-to-end tests: an OpenSSH server on loopback and tmux sessions."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def need(*tools: str) -> None:
    """Skip unless every tool is installed (.ci/run installs them on CI)."""
    for tool in tools:
        if not (shutil.which(tool) or os.path.exists(tool)):
            pytest.skip(f"{tool} is not installed")


@dataclass
class Sshd:
    """An sshd serving the current user on 127.0.0.1 with its own host key and authorized_keys."""

    port: int
    dir: Path
    authorized_keys: Path
    proc: subprocess.Popen

    @classmethod
    def start(cls, base: Path) -> Sshd:
        need(SSHD, "ssh", "ssh-keygen")
        base.mkdir(parents=True, exist_ok=True)
        host_key = base / "host_ed25519"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(host_key)], check=True)
        keys = base / "authorized_keys"
        keys.touch(mode=0o600)
        port = free_port()
        config = base / "sshd_config"
        config.write_text(
            f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\n"
            f"AuthorizedKeysFile {keys}\nPidFile {base / 'sshd.pid'}\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
            "PermitRootLogin prohibit-password\nStrictModes no\nPermitTTY yes\n"
            "PermitUserEnvironment no\nAllowTcpForwarding no\nX11Forwarding no\n"
            # as permissive as a careless server: the client may send these (and samverkan
            # must not let them re-point a session, see tests/e2e/test_sessions.py)
            "AcceptEnv LANG LC_* SAMVERKAN_*\n"
            "LogLevel VERBOSE\n"
        )
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege-separation directory
        proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)],
                                stdout=subprocess.DEVNULL, stderr=open(base / "sshd.log", "wb"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return cls(port, base, keys, proc)
            if proc.poll() is not None:
                raise RuntimeError("sshd exited: " + (base / "sshd.log").read_text())
            time.sleep(0.05)
        proc.kill()
        raise RuntimeError("sshd did not start listening")

    def ssh_command(self, key: Path, user: str, *extra: str, tty: str = "-tt",
                    options: tuple[str, ...] = ()) -> list[str]:
        """An ``ssh -tt`` command line logging in as ``user`` with ``key`` (``tty``: the
        terminal option, e.g. ``-T``; ``options``: more ``-o`` settings)."""
        return ["ssh", *([tty] if tty else []), "-p", str(self.port), "-i", str(key),
                "-o", "StrictHostKeyChecking=no", "-o", f"UserKnownHostsFile={self.dir / 'known_hosts'}",
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
                *(x for o in options for x in ("-o", o)), f"{user}@127.0.0.1", *extra]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Tmux:
    """A tmux server of its own (socket in the test's directory) with one 80x24 window."""

    def __init__(self, socket_path: Path, name: str = "t"):
        need("tmux")
        self.socket = str(socket_path)
        self.name = name

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True, check=check)

    def start(self, command: list[str], env: dict[str, str] | None = None, width: int = 80, height: int = 24) -> None:
        """Start ``command`` in a detached session of ``width`` x ``height``."""
        env_args = [f"{k}={v}" for k, v in (env or {}).items()]
        shell = " ".join(_quote(a) for a in command)
        if env_args:
            shell = "env " + " ".join(_quote(a) for a in env_args) + " " + shell
        # keep the pane after the command exits so that its last screen can be read
        self.run("new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height),
                 f"{shell}; echo '[exit '$?']'; sleep 600")

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.name).stdout

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.name, *keys)
        time.sleep(0.4)  # let the app act on them (focus moves, screens open), as a person would

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", self.name, "-l", text)
        time.sleep(0.2)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """Wait until ``text`` is on the screen; return the screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear within {timeout} s; screen:\n{screen}")

    def kill(self) -> None:
        self.run("kill-server", check=False)


def _quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


def processes_with(marker: str) -> list[tuple[int, str]]:
    """Running processes (not zombies) whose command line contains ``marker``, e.g. the
    path of a test's database, which every forced command names."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmdline = fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if marker in cmdline:
            found.append((int(entry), cmdline.strip()))
    return found


def wait_until_gone(marker: str, timeout: float) -> float:
    """Seconds until no process names ``marker`` (fails after ``timeout``)."""
    start = time.monotonic()
    while True:
        left = processes_with(marker)
        if not left:
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(f"still running {timeout} s later: {left}")
        time.sleep(0.02)
