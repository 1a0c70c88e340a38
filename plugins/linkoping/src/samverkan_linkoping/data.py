"""Linköping's rule data, read from the TOML files in ``data/``.

Everything that states a rule (checks, rule texts, record kinds, the value model) is
data; this module turns it into the core's objects, each with its
:class:`~samverkan.domain.model.Source` in one of the documents of ``documents.toml``.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from samverkan.domain.model import CheckItem, Source
from samverkan.domain.rules import (
    Document,
    FormOffer,
    Municipality,
    RecordField,
    RecordKind,
    RuleText,
    forms_from_data,
    load_toml,
    municipality_from_data,
)
from samverkan.plugin.national import checks_from_data

PACKAGE = "samverkan_linkoping"


@cache
def toml(name: str) -> dict[str, Any]:
    """A data file of this plugin, parsed (cached)."""
    return load_toml(PACKAGE, f"data/{name}.toml")


@cache
def municipality() -> Municipality:
    """Linköping's identity and guideline documents."""
    return municipality_from_data(toml("documents"))


def doc(key: str) -> Document:
    """The guideline document with ``key``."""
    return municipality().document(key)


def source(entry: dict[str, Any]) -> Source:
    """The source named by a data entry's ``document`` and ``section`` keys."""
    return doc(entry["document"]).source(entry.get("section", ""))


def documents() -> dict[str, Document]:
    """The guideline documents by key."""
    return {d.key: d for d in municipality().documents}


def forms() -> list[FormOffer]:
    """The forms as the labour-market board offers them."""
    return forms_from_data(toml("forms")["forms"], documents())


def checks() -> list[CheckItem]:
    """Linköping's own checklist items (``checks.toml``)."""
    return checks_from_data(toml("checks")["checks"], documents())


# -- value model ----------------------------------------------------------------


def value_model() -> dict[str, Any]:
    """The value model (``value_model.toml``): categories, benchmark, SROI defaults."""
    return toml("value_model")


def benchmark_share() -> Decimal:
    """The municipality's share of the yearly value the board aims for (0.5)."""
    return Decimal(str(value_model()["benchmark"]["municipal_share"]))


def benchmark_tolerance() -> Decimal:
    """How far (in share points, 0.10 = ±10 percentage points) the share may stray unflagged."""
    return Decimal(str(value_model()["benchmark"]["tolerance"]))


def benchmark_source() -> Source:
    """Where the "about half" benchmark comes from."""
    return source(value_model()["benchmark"])


def value_source() -> Source:
    """Where the composition of an IOP's value comes from."""
    return source(value_model()["value"])


def sroi_settings() -> dict[str, Any]:
    """The SROI defaults (discount rate, longest projection) and their source."""
    return value_model()["sroi"]


def sroi_source() -> Source:
    """Where the SROI method comes from."""
    return source(sroi_settings())


def percent_text(share: Decimal) -> str:
    """``Decimal("0.10")`` as ``"10"`` (percentage points for messages)."""
    return f"{(share * 100).normalize():f}"


# -- rules and record kinds ---------------------------------------------------------


def rules() -> list[RuleText]:
    """Linköping's answers to the comparison topics (``rules.toml``)."""
    out = []
    for entry in toml("rules")["rules"]:
        text = entry["text"]
        if entry["topic"] == "cost_split":
            text += (f" Pluginet ger ett rådgivande påpekande när kommunens andel avviker mer än "
                     f"±{percent_text(benchmark_tolerance())} procentenheter från "
                     f"{percent_text(benchmark_share())} %.")
        out.append(RuleText(
            id=entry["id"], topic=entry["topic"], text=text, source=source(entry),
            value=entry.get("value"), forms=tuple(entry.get("forms", ())),
        ))
    return out


LEGAL_ASSESSMENT = "legal_assessment"
PROJECT_COST = "project_cost"
CONCLUSIONS = ("compatible", "not_compatible")


def record_kinds() -> list[RecordKind]:
    """The records Linköping keeps: the legal assessment of an IOP and project costs."""
    return [
        RecordKind(
            LEGAL_ASSESSMENT, "Rättslig bedömning",
            (
                RecordField("lou", "Bedömning enligt lagen om offentlig upphandling (LOU)"),
                RecordField("state_aid", "Bedömning enligt EU:s statsstödsregler"),
                RecordField("local_government_act", "Bedömning enligt kommunallagen"),
                RecordField("conclusion", "Slutsats", "choice", choices=CONCLUSIONS),
                RecordField("assessed_by", "Handläggare"),
                RecordField("lawyer", "Jurist"),
                RecordField("date", "Datum", "date"),
            ),
            doc("an_2020").source(
                "Bakgrund, stycke 1 (\"kräver av handläggare och jurister individuella bedömningar\")"),
            "Den individuella bedömningen av partnerskapet mot LOU, statsstödsreglerna och "
            "kommunallagen, av handläggare och jurist, före nämndens beslut.",
        ),
        RecordKind(
            PROJECT_COST, "Nämndens kostnad för projektet",
            (
                RecordField("year", "År (ÅÅÅÅ)"),
                RecordField("item", "Kostnadspost (t.ex. ESF)", required=False),
                RecordField("amount", "Belopp i hela kronor"),
            ),
            doc("an_2020").source("Övriga samverkansprojekt (\"ANs kostnad 2019 (2020)\")"),
            "Arbetsmarknadsnämndens kostnad för ett samverkansprojekt ett visst år, "
            "eventuellt uppdelad på kostnadsposter.",
        ),
    ]
