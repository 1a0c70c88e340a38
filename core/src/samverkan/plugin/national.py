"""The built-in national rules: democracy conditions (SOU 2019:35), municipal
competence, the procurement duty and state aid.

Registered as a default plugin like any other (see :data:`samverkan.plugin.manager.DEFAULT_PLUGINS`),
so every municipality's checklist starts from them. The rules themselves are data in
``data/national.toml``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from samverkan.domain.model import CheckItem
from samverkan.domain.rules import Document, load_toml, sourced
from samverkan.plugin.hookspecs import hookimpl


@cache
def _data() -> dict[str, Any]:
    return load_toml("samverkan", "plugin/data/national.toml")


def documents() -> dict[str, Document]:
    """The national documents the checks cite, by key."""
    return {k: Document(key=k, **v) for k, v in _data()["documents"].items()}


def checks_from_data(entries: list[dict[str, Any]], docs: dict[str, Document]) -> list[CheckItem]:
    """Build check items from TOML entries (``id``, ``text``, ``document``, ``section`` …).

    Shared by the municipality plugins, whose checklists are data in the same shape.
    """
    items = []
    for entry in entries:
        rest, source = sourced(entry, docs)
        rest["forms"] = tuple(rest.get("forms", ()))
        items.append(CheckItem(source=source, **rest))
    return items


@hookimpl
def register_checks(register: Callable[[CheckItem], None]) -> None:
    """The national checks every municipality's checklist starts from."""
    for item in checks_from_data(_data()["checks"], documents()):
        register(item)
