"""Every scenario file of every installed municipality plugin, run by the test kit on a
real SQLite file through the services (samverkan_<key>/scenarios/*.toml)."""

from __future__ import annotations

from samverkan.testing.pytest_plugin import installed_municipalities
from samverkan.testing.scenarios import scenario_files
from samverkan.testing.suite import test_scenario  # noqa: F401  parametrized by the kit's pytest plugin


def test_both_plugins_ship_scenarios_for_their_gates():
    """Stockholm and Linköping ship scenarios; the contract (tests/core/test_contract.py)
    fails when a gate has none."""
    for key in ("stockholm", "linkoping"):
        assert key in installed_municipalities()
        assert len(scenario_files(key)) >= 5, key
