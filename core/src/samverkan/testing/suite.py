"""The kit's tests: the plugin contract and every scenario, for each municipality tested.

A plugin's repository runs them with one test module::

    # tests/test_samverkan.py
    from samverkan.testing.suite import *  # noqa: F403  the contract and the scenarios

The fixtures come from the kit's pytest plugin (:mod:`samverkan.testing.pytest_plugin`),
which pytest loads through the ``pytest11`` entry point of samverkan.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from samverkan.testing.contract import CHECKS, ContractError, Skipped

__all__ = ["test_contract", "test_scenario"]


@pytest.mark.parametrize("samverkan_check", CHECKS, ids=[c.__name__ for c in CHECKS])
def test_contract(samverkan_registry: Any, samverkan_municipality: str, samverkan_check: Any,
                  tmp_path: Path) -> None:
    """One check of the plugin contract (:mod:`samverkan.testing.contract`)."""
    try:
        samverkan_check(samverkan_registry, samverkan_municipality, tmp_path)
    except Skipped as exc:
        pytest.skip(str(exc))
    except ContractError as exc:
        pytest.fail(f"{samverkan_municipality}: {samverkan_check.__doc__.splitlines()[0]}\n{exc}", pytrace=False)


def test_scenario(samverkan_registry: Any, samverkan_scenario: tuple[str, str, Any], tmp_path: Path) -> None:
    """One scenario file: its case through the services, the findings it expects."""
    from samverkan.plugin.schema import SchemaError
    from samverkan.testing.runner import run_scenario
    from samverkan.testing.scenarios import load_scenario

    key, name, path = samverkan_scenario
    status = samverkan_registry.statuses.get(key)
    if status is None or not status.ok:
        pytest.fail(f"{key} is not loaded: {status.error if status else 'not installed'}", pytrace=False)
    try:
        scenario = load_scenario(path, key, name)
    except SchemaError as exc:
        pytest.fail(str(exc), pytrace=False)
    result = run_scenario(scenario, samverkan_registry, tmp_path)
    if not result.ok:
        pytest.fail(result.report(), pytrace=False)
