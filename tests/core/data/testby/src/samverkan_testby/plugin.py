"""Testby kommun as a samverkan plugin: every hook, rules as data, gates in Python."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from samverkan import hookimpl
from samverkan.domain.lifecycle import Gate, GateContext
from samverkan.domain.model import Notification
from samverkan.domain.rules import (
    AgreementSection,
    DecisionAuthority,
    Document,
    FollowUpPolicy,
    FormOffer,
    Municipality,
    RecordField,
    RecordKind,
    Report,
    ReportTable,
    RuleText,
    load_toml,
)
from samverkan.plugin.national import adopted_checks, checks_from_data


@cache
def _data() -> dict[str, Any]:
    return load_toml("samverkan_testby", "data/rules.toml")


def _docs() -> dict[str, Document]:
    return {key: Document(key=key, **doc) for key, doc in _data()["documents"].items()}


def _source(doc: str, section: str = ""):
    return _docs()[doc].source(section)


# -- identity -------------------------------------------------------------------


@hookimpl
def municipality() -> Municipality:
    """Testby kommun and its guideline documents."""
    return Municipality(documents=tuple(_docs().values()), **_data()["municipality"])


# -- forms, checks, gates, records ------------------------------------------------


@hookimpl
def register_forms(register: Callable[[FormOffer], None]) -> None:
    """The forms Testby offers, under their local names."""
    for entry in _data()["forms"]:
        entry = dict(entry)
        register(FormOffer(source=_source("riktlinjer", entry.pop("section")), **entry))


@hookimpl
def register_checks(register: Callable[[Any], None]) -> None:
    """Testby's own checklist items, and the democracy conditions it adopts (the
    national laws' checks come from the core)."""
    for item in checks_from_data(_data()["checks"], _docs()):
        register(item)
    adoption = _docs()["riktlinjer"].source("avsnitt 1.2", "Testby samverkar bara med organisationer som uppfyller "
                                            "demokrativillkoren.", "requirement")
    for item in adopted_checks("democracy", adoption, None):
        register(item)


def _iop_initiated_by_organisation(ctx: GateContext) -> Iterable[str]:
    if ctx.collaboration.initiator != "organisation":
        yield "Ett IOP ska initieras av organisationen, inte av kommunen."


def _iop_consulted(ctx: GateContext) -> Iterable[str]:
    if not ctx.records_of("consultation"):
        yield "Föreningsrådet har inte rådfrågats om partnerskapet."


@hookimpl
def register_gates(register: Callable[[Gate], None]) -> None:
    """IOP: initiated by the organisation; the association council consulted before the agreement."""
    register(Gate("testby.iop.initiator", _source("riktlinjer", "avsnitt 4.1"),
                  _iop_initiated_by_organisation, "IOP initieras av organisationen",
                  to_stages=("decided",), forms=("iop",)))
    register(Gate("testby.iop.consultation", _source("riktlinjer", "avsnitt 4.4"),
                  _iop_consulted, "Föreningsrådet rådfrågas före avtal",
                  to_stages=("agreement",), forms=("iop",)))


@hookimpl
def register_record_kinds(register: Callable[[RecordKind], None]) -> None:
    """A consultation with the association council (föreningsrådet)."""
    register(RecordKind(
        "consultation", "Samråd med föreningsrådet",
        (RecordField("topic", "Ämne"), RecordField("held_on", "Datum", kind="date"),
         RecordField("advice", "Råd", required=False)),
        _source("riktlinjer", "avsnitt 4.4"),
    ))


# -- decision, agreement, follow-up -------------------------------------------------


@hookimpl
def decision_authority(form: str) -> DecisionAuthority | None:
    """The board decides on IOP; for the other forms the core default (the manager) holds."""
    if form == "iop":
        return DecisionAuthority("board", "Kultur- och fritidsnämnden", _source("delegation", "punkt 3.1"))
    return None


@hookimpl
def agreement_sections(form: str) -> list[AgreementSection] | None:
    """An IOP agreement states its goals and may say how it is terminated."""
    if form != "iop":
        return None
    return [
        AgreementSection("goals", "Mätbara mål", _source("riktlinjer", "avsnitt 5")),
        AgreementSection("termination", "Uppsägning", _source("riktlinjer", "avsnitt 5"), required=False),
    ]


def _evaluate(data: dict[str, Any]) -> dict[str, Any]:
    return {"hours_total": int(data.get("volunteer_hours", 0)) + int(data.get("staff_hours", 0))}


@hookimpl
def follow_up_policy(form: str) -> FollowUpPolicy | None:
    """IOP every six months (with a computed total of hours); informal once a year."""
    if form == "iop":
        return FollowUpPolicy(6, "Måluppfyllelse och timmar", _source("riktlinjer", "avsnitt 6"),
                              evaluate=_evaluate, evaluation_fields=("volunteer_hours", "staff_hours"))
    if form == "informal":
        return FollowUpPolicy(12, "Kort avstämning", _source("riktlinjer", "avsnitt 6"))
    return None


# -- rules, reports, reactions -----------------------------------------------------


@hookimpl
def register_rules(register: Callable[[RuleText], None]) -> None:
    """Testby's answers to the comparison topics."""
    for entry in _data()["rules"]:
        entry = dict(entry)
        source = _source(entry.pop("document"), entry.pop("section", ""))
        register(RuleText(source=source, forms=tuple(entry.pop("forms", ())), **entry))


def _by_stage(services: Any) -> ReportTable:
    counts: dict[str, int] = {}
    for row in services.collaborations():
        counts[row["stage"]] = counts.get(row["stage"], 0) + 1
    rows = [{"stage": stage, "count": n} for stage, n in sorted(counts.items())]
    return ReportTable("Samverkan per steg", [("stage", "Steg"), ("count", "Antal")], rows,
                       totals={"stage": "Summa", "count": sum(counts.values())})


@hookimpl
def register_reports(register: Callable[[Report], None]) -> None:
    """How many collaborations are at each stage."""
    register(Report("by-stage", "Samverkan per steg", "Antal samverkan per steg.", _by_stage))


@hookimpl
def lifecycle_event(event: str, context: GateContext) -> list[Notification] | None:
    """Tell the association council's mailbox when a collaboration starts or ends."""
    if event not in ("transition:active", "transition:ended"):
        return None
    verb = "har startat" if event == "transition:active" else "har avslutats"
    c = context.collaboration
    return [Notification(_data()["municipality"]["mailbox"], f"Samverkan {verb}: {c.title}",
                         f"Samverkan #{c.id} ({c.form}) {verb}.")]


@hookimpl
def load_demo(services: Any) -> None:
    """Two organisations and one informal collaboration, marked as examples."""
    scouts = services.register_organisation("Testby scoutkår", "802000-0009", is_example=True)
    services.register_organisation("Testby idrottsförening", "802000-0017", is_example=True)
    services.register_initiative("Sommarläger i Testby", "informal", [scouts.id], is_example=True)
