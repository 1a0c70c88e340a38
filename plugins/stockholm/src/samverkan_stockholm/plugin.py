"""Stockholm's labour-market administration as a samverkan plugin.

Hook implementations only; the rules are data in ``data/*.toml`` and the gates in
``gates.py``.
"""

from __future__ import annotations

from collections.abc import Callable

from samverkan import hookimpl
from samverkan.rules import DecisionAuthority, FormOffer, Municipality
from samverkan_stockholm import data


@hookimpl
def municipality() -> Municipality:
    """Stockholms stad, arbetsmarknadsförvaltningen."""
    return data.municipality()


@hookimpl
def register_forms(register: Callable[[FormOffer], None]) -> None:
    """The five formal forms and informal collaboration (no association grants here)."""
    for offer in data.forms():
        register(offer)


@hookimpl
def decision_authority(form: str) -> DecisionAuthority:
    """The responsible manager decides under the delegation order."""
    return DecisionAuthority(
        "manager", "ansvarig chef enligt delegationsordningen",
        data.doc("amf_2024").source("Tillvägagångssätt vid formell samverkan, s. 9–10"),
    )
