"""Linköping's labour-market board as a samverkan plugin.

Hook implementations only: the rules are data in ``data/*.toml``; gates, the value
model, SROI, the value-table report and the demo data live in their own modules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from samverkan import hookimpl
from samverkan.domain.lifecycle import Gate
from samverkan.domain.model import CheckItem
from samverkan.domain.rules import (
    DecisionAuthority,
    FollowUpPolicy,
    FormOffer,
    Municipality,
    RecordKind,
    Report,
    RuleText,
)
from samverkan_linkoping import data, gates, reports, sroi

if TYPE_CHECKING:
    from samverkan.domain.reading import WorkSession


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
def register_checks(register: Callable[[CheckItem], None]) -> None:
    """Linköping's checklist: no commercial market, partnership design, equal access, municipal goals."""
    for item in data.checks():
        register(item)


@hookimpl
def register_gates(register: Callable[[Gate], None]) -> None:
    """The IOP criteria: initiative, no market, mutual commitment, legal assessment, cost split."""
    for gate in gates.gates():
        register(gate)


@hookimpl
def register_record_kinds(register: Callable[[RecordKind], None]) -> None:
    """The legal assessment of an IOP and the board's yearly project costs."""
    for kind in data.record_kinds():
        register(kind)


@hookimpl
def decision_authority(form: str) -> DecisionAuthority | None:
    """IOP decisions are the board's (meeting date and minute paragraph recorded)."""
    if form == "iop":
        return DecisionAuthority(
            "board", "arbetsmarknadsnämnden",
            data.doc("an_2020").source("Uppföljning och utvärdering: \"De IOP som nämnden har fattat beslut om\""),
        )
    return None


@hookimpl
def follow_up_policy(form: str) -> FollowUpPolicy | None:
    """IOP: a yearly follow-up, its effects measured with SROI (seed 003)."""
    if form != "iop":
        return None
    return FollowUpPolicy(
        interval_months=12,
        measure=("Uppföljning enligt förvaltningens rutiner och KS riktlinjer för IOP; sociala effekter "
                 "mäts med SROI (utfall × finansiell proxy, minus dödvikt, tillskrivning och "
                 "undanträngning, avtagande över åren, diskonterat; kvot mot investeringen)."),
        source=data.doc("an_2020").source("Uppföljning och utvärdering; Bakgrund, stycke 4 (SROI)"),
        evaluate=sroi.evaluate,
        evaluation_fields=sroi.FIELDS,
    )


@hookimpl
def register_rules(register: Callable[[RuleText], None]) -> None:
    """Linköping's answers to the comparison topics seed 003 speaks to."""
    for rule in data.rules():
        register(rule)


@hookimpl
def register_reports(register: Callable[[Report], None]) -> None:
    """The value table (IOP overview and other projects) for the board."""
    for report in reports.reports():
        register(report)


@hookimpl
def load_demo(services: WorkSession) -> None:
    """The five IOPs and three other projects of the information to the board, February 2020."""
    from samverkan_linkoping import demo

    demo.load(services)
