"""Comparing two municipalities' rules topic by topic.

Each municipality plugin answers the comparison topics (:mod:`samverkan.domain.topics`) it
regulates with :class:`~samverkan.domain.rules.RuleText`. Comparing is a join on topic: a row
per topic, marked ``same`` / ``different`` (by normalised value where both give one,
else by text), ``only_a`` / ``only_b`` (one side does not regulate it) or ``neither``.
Rows come in the fixed topic order so that output can be diffed and versioned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from samverkan.domain.rules import RuleText
from samverkan.domain.topics import TOPICS, Topic
from samverkan.plugin.manager import Registry

STATUSES = ("same", "different", "only_a", "only_b", "neither")
DIFFERENCES = ("different", "only_a", "only_b")


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

    def as_dict(self) -> dict[str, Any]:
        """Plain data: text, value, source and the rule ids."""
        return {"text": self.text, "value": self.value, "source": self.source,
                "rules": [r.id for r in self.rules]}


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


@dataclass
class Comparison:
    """Two municipalities compared, optionally for one form."""

    a: str
    b: str
    form: str | None
    rows: list[Row] = field(default_factory=list)
    name_a: str = ""
    name_b: str = ""

    def differences(self) -> list[Row]:
        """Rows where the two differ (including topics only one regulates)."""
        return [r for r in self.rows if r.status in DIFFERENCES]


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


def _rules_for(registry: Registry, key: str, form: str | None) -> dict[str, list[RuleText]]:
    by_topic: dict[str, list[RuleText]] = {}
    for rule in registry.view(key).rules():
        if form and rule.forms and form not in rule.forms:
            continue
        by_topic.setdefault(rule.topic, []).append(rule)
    return by_topic


def compare(registry: Registry, a: str, b: str, form: str | None = None) -> Comparison:
    """Compare municipality ``a`` with ``b`` (any two installed plugins), per topic.

    :param form: only rules that concern this form (rules for every form always count).
    """
    if form is not None:
        from samverkan.domain.model import validate_form

        validate_form(form)
    rules_a, rules_b = _rules_for(registry, a, form), _rules_for(registry, b, form)
    result = Comparison(a, b, form, name_a=registry.view(a).municipality.name,
                        name_b=registry.view(b).municipality.name)
    for topic in TOPICS:
        side_a = Side(tuple(rules_a.get(topic.key, ())))
        side_b = Side(tuple(rules_b.get(topic.key, ())))
        result.rows.append(Row(topic, status_of(side_a, side_b), side_a, side_b))
    return result


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def to_data(comparison: Comparison, rows: list[Row]) -> dict[str, Any]:
    """The comparison as TOML-ready data (TOML has no null: absent values are left out)."""
    head = {"a": comparison.a, "b": comparison.b}
    if comparison.form:
        head["form"] = comparison.form
    return _drop_none({"comparison": head, "rows": [r.as_dict() for r in rows]})
