"""The rule-data schema: the tables and keys a plugin's TOML files may hold, and their checks.

A municipality is declared in TOML files of this one schema in its package's ``data/``
folder (any number of files; each table in whichever file suits). :data:`TABLES`
describes every table and key, :data:`GATE_KINDS` the keys of each gate kind; the
reference in docs/writing-a-plugin.md is written from them (a test keeps the two in
step). :func:`check_file` checks one parsed file against the schema; cross-references
(a document, a record kind, a checklist item named elsewhere) are checked by
:mod:`samverkan.plugin.datapack` once every file is read. Every problem is one
:class:`SchemaError` naming the file, the line (found in the text, as tomllib gives no
positions of keys) and the key path.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from samverkan.domain.errors import SamverkanError
from samverkan.domain.form_guide import EFFECTS
from samverkan.domain.gate_kinds import CHECK_STATES, OPERATORS, path_error
from samverkan.domain.lifecycle import STAGES
from samverkan.domain.model import FORM_KEYS, INITIATORS, LEVELS
from samverkan.domain.rules import CULL_ACTIONS, RETAINED, RETENTION_FROM, Retention

SCHEMA_VERSION = 1
#: ``package.module:attribute``, the way data names a piece of Python; ``…:attribute()``
#: calls it (without arguments, once) and uses what it returns
REF = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*(\(\))?$")


class SchemaError(SamverkanError):
    """A plugin's rule data does not follow the schema.

    ``str()`` is one line: ``data/gates.toml:42: gates[3].severity: expected …``.
    """

    located = True  # the manager reports it without a traceback location

    def __init__(self, file: str, path: str, message: str, line: int | None = None):
        self.file, self.path, self.line, self.problem = file, path, line, message
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {path}: {message}" if path else f"{where}: {message}")


@dataclass(frozen=True)
class Key:
    """One key of a table: its type, whether it is required, and what it means.

    ``type`` is one of ``str``, ``bool``, ``int``, ``number``, ``list`` (of strings),
    ``forms`` (form keys), ``stages`` (stage keys), ``ref`` (``module:attr``), ``date`` (a TOML
    date or an ISO date ``"2024-11-01"``), ``severity``
    (``"blocking"``/``"advisory"`` or a table of them by stage), ``conditions`` (a list of
    condition tables), ``table`` or ``any``.
    """

    type: str
    doc: str
    required: bool = False
    choices: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Table:
    """A table of the schema: ``[name]`` (one) or ``[[name]]`` (many, each with ``id_key``)."""

    name: str
    doc: str
    keys: dict[str, Key]
    many: bool = True
    id_key: str = ""
    free: bool = False  # keys beyond ``keys`` are allowed (for the plugin's own Python)
    children: dict[str, Table] = field(default_factory=dict)


def _sourced(required: bool = True, quoted: bool = False) -> dict[str, Key]:
    """The keys that say where a rule comes from; ``quoted``: the quote and the level are
    required (every rule, checklist item, gate, section, form and policy)."""
    return {
        "document": Key("str", "the `key` of the `[[documents]]` entry the rule comes from", required),
        "section": Key("str", "where in the document: page, section, paragraph (`s. 8`, `§ 5`)"),
        "quote": Key("str", "the sentence(s) of the document the rule rests on, verbatim; `[…]` marks "
                     "an omission; checked against the document's `text_file`; required except at level `default`"),
        "level": Key("str", "the obligation the source states: `requirement` (*ska*, *måste*, *får inte*: "
                     "blocks), `recommendation` (*bör*: advises), `guidance` (*kan*, an example: help only, "
                     "never gates) or `default` (the software's own; cite a `software = true` document)",
                     quoted, LEVELS),
        "deviation": Key("str", "why the rule's effect deliberately differs from its level"),
    }


_FORMS = Key("forms", "the form keys it concerns; leave out for every form")


def _dated(document: bool = False) -> dict[str, Key]:
    """The keys of a dated version: a document's period, or an entry's own one."""
    if document:
        return {
            "valid_from": Key("date", "the first day the rules citing it apply (`2024-11-01`); "
                              "left out: in force since always"),
            "valid_until": Key("date", "the last day they apply, when the document was replaced; "
                               "left out: still in force"),
            "date_assumed": Key("bool", "true where the period is not read from the document itself "
                                "(only the month or year is known)"),
            "date_note": Key("str", "what an assumed date rests on"),
        }
    return {
        "valid_from": Key("date", "its own first day in force, where it differs from its document's"),
        "valid_until": Key("date", "its own last day in force (a version replaced by a later one "
                           "with the same id)"),
        "date_assumed": Key("bool", "true where its own period is an assumption"),
        "date_note": Key("str", "what an assumed date rests on"),
    }


#: the records the case's other records depend on: culling anonymises them, never removes them
NOT_REMOVABLE = ("collaboration", "organisation", "decision", "agreement")


#: the tables whose entries are dated versions (they inherit their document's period)
DATED_TABLES = ("forms", "checks", "agreement_sections", "decision_authority", "follow_up_policy",
                "rules", "gates", "form_guide")

TABLES: dict[str, Table] = {t.name: t for t in (
    Table("municipality", "Who the plugin speaks for. Makes the plugin a municipality plugin.", {
        "key": Key("str", "stable key; must equal the entry-point name", True),
        "name": Key("str", "the municipality's name (`Exempelby kommun`)", True),
        "organisation": Key("str", "the board or administration whose guidelines these are", True),
        "mailbox": Key("str", "a functional mailbox, for notifications"),
        "schema": Key("int", f"the schema version the data is written for ({SCHEMA_VERSION})"),
    }, many=False),
    Table("documents", "The guideline documents every rule cites, in the order they are listed.", {
        "key": Key("str", "short key the other tables cite with `document = \"…\"`", True),
        "title": Key("str", "the document's title", True),
        "number": Key("str", "its diarienummer or other number"),
        "date": Key("str", "its date (`2024-11`, `november 2024`)"),
        "url": Key("str", "where it can be read"),
        "note": Key("str", "anything an auditor should know (e.g. the text was not available)"),
        "text_file": Key("str", "the document's text, a file in the data folder (`sources/amf_2024.txt`); "
                         "every quote citing the document must occur in it"),
        "software": Key("bool", "true: not a municipal document but the software's own defaults "
                        "(cited by rules at level `default`, which need no quote)"),
        **_dated(document=True),
    }, id_key="key"),
    Table("adopt", "National texts the municipality adopts (the core's sets, such as the democracy "
          "conditions of SOU 2019:35), each citing where the municipality adopts it; a set not "
          "adopted does not apply here.", {
        "set": Key("str", "the national set adopted", True, ("democracy",)),
        **_sourced(quoted=True),
    }, id_key="set"),
    Table("forms", "The collaboration forms the municipality offers, under its names.", {
        "form": Key("str", "the core's form key", True, FORM_KEYS),
        "name": Key("str", "the local name", True),
        "description": Key("str", "one sentence on the form", True),
        "offered": Key("bool", "false: the form exists but is not offered here (default true)"),
        "note": Key("str", "for a form not offered: where to turn instead (required then)"),
        **_sourced(quoted=True),
        **_dated(),
    }, id_key="form"),
    Table("checks", "Checklist items, answered before the decision (the national ones come from the core).", {
        "id": Key("str", "stable id, prefixed with the municipality key (`exempelby.iop.no_market`)", True),
        "text": Key("str", "the question as the officer answers it", True),
        "group": Key("str", "a heading to group items under"),
        "forms": _FORMS,
        "required": Key("bool", "must be answered before the decision (default true)"),
        "set": Key("str", "the national set it belongs to (the core's national data only): it applies "
                   "where a municipality adopts the set (`[[adopt]]`)", choices=("democracy",)),
        "blocking_if_not_met": Key("bool", "a `not_met` answer blocks the decision (default true); "
                                   "false: it is an advisory finding"),
        "needs_note": Key("bool", "the answer must be motivated (default false)"),
        **_sourced(quoted=True),
        **_dated(),
    }, id_key="id"),
    Table("record_kinds", "Kinds of records kept about a collaboration (a consultation, a pre-study).", {
        "key": Key("str", "stable key (`consultation`)", True),
        "label": Key("str", "what the interfaces call it", True),
        "description": Key("str", "what the record is for"),
        **_sourced(),
    }, id_key="key", children={"fields": Table("record_kinds.fields", "The fields of a record kind.", {
        "key": Key("str", "stable key of the field", True),
        "label": Key("str", "what the interfaces call it", True),
        "kind": Key("str", "`text` (default), `date`, `bool` or `choice`", choices=("text", "date", "bool", "choice")),
        "required": Key("bool", "must be filled in (default true)"),
        "choices": Key("list", "the allowed values of a `choice` field (required then)"),
        "personal": Key("bool", "true: the field holds personal data (a name, a contact detail): culling "
                        "blanks it and a register extract lists it (default false)"),
    }, id_key="key")}),
    Table("retention", "How long each kind of record is kept and what culling (gallring) does then, "
          "from the municipality's information management plan (dokumenthanteringsplan); one entry per "
          "record. A record without an entry is kept and not erasable; a record kind without one "
          "follows the entry for `record`.", {
        "record": Key("str", f"what it governs: one of the core's records ({', '.join(f'`{r}`' for r in RETAINED)}; "
                      "`record`: every record kind without an entry of its own) or the `key` of one of "
                      "the `[[record_kinds]]`", True),
        "years": Key("int", "the retention period in whole years, 0 or more; left out: kept for ever (bevaras)"),
        "after": Key("str", "from when the period runs: `ended` (default: the collaboration's end; for a "
                     "contact, the end of its organisation's last collaboration) or `created`",
                     choices=RETENTION_FROM),
        "cull": Key("str", "what culling does once the period has passed: `anonymise` (default: blank "
                    "the personal data, keep the rest) or `remove` (not for the records others depend "
                    f"on: {', '.join(f'`{r}`' for r in NOT_REMOVABLE)})",
                    choices=CULL_ACTIONS),
        "erasable": Key("bool", "true: a person's request for erasure (GDPR art. 17) may anonymise it before "
                        "its period has passed (default false: the law requires keeping it)"),
        "reason": Key("str", "why the record is kept (shown when an erasure keeps it); required when it is "
                      "not erasable"),
        **_sourced(quoted=True),
    }, id_key="record"),
    Table("agreement_sections", "Sections a written agreement must (`required`) or should contain; "
          "enforced by the core's gate `core.agreement.sections`.", {
        "key": Key("str", "stable key; `goals` is also met by the agreement's goals field", True),
        "title": Key("str", "the section's title", True),
        "required": Key("bool", "true where the source says *ska* (blocking), false for *bör* (advisory); default true"),
        "guidance": Key("str", "what to write, shown with the field"),
        "forms": Key("forms", "forms whose agreements have it; leave out for every form with a written agreement"),
        **_sourced(quoted=True),
        **_dated(),
    }, id_key="key"),
    Table("decision_authority", "Who decides: the first entry whose `forms` hold the form; "
          "none: the responsible manager (the core's default).", {
        "kind": Key("str", "`manager`, `board` (meeting date and paragraph recorded) or `delegation` "
                    "(as the delegation order says: the manager or the board)", True, ("manager", "board", "delegation")),
        "body": Key("str", "who, in the municipality's words", True),
        "forms": _FORMS,
        **_sourced(quoted=True),
        **_dated(),
    }),
    Table("follow_up_policy", "How often and how a collaboration is followed up: the first entry "
          "whose `forms` hold the form; none: no schedule.", {
        "interval_months": Key("int", "a follow-up is due this many months after the start or the last one; "
                               "left out: no schedule (the measure and the evaluation still apply)"),
        "measure": Key("str", "how results are measured, in the municipality's words", True),
        "evaluate": Key("ref", "Python that computes figures from a follow-up's evaluation (`module:function`)"),
        "evaluation_fields": Key("any", "the evaluation's keys: a list, or a `module:attr` naming one"),
        "forms": _FORMS,
        **_sourced(quoted=True),
        **_dated(),
    }, free=True),
    Table("rules", "Answers to the comparison topics, for `rules show` and `rules compare`.", {
        "id": Key("str", "stable id, prefixed with the municipality key", True),
        "topic": Key("str", "a core topic key, or one declared in `[[topics]]`", True),
        "text": Key("str", "the rule in the source's words", True),
        "value": Key("any", "a normalised value from the topic's vocabulary, where the rule has one"),
        "forms": _FORMS,
        **_sourced(quoted=True),
        **_dated(),
    }, id_key="id"),
    Table("topics", "Comparison topics of the plugin's own, beyond the core's.", {
        "key": Key("str", "a neutral key another municipality can answer too (`public_benefit`)", True),
        "label": Key("str", "a neutral Swedish label", True),
        "explanation": Key("str", "what the topic asks", True),
        "values": Key("any", "the values its rules may give (text, true/false, numbers); leave out to "
                      "compare by text"),
    }, id_key="key"),
    Table("gates", "Rules that guard lifecycle transitions, of the kinds below; evaluated by the core.", {
        "id": Key("str", "stable id, prefixed with the municipality key", True),
        "kind": Key("str", "one of the gate kinds", True),
        "description": Key("str", "the rule in one line", True),
        "stages": Key("stages", "the stages whose transitions it guards (to these stages); leave out for every one"),
        "forms": _FORMS,
        "severity": Key("severity", "`blocking` or `advisory`, or a table by stage; left out: what the `level` "
                         "makes it (a requirement blocks, a recommendation advises)"),
        "message": Key("str", "the finding's text"),
        "when": Key("conditions", "conditions on the case for the gate to apply"),
        **_sourced(quoted=True),
        **_dated(),
    }, id_key="id"),
    Table("form_guide", "What the answers of the core's form questionnaire mean here: each entry "
          "points to a form, rules one out or raises a caution.", {
        "id": Key("str", "stable id, prefixed with the municipality key", True),
        "form": Key("str", "the form it is about", True, FORM_KEYS),
        "when": Key("table", "the answers that trigger it (`{ market = \"yes\" }`)", True),
        "effect": Key("str", "`points_to`, `rules_out` (*ska*, *får inte*) or `caution` (*bör*)", True, EFFECTS),
        "reason": Key("str", "the consequence in the municipality's words", True),
        **_sourced(quoted=True),
        **_dated(),
    }, id_key="id"),
    Table("reports", "Reports built by the plugin's Python.", {
        "key": Key("str", "the key `samverkan report KEY` takes", True),
        "title": Key("str", "the report's title", True),
        "description": Key("str", "one sentence on it", True),
        "build": Key("ref", "`module:function` given the session, returning a ReportTable", True),
        **_sourced(required=False),
    }, id_key="key"),
    Table("notifications", "Notifications rendered by the plugin's Python.", {
        "render": Key("ref", "`module:function(event, context)` returning a list of Notification", True),
        "periodic": Key("ref", "`module:function(on, reads)` returning the notifications sent on a schedule "
                               "(each once per `reason`; put the period in it)"),
    }, many=False),
    Table("demo", "Demo data, entered through the services by the plugin's Python; its other keys are "
          "that function's data.", {
        "load": Key("ref", "`module:function(services)`", True),
    }, many=False, free=True),
    Table("extra", "Data for the plugin's own Python (parameters of a computation); not read by the core.",
          {}, many=False, free=True),
)}

#: the keys each gate kind adds to the common gate keys
GATE_KINDS: dict[str, dict[str, Key]] = {
    "initiator": {
        "initiator": Key("str", "who must have taken the initiative", True, INITIATORS),
    },
    "check": {
        "check": Key("str", "the id of a checklist item", True),
        "refuse": Key("list", "answers the gate refuses (default `[\"not_applicable\"]`); "
                      "unanswered, not met and a missing motivation are the core checklist gate's",
                      choices=CHECK_STATES),
    },
    "record": {
        "record": Key("str", "the key of a `[[record_kinds]]` entry that must exist", True),
        "date_field": Key("str", "the record's date field"),
        "not_after": Key("list", "dates it must not be after: `today`, `agreement.signed_on`, "
                         "`decision.decided_on` …; a record dated later does not count"),
        "message_late": Key("str", "said instead of `message` when a record exists but came after "
                            "a limit other than today (`{limit}`)"),
        "conditions": Key("conditions", "requirements on the newest record that counts, each with its "
                          "`message` (the record's fields as `{placeholders}`)"),
    },
    "contributions": {
        "message_municipality": Key("str", "said when the municipality contributes nothing"),
        "message_partner": Key("str", "said when no other party contributes anything"),
        "message_party": Key("str", "said for each party contributing nothing (`{party}`)"),
    },
    "share": {
        "benchmark": Key("number", "the municipality's share aimed for (0.5)", True),
        "tolerance": Key("number", "how far the share may stray, in share points (0.10)", True),
        "above": Key("str", "the `{side}` word when the share is above", True),
        "below": Key("str", "the `{side}` word when it is below", True),
    },
    "documented": {
        "fields": Key("list", "field paths of which at least one must hold text", True),
    },
    "fact": {
        "field": Key("str", "the field path of the fact", True),
        "equals": Key("any", "the value it must have", True),
    },
    "python": {
        "python": Key("ref", "`module:function(context)` yielding messages or findings", True),
    },
}

CONDITION_KEYS: dict[str, Key] = {
    "field": Key("str", "a field path (`when`) or a field of the record (`conditions`)", True),
    **{op: Key("any", doc) for op, doc in (
        ("equals", "the value it must have"), ("not_equals", "a value it must not have"),
        ("one_of", "a list of values, one of which it must have"),
        ("present", "true: it must be filled in (or recorded); false: it must not"),
        ("not_after", "a date it must not be after (`today`, a field path or a date)"),
        ("not_before", "a date it must not be before"))},
    "message": Key("str", "the finding when the condition does not hold (record conditions)"),
    "severity": Key("str", "its own severity", choices=("blocking", "advisory")),
    **_sourced(required=False),
}


def retention_error(rule: Retention, record_kinds: Iterable[str]) -> tuple[str, str] | None:
    """What is wrong with retention rule ``rule`` as (key, problem), or None when nothing is.

    ``record_kinds`` are the keys of the municipality's record kinds (a rule may govern
    one of them besides the core's :data:`~samverkan.domain.rules.RETAINED` records).
    Used by the data loader (which reports the key with file and line) and by the view
    (which refuses what a plugin's Python registers).
    """
    kinds = tuple(record_kinds)
    if rule.record not in RETAINED and rule.record not in kinds:
        return "record", (f"unknown record {rule.record!r}; expected one of {', '.join(RETAINED)} or a record "
                          f"kind ({', '.join(kinds) or 'none declared'})")
    years = rule.years
    if years is not None and (isinstance(years, bool) or not isinstance(years, int) or years < 0):
        return "years", f"a retention period is whole years, 0 or more (left out: kept for ever), got {years!r}"
    if rule.after not in RETENTION_FROM:
        return "after", f"expected one of {', '.join(RETENTION_FROM)}, got {rule.after!r}"
    if rule.cull not in CULL_ACTIONS:
        return "cull", f"expected one of {', '.join(CULL_ACTIONS)}, got {rule.cull!r}"
    if rule.cull == "remove" and rule.record in NOT_REMOVABLE:
        return "cull", (f"{rule.record!r} cannot be removed: the case's other records depend on it "
                        f"(cull = \"anonymise\" blanks its personal data and keeps the rest)")
    if not rule.erasable and not (rule.reason or "").strip():
        return "reason", ("a record that is not erasable says why it is kept (add `reason = \"…\"`, "
                          "or `erasable = true`)")
    return None


# -- locating a key path in the file's text ------------------------------------------

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")


def line_of(text: str, path: tuple[str | int, ...]) -> int | None:
    """The 1-based line of ``path`` (``("gates", 3, "severity")``) in TOML ``text``, best effort.

    Follows ``[table]`` and ``[[array]]`` headers (the n-th one for an index), then the
    ``key =`` line inside; a key that is missing gives the line of its table's header.
    """
    lines = text.splitlines()

    def header(n: int) -> str | None:
        m = _HEADER.match(lines[n])
        return m.group(2).replace('"', "") if m else None

    lo, hi, found, prefix = 0, len(lines), None, ""
    steps = list(path)
    while steps:
        name = str(steps.pop(0))
        full = f"{prefix}.{name}" if prefix else name
        index = steps.pop(0) if steps and isinstance(steps[0], int) else None
        hits = [n for n in range(lo, hi) if header(n) == full]
        if hits and (index is None or index < len(hits)):
            lo = hits[index or 0]
            found, prefix = lo + 1, full
            hi = next((n for n in range(lo + 1, hi) if (h := header(n)) and not h.startswith(full + ".")), hi)
            continue
        body_end = next((n for n in range(lo + (1 if found else 0), hi) if header(n)), hi)
        key = re.compile(rf'^\s*"?{re.escape(name)}"?\s*=')
        hit = next((n for n in range(lo, body_end) if key.match(lines[n])), None)
        if hit is not None:
            found = hit + 1
        break
    return found


def show(path: tuple[str | int, ...]) -> str:
    """``("gates", 3, "severity")`` as ``gates[3].severity``."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


# -- checking one file -------------------------------------------------------------


@dataclass
class Located:
    """A table of a file with where it is: the file, its text and its key path."""

    file: str
    text: str
    path: tuple[str | int, ...]
    data: dict[str, Any]

    def error(self, key: str | tuple[str | int, ...] | None, message: str) -> SchemaError:
        """A :class:`SchemaError` about ``key`` of this table (or the table itself)."""
        tail = () if key is None else (key if isinstance(key, tuple) else (key,))
        path = (*self.path, *tail)
        return SchemaError(self.file, show(path), message, line_of(self.text, path))

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, or ``default``."""
        return self.data.get(key, default)


def as_date(value: Any) -> dt.date | None:
    """A ``date`` key's value as a date (a TOML date, or an ISO date in a string); None if neither."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _type_error(key: Key, value: Any) -> str | None:
    t = key.type
    if t == "any" or (t == "table" and isinstance(value, dict)):
        return None
    if t == "date":
        return None if as_date(value) else f"expected a date (2024-11-01), got {value!r}"
    expected = {"str": str, "bool": bool, "int": int, "number": (int, float), "ref": str}.get(t)
    if expected is not None:
        if isinstance(value, bool) and t in ("int", "number"):
            return f"expected a {t}, got {value!r}"
        if not isinstance(value, expected):
            return f"expected a {'string' if t in ('str', 'ref') else t}, got {value!r}"
        if t == "ref" and not REF.match(value):
            return f"expected 'package.module:attribute', got {value!r}"
        if t == "str" and key.required and not value.strip():
            return "must not be empty"
        if key.choices and value not in key.choices:
            return f"expected one of {', '.join(map(str, key.choices))}, got {value!r}"
        return None
    if t in ("list", "forms", "stages"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"expected a list of strings, got {value!r}"
        allowed = {"forms": FORM_KEYS, "stages": STAGES}.get(t, key.choices)
        bad = [v for v in value if allowed and v not in allowed]
        return f"unknown {t if t != 'list' else 'value'} {bad[0]!r}; expected one of {', '.join(allowed)}" if bad else None
    if t == "severity":
        if value in ("blocking", "advisory"):
            return None
        if isinstance(value, dict) and value and all(v in ("blocking", "advisory") for v in value.values()):
            return None
        return f"expected 'blocking', 'advisory' or a table of them by stage, got {value!r}"
    if t == "conditions":
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            return None
        return f"expected a list of tables, got {value!r}"
    return f"expected a {t}, got {value!r}"


def check_keys(where: Located, keys: dict[str, Key], free: bool = False) -> None:
    """Check ``where``'s keys against ``keys``: unknown, missing and mistyped keys."""
    for name, value in where.data.items():
        key = keys.get(name)
        if key is None:
            if free:
                continue
            raise where.error(name, f"unknown key; expected one of {', '.join(keys)}")
        problem = _type_error(key, value)
        if problem:
            raise where.error(name, problem)
    for name, key in keys.items():
        if key.required and name not in where.data:
            raise where.error(None, f"missing required key {name!r}")


def check_conditions(where: Located, name: str, record: bool) -> None:
    """Check the condition tables under key ``name`` of a gate."""
    for i, cond in enumerate(where.get(name, ())):
        c = Located(where.file, where.text, (*where.path, name, i), cond)
        check_keys(c, CONDITION_KEYS)
        ops = [op for op in OPERATORS if op in cond]
        if len(ops) != 1:
            raise c.error(None, f"give exactly one of {', '.join(OPERATORS)}")
        value = cond[ops[0]]
        if ops[0] == "one_of" and not isinstance(value, list):
            raise c.error("one_of", f"expected a list of values, got {value!r}")
        if ops[0] == "present" and not isinstance(value, bool):
            raise c.error("present", f"expected true or false, got {value!r}")
        if ops[0] in ("not_after", "not_before") and (problem := _date_error(value)):
            raise c.error(ops[0], problem)
        if not record:
            problem = path_error(cond["field"])
            if problem:
                raise c.error("field", problem)
            if "message" in cond or "severity" in cond:
                raise c.error("message" if "message" in cond else "severity",
                              "a `when` condition decides whether the gate applies; it has no message")
        elif "message" not in cond:
            raise c.error(None, "missing required key 'message'")


def _date_error(value: Any) -> str | None:
    """Why ``value`` is no date limit (``today``, a field path, a date), or None."""
    if isinstance(value, dt.date):
        return None
    if not isinstance(value, str):
        return f"expected 'today', a field path or a date, got {value!r}"
    if value == "today" or "." in value:
        return path_error(value)
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return f"expected 'today', a field path or a date (YYYY-MM-DD), got {value!r}"
    return None


def check_gate(where: Located) -> None:
    """Check one ``[[gates]]`` entry: its common keys and those of its kind."""
    kind = where.get("kind")
    if kind not in GATE_KINDS:
        raise where.error("kind", f"unknown gate kind {kind!r}; expected one of {', '.join(GATE_KINDS)}")
    check_keys(where, {**TABLES["gates"].keys, **GATE_KINDS[kind]})
    severity = where.get("severity")
    if isinstance(severity, dict):
        stages = where.get("stages", [])
        bad = [s for s in severity if s not in stages]
        if bad:
            raise where.error("severity", f"stage {bad[0]!r} is not one of the gate's stages")
    if kind not in ("python", "contributions") and "message" not in where.data:
        raise where.error(None, "missing required key 'message'")
    if kind == "contributions" and "message" not in where.data and not (
            where.get("message_municipality") and where.get("message_partner")):
        raise where.error(None, "give 'message', or 'message_municipality' and 'message_partner'")
    check_conditions(where, "when", record=False)
    check_conditions(where, "conditions", record=True)
    for name in ("fields", "not_after"):
        for i, path in enumerate(where.get(name, [])):
            problem = path_error(path)
            if problem:
                raise where.error((name, i), problem)
    if kind == "fact" and (problem := path_error(where.get("field"))):
        raise where.error("field", problem)
    if kind == "share":
        for name in ("benchmark", "tolerance"):
            if not 0 <= where.get(name) <= 1:
                raise where.error(name, f"expected a share from 0 to 1, got {where.get(name)!r}")


def entries(file: str, text: str, raw: dict[str, Any]) -> Iterator[tuple[Table, Located]]:
    """Check one parsed file against :data:`TABLES`; yield each table entry with its place.

    :raises SchemaError: naming the file, line and key path of the first problem.
    """
    for name, value in raw.items():
        table = TABLES.get(name)
        top = Located(file, text, (), raw)
        if table is None:
            raise top.error(name, f"unknown table; expected one of {', '.join(TABLES)}")
        if table.many:
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise top.error(name, f"expected [[{name}]] entries")
            items = [Located(file, text, (name, i), v) for i, v in enumerate(value)]
        else:
            if not isinstance(value, dict):
                raise top.error(name, f"expected a [{name}] table")
            items = [Located(file, text, (name,), value)]
        for item in items:
            if name == "gates":
                check_gate(item)
            else:
                child_keys = {k: Key("any", "") for k in table.children}
                check_keys(item, {**table.keys, **child_keys}, table.free)
            for child_name, child in table.children.items():
                rows = item.get(child_name, [])
                if not isinstance(rows, list) or not rows:
                    raise item.error(child_name, f"expected one or more [[{child.name}]] entries")
                for j, row in enumerate(rows):
                    check_keys(Located(file, text, (*item.path, child_name, j), row), child.keys)
            yield table, item
