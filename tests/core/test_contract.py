"""The plugin contract, from the test kit (samverkan.testing), for every municipality plugin
installed through the entry-point group, and for Testby (a plugin written in Python).

The checks themselves live in ``samverkan.testing.contract`` so that a plugin kept in its
own repository runs the same ones (``from samverkan.testing.suite import *``); a new
plugin in the workspace is picked up automatically. The plugins' scenario files run in
tests/kit/test_plugin_scenarios.py.
"""

from __future__ import annotations

import pytest

from samverkan.plugin.manager import get_plugin_manager, reset_plugin_manager
from samverkan.testing.pytest_plugin import installed_municipalities
from samverkan.testing.suite import test_contract  # noqa: F401  the kit's contract tests

pytestmark = pytest.mark.parametrize("samverkan_municipality", sorted({*installed_municipalities(), "testby"}))


@pytest.fixture
def samverkan_registry(testby_root, monkeypatch):
    """Every installed plugin plus Testby, loaded through their entry points."""
    monkeypatch.syspath_prepend(str(testby_root))
    reset_plugin_manager()
    yield get_plugin_manager()
    reset_plugin_manager()
