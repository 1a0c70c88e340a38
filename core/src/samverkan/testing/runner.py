"""Running a scenario: its case on a real SQLite file, through the services.

:func:`run_scenario` opens a new database for the scenario's municipality, registers the
organisations and the initiative, enters the contributions, records and checklist
answers, and then moves the case along its lifecycle with the real use cases
(``advance``, ``decide``, ``record_agreement``, ``end``) up to the last stage the file has
expectations for. At every transition it keeps what the gates found; where the file
expects something it compares, where it does not, advisory findings are confirmed and a
blocking one ends the walk. :class:`ScenarioResult` says what differed, in words a
policy officer can act on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samverkan.domain import lifecycle
from samverkan.domain.errors import SamverkanError, TransitionRefused
from samverkan.domain.lifecycle import Finding
from samverkan.plugin.manager import Registry
from samverkan.services import ConfirmationNeeded, Services
from samverkan.testing.scenarios import Expectation, Scenario

DEFAULT_NOTE = "Prövat i scenariot."
_WAY = ("preparation", "decided", "declined", "agreement", "active", "ended")


@dataclass
class Step:
    """One transition of the walk: where to, what was found, what came of it."""

    to: str
    findings: list[Finding]
    outcome: str  # allowed, confirm, refused


@dataclass
class ScenarioResult:
    """What running a scenario showed: the steps taken and every difference from the file."""

    scenario: Scenario
    steps: list[Step] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the rules said exactly what the file expects."""
        return not self.problems

    def report(self) -> str:
        """The differences under the file's name, for a test failure or the CLI."""
        head = f"{self.scenario.file}: {self.scenario.name}"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


def orgnr(n: int) -> str:
    """A valid Swedish organisation number (802…), distinct per ``n``."""
    from stdnum import luhn

    base = f"802{n:06d}"
    full = base + luhn.calc_check_digit(base)
    return f"{full[:6]}-{full[6:]}"


def finding_text(f: Finding) -> str:
    """A finding on one line: rule, severity, message."""
    return f"{f.rule_id} ({'blocking' if f.blocking else 'advisory'}): {f.message}"


def compare(expectation: Expectation, findings: list[Finding], outcome: str) -> list[str]:
    """How the ``findings`` of a transition differ from what ``expectation`` says (none: alike)."""
    left = list(findings)
    missing = []
    for want in expectation.findings:
        hit = next((f for f in left if want.matches(f)), None)
        if hit is None:
            missing.append(want)
        else:
            left.remove(hit)
    problems = [f"  missing:    {w}" for w in missing] + [f"  unexpected: {finding_text(f)}" for f in left]
    if expectation.outcome and expectation.outcome != outcome:
        problems.append(f"  outcome:    expected {expectation.outcome}, got {outcome}")
    if problems:
        where = f" (line {expectation.line})" if expectation.line else ""
        problems.insert(0, f"at {expectation.at}{where}:")
    return problems


class _Walk:
    """The scenario's case, moved through the services one transition at a time."""

    def __init__(self, scenario: Scenario, s: Services):
        self.scenario, self.s = scenario, s
        self.cid = 0

    def setup(self) -> None:
        sc, s = self.scenario, self.s
        orgs = sc.organisations or [{"name": "Föreningen"}]
        ids = []
        for i, o in enumerate(orgs, start=1):
            org = s.register_organisation(o["name"], o.get("orgnr") or orgnr(i),
                                          o.get("legal_form", "ideell förening"))
            ids.append(org.id)
        self.cid = s.register_initiative(sc.title, sc.form, ids, sc.initiator, **sc.fields).id
        if sc.contributions:
            s.set_contributions(self.cid, [dict(c) for c in sc.contributions], strict=True)
        for kind, data in sc.records:
            s.add_record(self.cid, kind, data)
        listed = dict(sc.answers)
        for item, _answer in s.checklist(self.cid):
            answer, note = listed.pop(item.id, (sc.other_answers, ""))
            if answer != "unanswered":
                s.answer_check(self.cid, item.id, answer, note or DEFAULT_NOTE)
        if listed:
            raise SamverkanError(f"[[answers]]: not on the checklist of a {sc.form} collaboration: "
                                 f"{', '.join(sorted(listed))}")

    def transition(self, to: str) -> tuple[list[Finding], str]:
        """Try the transition to ``to``: (findings, outcome). Advisory findings are
        confirmed, so the case moves on unless a finding blocks."""
        a = self.scenario.agreement
        if to == "agreement" and a is not None:
            self.s.record_agreement(self.cid, signed_on=a.get("signed_on"), start=a.get("start"),
                                    end=a.get("end"), goals=a.get("goals", ""),
                                    sections=dict(a.get("sections", {})))
        try:
            found = self._move(to, confirm=False)
        except ConfirmationNeeded as exc:
            self._move(to, confirm=True)
            return list(exc.findings), "confirm"
        except TransitionRefused as exc:
            return list(exc.findings), "refused"
        return found, "allowed"

    def _move(self, to: str, confirm: bool) -> list[Finding]:
        s = self.s
        if to in ("decided", "declined"):
            _c, found = self._decide(to, confirm)
        elif to == "ended":
            t = self.scenario.termination or {}
            _c, found = s.end(self.cid, t.get("reason", "Samverkan avslutas."), kind=t.get("kind", "terminated"),
                              ended_on=t.get("ended_on"),
                              procurement_unit_involved=t.get("procurement_unit_involved", False),
                              confirm=confirm)
        else:
            _c, found = s.advance(self.cid, to, confirm=confirm)
        return list(found)

    def _decide(self, to: str, confirm: bool) -> Any:
        s, d = self.s, dict(self.scenario.decision or {})
        outcome = d.get("outcome", "start" if to == "decided" else "decline")
        decided_on = d.get("decided_on") or s.today
        kwargs: dict[str, Any] = {}
        if s.view.decision_authority(self.scenario.form).kind == "board":
            kwargs = {"meeting_date": d.get("meeting_date") or decided_on,
                      "minute_paragraph": d.get("minute_paragraph", "§ 1")}
        elif "meeting_date" in d or "minute_paragraph" in d:
            kwargs = {"meeting_date": d.get("meeting_date"), "minute_paragraph": d.get("minute_paragraph", "")}
        return s.decide(self.cid, outcome, d.get("motivation", "Samverkan möter ett behov."),
                        d.get("considerations", ""), policy_link=d.get("policy_link", ""),
                        decided_on=decided_on, confirm=confirm, **kwargs)


def stages_of(scenario: Scenario) -> list[str] | str:
    """The stages the case moves to, in order; a problem text when the file's
    expectations are off its way."""
    declining = (scenario.decision or {}).get("outcome") == "decline"
    wanted = {e.at for e in scenario.expectations}
    if declining and wanted - {"preparation", "declined"}:
        return "a declined case goes no further than 'declined'"
    if "declined" in wanted and not declining:
        return "an expectation at 'declined' needs [decision] outcome = \"decline\""
    target = max(wanted, key=_WAY.index)
    try:
        steps = lifecycle.path(scenario.form, "initiative", target)
    except SamverkanError as exc:
        return str(exc)
    stages = [to for _frm, to in steps]
    off = sorted(wanted - set(stages))
    if off:
        return f"{scenario.form} collaborations do not pass {', '.join(off)} (their way: {', '.join(stages)})"
    return stages


def _database(workdir: Path, scenario: Scenario) -> Path:
    stem = f"{scenario.municipality}-{Path(scenario.file).stem}"
    db, n = workdir / f"{stem}.db", 1
    while db.exists():
        n += 1
        db = workdir / f"{stem}-{n}.db"
    return db


def run_scenario(scenario: Scenario, registry: Registry, workdir: Path) -> ScenarioResult:
    """Run ``scenario`` on a new SQLite file in ``workdir`` and compare with its expectations.

    :param registry: the loaded plugins (the scenario's municipality among them).
    :returns: the steps taken and the differences (none: the rules say what the file expects).
    """
    result = ScenarioResult(scenario)
    stages = stages_of(scenario)
    if isinstance(stages, str):
        result.problems.append(stages)
        return result
    expected = {e.at: e for e in scenario.expectations}
    known_problems = len(registry.problems)
    s = Services.open(_database(workdir, scenario), scenario.user, "scenario", registry=registry,
                      today=scenario.today)
    walk = _Walk(scenario, s)
    try:
        s.set_municipality(scenario.municipality)
        walk.setup()
        stopped = False
        for to in stages:
            findings, outcome = walk.transition(to)
            result.steps.append(Step(to, findings, outcome))
            if to in expected:
                result.problems.extend(compare(expected.pop(to), findings, outcome))
            elif outcome == "refused":
                stopped = True
                result.problems.append(f"at {to}: refused before the case reaches {', '.join(expected)}:")
                result.problems.extend(f"  {finding_text(f)}" for f in findings if f.blocking)
            if outcome == "refused":
                break
        if expected and not stopped:
            result.problems.append(f"not reached: {', '.join(expected)} (refused at {result.steps[-1].to})")
    except SamverkanError as exc:
        at = f"the transition to {result.steps[-1].to}" if result.steps else "the registration"
        result.problems.append(f"the case cannot be entered (after {at}): {exc}")
    finally:
        s.store.close()
    result.problems.extend(f"plugin problem: {p.plugin} in {p.hook}: {p.error}"
                           for p in registry.problems[known_problems:])
    return result
