"""A throwaway Python environment for a generated plugin, built offline from the uv cache.

``build_env`` makes a venv with exactly what a plugin author's machine would have: the
core (editable, from this workspace) with its locked dependencies, and pytest — and no
Stockholm, Linköping or TUI. The packages come from the workspace's lock file
(``uv export --format pylock.toml``, narrowed to the core's and pytest's requirements) and
are installed with ``uv pip install --offline``, so nothing is downloaded.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from importlib.metadata import requires
from pathlib import Path

import tomli_w
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]


def uv() -> str | None:
    """The uv executable, if there is one."""
    return shutil.which("uv")


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_closure(*names: str) -> set[str]:
    """The distributions ``names`` need, transitively, as installed here (markers evaluated)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = _canon(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        for line in requires(name) or []:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return seen


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment for a subprocess: no venv, plugin pins or paths of ours; config,
    database and data directories in ``home``."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "SAMVERKAN_LOAD_PLUGINS", "PYTHONHOME")}
    env.update(SAMVERKAN_CONFIG=str(home / "config.toml"), SAMVERKAN_DB=str(home / "default.db"),
               XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_STATE_HOME=str(home / "state"), SAMVERKAN_LANG="en")
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str], cwd: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run ``args``; the completed process (stdout and stderr as text)."""
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@dataclass
class Env:
    """A throwaway venv: its folder, its python and its ``samverkan`` script."""

    root: Path
    home: Path

    @property
    def python(self) -> str:
        return str(self.root / "bin" / "python")

    @property
    def samverkan(self) -> str:
        return str(self.root / "bin" / "samverkan")

    def env(self, **extra: str) -> dict[str, str]:
        return clean_env(self.home, **extra)

    def install(self, *args: str) -> None:
        """``uv pip install --offline`` into this venv."""
        done = run([uv(), "pip", "install", "-q", "--offline", "--python", self.python, *args], self.env())
        assert done.returncode == 0, done.stderr


def build_env(folder: Path) -> Env:
    """A venv in ``folder`` with the core (editable) and pytest, offline from the uv cache."""
    folder.mkdir(parents=True, exist_ok=True)
    env = Env(folder / "venv", folder / "home")
    exported = run([uv(), "export", "--frozen", "--format", "pylock.toml", "--no-emit-workspace", "-q"],
                   env.env(), cwd=ROOT)
    assert exported.returncode == 0, exported.stderr
    lock = tomllib.loads(exported.stdout)
    wanted = requirement_closure("samverkan", "pytest")
    lock["packages"] = [p for p in lock["packages"] if _canon(p["name"]) in wanted]
    pylock = folder / "pylock.toml"
    pylock.write_text(tomli_w.dumps(lock), encoding="utf-8")
    made = run([uv(), "venv", "-q", str(env.root), "--python", sys.executable], env.env())
    assert made.returncode == 0, made.stderr
    env.install("-r", str(pylock))
    env.install("--no-deps", "-e", str(ROOT / "core"))
    return env
