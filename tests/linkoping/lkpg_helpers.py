"""Helpers for the Linköping tests (imported as ``lkpg_helpers``; pytest puts this folder on the path)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from samverkan.services import Services

MEETING = dt.date(2026, 11, 17)

#: A legal assessment that finds the IOP compatible with LOU, state aid and the KL.
LEGAL = {
    "lou": "Inget offentligt kontrakt: ingen marknad, ingen beställning.",
    "state_aid": "Ingen ekonomisk verksamhet; inget statsstöd.",
    "local_government_act": "Ryms i den kommunala kompetensen och nämndens ansvar.",
    "conclusion": "compatible",
    "assessed_by": "Handläggare Eva",
    "lawyer": "Jurist Johan",
    "date": "2026-11-10",
}


def findings(services: Services, collab_id: int, to_stage: str = "decided", rule: str | None = None) -> list:
    """The findings of moving ``collab_id`` to ``to_stage`` now (optionally of one rule).

    Without a decision recorded yet, the core's "a decision is recorded" finding is left out.
    """
    found = services.evaluate(services.context(collab_id, to_stage))
    return [f for f in found if (rule is None or f.rule_id == rule) and f.rule_id != "core.decision.recorded"]


def decide(services: Services, collab_id: int, **kwargs: Any):
    """The board decides to start, at the meeting of 17 November 2026, § 12."""
    kwargs.setdefault("meeting_date", MEETING)
    kwargs.setdefault("minute_paragraph", "§ 12")
    kwargs.setdefault("decided_on", MEETING)
    return services.decide(collab_id, "start", "Partnerskapet möter målgruppens behov.",
                           "Kriterierna för IOP är uppfyllda.", **kwargs)
