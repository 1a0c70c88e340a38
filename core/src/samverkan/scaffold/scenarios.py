"""The new plugin's scenario files: one case that passes, and one per rule that stops it.

The first file documents every table and key of the scenario format, from
:data:`samverkan.testing.scenarios.TABLES`, the way the data files document the schema.
"""

from __future__ import annotations

import datetime as dt
from copy import deepcopy
from typing import Any

from samverkan.scaffold.toml_text import comment, key_lines, pair
from samverkan.testing.scenarios import FINDING_KEYS, TABLES

D = dt.date


def _base(key: str) -> dict[str, Any]:
    """The facts of an IOP that meets every rule of the template."""
    return {
        "scenario": {"name": "", "today": D(2026, 3, 15)},
        "collaboration": {"form": "iop", "initiator": "organisation",
                          "purpose": "Läxhjälp för barn i årskurs 4–6."},
        "organisations": [{"name": "Läxhjälpen"}],
        "answers": [{"check": f"{key}.iop.no_market", "answer": "met",
                     "note": "Ingen aktör erbjuder läxhjälp på marknaden i området."}],
        "contributions": [{"party": "kommunen", "category": "money", "amount": 200_000},
                          {"party": "Läxhjälpen", "category": "staff", "amount": 200_000}],
        "records": [{"kind": "consultation", "topic": "Läxhjälp som IOP", "date": D(2026, 2, 1)}],
        "decision": {"decided_on": D(2026, 2, 10),
                     "considerations": "Organisationens initiativ; ingen marknad; båda parter bidrar."},
        "agreement": {"signed_on": D(2026, 2, 20), "start": D(2026, 3, 1), "end": D(2027, 2, 28),
                      "goals": "Trettio barn får läxhjälp varje vecka.",
                      "sections": {"roles": "Läxhjälpen leder verksamheten; kommunen står för lokaler.",
                                   "budget": "200 000 kr var per år.",
                                   "follow_up": "Gemensam uppföljning varje år.",
                                   "termination": "Tre månaders uppsägningstid."}},
        "expect": [],
    }


def _scenario(key: str, name: str, expect: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    doc = _base(key)
    doc["scenario"]["name"] = name
    for part, value in changes.items():
        if value is None:
            doc.pop(part, None)
        elif isinstance(value, dict) and isinstance(doc.get(part), dict):
            doc[part] = {**doc[part], **value}
        else:
            doc[part] = value
    doc["expect"] = expect
    return doc


def _blocking(rule: str, **more: str) -> dict[str, str]:
    return {"rule": rule, "severity": "blocking", **more}


def _advisory(rule: str, **more: str) -> dict[str, str]:
    return {"rule": rule, "severity": "advisory", **more}


def scenarios(key: str) -> dict[str, dict[str, Any]]:
    """file name -> the scenario's tables, for municipality ``key``."""
    k = key
    sections = deepcopy(_base(k)["agreement"]["sections"])
    del sections["roles"]
    return {
        "iop_godkant.toml": _scenario(k, "Ett IOP som uppfyller riktlinjerna går hela vägen till aktivt", [
            {"at": "decided", "findings": [], "outcome": "allowed"},
            {"at": "agreement", "findings": []},
            {"at": "active", "findings": []},
        ]),
        "iop_kommunens_initiativ.toml": _scenario(
            k, "Ett IOP som kommunen tagit initiativ till stoppas vid beslutet",
            [{"at": "decided", "findings": [_blocking(f"{k}.iop.initiative")], "outcome": "refused"}],
            collaboration={"initiator": "municipality"}),
        "iop_marknad_ej_tillamplig.toml": _scenario(
            k, "Frågan om marknad besvaras inte med \"ej tillämplig\" för ett IOP",
            [{"at": "decided", "findings": [_blocking(f"{k}.iop.no_market")]}],
            answers=[{"check": f"{k}.iop.no_market", "answer": "not_applicable", "note": "Gäller inte oss."}]),
        "iop_bara_kommunen_bidrar.toml": _scenario(
            k, "Ett IOP där bara kommunen bidrar stoppas vid beslutet",
            [{"at": "decided", "findings": [_blocking(f"{k}.iop.both_contribute"),
                                            _advisory(f"{k}.iop.cost_split", contains="mer")]}],
            contributions=[{"party": "kommunen", "category": "money", "amount": 200_000}]),
        "iop_kommunens_andel.toml": _scenario(
            k, "Kommunen står för tre fjärdedelar: ett råd att motivera fördelningen",
            [{"at": "decided", "findings": [_advisory(f"{k}.iop.cost_split", contains="75.00 %")],
              "outcome": "confirm"}],
            contributions=[{"party": "kommunen", "category": "money", "amount": 300_000},
                           {"party": "Läxhjälpen", "category": "staff", "amount": 100_000}]),
        "iop_utan_samrad.toml": _scenario(
            k, "Utan samråd kan överenskommelsen inte ingås",
            [{"at": "agreement", "findings": [_blocking(f"{k}.iop.consultation", contains="Inget samråd")]}],
            records=None),
        "iop_samrad_efter_avtalet.toml": _scenario(
            k, "Ett samråd efter att överenskommelsen undertecknades räknas inte",
            [{"at": "agreement", "findings": [_blocking(f"{k}.iop.consultation", contains="2026-02-20")]}],
            records=[{"kind": "consultation", "topic": "Läxhjälp som IOP", "date": D(2026, 3, 1)}]),
        "iop_avtal_utan_roller.toml": _scenario(
            k, "En överenskommelse utan parternas roller stoppas (obligatoriskt avsnitt)",
            [{"at": "agreement", "findings": [_blocking("core.agreement.sections", contains="[roles]")]}],
            agreement={"sections": sections}),
    }


def render(doc: dict[str, Any], documented: bool = False) -> str:
    """A scenario's tables as TOML; ``documented`` adds the format's documentation."""
    lines: list[str] = []
    if documented:
        lines += comment("A scenario: the facts of one collaboration, and the findings the rules must give at "
                         "each transition on its way. `samverkan plugin test KEY` and `pytest` run every "
                         "file of this folder on a real database through the services; the format is in "
                         "docs/writing-a-plugin.md (\"Scenario files\").")
    for part, value in doc.items():
        spec = TABLES[part]
        if documented:
            head = f"[[{part}]]" if spec.many else f"[{part}]"
            lines += ["", *comment(f"{head}: {spec.doc}"), *key_lines(spec.keys)]
            if part == "expect":
                lines += [*comment("  each of `findings`:"), *key_lines(FINDING_KEYS)]
        for row in value if spec.many else [value]:
            lines += ["", f"[[{part}]]" if spec.many else f"[{part}]"]
            sub = {n: v for n, v in row.items() if isinstance(v, dict)}
            lines += [pair(n, v) for n, v in row.items() if n not in sub]
            for n, v in sub.items():
                lines += [f"[{part}.{n}]", *(pair(a, b) for a, b in v.items())]
    if documented:
        missing = [p for p in TABLES if p not in doc]
        for part in missing:
            spec = TABLES[part]
            head = f"[[{part}]]" if spec.many else f"[{part}]"
            lines += ["", *comment(f"{head} (not needed here): {spec.doc}"), *key_lines(spec.keys)]
    return "\n".join(lines).strip() + "\n"


def scenario_files(key: str) -> dict[str, str]:
    """file name -> text of every scenario of a new plugin for ``key``."""
    return {name: render(doc, documented=i == 0) for i, (name, doc) in enumerate(scenarios(key).items())}
