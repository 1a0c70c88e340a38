"""Comparison topics: the questions every municipality's guidelines can be compared on.

The keys are stable (scripts and plugins use them); labels are Swedish, the users'
language. A plugin answers a topic with :class:`samverkan.domain.rules.RuleText`, giving
a normalised ``value`` where the rule is comparable as one; each topic's
:class:`Values` says which values it takes (its vocabulary), and a rule whose value is
outside it is refused. A plugin may declare further topics of its own (a neutral
label and explanation, see :func:`extra_topic_error`); they are compared like these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: how often a collaboration is followed up (``follow_up`` topic)
INTERVALS = ("monthly", "quarterly", "half-yearly", "yearly")
#: how results are measured (``follow_up`` topic)
METHODS = ("measurable_goals", "sroi")


@dataclass(frozen=True)
class Values:
    """The value vocabulary of a topic: which normalised values a rule may give.

    :param choices: strings a value may be.
    :param boolean: ``true``/``false`` are values (the municipality requires it or not).
    :param share: a number from 0 to 1 is a value (a share, e.g. the municipality's).
    :param table: a value may be a table whose keys are these, each one of its choices
        (the ``follow_up`` topic: ``{ interval = "yearly", method = "sroi" }``).

    With none of them the topic is compared by text only and a rule gives no value.
    """

    choices: tuple[Any, ...] = ()
    boolean: bool = False
    share: bool = False
    table: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` is in the vocabulary (None, no value, always is)."""
        if value is None:
            return True
        if isinstance(value, bool):
            return self.boolean or value in self.choices
        if isinstance(value, int | float) and self.share and 0 <= value <= 1:
            return True
        if isinstance(value, dict) and self.table:
            keys = dict(self.table)
            return set(value) <= set(keys) and all(v in keys[k] for k, v in value.items())
        return not isinstance(value, dict | list) and value in self.choices

    def describe(self) -> str:
        """The vocabulary in words, for messages and the docs."""
        parts = [repr(c) for c in self.choices]
        if self.boolean:
            parts.append("true or false")
        if self.share:
            parts.append("a share from 0 to 1")
        if self.table:
            inner = ", ".join(f"{k} = {' | '.join(repr(c) for c in cs)}" for k, cs in self.table)
            parts.append(f"a table {{ {inner} }}")
        return "; ".join(parts) if parts else "no value (compared by text)"


@dataclass(frozen=True)
class Topic:
    """A comparison topic with a stable key, a Swedish label, a short explanation and
    the values its rules may give."""

    key: str
    label: str
    explanation: str
    values: Values = field(default_factory=Values)


_BOOL = Values(boolean=True)

TOPICS: tuple[Topic, ...] = (
    Topic("initiative", "Vem tar initiativet", "Vem som får eller måste ta initiativ till samverkan (organisation, kommun eller båda).",
          Values(choices=("organisation", "municipality", "either"))),
    Topic("open_call", "Utlysning", "Om kommunen får utlysa partnerskap öppet.", _BOOL),
    Topic("preparatory_body", "Beredande organ", "Om ett beredande organ ska rådfrågas eller informeras.", _BOOL),
    Topic("pre_study", "Förstudie", "Om en förstudie krävs före partnerskap.", _BOOL),
    Topic("legal_checks", "Rättslig prövning", "Vilka rättsliga prövningar som görs (LOU, statsstöd, kommunallagen)."),
    Topic("no_market", "Ingen marknad", "Att verksamheten inte får kunna konkurrensutsättas.", _BOOL),
    Topic("policy_link", "Politisk förankring", "Koppling till program, budgetuppdrag eller verksamhetsplan."),
    Topic("democracy", "Demokrativillkor", "Demokrativillkor och andra skäl att avstå samverkan.", _BOOL),
    Topic("org_checks", "Kontroll av organisationen", "Grundläggande krav, ekonomi, välfärdsbrott, jäv."),
    Topic("agreement_contents", "Avtalets innehåll", "Vad en skriftlig överenskommelse ska innehålla."),
    Topic("cost_split", "Kostnadsfördelning", "Hur parternas insatser fördelas (kommunens andel).",
          Values(choices=("comparable",), share=True)),
    Topic("decision", "Beslut", "Vem som fattar beslutet (ansvarig chef, nämnden eller enligt delegationsordningen).",
          Values(choices=("manager", "board", "delegation"))),
    Topic("follow_up", "Uppföljning", "Hur ofta och hur samverkan följs upp.",
          Values(choices=INTERVALS, table=(("interval", INTERVALS), ("method", METHODS)))),
    Topic("duration", "Varaktighet", "Hur långa partnerskap får vara."),
    Topic("termination", "Avslut", "Hur samverkan avslutas."),
    Topic("transparency", "Öppenhet", "Hur information om samverkan samlas och rapporteras."),
    Topic("independence", "Organisationens självständighet", "Att kommunen inte detaljstyr organisationen."),
)

TOPIC_KEYS = tuple(t.key for t in TOPICS)


def topic(key: str) -> Topic:
    """The topic with ``key``; raises KeyError naming the valid keys."""
    for t in TOPICS:
        if t.key == key:
            return t
    raise KeyError(f"unknown topic {key!r}; expected one of: {', '.join(TOPIC_KEYS)}")


def value_error(t: Topic, value: Any) -> str | None:
    """Why ``value`` is not a value of topic ``t`` (None when it is)."""
    if t.values.accepts(value):
        return None
    return f"value {value!r} is not a value of topic {t.key!r} (expected {t.values.describe()})"


def extra_topic_error(t: Topic) -> str | None:
    """Why a plugin's own topic ``t`` cannot be declared (None when it can).

    Its key must be new (not a core topic), lowercase words joined by ``_``, so that two
    municipalities declaring the same topic are compared on it; it needs a label and an
    explanation.
    """
    if t.key in TOPIC_KEYS:
        return f"topic {t.key!r} is a core topic; answer it with a rule instead of declaring it"
    if not t.key or not t.key.replace("_", "").isalnum() or t.key != t.key.lower():
        return f"topic key {t.key!r} must be lowercase letters, digits and '_'"
    if not t.label.strip() or not t.explanation.strip():
        return f"topic {t.key!r} needs a label and an explanation"
    return None
