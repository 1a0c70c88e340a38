"""Obligation levels as data: the level a rule states decides its effect.

A requirement (*ska*) blocks, a recommendation (*bör*) advises, guidance (*kan*, an
example) is help and never gates; a rule of the software's own cites no municipal
document. The loader refuses data whose effect contradicts its level, unless the entry
says why (``deviation``). Packs are built from inline TOML with the core's own loader.
"""

from __future__ import annotations

import tomllib

import pytest

from samverkan.domain.lifecycle import CORE_GATES, GateContext, evaluate
from samverkan.domain.model import CheckAnswer, Collaboration
from samverkan.plugin.datapack import DataPack
from samverkan.plugin.schema import SchemaError

HEAD = """\
[municipality]
key = "nivaby"
name = "Nivåby kommun"
organisation = "Kommunstyrelsen"

[[documents]]
key = "riktlinjer"
title = "Riktlinjer i Nivåby"

[[documents]]
key = "samverkan"
title = "samverkan: programmets standard"
software = true
"""


def pack(extra: str) -> DataPack:
    text = HEAD + extra
    return DataPack("sv_nivaby", "data", [("nivaby/data/a.toml", text, tomllib.loads(text))])


def gate(level: str, severity: str = "") -> str:
    sev = f'severity = "{severity}"\n' if severity else ""
    return f"""
[[gates]]
id = "nivaby.iop.both"
kind = "contributions"
description = "Båda parter bidrar"
stages = ["decided"]
forms = ["iop"]
{sev}message = "Båda parter ska bidra."
document = "riktlinjer"
level = "{level}"
quote = "Båda parter bidrar."
"""


def test_the_level_gives_the_gates_severity_when_none_is_written():
    assert pack(gate("requirement")).gates()[0].blocking
    assert not pack(gate("recommendation")).gates()[0].blocking


@pytest.mark.parametrize(("level", "severity", "said"), [
    ("recommendation", "blocking", "a recommendation advises"),
    ("requirement", "advisory", "a requirement blocks"),
    ("guidance", "", "guidance is shown as help and never gates"),
])
def test_a_severity_against_the_level_is_refused_naming_the_line(level, severity, said):
    with pytest.raises(SchemaError) as refused:
        pack(gate(level, severity))
    assert said in str(refused.value) and "a.toml:" in str(refused.value)


def test_a_deliberate_deviation_carries_its_reason():
    g = pack(gate("recommendation", "blocking") + 'deviation = "Nämnden beslutade 2026 att kräva det."\n').gates()[0]
    assert g.blocking and g.source.deviation == "Nämnden beslutade 2026 att kräva det."


def check(level: str, extra: str = "") -> str:
    return f"""
[[checks]]
id = "nivaby.minors"
text = "Kompetens om målgruppen är minderåriga."
document = "riktlinjer"
level = "{level}"
quote = "Till exempel kan höga krav ställas."
{extra}"""


def ctx_with(items, answer: str | None) -> GateContext:
    c = Collaboration("Läger", "iop", [1], id=1, stage="preparation")
    answers = {} if answer is None else {items[0].id: CheckAnswer(1, items[0].id, answer)}
    return GateContext(collaboration=c, from_stage="preparation", to_stage="decided", actor="anna",
                       checks=items, answers=answers)


def test_a_checklist_item_acts_at_its_level():
    requirement = pack(check("requirement")).checks
    recommendation = pack(check("recommendation")).checks
    guidance = pack(check("guidance")).checks
    checks_gate = [g for g in CORE_GATES if g.id == "core.checks"]
    # a requirement: unanswered and "not met" block
    assert [f.blocking for f in evaluate(checks_gate, ctx_with(requirement, "not_met"))] == [True]
    # a recommendation: "not met" advises
    assert [f.blocking for f in evaluate(checks_gate, ctx_with(recommendation, "not_met"))] == [False]
    # guidance: help only, no finding whatever the answer
    assert evaluate(checks_gate, ctx_with(guidance, None)) == []
    assert evaluate(checks_gate, ctx_with(guidance, "not_met")) == []
    assert not guidance[0].required and not guidance[0].blocking_if_not_met


def test_a_checklist_item_may_not_block_beyond_its_level():
    with pytest.raises(SchemaError, match="a guidance does not block"):
        pack(check("guidance", "blocking_if_not_met = true\n"))


def test_findings_carry_the_level_and_the_quote():
    items = pack(check("requirement")).checks
    [finding] = evaluate([g for g in CORE_GATES if g.id == "core.checks"], ctx_with(items, "not_met"))
    assert finding.as_dict()["level"] == "requirement"
    assert finding.as_dict()["quote"] == "Till exempel kan höga krav ställas."


def section(level: str) -> str:
    return f"""
[[agreement_sections]]
key = "termination"
title = "Uppsägning"
document = "riktlinjer"
level = "{level}"
quote = "Avtalet bör ange uppsägning."
"""


def test_a_sections_level_decides_whether_it_is_required():
    assert pack(section("requirement")).agreement_sections("iop")[0].required
    assert not pack(section("recommendation")).agreement_sections("iop")[0].required


def test_a_quoted_rule_needs_its_quote_and_a_default_cites_the_software():
    with pytest.raises(SchemaError, match="quotes the sentence"):
        pack(gate("requirement").replace('quote = "Båda parter bidrar."\n', ""))
    with pytest.raises(SchemaError, match="cites no municipal document"):
        pack(gate("default").replace('document = "riktlinjer"', 'document = "riktlinjer"'))
    own = pack(gate("default").replace('document = "riktlinjer"', 'document = "samverkan"')
               .replace('quote = "Båda parter bidrar."\n', ""))
    assert own.gates()[0].source.level == "default" and own.gates()[0].blocking
    with pytest.raises(SchemaError, match="its rules are at level 'default'"):
        pack(gate("requirement").replace('document = "riktlinjer"', 'document = "samverkan"'))


def test_only_a_requirement_rules_a_form_out():
    guide = """
[[form_guide]]
id = "nivaby.guide.market"
form = "iop"
when = { market = "yes" }
effect = "rules_out"
reason = "Marknad finns."
document = "riktlinjer"
level = "recommendation"
quote = "Det bör inte finnas en marknad."
"""
    with pytest.raises(SchemaError, match="only a requirement rules a form out"):
        pack(guide)
    assert pack(guide.replace('"recommendation"', '"requirement"')).form_guide[0].effect == "rules_out"
