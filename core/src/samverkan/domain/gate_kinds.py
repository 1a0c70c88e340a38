"""Declarative gates: the common shapes of a municipality's rules, evaluated by the core.

A plugin declares a gate as data (``[[gates]]`` in its TOML, see
:mod:`samverkan.plugin.schema`); the loader builds one of the checks below and wraps it in
a :class:`~samverkan.domain.lifecycle.Gate`. Each check is a pure function of the
:class:`~samverkan.domain.lifecycle.GateContext` and yields :class:`Finding` objects with
the gate's id, source and severity, exactly as a gate written in Python would.

The kinds:

- :class:`Initiator`: who must have taken the initiative;
- :class:`CheckAnswer`: a checklist item whose answer may not be one of some answers
  ("not applicable" is no answer for an IOP);
- :class:`RecordBefore`: a record of a kind must exist before a stage, dated on or before
  given dates (today, the signing of the agreement …), with conditions on its fields;
- :class:`Contributions`: both the municipality and an idea-driven party contribute;
- :class:`Share`: the municipality's share of the value within a benchmark ± tolerance;
- :class:`Documented`: a text field is filled in (a policy link, the considerations);
- :class:`Fact`: a fact of the case has a value (``compensated`` is false);
- :class:`Python`: anything else, computed by a function of the plugin.

Fields are named by paths into the context: ``collaboration.<field>``, ``decision.<field>``,
``agreement.<field>``, ``termination.<field>`` (a path into a decision, agreement or
termination that is not recorded is *absent*), and ``today``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from samverkan.domain.lifecycle import Finding, GateContext
from samverkan.domain.model import Agreement, Collaboration, Decision, Record, Source, Termination
from samverkan.domain.money import format_kronor

#: the objects a field path may start with, and the type whose fields it may name
PATH_ROOTS: dict[str, type] = {
    "collaboration": Collaboration,
    "decision": Decision,
    "agreement": Agreement,
    "termination": Termination,
}
#: answers a :class:`CheckAnswer` gate may refuse ("unanswered": no answer at all)
CHECK_STATES = ("met", "not_met", "not_applicable", "unanswered")
#: the operators of a :class:`Condition`
OPERATORS = ("equals", "not_equals", "one_of", "present", "not_after", "not_before")

_ABSENT = object()
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def path_error(path: str) -> str | None:
    """Why ``path`` names no field of the gate context (None when it does).

    ``record.KIND`` is the newest record of a kind (``record.KIND.FIELD`` one of its
    fields); the pack checks the kind and field against its record kinds.
    """
    if path == "today":
        return None
    if path.startswith("record."):
        return None if path.split(".")[1] else "a record path names its kind: record.KIND or record.KIND.FIELD"
    root, _, name = path.partition(".")
    if root not in PATH_ROOTS:
        return f"a field path starts with one of {', '.join(['today', *PATH_ROOTS])}, not {root!r}"
    if not name:
        return None  # the object itself: present or absent
    names = [f.name for f in dataclasses.fields(PATH_ROOTS[root])]
    if name not in names:
        return f"{root} has no field {name!r} (fields: {', '.join(names)})"
    return None


def resolve(ctx: GateContext, path: str) -> Any:
    """The value at ``path`` in ``ctx``, or the absent marker when its object is not recorded."""
    if path == "today":
        return ctx.today
    if path.startswith("record."):
        _root, kind, *rest = path.split(".", 2)
        records = ctx.records_of(kind)
        if not records:
            return _ABSENT
        newest = records[-1]
        return newest.data.get(rest[0], _ABSENT) if rest else newest
    root, _, name = path.partition(".")
    obj = ctx.collaboration if root == "collaboration" else getattr(ctx, root)
    if obj is None:
        return _ABSENT
    return getattr(obj, name) if name else obj


def is_absent(value: Any) -> bool:
    """Whether a resolved value is the absent marker."""
    return value is _ABSENT


def fill(template: str, values: Mapping[str, Any]) -> str:
    """``template`` with ``{name}`` replaced by ``values[name]``; unknown names are kept."""
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0),
                            template)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if value in (None, "") or is_absent(value):
        return None
    return dt.date.fromisoformat(str(value))


@dataclass(frozen=True)
class Severity:
    """Blocking or advisory, optionally per target stage (a "bör" at the decision that
    becomes a "ska" before the agreement)."""

    blocking: bool = True
    stages: tuple[tuple[str, bool], ...] = ()

    def at(self, stage: str) -> bool:
        """Whether a finding on the way to ``stage`` blocks."""
        return dict(self.stages).get(stage, self.blocking)


@dataclass(frozen=True)
class Condition:
    """A test of one field: ``field`` ``op`` ``value``.

    On a gate (``when``) it decides whether the gate applies; on a record gate it is a
    requirement on the newest record, with the ``message`` (and optionally its own
    severity and source) of the finding when it does not hold. For ``not_after`` and
    ``not_before`` the value is a date, ``"today"`` or a context path such as
    ``"agreement.signed_on"``; an empty date passes.
    """

    field: str
    op: str
    value: Any = None
    message: str = ""
    severity: Severity | None = None
    source: Source | None = None

    def holds(self, actual: Any, ctx: GateContext) -> bool:
        """Whether ``actual`` (the field's value) satisfies the condition in ``ctx``."""
        if self.op == "present":
            return (not is_absent(actual) and actual not in (None, "")) == bool(self.value)
        if is_absent(actual):
            return False
        if self.op == "equals":
            return actual == self.value
        if self.op == "not_equals":
            return actual != self.value
        if self.op == "one_of":
            return actual in self.value
        day, limit = _as_date(actual), self._limit(ctx)
        if day is None or limit is None:
            return True
        return day <= limit if self.op == "not_after" else day >= limit

    def _limit(self, ctx: GateContext) -> dt.date | None:
        value = self.value
        if isinstance(value, str) and (value == "today" or "." in value):
            value = resolve(ctx, value)
        return _as_date(value)


@dataclass(frozen=True, kw_only=True)
class DeclaredCheck:
    """What every declared gate shares: its id, source, severity and ``when`` conditions."""

    rule_id: str
    source: Source
    severity: Severity = field(default_factory=Severity)
    when: tuple[Condition, ...] = ()
    message: str = ""

    def __call__(self, ctx: GateContext) -> Iterator[Finding]:
        if all(c.holds(resolve(ctx, c.field), ctx) for c in self.when):
            yield from self.check(ctx)

    def check(self, ctx: GateContext) -> Iterator[Finding]:
        """The findings of this kind of gate (the gate applies)."""
        raise NotImplementedError

    def finding(self, ctx: GateContext, message: str, *, source: Source | None = None,
                severity: Severity | None = None) -> Finding:
        """A finding of this gate on the way to ``ctx.to_stage``."""
        return Finding(self.rule_id, message, source or self.source,
                       (severity or self.severity).at(ctx.to_stage))


@dataclass(frozen=True, kw_only=True)
class Initiator(DeclaredCheck):
    """The initiative must have come from ``initiator`` (``organisation`` or ``municipality``)."""

    initiator: str

    def check(self, ctx: GateContext) -> Iterator[Finding]:
        if ctx.collaboration.initiator != self.initiator:
            yield self.finding(ctx, self.message)


@dataclass(frozen=True, kw_only=True)
class CheckAnswer(DeclaredCheck):
    """The answer to checklist item ``check`` may not be one of ``refuse``.

    An unanswered required item, a ``not_met`` answer and a missing motivation are
    already reported by the core's checklist gate; this kind adds what the rule does not
    accept beyond that, by default ``not_applicable``.
    """

    check_id: str
    refuse: tuple[str, ...] = ("not_applicable",)

    def check(self, ctx: GateContext) -> Iterator[Finding]:
        answer = ctx.answer(self.check_id)
        if (answer.answer if answer else "unanswered") in self.refuse:
            yield self.finding(ctx, self.message)


@dataclass(frozen=True, kw_only=True)
class RecordBefore(DeclaredCheck):
    """A record of kind ``record`` must exist, dated on or before every date of ``not_after``.

    A record's date is its ``date_field`` (a record without one counts as made today). A
    record dated after a limit does not count. When none counts but one would if only
    ``today`` were the limit, ``message_late`` (with ``{limit}``) says it came too late.
    ``conditions`` are then tested on the newest record that counts.
    """

    record: str
    date_field: str = ""
    not_after: tuple[str, ...] = ()
    message_late: str = ""
    conditions: tuple[Condition, ...] = ()

    def _date(self, ctx: GateContext, r: Record) -> dt.date:
        return (_as_date(r.data.get(self.date_field)) if self.date_field else None) or ctx.today

    def check(self, ctx: GateContext) -> Iterator[Finding]:
        records = ctx.records_of(self.record)
        limits = {p: _as_date(resolve(ctx, p)) for p in self.not_after}
        known = {p: d for p, d in limits.items() if d is not None}
        held = [r for r in records if all(self._date(ctx, r) <= d for d in known.values())]
        if not held:
            others = [d for p, d in known.items() if p != "today"]
            soon = [r for r in records if "today" not in known or self._date(ctx, r) <= known["today"]]
            if self.message_late and others and soon:
                yield self.finding(ctx, fill(self.message_late, {"limit": min(others)}))
            else:
                yield self.finding(ctx, self.message)
            return
        latest = held[-1].data
        for cond in self.conditions:
            if not cond.holds(latest.get(cond.field), ctx):
                yield self.finding(ctx, fill(cond.message, latest), source=cond.source,
                                   severity=cond.severity)


@dataclass(frozen=True, kw_only=True)
class Contributions(DeclaredCheck):
    """Both the municipality and another party contribute more than nothing.

    With ``message`` alone, one finding when either is missing; with
    ``message_municipality`` and ``message_partner``, one for each that is missing; with
    ``message_party`` (``{party}``), also one for every party whose contributions add up
    to nothing.
    """

    message_municipality: str = ""
    message_partner: str = ""
    message_party: str = ""

    def check(self, ctx: GateContext) -> Iterator[Finding]:
        municipal = any(c.is_municipality and c.amount > 0 for c in ctx.contributions)
        partner = any(not c.is_municipality and c.amount > 0 for c in ctx.contributions)
        if self.message_municipality or self.message_partner:
            if not municipal:
                yield self.finding(ctx, self.message_municipality or self.message)
            if not partner:
                yield self.finding(ctx, self.message_partner or self.message)
        elif not (municipal and partner):
            yield self.finding(ctx, self.message)
        if self.message_party:
            totals: dict[str, int] = {}
            for c in ctx.contributions:
                totals[c.party] = totals.get(c.party, 0) + c.amount
            for party, amount in totals.items():
                if amount == 0:
                    yield self.finding(ctx, fill(self.message_party, {"party": party}))


def percent_text(share: Decimal) -> str:
    """A fraction as percent without trailing zeros: ``Decimal("0.10")`` → ``"10"``."""
    return f"{(share * 100).normalize():f}"


@dataclass(frozen=True, kw_only=True)
class Share(DeclaredCheck):
    """The municipality's share of the contributions lies within ``benchmark`` ± ``tolerance``.

    Bounds are inclusive; without contributions there is nothing to compare. The message
    may use ``{percent}`` (two decimals), ``{municipality}``, ``{partners}``, ``{value}``
    (kronor), ``{target}``, ``{tolerance}`` (percent) and ``{side}`` (``above`` or
    ``below``, the words the data gives for each side).
    """

    benchmark: Decimal
    tolerance: Decimal
    above: str = ""
    below: str = ""

    def position(self, municipality: int, value: int) -> str | None:
        """``"within"``, ``"above"`` or ``"below"``; None when ``value`` is nothing."""
        if not value:
            return None
        share = Decimal(municipality) / Decimal(value)
        if share > self.benchmark + self.tolerance:
            return "above"
        if share < self.benchmark - self.tolerance:
            return "below"
        return "within"

    def check(self, ctx: GateContext) -> Iterator[Finding]:
        value = sum(c.amount for c in ctx.contributions)
        municipality = sum(c.amount for c in ctx.contributions if c.is_municipality)
        position = self.position(municipality, value)
        if position in (None, "within"):
            return
        percent = (Decimal(municipality) * 100 / Decimal(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        yield self.finding(ctx, fill(self.message, {
            "percent": percent, "municipality": format_kronor(municipality),
            "partners": format_kronor(value - municipality), "value": format_kronor(value),
            "target": percent_text(self.benchmark), "tolerance": percent_text(self.tolerance),
            "side": self.above if position == "above" else self.below,
        }))


@dataclass(frozen=True, kw_only=True)
class Documented(DeclaredCheck):
    """At least one of ``fields`` holds text; fields whose object is absent are skipped
    (with all of them absent, the gate finds nothing)."""

    fields: tuple[str, ...]

    def check(self, ctx: GateContext) -> Iterator[Finding]:
        values = [resolve(ctx, p) for p in self.fields]
        present = [v for v in values if not is_absent(v)]
        if present and not any(str(v or "").strip() for v in present):
            yield self.finding(ctx, self.message)


@dataclass(frozen=True, kw_only=True)
class Fact(DeclaredCheck):
    """The fact at ``field`` must equal ``equals`` (skipped when its object is absent)."""

    field_path: str
    equals: Any

    def check(self, ctx: GateContext) -> Iterator[Finding]:
        actual = resolve(ctx, self.field_path)
        if not is_absent(actual) and actual != self.equals:
            yield self.finding(ctx, self.message)


@dataclass(frozen=True, kw_only=True)
class Python(DeclaredCheck):
    """A gate computed by Python: ``function(ctx)`` yields messages (made findings with the
    declared id, source and severity) or whole :class:`Finding` objects."""

    function: Callable[[GateContext], Iterable[Finding | str] | None]

    def check(self, ctx: GateContext) -> Iterator[Finding]:
        for item in self.function(ctx) or ():
            yield item if isinstance(item, Finding) else self.finding(ctx, str(item))
