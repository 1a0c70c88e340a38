"""Comparing two municipalities' rules topic by topic.

Each municipality plugin answers the comparison topics (:mod:`samverkan.domain.topics`) it
regulates with :class:`~samverkan.domain.rules.RuleText`. Comparing is a join on topic: a row
per topic, marked ``same`` / ``different`` (by normalised value where both give one,
else by text), ``only_a`` / ``only_b`` (one side does not regulate it) or ``neither``.
Rows come in the fixed topic order so that output can be diffed and versioned: the
core's topics, then the topics either plugin declares of its own (by key), which the
other side usually does not regulate.

Either side may be taken at a date (``stockholm@2023-01-01``: the rules in force that
day, see :meth:`MunicipalityView.at`); without one, today's. Comparing a municipality
with itself at two dates shows what a revision changed: besides the topic rows,
:attr:`Comparison.changes` lists every document, form, check, agreement section,
decision authority, follow-up policy, rule and gate that was added, removed or changed
between the two dates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from samverkan.domain.errors import SamverkanError
from samverkan.domain.lifecycle import CORE_GATES
from samverkan.domain.model import FORM_KEYS, FORMS, LEVELS
from samverkan.domain.rules import RuleText
from samverkan.domain.topics import TOPICS, Topic
from samverkan.i18n import msg
from samverkan.plugin.manager import MunicipalityView, Registry

STATUSES = ("same", "different", "only_a", "only_b", "neither")
#: a difference is two rules that disagree; a topic one side is silent on (only_a,
#: only_b) is not one: silence is not a rule to the contrary
DIFFERENCES = ("different",)

#: what a revision can do to a rule, and the kinds of rules it is told for, in output order
CHANGE_STATUSES = ("added", "removed", "changed")
CHANGE_KINDS = ("document", "form", "check", "section", "decision", "follow_up", "rule", "gate")


def parse_side(text: str) -> tuple[str, dt.date | None]:
    """``"stockholm@2023-01-01"`` as ``("stockholm", date(2023, 1, 1))``; ``"stockholm"``
    as ``("stockholm", None)`` (today's rules).

    :raises SamverkanError: naming the text when the date is not ``YYYY-MM-DD``.
    """
    key, sep, day = text.partition("@")
    if not sep:
        return key, None
    try:
        return key, dt.date.fromisoformat(day.strip())
    except ValueError:
        raise SamverkanError(msg("{text!r}: expected KEY or KEY@YYYY-MM-DD (the rules in force on that day)",
                                 text=text)) from None


@dataclass(frozen=True)
class Side:
    """One municipality's answer to a topic (possibly several rules joined)."""

    rules: tuple[RuleText, ...] = ()

    @property
    def regulated(self) -> bool:
        """Whether the municipality says anything on the topic."""
        return bool(self.rules)

    @property
    def text(self) -> str:
        """The rule texts, one per line."""
        return "\n".join(r.text for r in self.rules)

    @property
    def value(self) -> Any:
        """The normalised value: the one value the rules give, a list if they differ, else None."""
        values = []
        for r in self.rules:
            if r.value is not None and r.value not in values:
                values.append(r.value)
        if not values:
            return None
        return values[0] if len(values) == 1 else values

    @property
    def source(self) -> str:
        """The sources of the rules, separated by ``; ``."""
        seen: list[str] = []
        for r in self.rules:
            s = str(r.source)
            if s not in seen:
                seen.append(s)
        return "; ".join(seen)

    @property
    def level(self) -> str:
        """The strongest obligation level of the rules (``requirement`` … ``guidance``)."""
        levels = [r.source.level for r in self.rules]
        # LEVELS runs strongest first; a rule without a level counts as the weakest
        return min(levels, key=lambda level: LEVELS.index(level) if level in LEVELS else len(LEVELS)) if levels else ""

    @property
    def quotes(self) -> list[str]:
        """The sentences of the sources the rules rest on, each once."""
        return list(dict.fromkeys(r.source.quote for r in self.rules if r.source.quote))

    def as_dict(self) -> dict[str, Any]:
        """Plain data: text, value, source, obligation level, quotes and the rule ids."""
        return {"text": self.text, "value": self.value, "source": self.source, "level": self.level,
                "quotes": self.quotes, "rules": [r.id for r in self.rules]}


@dataclass(frozen=True)
class Row:
    """One topic compared."""

    topic: Topic
    status: str
    a: Side
    b: Side

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and TOML output."""
        return {"topic": self.topic.key, "label": self.topic.label, "status": self.status,
                "a": self.a.as_dict(), "b": self.b.as_dict()}


@dataclass(frozen=True)
class Change:
    """One rule a revision added, removed or changed (a municipality at two dates).

    :param kind: one of :data:`CHANGE_KINDS`.
    :param id: the rule's id (a document's key; for a decision authority or follow-up
        policy, the form).
    :param before: what it said at the first date (None when added), as plain data.
    :param after: what it says at the second date (None when removed).
    """

    kind: str
    id: str
    status: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and TOML output."""
        return {"kind": self.kind, "id": self.id, "status": self.status,
                "before": self.before, "after": self.after}


@dataclass
class Comparison:
    """Two municipalities compared (or one at two dates), optionally for one form.

    ``on_a``/``on_b``: the dates whose rules were compared (None: today's).
    """

    a: str
    b: str
    form: str | None
    rows: list[Row] = field(default_factory=list)
    name_a: str = ""
    name_b: str = ""
    on_a: dt.date | None = None
    on_b: dt.date | None = None
    changes: list[Change] = field(default_factory=list)

    def differences(self) -> list[Row]:
        """Rows where the two rules differ (a topic only one side regulates is not a
        difference: the other is silent on it)."""
        return [r for r in self.rows if r.status in DIFFERENCES]

    @property
    def is_revision(self) -> bool:
        """Whether one municipality is compared with itself at two dates."""
        return self.a == self.b and (self.on_a or dt.date.today()) != (self.on_b or dt.date.today())

    def label(self, side: str) -> str:
        """``KEY`` or ``KEY@DATE`` of side ``"a"`` or ``"b"``."""
        key, on = (self.a, self.on_a) if side == "a" else (self.b, self.on_b)
        return f"{key}@{on.isoformat()}" if on else key


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def status_of(a: Side, b: Side) -> str:
    """Compare two sides: by value where both give one, else by text."""
    if not a.regulated and not b.regulated:
        return "neither"
    if not b.regulated:
        return "only_a"
    if not a.regulated:
        return "only_b"
    if a.value is not None and b.value is not None:
        return "same" if a.value == b.value else "different"
    return "same" if _normal(a.text) == _normal(b.text) else "different"


def _rules_for(view: MunicipalityView, form: str | None) -> dict[str, list[RuleText]]:
    by_topic: dict[str, list[RuleText]] = {}
    for rule in view.rules():
        if form and rule.forms and form not in rule.forms:
            continue
        by_topic.setdefault(rule.topic, []).append(rule)
    return by_topic


def compare(registry: Registry, a: str, b: str, form: str | None = None, *,
            on_a: dt.date | None = None, on_b: dt.date | None = None) -> Comparison:
    """Compare municipality ``a`` with ``b`` (any two installed plugins), per topic.

    :param form: only rules that concern this form (rules for every form always count).
    :param on_a: compare ``a``'s rules in force on this date (None: today's); ``on_b`` likewise.
        With ``a == b`` at two dates the result also lists the :attr:`Comparison.changes`.
    """
    if form is not None:
        from samverkan.domain.model import validate_form

        validate_form(form)
    view_a, view_b = registry.view(a).at(on_a), registry.view(b).at(on_b)
    rules_a, rules_b = _rules_for(view_a, form), _rules_for(view_b, form)
    result = Comparison(a, b, form, name_a=view_a.municipality.name, name_b=view_b.municipality.name,
                        on_a=on_a, on_b=on_b)
    extra: dict[str, Topic] = {}
    for view in (view_a, view_b):
        for t in view.topics()[len(TOPICS):]:  # the core's come first
            extra.setdefault(t.key, t)
    for topic in [*TOPICS, *sorted(extra.values(), key=lambda t: t.key)]:
        side_a = Side(tuple(rules_a.get(topic.key, ())))
        side_b = Side(tuple(rules_b.get(topic.key, ())))
        result.rows.append(Row(topic, status_of(side_a, side_b), side_a, side_b))
    if result.is_revision:
        result.changes = changes(view_a, view_b, form)
    return result


# -- what a revision changed -----------------------------------------------------------


def _applies(forms: tuple[str, ...], form: str | None) -> bool:
    return form is None or not forms or form in forms


def _severity(blocking: bool, check: Any) -> Any:
    stages = getattr(getattr(check, "severity", None), "stages", ())
    if stages:
        return {stage: "blocking" if b else "advisory" for stage, b in stages}
    return "blocking" if blocking else "advisory"


def rule_items(view: MunicipalityView, form: str | None = None) -> dict[tuple[str, str], tuple[Any, dict[str, Any]]]:
    """Everything the view's municipality rules, by (kind, id): (what is compared, plain data).

    The municipality's documents, forms, checks, agreement sections, decision authority and
    follow-up policy per form, rule texts and gates (the core's own gates left out: they
    do not change with a municipality's revision); with ``form``, only what concerns it.
    """
    out: dict[tuple[str, str], tuple[Any, dict[str, Any]]] = {}
    for doc in view.documents():
        ref = ", ".join(p for p in (doc.number, doc.date) if p)
        period = f"i kraft {doc.validity}" + (", datum antaget" if doc.date_assumed else "")
        out["document", doc.key] = (doc, {
            "text": f"{doc.title}{f' ({ref})' if ref else ''}; {period}", "title": doc.title,
            "number": doc.number, "date": doc.date, "in_force": str(doc.validity),
            "date_assumed": doc.date_assumed})
    for offer in view.forms():
        if _applies((offer.form,), form):
            out["form", offer.form] = (offer, {"text": offer.name, "offered": offer.offered,
                                               "note": offer.note, "source": str(offer.source)})
    for item in view.checks(form):
        out["check", item.id] = (item, {"text": item.text, "source": str(item.source), "forms": list(item.forms),
                                        "required": item.required, "blocking": item.blocking_if_not_met})
    forms = [form] if form else list(FORM_KEYS)
    sections: dict[str, tuple[Any, list[str]]] = {}
    for f in forms:
        for sec in view.agreement_sections(f) if FORMS[f].written_agreement else ():
            sections.setdefault(sec.key, (sec, []))[1].append(f)
    for key, (sec, on_forms) in sections.items():
        out["section", key] = ((sec, tuple(on_forms)), {
            "text": sec.title, "required": sec.required, "forms": on_forms, "source": str(sec.source)})
    for f in forms:
        auth = view.decision_authority(f)
        out["decision", f] = (auth, {"text": auth.body, "kind": auth.kind, "source": str(auth.source)})
        policy = view.follow_up_policy(f)
        if policy is not None:
            out["follow_up", f] = ((policy.interval_months, policy.measure, policy.source), {
                "text": policy.measure, "interval_months": policy.interval_months, "source": str(policy.source)})
    for rule in view.rules():
        if _applies(rule.forms, form):
            out["rule", rule.id] = (rule, {"text": rule.text, "value": rule.value, "topic": rule.topic,
                                           "source": str(rule.source), "forms": list(rule.forms)})
    core = {g.id for g in CORE_GATES}
    for gate in view.gates():
        if gate.id in core or not _applies(gate.forms, form):
            continue
        compared = (gate.description, gate.source, gate.to_stages, gate.forms, gate.blocking, gate.quote,
                    gate.check)
        out["gate", gate.id] = (compared, {
            "text": gate.description, "source": str(gate.source), "stages": list(gate.to_stages),
            "forms": list(gate.forms), "severity": _severity(gate.blocking, gate.check)})
    return out


def changes(view_a: MunicipalityView, view_b: MunicipalityView, form: str | None = None) -> list[Change]:
    """What is added, removed or changed from ``view_a``'s rules to ``view_b``'s (the same
    municipality at two dates), in the order of :data:`CHANGE_KINDS`, then by id."""
    before, after = rule_items(view_a, form), rule_items(view_b, form)
    out = []
    def order(k: tuple[str, str]) -> tuple[int, Any]:
        per_form = k[0] in ("decision", "follow_up") and k[1] in FORM_KEYS
        return CHANGE_KINDS.index(k[0]), FORM_KEYS.index(k[1]) if per_form else 0, k[1]

    for key in sorted(before.keys() | after.keys(), key=order):
        old, new = before.get(key), after.get(key)
        if old is None:
            out.append(Change(*key, "added", after=new[1]))  # type: ignore[index]
        elif new is None:
            out.append(Change(*key, "removed", before=old[1]))
        elif old[0] != new[0]:
            out.append(Change(*key, "changed", before=old[1], after=new[1]))
    return _per_form_joined(out)


def _per_form_joined(found: list[Change]) -> list[Change]:
    """One change for the forms whose decision authority (or follow-up policy) changed
    alike, named by the forms joined (``"grant, procurement, iop"``)."""
    out: list[Change] = []
    for change in found:
        if change.kind in ("decision", "follow_up"):
            same = next((i for i, c in enumerate(out) if (c.kind, c.status, c.before, c.after) == (
                change.kind, change.status, change.before, change.after)), None)
            if same is not None:
                c = out[same]
                out[same] = Change(c.kind, f"{c.id}, {change.id}", c.status, c.before, c.after)
                continue
        out.append(change)
    return out


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def to_data(comparison: Comparison, rows: list[Row]) -> dict[str, Any]:
    """The comparison as TOML-ready data (TOML has no null: absent values are left out)."""
    head: dict[str, Any] = {"a": comparison.a, "b": comparison.b}
    for side, on in (("a_on", comparison.on_a), ("b_on", comparison.on_b)):
        if on is not None:
            head[side] = on
    if comparison.form:
        head["form"] = comparison.form
    data: dict[str, Any] = {"comparison": head, "rows": [r.as_dict() for r in rows]}
    if comparison.is_revision:
        data["changes"] = [c.as_dict() for c in comparison.changes]
    return _drop_none(data)
