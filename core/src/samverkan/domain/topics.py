"""Comparison topics: the questions every municipality's guidelines can be compared on.

The keys are stable (scripts and plugins use them); labels are Swedish, the users'
language. A plugin answers a topic with :class:`samverkan.domain.rules.RuleText`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """A comparison topic with a stable key, a Swedish label and a short explanation."""

    key: str
    label: str
    explanation: str


TOPICS: tuple[Topic, ...] = (
    Topic("initiative", "Vem tar initiativet", "Vem som får eller måste ta initiativ till samverkan (organisation, kommun eller båda)."),
    Topic("open_call", "Utlysning", "Om kommunen får utlysa partnerskap öppet."),
    Topic("preparatory_body", "Beredande organ", "Om ett beredande organ ska rådfrågas eller informeras."),
    Topic("pre_study", "Förstudie", "Om en förstudie krävs före partnerskap."),
    Topic("legal_checks", "Rättslig prövning", "Vilka rättsliga prövningar som görs (LOU, statsstöd, kommunallagen)."),
    Topic("no_market", "Ingen marknad", "Att verksamheten inte får kunna konkurrensutsättas."),
    Topic("policy_link", "Politisk förankring", "Koppling till program, budgetuppdrag eller verksamhetsplan."),
    Topic("democracy", "Demokrativillkor", "Demokrativillkor och andra skäl att avstå samverkan."),
    Topic("org_checks", "Kontroll av organisationen", "Grundläggande krav, ekonomi, välfärdsbrott, jäv."),
    Topic("agreement_contents", "Avtalets innehåll", "Vad en skriftlig överenskommelse ska innehålla."),
    Topic("cost_split", "Kostnadsfördelning", "Hur parternas insatser fördelas (kommunens andel)."),
    Topic("decision", "Beslut", "Vem som fattar beslutet."),
    Topic("follow_up", "Uppföljning", "Hur ofta och hur samverkan följs upp."),
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
