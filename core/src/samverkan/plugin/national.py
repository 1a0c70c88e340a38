"""The built-in national rules: democracy conditions (SOU 2019:35), municipal
competence, the procurement duty and state aid.

Registered as a default plugin like any other (see :data:`samverkan.plugin.manager.DEFAULT_PLUGINS`),
so every municipality's checklist starts from them. The rules themselves are data in
``data/national.toml``, in the same schema as a municipality's (read by
:mod:`samverkan.plugin.datapack`), without a ``[municipality]``: these hooks are always on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from samverkan.domain.model import CheckItem, Source
from samverkan.domain.rules import Document, sourced
from samverkan.plugin.datapack import DataPack, load_pack
from samverkan.plugin.hookspecs import hookimpl


def pack() -> DataPack:
    """The national rule data (read once)."""
    return load_pack("samverkan", "plugin/data")


def documents() -> dict[str, Document]:
    """The national documents the checks cite, by key."""
    return pack().documents


def checks_from_data(entries: list[dict[str, Any]], docs: dict[str, Document]) -> list[CheckItem]:
    """Build check items from TOML entries (``id``, ``text``, ``document``, ``section`` …).

    For plugins that read their checklist themselves; a plugin made of data
    (:class:`samverkan.plugin.dataplugin.DataPlugin`) needs no call.
    """
    items = []
    for entry in entries:
        rest, source = sourced(entry, docs)
        rest["forms"] = tuple(rest.get("forms", ()))
        items.append(CheckItem(source=source, **rest))
    return items


def adopted_checks(name: str, adoption: Source, on: dt.date | None) -> list[CheckItem]:
    """The checks of the national set ``name`` in force on ``on``, as a municipality that
    adopts the set applies them: at the obligation level of its adoption (``adoption``,
    the Source of its ``[[adopt]]`` entry)."""
    return [dataclasses.replace(c, source=dataclasses.replace(c.source, level=adoption.level or c.source.level))
            for c in pack().checks_on(on, in_set=name)]


@hookimpl
def register_checks(register: Callable[[CheckItem], None], on: dt.date | None) -> None:
    """The national checks in force on ``on`` every municipality's checklist starts from:
    the laws (a set such as the democracy conditions applies only where adopted)."""
    for item in pack().checks_on(on):
        register(item)
