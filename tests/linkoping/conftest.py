"""Fixtures for the Linköping plugin: services on a Linköping database and an IOP
that meets every criterion up to the board's decision (tests then break one thing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from lkpg_helpers import LEGAL

from samverkan.domain.model import Collaboration
from samverkan.services import Services


@pytest.fixture
def lkpg(make_services) -> Services:
    """Services on a new Linköping database, acting as ``anna``."""
    return make_services("linkoping")


def answer_all(services: Services, collab_id: int, skip: tuple[str, ...] = ()) -> None:
    """Answer every check item "met", with a motivation."""
    for item, _ in services.checklist(collab_id):
        if item.id not in skip:
            services.answer_check(collab_id, item.id, "met", f"Motivering för {item.id}.")


@pytest.fixture
def ready_iop(lkpg: Services, orgnr) -> Callable[..., Collaboration]:
    """Factory: an IOP in preparation that meets every criterion for the board's decision.

    Keyword arguments leave out a step: ``contributions=[...]`` replaces the 50/50 split,
    ``legal=None`` skips the legal assessment, ``skip=(check ids)`` leaves checks
    unanswered, ``initiator="municipality"`` registers a municipal initiative (and stays
    at the initiative stage, since that gate guards preparation too).
    """
    counter = iter(range(1, 1000))

    def make(*, initiator: str = "organisation", contributions: list[dict[str, Any]] | None = None,
             legal: dict[str, Any] | None = LEGAL, skip: tuple[str, ...] = ()) -> Collaboration:
        n = next(counter)
        org = lkpg.register_organisation(f"Förening {n}", orgnr(n))
        c = lkpg.register_initiative(f"Partnerskap {n}", "iop", [org.id], initiator=initiator,
                                     target_group="Nyanlända", activity="Språkcafé")
        if initiator == "organisation":
            lkpg.advance(c.id, "preparation")
        lkpg.set_contributions(c.id, contributions if contributions is not None else [
            {"party": "Arbetsmarknadsnämnden", "category": "money", "amount": 500_000, "is_municipality": True},
            {"party": f"Förening {n}", "category": "staff", "amount": 300_000},
            {"party": f"Förening {n}", "category": "premises", "amount": 200_000},
        ])
        answer_all(lkpg, c.id, skip)
        if legal is not None:
            lkpg.add_record(c.id, "legal_assessment", legal)
        return lkpg.collaboration(c.id)

    return make
