"""Fixtures for the core tests: the Testby municipality installed through entry points."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from corekit import TODAY, install_testby

from samverkan.plugin.manager import get_plugin_manager, reset_plugin_manager
from samverkan.services import Services


@pytest.fixture(scope="session")
def testby_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding the installed Testby distribution (for sys.path / PYTHONPATH)."""
    return install_testby(tmp_path_factory.mktemp("site-testby"))


@pytest.fixture
def testby(testby_root: Path, monkeypatch: pytest.MonkeyPatch):
    """The plugin registry with only Testby loaded (through its entry point)."""
    monkeypatch.syspath_prepend(str(testby_root))
    monkeypatch.setenv("SAMVERKAN_LOAD_PLUGINS", "testby")
    reset_plugin_manager()
    yield get_plugin_manager()
    reset_plugin_manager()


@pytest.fixture
def testby_services(testby, tmp_path: Path) -> Callable[..., Services]:
    """Factory: services on ``tmp_path/testby.db`` for Testby, acting as ``user``.

    Calling it twice gives two independent sessions on the same file (two officers).
    """
    opened: list[Services] = []

    def factory(user: str = "anna", db: Path | None = None, today: dt.date = TODAY) -> Services:
        s = Services.open(db or tmp_path / "testby.db", user, "test", registry=testby, today=today)
        if s.municipality_key != "testby":
            s.set_municipality("testby")
        opened.append(s)
        return s

    yield factory
    for s in opened:
        s.store.close()


@pytest.fixture
def s(testby_services) -> Services:
    """One session on a Testby database, acting as anna."""
    return testby_services()
