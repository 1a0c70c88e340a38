"""Fixtures of the end-to-end tests: a real sshd on loopback, tmux terminals, and an
office served by the service account (the user running the tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from samverkan.runtime.config import os_user

from .harness import Sshd, Tmux

SAMVERKAN = str(Path(sys.executable).with_name("samverkan"))


@pytest.fixture
def server(tmp_path: Path):
    sshd = Sshd.start(tmp_path / "sshd")
    yield sshd
    sshd.stop()


@pytest.fixture
def terminals(tmp_path: Path):
    """Factory of tmux servers, every one killed at the end even when the test fails."""
    made: list[Tmux] = []

    def make(name: str) -> Tmux:
        made.append(Tmux(tmp_path / f"{name}.sock"))
        return made[-1]

    yield make
    for t in made:
        t.kill()


@pytest.fixture
def make_office(tmp_path: Path, server: Sshd) -> Callable[..., tuple[Path, dict[str, Path]]]:
    """Factory: a Stockholm database served by the service account, set up the documented
    way (config with the service account and authorized_keys, `init`, `admin user add
    --key`), with officer eva and reader rut; ``config`` adds to the config file."""

    def make(**config: Any) -> tuple[Path, dict[str, Path]]:
        db, config_file = tmp_path / "office.db", tmp_path / "config.toml"
        config_file.write_text(tomli_w.dumps({
            "service_account": os_user(), "authorized_keys": str(server.authorized_keys), "lang": "sv",
            **config}))
        env = {**os.environ, "SAMVERKAN_CONFIG": str(config_file)}

        def admin(*args: str) -> str:
            done = subprocess.run([SAMVERKAN, "--db", str(db), *args], env=env, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
            return done.stdout

        admin("init", "--municipality", "stockholm")
        keys = {}
        for name, role in (("eva", "officer"), ("rut", "reader")):
            key = tmp_path / f"{name}_key"
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key), "-C", name], check=True)
            admin("admin", "user", "add", name, "--role", role, "--key", f"{key}.pub")
            keys[name] = key
        return db, keys

    return make


@pytest.fixture
def office(make_office):
    """The office with the default configuration."""
    return make_office()
