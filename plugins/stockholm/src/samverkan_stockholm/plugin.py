"""Stockholm's labour-market administration as a samverkan plugin.

Hook implementations only. The rules are data in ``data/*.toml`` (read by ``data.py``);
the gates live in ``gates.py``, the notifications to the preparatory group in
``notifications.py``, the reports in ``reports.py`` and the demo data in ``demo.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from samverkan import hookimpl
from samverkan.domain.lifecycle import Gate, GateContext
from samverkan.domain.model import FORMS, CheckItem, Notification
from samverkan.domain.rules import (
    AgreementSection,
    DecisionAuthority,
    FollowUpPolicy,
    FormOffer,
    Municipality,
    RecordKind,
    Report,
    RuleText,
)
from samverkan_stockholm import data, gates, notifications, reports

if TYPE_CHECKING:
    from samverkan.domain.reading import WorkSession


@hookimpl
def municipality() -> Municipality:
    """Stockholms stad, arbetsmarknadsförvaltningen, with its six guideline documents."""
    return data.municipality()


@hookimpl
def register_forms(register: Callable[[FormOffer], None]) -> None:
    """The five formal forms and informal collaboration (no association grants here)."""
    for offer in data.forms():
        register(offer)


@hookimpl
def register_checks(register: Callable[[CheckItem], None]) -> None:
    """The local checklist: exclusions, basic requirements, welfare crime, jäv, per-form items."""
    for item in data.checks():
        register(item)


@hookimpl
def register_gates(register: Callable[[Gate], None]) -> None:
    """Informal limits, IOP pre-study and consultation, external consultation, decision
    documentation, agreement sections and goals, termination with the procurement unit."""
    for gate in gates.gates():
        register(gate)


@hookimpl
def register_record_kinds(register: Callable[[RecordKind], None]) -> None:
    """The consultation with the preparatory group and the pre-study (förstudie)."""
    for kind in data.record_kinds():
        register(kind)


@hookimpl
def decision_authority(form: str) -> DecisionAuthority:
    """The responsible manager decides under the delegation order, for every form."""
    return data.decision_authority()


@hookimpl
def agreement_sections(form: str) -> list[AgreementSection]:
    """Roles, budget and follow-up (required); goals and termination (advised); IOP extras."""
    return data.sections(form)


@hookimpl
def follow_up_policy(form: str) -> FollowUpPolicy | None:
    """Every signed agreement is followed up at least yearly; informal ones have no schedule."""
    written = form in FORMS and FORMS[form].written_agreement
    return data.follow_up_policy() if written else None


@hookimpl
def register_rules(register: Callable[[RuleText], None]) -> None:
    """Stockholm's answers to the comparison topics."""
    for rule in data.rules():
        register(rule)


@hookimpl
def register_reports(register: Callable[[Report], None]) -> None:
    """Overdue follow-ups and the follow-up of every IOP."""
    for report in reports.reports():
        register(report)


@hookimpl
def lifecycle_event(event: str, context: GateContext) -> list[Notification]:
    """Tell the preparatory group's mailbox of new initiatives, starts, decisions and ends."""
    return notifications.for_event(event, context)


@hookimpl
def load_demo(services: WorkSession) -> None:
    """Example collaborations of every offered form at every stage, marked as examples."""
    from samverkan_stockholm import demo  # only when asked: it is not needed at start-up

    demo.load(services)
