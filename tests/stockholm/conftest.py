"""Fixtures for the Stockholm plugin tests (helpers live in sthlm_helpers.py)."""

from __future__ import annotations

import pytest
from sthlm_helpers import Walk

from samverkan.services import Services


@pytest.fixture
def sthlm(make_services) -> Services:
    """Services on a fresh Stockholm database."""
    return make_services("stockholm")


@pytest.fixture
def walk(sthlm, orgnr) -> Walk:
    """A :class:`Walk` on a fresh Stockholm database."""
    return Walk(sthlm, orgnr)
