"""The samverkan test kit as a pytest plugin (entry point ``pytest11``, name ``samverkan``).

Loaded by pytest wherever samverkan is installed, it adds no tests of its own; it gives
the kit's tests (:mod:`samverkan.testing.suite`) their fixtures and parameters:

- ``samverkan_registry``: the installed plugins, freshly loaded through their entry points;
- ``samverkan_municipality``: parametrized over the municipalities to test — those named
  by ``--samverkan-municipality KEY`` (repeatable), else by the ini option
  ``samverkan_municipalities``, else every installed municipality plugin. A test module
  pins its own with ``pytest.mark.parametrize("samverkan_municipality", [...])``;
- ``samverkan_scenario``: parametrized over the scenario files those municipalities ship,
  as ``(key, name, file)``.

Nothing heavy is imported until a test asks for these.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("samverkan", "samverkan plugin test kit")
    group.addoption("--samverkan-municipality", action="append", default=[], metavar="KEY",
                    help="test this municipality plugin (repeatable; default: every installed one)")
    parser.addini("samverkan_municipalities", type="args", default=[],
                  help="the municipality plugins the samverkan test kit tests (default: every installed one)")


@cache
def installed_municipalities() -> tuple[str, ...]:
    """Keys of the municipality plugins installed through entry points (and of any plugin
    that failed to load, so that the contract reports it)."""
    from samverkan.plugin.manager import get_plugin_manager, reset_plugin_manager

    reset_plugin_manager()
    try:
        statuses = get_plugin_manager().statuses
        return tuple(sorted(k for k, s in statuses.items() if s.municipality is not None or not s.ok))
    finally:
        reset_plugin_manager()


def selected(config: pytest.Config) -> list[str]:
    """The municipalities to test, from the command line, the ini file or what is installed."""
    keys = [k.strip() for opt in config.getoption("samverkan_municipality") for k in opt.split(",") if k.strip()]
    return sorted(set(keys or config.getini("samverkan_municipalities") or installed_municipalities()))


def _pinned(metafunc: pytest.Metafunc, name: str) -> list[Any] | None:
    """The values a parametrize marker gives ``name``, if one does."""
    for marker in metafunc.definition.iter_markers("parametrize"):
        names = marker.args[0]
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        if names == [name]:
            return list(marker.args[1])
    return None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    wants_key = "samverkan_municipality" in metafunc.fixturenames
    wants_scenario = "samverkan_scenario" in metafunc.fixturenames
    if not (wants_key or wants_scenario):
        return
    pinned = _pinned(metafunc, "samverkan_municipality")
    keys = pinned if pinned is not None else selected(metafunc.config)
    if wants_key and pinned is None:
        metafunc.parametrize("samverkan_municipality", keys)
    if wants_scenario and _pinned(metafunc, "samverkan_scenario") is None:
        from samverkan.testing.scenarios import scenario_files

        params = [(key, name, path) for key in keys for name, path in scenario_files(key)]
        metafunc.parametrize("samverkan_scenario", params,
                             ids=[f"{key}/{name.rsplit('/', 1)[-1].removesuffix('.toml')}"
                                  for key, name, _path in params])


@pytest.fixture
def samverkan_registry() -> Any:
    """The installed plugins, loaded afresh through their entry points (reset afterwards)."""
    from samverkan.plugin.manager import get_plugin_manager, reset_plugin_manager

    reset_plugin_manager()
    yield get_plugin_manager()
    reset_plugin_manager()


@pytest.fixture
def samverkan_municipality() -> str:
    """The municipality under test (parametrized; skipped when none is installed)."""
    pytest.skip("no municipality plugin to test")


@pytest.fixture
def samverkan_scenario() -> tuple[str, str, Any]:
    """A scenario file of the municipality under test (parametrized)."""
    pytest.skip("no scenario files to run")
