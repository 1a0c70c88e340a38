"""Linköping's labour-market board as a samverkan plugin.

Hook implementations only; the rules are data in ``data/*.toml``.
"""

from __future__ import annotations

from collections.abc import Callable

from samverkan import hookimpl
from samverkan.rules import DecisionAuthority, FormOffer, Municipality
from samverkan_linkoping import data


@hookimpl
def municipality() -> Municipality:
    """Linköpings kommun, arbetsmarknadsnämnden."""
    return data.municipality()


@hookimpl
def register_forms(register: Callable[[FormOffer], None]) -> None:
    """The forms the labour-market board works with."""
    for offer in data.forms():
        register(offer)


@hookimpl
def decision_authority(form: str) -> DecisionAuthority | None:
    """IOP decisions are the board's (meeting date and minute paragraph recorded)."""
    if form == "iop":
        return DecisionAuthority(
            "board", "arbetsmarknadsnämnden",
            data.doc("an_2020").source("Uppföljning och utvärdering: \"De IOP som nämnden har fattat beslut om\""),
        )
    return None
