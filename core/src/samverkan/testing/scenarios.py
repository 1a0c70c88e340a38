"""Scenario files: the facts of one collaboration in, the findings expected out.

A scenario is a TOML file a policy officer can write without Python (OpenFisca's test
situations are the model). It describes a collaboration — its form and initiator, the
organisations, the checklist answers, the records, the contributions, the decision, the
agreement and its sections, the termination, and the date it is judged on — and, for
one or more transitions on its way, the findings the rules must give::

    [scenario]
    name = "Ett IOP som kommunen tagit initiativ till stoppas vid beslutet"
    today = 2026-03-01

    [collaboration]
    form = "iop"
    initiator = "municipality"

    [[expect]]
    at = "decided"
    findings = [{ rule = "exempelby.iop.initiative", severity = "blocking" }]

:data:`TABLES` describes every table and key (docs/writing-a-plugin.md renders them, a
test keeps the two in step); :func:`load_scenario` reads and checks one file, with
errors naming the file, the line and the key like the rule data's;
:func:`scenario_files` finds the files a plugin ships (``samverkan_<key>/scenarios/``).
:mod:`samverkan.testing.runner` runs them.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from samverkan.domain.lifecycle import STAGES
from samverkan.domain.model import ANSWERS, CONTRIBUTION_CATEGORIES, FORM_KEYS, INITIATORS
from samverkan.plugin.schema import Key, Located, SchemaError, check_keys

#: the folder of a plugin's package that holds its scenario files
FOLDER = "scenarios"
#: how a scenario leaves the checklist items it does not list
OTHER_ANSWERS = (*ANSWERS, "unanswered")
#: what happens at a transition: it goes through, it needs advisory findings confirmed,
#: or a blocking finding refuses it
OUTCOMES = ("allowed", "confirm", "refused")
_COLLAB_TEXT = ("unit", "manager", "target_group", "purpose", "challenge", "policy_link", "referral",
                "activity", "participants", "case_number")
_TOML_LINE = re.compile(r"at line (\d+)")


@dataclass(frozen=True)
class Part:
    """A table of a scenario file: ``[name]`` (one) or ``[[name]]`` (many)."""

    name: str
    doc: str
    keys: dict[str, Key]
    many: bool = False
    free: bool = False  # keys beyond ``keys`` are allowed (a record's fields)


def _date(doc: str, required: bool = False) -> Key:
    return Key("date", doc, required)


TABLES: dict[str, Part] = {p.name: p for p in (
    Part("scenario", "What the scenario is about and when it is judged.", {
        "name": Key("str", "what the case shows, in one line", True),
        "today": _date("the date the case is judged on (a TOML date, `2026-03-01`)", True),
        "description": Key("str", "more about the case, the rule it tries"),
        "municipality": Key("str", "the municipality key (default: the plugin that ships the file)"),
        "user": Key("str", "who acts: registers, answers, decides (default `handlaggare`)"),
        "other_answers": Key("str", "how checklist items not listed in `[[answers]]` are answered: "
                             "`met` (default), `not_met`, `not_applicable` or `unanswered`",
                             choices=OTHER_ANSWERS),
    }),
    Part("collaboration", "The collaboration as registered.", {
        "form": Key("str", "the form key", True, FORM_KEYS),
        "title": Key("str", "its title (default: the scenario's name)"),
        "initiator": Key("str", "`organisation` (default) or `municipality`", choices=INITIATORS),
        "compensated": Key("bool", "the municipality gives money or staff (default false)"),
        "singles_out": Key("bool", "one organisation is singled out (default false)"),
        "start": _date("the planned start"),
        "end": _date("the planned end"),
        **{name: Key("str", f"the collaboration's `{name}`") for name in _COLLAB_TEXT},
    }),
    Part("organisations", "The organisations taking part (default: one, `Föreningen`).", {
        "name": Key("str", "its name; contributions name it as their party", True),
        "orgnr": Key("str", "its organisation number (default: a valid made-up one)"),
        "legal_form": Key("str", "its legal form (default `ideell förening`)"),
    }, many=True),
    Part("answers", "Checklist answers; items not listed are answered as `other_answers` says.", {
        "check": Key("str", "the checklist item's id (`exempelby.iop.no_market`, `national.democracy`)", True),
        "answer": Key("str", "`met`, `not_met`, `not_applicable` or `unanswered`", True, OTHER_ANSWERS),
        "note": Key("str", "the motivation (default: a short one)"),
    }, many=True),
    Part("contributions", "What each party contributes per year.", {
        "party": Key("str", "`kommunen` (the municipality) or an organisation's name", True),
        "category": Key("str", "`money`, `staff`, `premises`, `administration` or `material`", True,
                        CONTRIBUTION_CATEGORIES),
        "amount": Key("int", "whole kronor per year", True),
    }, many=True),
    Part("records", "Records of the municipality's record kinds; every other key is a field of the record.", {
        "kind": Key("str", "the record kind's key (`consultation`)", True),
    }, many=True, free=True),
    Part("decision", "The decision (default: to start, by the acting user, on `today`).", {
        "outcome": Key("str", "`start` (default) or `decline`", choices=("start", "decline")),
        "motivation": Key("str", "why (default: a short motivation)"),
        "considerations": Key("str", "the considerations documented"),
        "policy_link": Key("str", "the budget assignment or plan it answers"),
        "decided_on": _date("the decision's date (default: `today`)"),
        "meeting_date": _date("a board's meeting date (default for a board: the decision's date)"),
        "minute_paragraph": Key("str", "a board's minute paragraph (default for a board: `§ 1`)"),
    }),
    Part("agreement", "The signed agreement, recorded after the decision.", {
        "signed_on": _date("when it was signed"),
        "start": _date("when its period starts"),
        "end": _date("when its period ends"),
        "goals": Key("str", "its measurable goals"),
        "sections": Key("table", "its sections by key (`roles = \"…\"`); leave one out to see it missing"),
    }),
    Part("termination", "How the collaboration ends.", {
        "kind": Key("str", "`terminated` (default) or `expired`", choices=("terminated", "expired")),
        "reason": Key("str", "why (default: a short reason)"),
        "ended_on": _date("when (default: `today`)"),
        "procurement_unit_involved": Key("bool", "the procurement unit took part (default false)"),
    }),
    Part("expect", "What the rules say at one transition on the case's way.", {
        "at": Key("str", "the stage the transition goes to (`decided`, `agreement`, `active` …)", True,
                  tuple(s for s in STAGES if s != "initiative")),
        "findings": Key("conditions", "every finding expected there, and no other (`[]`: none)", True),
        "outcome": Key("str", "`allowed`, `confirm` (advisory findings only) or `refused`", choices=OUTCOMES),
    }, many=True),
)}

#: the keys of one expected finding (``findings = [{ rule = …, severity = … }]``)
FINDING_KEYS: dict[str, Key] = {
    "rule": Key("str", "the rule id of the finding (a gate's id, or the core's, `core.agreement.sections`)", True),
    "severity": Key("str", "`blocking` or `advisory`", True, ("blocking", "advisory")),
    "contains": Key("str", "text the finding's message contains (a section key, a check id)"),
}


@dataclass(frozen=True)
class ExpectedFinding:
    """A finding a scenario expects: its rule, whether it blocks, text its message holds."""

    rule: str
    blocking: bool
    contains: str = ""

    def matches(self, finding: Any) -> bool:
        """Whether ``finding`` (a :class:`~samverkan.domain.lifecycle.Finding`) is this one."""
        return (finding.rule_id == self.rule and finding.blocking == self.blocking
                and self.contains in finding.message)

    def __str__(self) -> str:
        text = f"{self.rule} ({'blocking' if self.blocking else 'advisory'})"
        return f"{text} containing {self.contains!r}" if self.contains else text


@dataclass(frozen=True)
class Expectation:
    """The findings expected on the transition to stage ``at``."""

    at: str
    findings: tuple[ExpectedFinding, ...]
    outcome: str | None = None
    line: int | None = None


@dataclass
class Scenario:
    """One scenario file, read and checked."""

    file: str
    name: str
    municipality: str
    today: dt.date
    form: str
    initiator: str = "organisation"
    title: str = ""
    description: str = ""
    user: str = "handlaggare"
    other_answers: str = "met"
    fields: dict[str, Any] = field(default_factory=dict)
    organisations: list[dict[str, Any]] = field(default_factory=list)
    answers: dict[str, tuple[str, str]] = field(default_factory=dict)
    contributions: list[dict[str, Any]] = field(default_factory=list)
    records: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    decision: dict[str, Any] | None = None
    agreement: dict[str, Any] | None = None
    termination: dict[str, Any] | None = None
    expectations: list[Expectation] = field(default_factory=list)

    @property
    def id(self) -> str:
        """``key/file-stem``: how a test run names the scenario."""
        return f"{self.municipality}/{Path(self.file).stem}"

    def expected_rules(self) -> set[str]:
        """The rule ids the scenario expects at any transition."""
        return {f.rule for e in self.expectations for f in e.findings}


def _date_value(where: Located, key: str) -> dt.date | None:
    value = where.get(key)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise where.error(key, f"expected a date (2026-03-01), got {value!r}")


def _plain(value: Any) -> Any:
    """A TOML value as the services take it (dates as ISO text)."""
    return value.isoformat() if isinstance(value, dt.date) else value


def _check(where: Located, part: Part) -> dict[str, Any]:
    """``where``'s keys checked against ``part``; dates parsed. Returns the values."""
    keys = {k: (Key("any", v.doc, v.required) if v.type == "date" else v) for k, v in part.keys.items()}
    check_keys(where, keys, free=part.free)
    values = dict(where.data)
    for name, key in part.keys.items():
        if key.type == "date" and name in values:
            values[name] = _date_value(where, name)
    return values


def parse(file: str, text: str, municipality: str | None = None) -> Scenario:
    """The scenario in TOML ``text`` (``file`` names it in errors).

    :param municipality: the key of the plugin the file belongs to (the default of
        ``[scenario] municipality``).
    :raises SchemaError: naming the file, the line and the key of the first problem.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_LINE.search(str(exc))
        raise SchemaError(file, "", f"not valid TOML: {exc}", int(m.group(1)) if m else None) from None
    top = Located(file, text, (), raw)
    parts: dict[str, Any] = {}
    for name, value in raw.items():
        part = TABLES.get(name)
        if part is None:
            raise top.error(name, f"unknown table; expected one of {', '.join(TABLES)}")
        if part.many:
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise top.error(name, f"expected [[{name}]] entries")
            parts[name] = [(Located(file, text, (name, i), v), part) for i, v in enumerate(value)]
        else:
            if not isinstance(value, dict):
                raise top.error(name, f"expected a [{name}] table")
            parts[name] = (Located(file, text, (name,), value), part)
    for name in ("scenario", "collaboration", "expect"):
        if name not in parts:
            raise top.error(None, f"missing [{'[' if TABLES[name].many else ''}{name}"
                                  f"]{']' if TABLES[name].many else ''}")

    head = _check(*parts["scenario"])
    key = head.get("municipality") or municipality
    if not key:
        raise parts["scenario"][0].error(None, "missing 'municipality' (the file is not in a plugin's package)")
    collab = _check(*parts["collaboration"])
    scenario = Scenario(
        file=file, name=head["name"], municipality=key, today=head["today"], form=collab.pop("form"),
        initiator=collab.pop("initiator", "organisation"), title=collab.pop("title", "") or head["name"],
        description=head.get("description", ""), user=head.get("user", "handlaggare"),
        other_answers=head.get("other_answers", "met"), fields=collab)

    for where, part in parts.get("organisations", []):
        scenario.organisations.append(_check(where, part))
    names = [o["name"] for o in scenario.organisations]
    if len(set(names)) != len(names):
        raise top.error("organisations", "two organisations have the same name")
    for where, part in parts.get("answers", []):
        values = _check(where, part)
        if values["check"] in scenario.answers:
            raise where.error("check", f"{values['check']!r} is answered twice")
        scenario.answers[values["check"]] = (values["answer"], values.get("note", ""))
    for where, part in parts.get("contributions", []):
        scenario.contributions.append(_check(where, part))
    for where, part in parts.get("records", []):
        values = _check(where, part)
        scenario.records.append((values.pop("kind"), {k: _plain(v) for k, v in values.items()}))
    for name in ("decision", "agreement", "termination"):
        if name in parts:
            setattr(scenario, name, _check(*parts[name]))
    if scenario.agreement is not None:
        sections = scenario.agreement.get("sections", {})
        bad = [k for k, v in sections.items() if not isinstance(v, str)]
        if bad:
            raise parts["agreement"][0].error(("sections", bad[0]), "expected the section's text")

    seen: set[str] = set()
    for where, part in parts["expect"]:
        values = _check(where, part)
        if values["at"] in seen:
            raise where.error("at", f"two expectations at {values['at']!r}")
        seen.add(values["at"])
        findings = []
        for j, raw_finding in enumerate(values["findings"]):
            f = Located(file, text, (*where.path, "findings", j), raw_finding)
            check_keys(f, FINDING_KEYS)
            findings.append(ExpectedFinding(raw_finding["rule"], raw_finding["severity"] == "blocking",
                                            raw_finding.get("contains", "")))
        line = where.error("at", "").line
        scenario.expectations.append(Expectation(values["at"], tuple(findings), values.get("outcome"), line))
    return scenario


def load_scenario(path: Path | Traversable, municipality: str | None = None, file: str | None = None) -> Scenario:
    """The scenario in the file at ``path`` (``file``: how errors name it)."""
    name = file or str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise SchemaError(name, "", "not UTF-8 text") from None
    return parse(name, text, municipality)


def plugin_package(key: str) -> str | None:
    """The top-level package of the plugin installed under entry point ``key``."""
    from samverkan.plugin.manager import ENTRY_POINT_GROUP

    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP, name=key):
        return ep.module.split(".")[0]
    return None


def scenario_files(key: str) -> list[tuple[str, Traversable]]:
    """(name, file) of every scenario the plugin ``key`` ships, by file name.

    The files are ``*.toml`` in the ``scenarios`` folder of the plugin's package; the name
    is ``package/scenarios/file.toml``.
    """
    package = plugin_package(key)
    if package is None:
        return []
    try:
        folder = resources.files(package).joinpath(FOLDER)
    except (ModuleNotFoundError, TypeError):
        return []
    if not folder.is_dir():
        return []
    files = sorted((p for p in folder.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name)
    return [(f"{package}/{FOLDER}/{p.name}", p) for p in files]


def files_in(paths: list[Path]) -> list[Path]:
    """Scenario files named on a command line: files as given, folders' ``*.toml`` by name."""
    out: list[Path] = []
    for p in paths:
        out.extend(sorted(p.glob("*.toml")) if p.is_dir() else [p])
    return out
