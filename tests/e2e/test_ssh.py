"""Officers over SSH: a real OpenSSH server on 127.0.0.1, forced commands, the TUI in tmux.

The service account is the user running the tests; `samverkan admin user add` writes
each person's key with `command="… --user NAME",restrict,pty`. Each person connects
with `ssh -tt` inside tmux and drives the TUI; the audit log must carry their name and
the SSH client address, the reader must be refused, and nobody gets a shell or another
identity.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from samverkan.runtime.config import os_user
from samverkan.services import Services

from .harness import Sshd, Tmux

pytestmark = pytest.mark.e2e

SAMVERKAN = str(Path(sys.executable).with_name("samverkan"))


def _open(tmux: Tmux, server: Sshd, key: Path, *remote: str) -> str:
    tmux.start(server.ssh_command(key, os_user(), *remote), env={"TERM": "xterm-256color"})
    return tmux.wait_for("samverkan", timeout=60)


def _quit(tmux: Tmux) -> None:
    tmux.keys("Escape", "Escape", "Escape")  # back to the home screen from any form or screen
    tmux.keys("q")
    tmux.wait_for("[exit ", timeout=30)
    tmux.kill()


def test_each_officer_acts_as_themselves_over_ssh(terminals, server, office, orgnr):
    db, keys = office
    lines = server.authorized_keys.read_text().splitlines()
    assert sum(",restrict,pty " in line for line in lines) == 2
    # the forced command pins the configuration and the database
    assert all(f"--db {db} --user " in line and " --config " in line for line in lines[1:])

    # eva (officer) registers an organisation through the TUI
    eva = terminals("eva")
    _open(eva, server, keys["eva"])
    eva.wait_for("eva · Stockholms stad", timeout=60)
    eva.keys("o")
    eva.wait_for("Inga organisationer")
    eva.keys("n")
    eva.wait_for("Ny organisation")
    eva.type("Föreningen via SSH")
    eva.keys("Enter")
    eva.type(orgnr(42))
    eva.keys("C-s")
    eva.wait_for("Kontrollhistorik")
    _quit(eva)

    # rut (reader) tries the same and is refused, in the UI and in the services
    rut = terminals("rut")
    _open(rut, server, keys["rut"])
    rut.wait_for("rut · Stockholms stad", timeout=60)
    rut.keys("o")
    rut.wait_for("Föreningen via SSH")
    rut.keys("n")
    rut.wait_for("Ny organisation")
    rut.type("Läsarens förening")
    rut.keys("Enter")
    rut.type(orgnr(43))
    rut.keys("C-s")
    rut.wait_for("kräver rollen")  # the core's refusal, in the Swedish interface
    _quit(rut)

    s = Services.open(db, "rut")  # a reader: reads need a registered user once users exist
    try:
        names = [o.name for o in s.store.list_organisations()]
        assert names == ["Föreningen via SSH"]
        events = s.store.events(limit=1000)
        created = [e for e in events if e.action == "organisation.create"]
        assert [(e.actor, e.origin) for e in created] == [("eva", "ssh:127.0.0.1")]
        refused = [e for e in events if e.action == "permission.refused"]
        assert refused and all(e.actor == "rut" and e.origin == "ssh:127.0.0.1" for e in refused)
        assert refused[0].after["action"] == "organisation.register"
        assert s.verify_audit().ok
    finally:
        s.store.close()


@pytest.mark.parametrize("remote", [
    ["echo", "SHELL-$((6*7))"],
    ["bash", "-c", "'echo SHELL-$((6*7))'"],
    [SAMVERKAN, "--user", "rut", "org", "list"],
])
def test_no_shell_and_no_other_identity(terminals, server, office, remote):
    _db, keys = office
    term = terminals("x")
    _open(term, server, keys["eva"], *remote)
    screen = term.wait_for("eva · Stockholms stad", timeout=60)
    assert "SHELL-42" not in screen and "rut ·" not in screen
    _quit(term)


def test_port_forwarding_is_refused(tmp_path, server, office):
    """restrict: the key cannot open tunnels, only the forced command."""
    _db, keys = office
    cmd = [c for c in server.ssh_command(keys["eva"], os_user()) if c != "-tt"]
    done = subprocess.run([cmd[0], "-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9", *cmd[1:]],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 255
    assert "forwarding failed" in done.stderr
