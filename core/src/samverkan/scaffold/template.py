"""The new plugin's rule data: every table of the schema, live or as a commented example.

The files are generated from :data:`samverkan.plugin.schema.TABLES` and
:data:`~samverkan.plugin.schema.GATE_KINDS`: each table starts with a comment naming every
key the schema has, with its type and meaning; then come the template's entries, each
followed by the optional keys it leaves out, commented. A table the template does not
fill (reports, notifications, demo data …) is written as a commented example. A key the
schema gains later is listed the day it is added, so the template cannot fall behind;
a test loads what is generated with the core's own loader.

The live entries describe a small IOP guideline (initiative, no market, both parties
contribute, about half each, consultation before the agreement, mandatory agreement
points) that passes the test kit as generated; the author replaces its words with the
municipality's own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from samverkan.plugin.schema import CONDITION_KEYS, GATE_KINDS, TABLES, Key
from samverkan.scaffold.toml_text import comment, key_lines, pair

#: which tables go into which data file (a table the schema gains later goes to the last)
FILES: dict[str, tuple[str, ...]] = {
    "municipality.toml": ("municipality", "documents"),
    "forms.toml": ("forms", "decision_authority", "follow_up_policy", "form_guide"),
    "checklist.toml": ("checks", "record_kinds", "agreement_sections"),
    "rules.toml": ("rules", "topics"),
    "gates.toml": ("gates",),
    "retention.toml": ("retention",),
    "python.toml": ("reports", "notifications", "demo", "extra"),
}

FILE_HEADERS = {
    "municipality.toml": "Who the plugin speaks for, and the guideline documents every rule cites.",
    "forms.toml": "The collaboration forms offered here, who decides, how collaborations are followed "
                  "up, and what the answers of the core's form questionnaire mean here.",
    "checklist.toml": "The checklist answered before a decision, the records kept about a collaboration, "
                      "and the sections an agreement must (ska) or should (bör) contain.",
    "rules.toml": "Answers to the comparison topics (`samverkan rules compare`), and topics of your own.",
    "gates.toml": "The rules that guard the lifecycle's transitions, of the core's gate kinds. Every "
                  "gate needs a scenario that expects its finding (scenarios/*.toml).",
    "retention.toml": "How long each kind of record is kept and what culling (gallring) does then, from the "
                      "municipality's dokumenthanteringsplan. A record without an entry is kept and not erasable.",
    "python.toml": "What Python computes, named as \"package.module:function\": reports, notifications, "
                   "demo data, and data for your own Python. Not needed by a plugin whose rules are all data.",
}


@dataclass
class Block:
    """One table of a data file: its live entries and, when it has none, a commented example."""

    table: str
    entries: list[dict[str, Any]] = field(default_factory=list)
    example: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


#: the template's guideline text, shipped as data/sources/riktlinjer.txt: every quote of
#: the template's rules is a sentence of it (the test kit checks), so the author who
#: replaces the text with the municipality's own sees which rules to re-quote
GUIDELINE_TEXT = """\
Riktlinjer för samverkan med civilsamhället (ersätt med dokumentets text)

1. Informell samverkan
Informell samverkan sker utan ersättning och utan skriftlig överenskommelse. Föreningsbidrag söks enligt kommunens bidragsregler.

2. Idéburet offentligt partnerskap (IOP)
2.1 Initiativet till ett IOP ska komma från organisationen.
2.2 Det får inte finnas en kommersiell marknad för verksamheten.
2.3 Verksamheten ska vara organisationens egen.
2.4 Båda parter ska bidra med resurser. Kommunen bör stå för ungefär hälften.

3. Överenskommelsen
Överenskommelsen ska innehålla mål, parternas roller och ansvar, budget och parternas insatser samt hur uppföljningen ska ske. Den bör innehålla villkor för uppsägning.

4. Samråd
Samråd ska ske innan en överenskommelse om IOP undertecknas.

5. Beslut
Nämnden beslutar om IOP. Beslutet ska dokumentera de överväganden som gjorts.

6. Uppföljning
Ett IOP ska följas upp gemensamt varje år mot överenskommelsens mål.
"""
_CONTENTS = ("Överenskommelsen ska innehålla mål, parternas roller och ansvar, budget och parternas insatser "
             "samt hur uppföljningen ska ske.")


def _src(section: str, quote: str, level: str = "requirement") -> dict[str, str]:
    """Where a template rule comes from: the section, the sentence quoted, its level."""
    return {"document": "riktlinjer", "section": section, "quote": quote, "level": level}


def blocks(key: str, name: str) -> dict[str, Block]:
    """The template's content for municipality ``key`` named ``name``, by table."""
    k = key
    return {b.table: b for b in (
        Block("municipality", [{
            "key": k, "name": name, "organisation": "Nämnden vars riktlinjer detta är (ändra)",
            "schema": 1,
        }], note="key must equal the entry point's name in pyproject.toml."),
        Block("documents", [{
            "key": "riktlinjer",
            "title": f"Riktlinjer för samverkan med civilsamhället, {name} (ersätt med dokumentets titel)",
            "date": "2026-01-01", "text_file": "sources/riktlinjer.txt",
        }], note="Cite a document with document = \"riktlinjer\", the place in it with section = \"…\" and "
                 "the sentence with quote = \"…\"; text_file is the document's text (replace "
                 "sources/riktlinjer.txt with the real one): every quote must occur in it."),
        Block("forms", [
            {"form": "iop", "name": "Idéburet offentligt partnerskap (IOP)",
             "description": "Partnerskap där organisationen tagit initiativet och marknad saknas.",
             **_src("avsnitt 2.1", "Initiativet till ett IOP ska komma från organisationen.")},
            {"form": "informal", "name": "Informell samverkan",
             "description": "Samverkan utan ersättning och utan skriftlig överenskommelse.",
             **_src("avsnitt 1", "Informell samverkan sker utan ersättning och utan skriftlig överenskommelse.",
                    "guidance")},
            {"form": "grant", "name": "Föreningsbidrag", "description": "Bidrag enligt bidragsreglerna.",
             "offered": False, "note": "föreningsbidrag söks enligt kommunens bidragsregler",
             **_src("avsnitt 1", "Föreningsbidrag söks enligt kommunens bidragsregler.", "guidance")},
        ], note="Form keys: informal, grant, procurement, iop, external, employer."),
        Block("decision_authority", [
            {"forms": ["iop"], "kind": "board", "body": "nämnden", **_src("avsnitt 5", "Nämnden beslutar om IOP.")},
        ], note="Forms without an entry are decided as the delegation order says (the manager or the board)."),
        Block("follow_up_policy", [
            {"forms": ["iop"], "interval_months": 12, "measure": "Gemensam uppföljning mot överenskommelsens mål.",
             **_src("avsnitt 6", "Ett IOP ska följas upp gemensamt varje år mot överenskommelsens mål.")},
        ]),
        Block("form_guide", [
            {"id": f"{k}.guide.iop.market", "form": "iop", "when": {"market": "yes"}, "effect": "rules_out",
             "reason": "Finns det en kommersiell marknad kan IOP inte användas.",
             **_src("avsnitt 2.2", "Det får inte finnas en kommersiell marknad för verksamheten.")},
        ], note="Questions and answers: pays, market, initiator, standard_grant, own_activity "
                "(samverkan.domain.form_guide.QUESTIONS)."),
        Block("checks", [
            {"id": f"{k}.iop.no_market", "group": "IOP-kriterier",
             "text": "Det finns ingen kommersiell marknad för verksamheten. Motivera.", "forms": ["iop"],
             "needs_note": True, **_src("avsnitt 2.2", "Det får inte finnas en kommersiell marknad för verksamheten.")},
            {"id": f"{k}.iop.own_activity", "group": "IOP-kriterier",
             "text": "Verksamheten är organisationens egen, inte en beställning från kommunen.",
             "forms": ["iop"], **_src("avsnitt 2.3", "Verksamheten ska vara organisationens egen.")},
        ], note="The national checks (competence, procurement, state aid) come from the core; list only "
                "your own. Adopt the democracy conditions of SOU 2019:35 with [[adopt]] set = \"democracy\"."),
        Block("record_kinds", [
            {"key": "consultation", "label": "Samråd", "description": "Samråd inför en överenskommelse om IOP.",
             **_src("avsnitt 4", "Samråd ska ske innan en överenskommelse om IOP undertecknas."),
             "fields": [{"key": "topic", "label": "Fråga"},
                        {"key": "date", "label": "Datum", "kind": "date"}]},
        ]),
        Block("agreement_sections", [
            {"key": "goals", "title": "Mål", "forms": ["iop"], **_src("avsnitt 3", _CONTENTS)},
            {"key": "roles", "title": "Parternas roller och ansvar", "forms": ["iop"], **_src("avsnitt 3", _CONTENTS)},
            {"key": "budget", "title": "Budget och parternas insatser", "forms": ["iop"],
             **_src("avsnitt 3", _CONTENTS)},
            {"key": "follow_up", "title": "Uppföljning", "forms": ["iop"], **_src("avsnitt 3", _CONTENTS)},
            {"key": "termination", "title": "Uppsägning", "forms": ["iop"],
             **_src("avsnitt 3", "Den bör innehålla villkor för uppsägning.", "recommendation")},
        ], note="The level decides: a requirement (ska) missing blocks, a recommendation (bör) advises, "
                "guidance is help with the field; the core's gate core.agreement.sections enforces them."),
        Block("rules", [
            {"id": f"{k}.initiative", "topic": "initiative", "value": "organisation", "forms": ["iop"],
             "text": "Ett IOP ska initieras av organisationen.",
             **_src("avsnitt 2.1", "Initiativet till ett IOP ska komma från organisationen.")},
            {"id": f"{k}.cost_split", "topic": "cost_split", "value": 0.5, "forms": ["iop"],
             "text": "Kommunen bör stå för ungefär hälften av partnerskapets värde.",
             **_src("avsnitt 2.4", "Kommunen bör stå för ungefär hälften.", "recommendation")},
        ], note="Topics and their values: docs/writing-a-plugin.md, \"Comparison topics and their values\"."),
        Block("topics", example=[
            {"key": "public_benefit", "label": "Allmännytta",
             "explanation": "Att verksamheten är allmännyttig och organisationens egen."},
        ]),
        Block("gates", [
            {"id": f"{k}.iop.initiative", "kind": "initiator",
             "description": "IOP: initiativet kommer från organisationen", "stages": ["decided"], "forms": ["iop"],
             "severity": "blocking", "initiator": "organisation",
             "message": "Ett IOP ska initieras av organisationen, inte av kommunen.", **_src("avsnitt 2.1", "Initiativet till ett IOP ska komma från organisationen.")},
            {"id": f"{k}.iop.no_market", "kind": "check",
             "description": "IOP: frågan om marknad får inte besvaras \"ej tillämplig\"", "stages": ["decided"],
             "forms": ["iop"], "severity": "blocking", "check": f"{k}.iop.no_market", "refuse": ["not_applicable"],
             "message": "Frågan om kommersiell marknad måste besvaras för ett IOP.", **_src("avsnitt 2.2", "Det får inte finnas en kommersiell marknad för verksamheten.")},
            {"id": f"{k}.iop.both_contribute", "kind": "contributions", "description": "IOP: båda parter bidrar",
             "stages": ["decided"], "forms": ["iop"], "severity": "blocking",
             "message": "Både kommunen och organisationen ska bidra till ett IOP.", **_src("avsnitt 2.4", "Båda parter ska bidra med resurser.")},
            {"id": f"{k}.iop.cost_split", "kind": "share",
             "description": "IOP: kommunens andel nära hälften (rådgivande)", "stages": ["decided"],
             "forms": ["iop"], "severity": "advisory", "benchmark": 0.5, "tolerance": 0.1, "above": "mer",
             "below": "mindre",
             "message": "Kommunen står för {percent} % av värdet, {side} än ungefär {target} %.",
             **_src("avsnitt 2.4", "Kommunen bör stå för ungefär hälften.", "recommendation")},
            {"id": f"{k}.iop.consultation", "kind": "record",
             "description": "IOP: samråd innan överenskommelsen undertecknas", "stages": ["agreement"],
             "forms": ["iop"], "severity": "blocking", "record": "consultation", "date_field": "date",
             "not_after": ["today", "agreement.signed_on"],
             "message": "Inget samråd är registrerat före överenskommelsen.",
             "message_late": "Samrådet hölls först efter att överenskommelsen undertecknades ({limit}).",
             **_src("avsnitt 4", "Samråd ska ske innan en överenskommelse om IOP undertecknas.")},
        ], example=[
            {"id": f"{k}.decision.considerations", "kind": "documented",
             "description": "Beslutet dokumenterar de överväganden som gjorts", "stages": ["decided"],
             "forms": ["iop"], "severity": "blocking", "fields": ["decision.considerations"],
             "message": "Beslutet saknar dokumenterade överväganden.",
             **_src("avsnitt 5", "Beslutet ska dokumentera de överväganden som gjorts.")},
            {"id": f"{k}.informal.no_compensation", "kind": "fact",
             "description": "Informell samverkan sker utan ersättning", "stages": ["decided"], "forms": ["informal"],
             "severity": "blocking", "field": "collaboration.compensated", "equals": False,
             "message": "Informell samverkan får inte ersättas; välj en formell form.",
             **_src("avsnitt 1", "Informell samverkan sker utan ersättning och utan skriftlig överenskommelse.")},
            {"id": f"{k}.iop.own_rule", "kind": "python", "description": "En regel som ingen gate-typ uttrycker",
             "stages": ["decided"], "forms": ["iop"], "severity": "blocking",
             "python": f"samverkan_{k}.gates:own_rule",
             **_src("avsnitt 2.3", "Verksamheten ska vara organisationens egen.")},
        ], note="One example of every gate kind: the live ones guard this template's IOP; the commented "
                "ones show the other kinds. Severity: blocking (ska, måste) or advisory (bör), or a table "
                "by stage (severity = { decided = \"advisory\", agreement = \"blocking\" })."),
        Block("retention", example=[
            {"record": "contact", "years": 2, "after": "ended", "cull": "remove", "erasable": True,
             "document": "dokumenthanteringsplan", "section": "…", "quote": "…", "level": "requirement"},
            {"record": "collaboration", "years": 10, "after": "ended", "cull": "anonymise",
             "reason": "Allmän handling i ärendet: bevaras enligt arkivlagen (1990:782) tills gallring är beslutad.",
             "document": "dokumenthanteringsplan", "section": "…", "quote": "…", "level": "requirement"},
            {"record": "decision", "reason": "Beslutet är en allmän handling som bevaras.",
             "document": "dokumenthanteringsplan", "section": "…", "quote": "…", "level": "requirement"},
        ], note="Records: contact, organisation, collaboration, decision, agreement, follow_up, document, "
                "record (every record kind without an entry of its own), user, notification, or the key of "
                "one of your [[record_kinds]]. Cite the municipality's dokumenthanteringsplan (add it to "
                "[[documents]] with its text); where it says nothing, a document with software = true at "
                "level \"default\", with a reason saying the period is the program's default."),
        Block("reports", example=[
            {"key": "iop-list", "title": "Alla IOP", "description": "Varje IOP med mål och uppföljning.",
             "build": f"samverkan_{k}.reports:iop_list"},
        ]),
        Block("notifications", example=[{"render": f"samverkan_{k}.notifications:for_event"}]),
        Block("demo", example=[{"load": f"samverkan_{k}.demo:load"}]),
        Block("extra", example=[{"benchmark_note": "data for your own Python"}]),
    )}


def _entry_lines(table: str, entry: dict[str, Any], keys: dict[str, Key], commented: bool,
                 show_missing: bool) -> list[str]:
    """One ``[[table]]``/``[table]`` entry; children (``[[record_kinds.fields]]``) after it."""
    spec = TABLES[table]
    pre = "# " if commented else ""
    head = f"[[{table}]]" if spec.many else f"[{table}]"
    lines = [pre + head]
    children = {n: entry[n] for n in spec.children if n in entry}
    lines += [pre + pair(name, v) for name, v in entry.items() if name not in children]
    if show_missing and not commented:
        lines += [f"# {pair(name, _placeholder(key))}" for name, key in keys.items()
                  if name not in entry and name not in spec.children and not key.required]
    for name, rows in children.items():
        child = spec.children[name]
        for row in rows:
            lines += ["", pre + f"[[{child.name}]]", *(pre + pair(n, v) for n, v in row.items())]
        if show_missing and not commented:
            used = {n for row in rows for n in row}
            lines += [f"# {pair(n, _placeholder(key))}" for n, key in child.keys.items() if n not in used]
    return lines


def _placeholder(key: Key) -> Any:
    """A value of ``key``'s type to show in a commented line."""
    if key.choices:
        return key.choices[0]
    return {"date": dt.date(2026, 1, 1), "str": "…", "bool": True, "int": 1, "number": 0.5, "list": [], "forms": ["iop"],
            "stages": ["decided"], "ref": "samverkan_x.module:function", "severity": "advisory",
            "conditions": [], "table": {}}.get(key.type, "…")


def render_table(block: Block) -> list[str]:
    """A table of the schema: its documentation, then its entries or its commented example."""
    spec = TABLES[block.table]
    head = f"[[{spec.name}]]" if spec.many else f"[{spec.name}]"
    lines = ["", "# " + "-" * 94, *comment(f"{head}: {spec.doc}")]
    if block.note:
        lines += comment(block.note)
    lines += ["#", *key_lines(spec.keys)]
    for child in spec.children.values():
        lines += ["#", *comment(f"[[{child.name}]]: {child.doc}"), *key_lines(child.keys)]
    if spec.free:
        lines += comment("  (other keys: data for the plugin's own Python)")
    if block.table == "gates":
        lines += _gate_kind_docs()
    lines += ["# " + "-" * 94]
    for i, entry in enumerate(block.entries):
        lines += ["", *_entry_lines(block.table, entry, spec.keys, False, show_missing=i == 0)]
    if block.example:
        if block.entries:
            lines += ["", "# More examples (remove the '# ' to use one):"]
        for entry in block.example:
            lines += ["", *_entry_lines(block.table, entry, spec.keys, True, show_missing=False)]
    return lines


def _gate_kind_docs() -> list[str]:
    lines = ["#", *comment("Each kind adds its own keys:")]
    for kind, keys in GATE_KINDS.items():
        lines += ["#", f"# kind = \"{kind}\"", *key_lines(keys)]
    lines += ["#", *comment("Conditions ({ field = …, <operator> = … }), under `when` (any kind) and a "
                            "record gate's `conditions`:"), *key_lines(CONDITION_KEYS)]
    return lines


def data_files(key: str, name: str) -> dict[str, str]:
    """file name -> text of every data file of a new plugin for ``key`` named ``name``."""
    content = blocks(key, name)
    placed = {t for tables in FILES.values() for t in tables}
    files = dict(FILES)
    unplaced = tuple(t for t in TABLES if t not in placed)
    if unplaced:  # a table the schema gained after this template was written
        last = list(files)[-1]
        files[last] = (*files[last], *unplaced)
    out = {}
    for filename, tables in files.items():
        lines = [*comment(f"samverkan_{key}/data/{filename}: {FILE_HEADERS.get(filename, '')}"),
                 *comment("The schema of every table and key: docs/writing-a-plugin.md. Check with "
                          "`samverkan plugin check .`")]
        for table in tables:
            if table in TABLES:
                lines += render_table(content.get(table) or Block(table, example=[_stub(table)]))
        out[filename] = "\n".join(lines).strip() + "\n"
    out["sources/riktlinjer.txt"] = GUIDELINE_TEXT
    return out


def _stub(table: str) -> dict[str, Any]:
    """A commented example of a table the template has no content for: its required keys."""
    return {n: _placeholder(k) for n, k in TABLES[table].keys.items() if k.required}
