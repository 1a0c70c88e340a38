"""Linköping's gates on IOP: the criteria of seed 003 as checks over the gate context.

Each gate is a pure function of the :class:`~samverkan.domain.lifecycle.GateContext` (no
database), guards the decision to start (and, for the initiative criterion, the move
into preparation), and names its source in the 2020 information to the board.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from samverkan.domain.lifecycle import Finding, Gate, GateContext
from samverkan.domain.model import Source
from samverkan.domain.money import format_kronor
from samverkan_linkoping import data
from samverkan_linkoping.valuation import benchmark_position, value_of

IOP = ("iop",)
NO_MARKET_CHECK = "linkoping.iop.no_market"


def _criteria(section: str) -> Source:
    return data.doc("an_2020").source(f"Bakgrund, stycke 3 ({section})")


def initiative_from_organisation(ctx: GateContext) -> Iterable[str]:
    """The initiative must come from the civil-society organisation."""
    if ctx.collaboration.initiator != "organisation":
        yield ("Initiativet till ett IOP måste komma från civilsamhällesaktören; detta initiativ "
               "kom från kommunen. Välj en annan samverkansform eller låt organisationen ta initiativet.")


def no_commercial_market(ctx: GateContext) -> Iterable[str]:
    """"No commercial market" must be answered "met"; "not applicable" is no answer for an IOP.

    An unanswered item, a "not met" answer and a missing motivation are reported by the
    core's checklist gate (with this item's source); this gate adds what only an IOP needs.
    """
    answer = ctx.answer(NO_MARKET_CHECK)
    if answer is not None and answer.answer == "not_applicable":
        yield ("Frågan om kommersiell marknad kan inte besvaras med \"ej tillämplig\" för ett IOP: "
               "motivera varför insatsen inte går att konkurrensutsätta.")


def mutual_commitment(ctx: GateContext) -> Iterable[str]:
    """At least two parties, the municipality and an idea-driven one, each contributing."""
    valuation = value_of(ctx.contributions)
    if not any(c.is_municipality and c.amount > 0 for c in ctx.contributions):
        yield "Kommunens insats saknas: ange vad kommunen bidrar med per år (pengar, personal, lokaler, administration, material)."
    if not any(not c.is_municipality and c.amount > 0 for c in ctx.contributions):
        yield "Den idéburna partens insats saknas: ett IOP är ett ömsesidigt åtagande där båda parter bidrar."
    for party, amount in valuation.by_party.items():
        if amount == 0:
            yield f"Parten {party} bidrar inte med något; varje part i ett IOP ska bidra."


def legal_assessment(ctx: GateContext) -> Iterable[str]:
    """An individual legal assessment (LOU, state aid, Local Government Act) before the decision."""
    records = ctx.records_of(data.LEGAL_ASSESSMENT)
    if not records:
        yield ("Den individuella rättsliga bedömningen saknas: handläggare och jurist prövar "
               "partnerskapet mot LOU, statsstödsreglerna och kommunallagen före beslutet.")
        return
    latest = records[-1].data
    if latest.get("conclusion") != "compatible":
        yield (f"Den rättsliga bedömningen ({latest.get('date')}, {latest.get('lawyer')}) fann att "
               "partnerskapet inte är förenligt med LOU, statsstödsreglerna eller kommunallagen.")
    day = latest.get("date")
    if day and dt.date.fromisoformat(day) > ctx.today:
        yield f"Den rättsliga bedömningen är daterad i framtiden ({day})."


def cost_split(ctx: GateContext) -> Iterable[Finding]:
    """Advisory: the municipality's share strays from "about half" by more than the tolerance."""
    valuation = value_of(ctx.contributions)
    position = benchmark_position(valuation)
    if position in (None, "within"):
        return
    tol = data.percent_text(data.benchmark_tolerance())
    target = data.percent_text(data.benchmark_share())
    side = "mer" if position == "above" else "mindre"
    yield Finding(
        "linkoping.iop.cost_split",
        f"Kommunen står för {valuation.municipal_percent} % av partnerskapets värde "
        f"({format_kronor(valuation.municipality)} av {format_kronor(valuation.value)} per år), "
        f"{side} än riktmärket cirka {target} % ± {tol} procentenheter. Motivera fördelningen i beslutet.",
        data.benchmark_source(),
        blocking=False,
    )


def gates() -> list[Gate]:
    """Linköping's IOP gates, each with its source."""
    return [
        Gate("linkoping.iop.initiative", _criteria("\"Initiativet måste också komma från civilsamhällesaktören\""),
             initiative_from_organisation, "IOP: initiativet kommer från civilsamhällesaktören",
             to_stages=("preparation", "decided"), forms=IOP),
        Gate("linkoping.iop.no_market", _criteria("\"det får alltså inte finnas en kommersiell marknad\""),
             no_commercial_market, "IOP: frågan om kommersiell marknad får inte besvaras \"ej tillämplig\"",
             to_stages=("decided",), forms=IOP),
        Gate("linkoping.iop.mutual_commitment", _criteria("\"ett ömsesidigt åtagande mellan två eller fler parter\""),
             mutual_commitment, "IOP: ömsesidigt åtagande, kommunen och minst en idéburen part bidrar",
             to_stages=("decided",), forms=IOP),
        Gate("linkoping.iop.legal_assessment",
             data.doc("an_2020").source("Bakgrund, stycke 1 (\"individuella bedömningar av varje partnerskap\")"),
             legal_assessment, "IOP: individuell rättslig bedömning (LOU, statsstöd, kommunallagen) före beslut",
             to_stages=("decided",), forms=IOP),
        Gate("linkoping.iop.cost_split", data.benchmark_source(), cost_split,
             "IOP: kommunens andel av värdet nära riktmärket cirka hälften (rådgivande)",
             to_stages=("decided",), forms=IOP, blocking=False),
    ]
