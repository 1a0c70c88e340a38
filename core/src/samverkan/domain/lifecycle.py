"""Stages, transitions and the gates that guard them.

A collaboration moves initiative → preparation → decided (or declined) → agreement →
active → ended; informal collaborations go from decided straight to active because
they have no written agreement. Every transition is evaluated by gates: the core's own
(below) and those the municipality's plugin registers. A gate yields findings; a
blocking finding stops the transition, an advisory one must be confirmed.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from samverkan.domain.access import PERMISSIONS, TRANSITION_ACTIONS
from samverkan.domain.errors import ValidationError
from samverkan.domain.model import FORMS, Source
from samverkan.domain.state import CollabState
from samverkan.i18n import msg

if TYPE_CHECKING:
    from samverkan.domain.model import (
        CheckAnswer,
        CheckItem,
        Decision,
        Record,
        Termination,
    )
    from samverkan.domain.rules import AgreementSection, DecisionAuthority

STAGES = ("initiative", "preparation", "decided", "declined", "agreement", "active", "ended")
FINAL_STAGES = ("declined", "ended")

_NEXT: dict[str, tuple[str, ...]] = {
    "initiative": ("preparation",),
    "preparation": ("decided", "declined"),
    "decided": ("agreement", "active"),
    "agreement": ("active",),
    "active": ("ended",),
    "declined": (),
    "ended": (),
}


def validate_stage(stage: str) -> str:
    """Return ``stage`` or refuse it with the list of stage keys."""
    if stage not in STAGES:
        raise ValidationError(msg("unknown stage {stage!r}; expected one of: {allowed}",
                                  stage=stage, allowed=", ".join(STAGES)), "stage")
    return stage


def next_stages(form: str, stage: str) -> tuple[str, ...]:
    """The stages a collaboration of ``form`` can move to from ``stage``."""
    written = FORMS[form].written_agreement
    options = _NEXT[validate_stage(stage)]
    if stage == "decided":
        if written and FORMS[form].agreement_optional:
            return ("agreement", "active")
        return ("agreement",) if written else ("active",)
    return options


def path(form: str, start: str, target: str) -> list[tuple[str, str]]:
    """The transitions from ``start`` to ``target`` for ``form``, as (from, to) pairs.

    :raises ValidationError: when ``target`` cannot be reached from ``start``.
    """
    validate_stage(target)
    queue: deque[tuple[str, list[tuple[str, str]]]] = deque([(start, [])])
    seen = {start}
    while queue:
        stage, steps = queue.popleft()
        if stage == target:
            return steps
        for nxt in next_stages(form, stage):
            if nxt not in seen:
                seen.add(nxt)
                queue.append((nxt, [*steps, (stage, nxt)]))
    raise ValidationError(
        msg("a {form} collaboration cannot go from {start!r} to {target!r}",
            form=form, start=start, target=target), "stage"
    )


#: what a user can do with a collaboration -> the permission it needs
ACTIONS: dict[str, str] = {
    "answer": "check.answer",
    "decide": "decision.record",
    "agreement": "agreement.record",
    "follow_up": "follow_up.record",
    "end": "collaboration.end",
    "edit": "collaboration.update",
    "record": "record.add",
    "contribution": "contributions.set",
    "conflict": "conflict.declare",
    "attach": "document.attach",
    "advance": "",  # the permission of the transition to the next stage
}


def stage_allows(action: str, form: str, stage: str) -> bool:
    """Whether a collaboration of ``form`` at ``stage`` admits ``action`` at all (any user)."""
    closed = stage in FINAL_STAGES
    if action == "decide":
        return stage == "preparation"
    if action == "agreement":
        return FORMS[form].written_agreement and stage in ("decided", "agreement")
    if action in ("follow_up", "end"):
        return stage == "active"
    if action == "advance":
        return bool(next_stages(form, stage))
    if action == "conflict":
        return True
    # answer, edit, record, contribution, attach: a closed collaboration is kept as it was
    return not closed


def allowed_actions(state: CollabState, roles: Iterable[str]) -> frozenset[str]:
    """What a user holding ``roles`` can do now with the collaboration in ``state``.

    The single answer for the services (which refuse the rest) and the interfaces (which
    offer only these). Unit and conflict-of-interest limits are checked by the services
    when the action is taken.
    """
    mine = set(roles)
    c = state.collaboration
    out = set()
    for action, permission in ACTIONS.items():
        if not stage_allows(action, c.form, c.stage):
            continue
        if action == "advance":
            needed = {TRANSITION_ACTIONS[s] for s in next_stages(c.form, c.stage)}
        else:
            needed = {permission}
        if any(mine & PERMISSIONS[p] for p in needed):
            out.add(action)
    return frozenset(out)


# ---------------------------------------------------------------------------
# Findings, gates and what they see
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """What a gate found: blocking or advisory, naming its rule and source document."""

    rule_id: str
    message: str
    source: Source
    blocking: bool = True

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON output and the audit log."""
        return {
            "rule_id": self.rule_id,
            "message": self.message,
            "source": str(self.source),
            "blocking": self.blocking,
            "level": self.source.level,
            "quote": self.source.quote,
        }


@dataclass(kw_only=True)
class GateContext(CollabState):
    """Everything a gate may look at: the collaboration's state as read once before the
    gates run, plus the transition being judged (from and to stage, who, the checklist,
    the decision authority, today).

    Gates are pure functions of this context: they never query the database, which keeps
    them testable and keeps SQL inside the store.
    """

    from_stage: str
    to_stage: str
    actor: str
    checks: list[CheckItem] = field(default_factory=list)
    authority: DecisionAuthority | None = None
    #: the agreement sections the municipality declares for the form
    sections: list[AgreementSection] = field(default_factory=list)
    today: dt.date = field(default_factory=dt.date.today)

    @classmethod
    def for_transition(cls, state: CollabState, to_stage: str, *, actor: str,
                       checks: list[CheckItem], authority: DecisionAuthority | None,
                       today: dt.date, sections: list[AgreementSection] | None = None,
                       decision: Decision | None = None,
                       termination: Termination | None = None) -> GateContext:
        """The context of moving the collaboration in ``state`` to ``to_stage``.

        ``decision`` / ``termination``: the one being recorded with the transition (it
        is judged before it is stored); otherwise the stored one.
        """
        stored = {f.name: getattr(state, f.name) for f in fields(CollabState)}
        stored["decision"] = decision or state.decision
        stored["termination"] = termination or state.termination
        return cls(**stored, from_stage=state.stage, to_stage=to_stage, actor=actor, checks=checks,
                   authority=authority, sections=list(sections or ()), today=today)

    @property
    def rules_date(self) -> dt.date:
        """The date whose rules judge this case: its decision's date (the one being
        recorded with the transition, or the stored one), before a decision ``today``."""
        return rules_date(self.decision, self.today)

    def records_of(self, kind: str) -> list[Record]:
        """The plugin records of ``kind`` on this collaboration, oldest first."""
        return [r for r in self.records if r.kind == kind]

    def answer(self, check_id: str) -> CheckAnswer | None:
        """The answer to ``check_id``, if any."""
        return self.answers.get(check_id)


def rules_date(decision: Decision | None, today: dt.date) -> dt.date:
    """The date whose rules judge a collaboration: the day it was (or is being) decided,
    else ``today``. A collaboration is judged under the rules in force then, so a later
    revision of the guidelines does not re-judge a decision taken under an earlier one."""
    return decision.decided_on if decision is not None and decision.decided_on else today


GateCheck = Callable[[GateContext], Iterable["Finding | str"] | None]


@dataclass(frozen=True)
class Gate:
    """A rule evaluated on a transition.

    :param id: stable rule id, e.g. ``"stockholm.iop.consultation"``.
    :param source: the document the rule comes from.
    :param check: called with the :class:`GateContext`; yields messages (str, which become
        findings with this gate's id, source and severity) or full :class:`Finding` objects.
    :param to_stages: target stages the gate guards; empty means every transition.
    :param forms: forms the gate applies to; empty means every form.
    :param blocking: severity of the findings given as plain messages.
    :param quote: the sentence of the source the rule rests on, in the source's words.
    """

    id: str
    source: Source
    check: GateCheck
    description: str = ""
    to_stages: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    blocking: bool = True
    quote: str = ""

    def applies(self, ctx: GateContext) -> bool:
        """Whether this gate guards the transition in ``ctx``."""
        return (not self.to_stages or ctx.to_stage in self.to_stages) and (
            not self.forms or ctx.form in self.forms
        )

    def evaluate(self, ctx: GateContext) -> list[Finding]:
        """Run the check and normalise what it yields into findings."""
        if not self.applies(ctx):
            return []
        found: list[Finding] = []
        for item in self.check(ctx) or ():
            if isinstance(item, Finding):
                found.append(item)
            else:
                found.append(Finding(self.id, str(item), self.source, self.blocking))
        return found


# ---------------------------------------------------------------------------
# The core's own gates (municipality-neutral)
# ---------------------------------------------------------------------------

#: the software's own rules: what any case file needs to be followed (a decision on
#: record, an agreement's start and signing date), not a municipality's rule
CORE_SOURCE = Source("samverkan: gemensamma grundregler för beslut och avtal", level="default")
JAEV_SOURCE = Source("Förvaltningslagen (2017:900)", "16–18 §§ jäv", level="requirement")
# A decision is taken by a board (elected members, KL 6 kap. 28–32 §§) or under
# delegation by an employee, to whom KL 7 kap. 4 § applies the same rules of jäv.
KL_JAEV_SOURCE = Source("Kommunallagen (2017:725)",
                        "6 kap. 28–32 §§ (förtroendevalda) och 7 kap. 4 § (anställda), jäv",
                        level="requirement")


def _checks_answered(ctx: GateContext) -> Iterable[Finding | str]:
    for item in ctx.checks:
        # guidance (a "kan", an example) is help for the officer and never gates
        if not item.applies_to(ctx.form) or item.source.level == "guidance":
            continue
        answer = ctx.answers.get(item.id)
        if answer is None:
            if item.required:
                yield Finding("core.checks.answered", f"Kontrollpunkten är obesvarad: {item.text} [{item.id}]", item.source)
            continue
        if answer.answer == "not_met":
            yield Finding(
                "core.checks.met", f"Kontrollpunkten är inte uppfylld: {item.text} [{item.id}]",
                item.source, blocking=item.blocking_if_not_met,
            )
        if item.needs_note and not answer.note:
            yield Finding("core.checks.note", f"Svaret saknar motivering: {item.text} [{item.id}]", item.source)


def _decision_recorded(ctx: GateContext) -> Iterable[str]:
    wanted = "start" if ctx.to_stage == "decided" else "decline"
    if ctx.decision is None:
        yield "Inget beslut är registrerat."
    elif ctx.decision.outcome != wanted:
        yield f"Beslutet gäller {ctx.decision.outcome!r}, inte {wanted!r}."


def _decision_authority(ctx: GateContext) -> Iterable[Finding | str]:
    if ctx.decision is None or ctx.authority is None:
        return
    required = ctx.authority
    # "delegation": the delegation order says who, a manager or the board; either stands
    if required.kind != "delegation" and ctx.decision.authority != required.kind:
        who = "nämnden" if required.kind == "board" else "ansvarig chef enligt delegationsordningen"
        yield Finding(
            "core.decision.authority",
            f"Beslutet ska fattas av {who} ({required.body or required.kind}).",
            required.source,
        )


def _decider_not_conflicted(ctx: GateContext) -> Iterable[Finding]:
    if ctx.decision is None:
        return
    org_ids = set(ctx.collaboration.organisation_ids)
    for c in ctx.conflicts:
        if c.user != ctx.decision.decided_by:
            continue
        if c.collaboration_id == ctx.collaboration.id or c.organisation_id in org_ids:
            yield Finding(
                "core.decision.jaev",
                f"{c.user} har anmält jäv ({c.reason}) och får inte fatta beslutet.",
                KL_JAEV_SOURCE,
            )


def _agreement_dates(ctx: GateContext) -> Iterable[str]:
    a = ctx.agreement
    if a is None:
        yield "Inget avtal är registrerat."
        return
    # No end date is required: a municipality may set none ("Någon längsta tid anges
    # inte", Stockholm); one without an end runs until it is terminated.
    if a.start is None:
        yield "Avtalet saknar startdatum."
    if a.signed_on is None:
        yield "Avtalet saknar datum för undertecknande."


def _agreement_sections(ctx: GateContext) -> Iterable[Finding]:
    # Every plugin's declared sections, enforced here so no plugin has to write the gate:
    # a required ("ska") section missing blocks, an advised ("bör") one advises. A
    # section keyed "goals" is the agreement's measurable goals field when given there.
    a = ctx.agreement
    if a is None:
        return  # the dates gate already says no agreement is recorded
    for section in ctx.sections:
        if section.source.level == "guidance":
            continue  # help with the field, never a finding
        text = a.sections.get(section.key, "") or (a.goals if section.key == "goals" else "")
        if not text.strip():
            verb = "ska" if section.required else "bör"
            yield Finding("core.agreement.sections",
                          f"Avtalet {verb} innehålla avsnittet {section.title!r} [{section.key}].",
                          section.source, blocking=section.required)


def _termination_recorded(ctx: GateContext) -> Iterable[str]:
    if ctx.termination is None:
        yield "Inget beslut om avslut är registrerat (datum, typ och skäl)."


def _agreement_started(ctx: GateContext) -> Iterable[str]:
    if ctx.agreement and ctx.agreement.start and ctx.agreement.start > ctx.today:
        yield f"Avtalsperioden börjar först {ctx.agreement.start.isoformat()}."


CORE_GATES: tuple[Gate, ...] = (
    Gate("core.checks", CORE_SOURCE, _checks_answered, "Checklistan är besvarad och uppfylld",
         to_stages=("decided",)),
    Gate("core.decision.recorded", CORE_SOURCE, _decision_recorded,
         "Ett beslut med motivering finns", to_stages=("decided", "declined")),
    Gate("core.decision.authority", CORE_SOURCE, _decision_authority,
         "Beslutet fattas av den som delegationen kräver", to_stages=("decided", "declined")),
    Gate("core.decision.jaev", KL_JAEV_SOURCE, _decider_not_conflicted,
         "Beslutsfattaren har inte anmält jäv", to_stages=("decided", "declined")),
    Gate("core.agreement.dates", CORE_SOURCE, _agreement_dates,
         "Avtalet har startdatum och datum för undertecknande", to_stages=("agreement",)),
    Gate("core.agreement.sections", CORE_SOURCE, _agreement_sections,
         "Avtalet innehåller de avsnitt kommunens riktlinjer anger", to_stages=("agreement",)),
    Gate("core.agreement.started", CORE_SOURCE, _agreement_started,
         "Avtalsperioden har börjat", to_stages=("active",), blocking=False),
    Gate("core.termination.recorded", CORE_SOURCE, _termination_recorded,
         "Avslutet är dokumenterat", to_stages=("ended",)),
)


def evaluate(gates: Iterable[Gate], ctx: GateContext, on_error: Callable[[Gate, Exception], None] | None = None) -> list[Finding]:
    """Run every applicable gate on ``ctx`` and return all findings, blocking first.

    A gate that raises is reported through ``on_error`` and turned into a blocking finding:
    a rule that cannot be evaluated must not be silently passed.
    """
    findings: list[Finding] = []
    for gate in gates:
        try:
            findings.extend(gate.evaluate(ctx))
        except Exception as exc:  # a broken plugin gate must not hide the others
            if on_error:
                on_error(gate, exc)
            findings.append(Finding(gate.id, f"Regeln kunde inte prövas: {type(exc).__name__}: {exc}", gate.source))
    return sorted(findings, key=lambda f: (not f.blocking, f.rule_id))
