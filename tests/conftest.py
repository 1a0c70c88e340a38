"""Shared fixtures: an isolated config, real SQLite files and services per municipality."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from stdnum import luhn

from samverkan.plugin.manager import get_plugin_manager, reset_plugin_manager
from samverkan.services import Services

TODAY = dt.date(2026, 11, 22)


def make_orgnr(n: int) -> str:
    """A valid Swedish organisation number (legal-person range 802…), distinct per ``n``."""
    base = f"802{n:06d}"
    full = base + luhn.calc_check_digit(base)
    return f"{full[:6]}-{full[6:]}"


@pytest.fixture(autouse=True)
def isolated_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never read or write the developer's real config or database."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("SAMVERKAN_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("SAMVERKAN_DB", str(home / "default.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("SAMVERKAN_LOAD_PLUGINS", raising=False)
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_CLIENT", raising=False)
    # a CLI run in-process may set these from its config (Settings.apply_audit_settings):
    # recorded as absent first, so whatever a test set is removed after it
    for name in ("SAMVERKAN_AUDIT_KEY", "SAMVERKAN_AUDIT_PUBLISH_TO"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    return home


@pytest.fixture
def registry():
    """A freshly loaded plugin registry (reset afterwards)."""
    reset_plugin_manager()
    yield get_plugin_manager()
    reset_plugin_manager()


@pytest.fixture
def make_services(tmp_path: Path, registry) -> Callable[..., Services]:
    """Factory: services on a new database file for a municipality, acting as ``user``."""
    opened: list[Services] = []

    def factory(municipality: str = "stockholm", user: str = "anna", db: Path | None = None,
                today: dt.date = TODAY) -> Services:
        path = db or tmp_path / f"{municipality}.db"
        s = Services.open(path, user, "test", registry=registry, today=today)
        if s.municipality_key != municipality:
            s.set_municipality(municipality)
        opened.append(s)
        return s

    yield factory
    for s in opened:
        s.store.close()


@pytest.fixture
def orgnr() -> Callable[[int], str]:
    """Valid organisation numbers: ``orgnr(1)``, ``orgnr(2)`` …"""
    return make_orgnr


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[Callable[..., object]]:
    """Run the real click group in-process: ``cli("org", "list")`` against ``tmp_path/cli.db``."""
    from samverkan.cli import make_cli

    reset_plugin_manager()
    runner = CliRunner()
    db = tmp_path / "cli.db"

    def run(*args: str, db_path: Path | None = db, input: str | None = None):
        argv = (["--db", str(db_path)] if db_path else []) + list(args)
        return runner.invoke(make_cli(), argv, input=input, catch_exceptions=False)

    yield run
    reset_plugin_manager()
