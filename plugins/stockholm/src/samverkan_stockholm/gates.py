"""Stockholm's gates: the rules of the guidelines that guard lifecycle transitions.

Each gate is a pure function of the :class:`~samverkan.domain.lifecycle.GateContext` (no
database, no state) and names the document it comes from. Where a source says *must*
(ska) the finding blocks; where it says *should* (bör), or where the city accepted less
than its auditors asked for, the finding is advisory and must be confirmed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from samverkan.domain.lifecycle import Finding, Gate, GateContext
from samverkan.domain.model import FORMS, Record
from samverkan_stockholm import data

#: Forms with a written agreement: the AMF guidelines' "formell samverkan".
FORMAL: tuple[str, ...] = tuple(k for k, f in FORMS.items() if f.written_agreement)


def _src(doc: str, section: str):
    return data.doc(doc).source(section)


def _date(record: Record) -> dt.date | None:
    value = record.data.get("date")
    return dt.date.fromisoformat(value) if value else None


def consultations(ctx: GateContext, on_or_before: dt.date | None = None) -> list[Record]:
    """Consultations with the preparatory group held by ``on_or_before`` (default today).

    A consultation dated in the future has not taken place and does not count.
    """
    limit = min(on_or_before or ctx.today, ctx.today)
    return [r for r in ctx.records_of("consultation") if (_date(r) or ctx.today) <= limit]


# ---------------------------------------------------------------------------
# Informal collaboration (AMF 2024 s. 6): no compensation, nobody singled out
# ---------------------------------------------------------------------------

INFORMAL_SOURCE = _src("amf_2024", "Informell samverkan, s. 6")


def _informal_not_compensated(ctx: GateContext) -> Iterator[str]:
    if ctx.collaboration.compensated:
        yield ("Informell samverkan får bara ske om ingen ersättning utgår, varken personella "
               "resurser eller budgetmedel. Välj en formell samverkansform med skriftlig överenskommelse.")


def _informal_not_singled_out(ctx: GateContext) -> Iterator[str]:
    if ctx.collaboration.singles_out:
        yield ("Informell samverkan får bara ske om ingen civilsamhällesorganisation särskiljs "
               "så att andra missgynnas.")


# ---------------------------------------------------------------------------
# IOP (AMF 2024 s. 8, AMN 2019): pre-study and consultation before the agreement
# ---------------------------------------------------------------------------

PRESTUDY_ID = "stockholm.iop.prestudy"
PRESTUDY_SOURCE = _src("amn_2019", "Inriktning för samverkan")
IOP_CONSULT_ID = "stockholm.iop.consultation"
IOP_CONSULT_SOURCE = _src("amf_2024", "Idéburet offentligt partnerskap (IOP), s. 8")
GROUP_ADVISORY_SOURCE = _src("amf_2024", "Beredningsgruppen för samverkan med civilsamhället, s. 3")


def _iop_prestudy(ctx: GateContext) -> Iterator[Finding]:
    # "Bör föregås av en förstudie": the decision is warned, the agreement is blocked
    # (the brief of this plugin: no IOP agreement without a recorded pre-study).
    done = [r for r in ctx.records_of("prestudy") if (_date(r) or ctx.today) <= ctx.today]
    if not done:
        yield Finding(
            PRESTUDY_ID,
            "Ingen förstudie är registrerad (behov, verksamhetens utformning och gemensamma mål).",
            PRESTUDY_SOURCE, blocking=ctx.to_stage == "agreement")


def _iop_consultation(ctx: GateContext) -> Iterator[Finding]:
    blocking = ctx.to_stage == "agreement"
    signed = ctx.agreement.signed_on if ctx.agreement else None
    held = consultations(ctx, signed if blocking else None)
    if not held:
        late = blocking and signed is not None and consultations(ctx)
        message = (
            f"Samrådet med beredningsgruppen hölls först efter att avtalet undertecknades ({signed}); "
            "gruppen ska involveras innan överenskommelsen ingås."
            if late else
            "Beredningsgruppen har inte rådfrågats om IOP är en lämplig samverkansform; "
            "samråd krävs innan en överenskommelse om IOP ingås.")
        yield Finding(IOP_CONSULT_ID, message, IOP_CONSULT_SOURCE, blocking=blocking)
        return
    yield from _advised_against(held, IOP_CONSULT_ID)


def _advised_against(held: list[Record], rule_id: str) -> Iterator[Finding]:
    # The group is advisory only: its "no" is shown to the manager, who stays responsible.
    latest = held[-1]
    if latest.data.get("recommendation") == "advises_against":
        yield Finding(
            rule_id,
            f"Beredningsgruppen avrådde ({latest.data.get('date')}: {latest.data.get('advice')}). "
            "Gruppen är rådgivande; ansvaret ligger hos chefen med budgetansvar.",
            GROUP_ADVISORY_SOURCE, blocking=False)


IOP_CONTRIB_SOURCE = _src("amf_2024", "Idéburet offentligt partnerskap (IOP), s. 8")


def _iop_both_contribute(ctx: GateContext) -> Iterator[str]:
    municipal = any(c.is_municipality and c.amount > 0 for c in ctx.contributions)
    partner = any(not c.is_municipality and c.amount > 0 for c in ctx.contributions)
    if not (municipal and partner):
        yield ("I ett IOP bidrar såväl den offentliga som den idéburna parten med resurser; "
               "registrera båda parternas insatser (pengar, personal, lokaler, administration, material).")


# ---------------------------------------------------------------------------
# Externally funded projects (AMF 2024 s. 9): consult before applying
# ---------------------------------------------------------------------------

EXTERNAL_CONSULT_ID = "stockholm.external.consultation"
EXTERNAL_SOURCE = _src("amf_2024", "Samverkan genom projekt med extern finansiering, s. 9")


def _external_consultation(ctx: GateContext) -> Iterator[Finding | str]:
    decided = ctx.decision.decided_on if ctx.decision else None
    held = consultations(ctx, decided)
    if not held:
        yield ("Beredningsgruppen ska rådfrågas inför projektansökan (risk att en enskild "
               "organisation gynnas); inget samråd är registrerat före beslutet.")
        return
    yield from _advised_against(held, EXTERNAL_CONSULT_ID)


# ---------------------------------------------------------------------------
# Formal decisions: policy link and documented considerations (seed 004)
# ---------------------------------------------------------------------------

POLICY_SOURCE = _src("ks_2021", "Stadsledningskontorets tjänsteutlåtande 22 juni 2021")
CONSIDERATIONS_ID = "stockholm.decision.considerations"
CONSIDERATIONS_SOURCE = _src("ks_2021", "Ärendet (stadsrevisionens projektrapport 3/2021)")


def _policy_link(ctx: GateContext) -> Iterator[str]:
    # Advisory: the city accepted the budget and operating plans as the political link
    # (SLK 22 June 2021) where auditors wanted an explicit one; say so when none is named.
    link = (ctx.decision.policy_link if ctx.decision else "") or ctx.collaboration.policy_link
    if not link.strip():
        yield ("Beslutet anger ingen koppling till budgetuppdrag eller verksamhetsplan "
               "(stadsrevisionen efterfrågade en tydlig koppling till politiskt program eller plan).")


def _considerations(ctx: GateContext) -> Iterator[Finding]:
    # The audit found the considerations behind decisions to enter a partnership missing:
    # blocking for a decision to start, advisory for a decision to decline.
    if ctx.decision is not None and not ctx.decision.considerations.strip():
        yield Finding(
            CONSIDERATIONS_ID,
            "Beslutet saknar dokumenterade överväganden (varför samverkan, varför denna form "
            "och denna organisation, vilka risker som vägts).",
            CONSIDERATIONS_SOURCE, blocking=ctx.to_stage == "decided")


# ---------------------------------------------------------------------------
# Agreement: sections and measurable goals (AMF 2024 s. 7 and 10)
# ---------------------------------------------------------------------------

# The sections an agreement must or should contain (s. 7), measurable goals among them
# (s. 10), are data (sections.toml), enforced by the core's gate core.agreement.sections.


# ---------------------------------------------------------------------------
# Termination (AMF 2024 s. 10): procurement unit involved when an agreement exists
# ---------------------------------------------------------------------------

TERMINATION_SOURCE = _src("amf_2024", "Avsluta samverkan, s. 10")


def _procurement_unit(ctx: GateContext) -> Iterator[str]:
    t = ctx.termination
    if t is not None and t.kind == "terminated" and ctx.agreement is not None \
            and not t.procurement_unit_involved:
        yield ("Vid förtida avslut av en samverkan med avtal ska inköp och upphandling inom "
               "ekonomistaben alltid involveras (avtalets skrivningar om förtida uppsägning).")


def gates() -> Iterable[Gate]:
    """Every Stockholm gate, in the order the lifecycle meets them."""
    return (
        Gate("stockholm.informal.no_compensation", INFORMAL_SOURCE, _informal_not_compensated,
             "Informell samverkan sker utan ersättning (personal eller budget)",
             to_stages=("decided", "active"), forms=("informal",)),
        Gate("stockholm.informal.no_singling_out", INFORMAL_SOURCE, _informal_not_singled_out,
             "Informell samverkan särskiljer ingen organisation",
             to_stages=("decided", "active"), forms=("informal",)),
        Gate(PRESTUDY_ID, PRESTUDY_SOURCE, _iop_prestudy,
             "IOP föregås av en förstudie (blockerar avtalet, varnar vid beslutet)",
             to_stages=("decided", "agreement"), forms=("iop",)),
        Gate(IOP_CONSULT_ID, IOP_CONSULT_SOURCE, _iop_consultation,
             "Beredningsgruppen har rådfrågats om IOP innan överenskommelsen ingås",
             to_stages=("decided", "agreement"), forms=("iop",)),
        Gate("stockholm.iop.both_contribute", IOP_CONTRIB_SOURCE, _iop_both_contribute,
             "Båda parter i ett IOP bidrar med resurser",
             to_stages=("agreement",), forms=("iop",), blocking=False),
        Gate(EXTERNAL_CONSULT_ID, EXTERNAL_SOURCE, _external_consultation,
             "Beredningsgruppen har rådfrågats inför ansökan om extern finansiering",
             to_stages=("decided",), forms=("external",)),
        Gate("stockholm.decision.policy_link", POLICY_SOURCE, _policy_link,
             "Beslutet anger kopplingen till budgetuppdrag eller verksamhetsplan",
             to_stages=("decided",), forms=FORMAL, blocking=False),
        Gate(CONSIDERATIONS_ID, CONSIDERATIONS_SOURCE, _considerations,
             "Beslutet dokumenterar de överväganden som gjorts",
             to_stages=("decided", "declined"), forms=FORMAL),
        Gate("stockholm.termination.procurement_unit", TERMINATION_SOURCE, _procurement_unit,
             "Inköp och upphandling är involverade vid förtida avslut av avtal",
             to_stages=("ended",), forms=FORMAL),
    )
