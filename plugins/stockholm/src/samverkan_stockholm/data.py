"""Stockholm's rule data, read from the TOML files in ``data/``."""

from __future__ import annotations

from functools import cache
from typing import Any

from samverkan.rules import Document, FormOffer, Municipality, load_toml

PACKAGE = "samverkan_stockholm"


@cache
def toml(name: str) -> dict[str, Any]:
    """A data file of this plugin, parsed (cached)."""
    return load_toml(PACKAGE, f"data/{name}.toml")


@cache
def municipality() -> Municipality:
    """Stockholm's identity and guideline documents."""
    data = toml("documents")
    docs = tuple(Document(**d) for d in data["documents"])
    return Municipality(data["key"], data["name"], data["organisation"], docs, data.get("mailbox", ""))


def doc(key: str) -> Document:
    """The guideline document with ``key``."""
    return municipality().document(key)


def forms() -> list[FormOffer]:
    """The forms as the labour-market administration offers them."""
    out = []
    for entry in toml("forms")["forms"]:
        entry = dict(entry)
        source = doc(entry.pop("document")).source(entry.pop("section", ""))
        out.append(FormOffer(source=source, **entry))
    return out
