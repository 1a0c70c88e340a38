"""A plugin's rule data, read once and validated, and the objects the core builds from it.

:func:`load_pack` reads every ``*.toml`` file of a package's data folder (in name order),
checks each against the schema (:mod:`samverkan.plugin.schema`), then checks what the
files refer to across each other (documents, record kinds, checklist items, topics,
unique ids) and builds the core's objects: the :class:`Municipality`, forms, checklist,
record kinds, retention rules, agreement sections, decision authorities, follow-up
policies, rule texts, topics and declared gates. Python that the data names as
``"module:attr"`` (a report's ``build``, SROI's ``evaluate``, a ``python`` gate) is
imported when first asked for.
Any problem is one :class:`~samverkan.plugin.schema.SchemaError` naming file, line and key.

**Dated versions.** A document may carry the period its rules apply (``valid_from``,
``valid_until``); forms, checks, agreement sections, decision authorities, follow-up
policies, rules, gates and form-guide entries inherit it unless they give their own. An
id may be declared again as a later version, provided no two versions of it are in force
on the same day. The pack keeps every version and answers "what is in force on DATE"
(``checks_on(date)``, ``gates(date)`` …; no date: today), so a collaboration is judged
under the rules of its decision date.

:class:`samverkan.plugin.dataplugin.DataPlugin` serves a pack through the hooks; a plugin's
own Python reads its pack with :func:`load_pack` (Linköping's value model, for one).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import re
import tomllib
from decimal import Decimal
from functools import cache, cached_property
from importlib import resources
from typing import Any

from samverkan.domain import form_guide
from samverkan.domain import gate_kinds as gk
from samverkan.domain.errors import SamverkanError
from samverkan.domain.lifecycle import Gate
from samverkan.domain.model import FORMS, CheckItem, Source
from samverkan.domain.rules import (
    AgreementSection,
    DecisionAuthority,
    Document,
    FollowUpPolicy,
    FormOffer,
    Municipality,
    RecordField,
    RecordKind,
    Report,
    Retention,
    RuleText,
    Validity,
)
from samverkan.domain.topics import TOPICS, Topic, Values, extra_topic_error, value_error
from samverkan.plugin.schema import (
    DATED_TABLES,
    REF,
    SCHEMA_VERSION,
    TABLES,
    Located,
    SchemaError,
    as_date,
    entries,
    retention_error,
)

_TOML_LINE = re.compile(r"at line (\d+)")
#: the keys of a dated version, which the core's objects do not take
DATED_KEYS = ("valid_from", "valid_until", "date_assumed", "date_note")
#: the keys that say where a rule comes from (a Source), which the core's objects take as one
SOURCE_KEYS = ("document", "section", "quote", "level", "deviation")
_FOLLOW_UP_OWN = {"interval_months", "measure", "evaluate", "evaluation_fields", "forms", *SOURCE_KEYS,
                  *DATED_KEYS}


def _on(on: dt.date | None) -> dt.date:
    """The date rules are asked for: ``on``, or today."""
    return on or dt.date.today()


def resolve(ref: str, where: Located, key: str) -> Any:
    """The Python object ``ref`` (``"package.module:attr"``) names; a SchemaError if none.

    ``"package.module:attr()"`` calls ``attr`` without arguments and returns its result.
    """
    module, _, attr = ref.partition(":")
    call = attr.endswith("()")
    try:
        obj: Any = importlib.import_module(module)
        for part in attr.removesuffix("()").split("."):
            obj = getattr(obj, part)
        if call:
            obj = obj()
    except Exception as exc:  # an import error of the plugin's code is reported as its data's
        raise where.error(key, f"cannot load {ref!r}: {type(exc).__name__}: {exc}") from exc
    return obj


def read_files(package: str, folder: str = "data") -> list[tuple[str, str, dict[str, Any]]]:
    """(name, text, parsed) of every TOML file in ``package``'s ``folder``, by file name."""
    root = resources.files(package).joinpath(folder)
    if not root.is_dir():
        raise SchemaError(f"{package}/{folder}", "", "no such data folder in the package")
    out = []
    for path in sorted((p for p in root.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name):
        name = f"{package}/{folder}/{path.name}"
        try:
            text = path.read_bytes().decode("utf-8")
            out.append((name, text, tomllib.loads(text)))
        except UnicodeDecodeError:
            raise SchemaError(name, "", "not UTF-8 text") from None
        except tomllib.TOMLDecodeError as exc:
            m = _TOML_LINE.search(str(exc))
            raise SchemaError(name, "", f"not valid TOML: {exc}", int(m.group(1)) if m else None) from None
    return out


@cache
def load_pack(package: str, folder: str = "data") -> DataPack:
    """The rule data of ``package`` (read and validated once per process).

    :raises SchemaError: on the first problem, naming file, line and key path.
    """
    return DataPack(package, folder, read_files(package, folder))


class DataPack:
    """A package's rule data, validated, with the core objects built from it."""

    def __init__(self, package: str, folder: str, files: list[tuple[str, str, dict[str, Any]]]):
        self.package, self.folder = package, folder
        self.tables: dict[str, list[Located]] = {name: [] for name in TABLES}
        for name, text, raw in files:
            for table, item in entries(name, text, raw):
                if not table.many and self.tables[table.name]:
                    first = self.tables[table.name][0]
                    raise item.error(None, f"[{table.name}] is declared twice (first in {first.file})")
                self.tables[table.name].append(item)
        self.documents = {d.get("key"): self._document(d) for d in self._unique("documents")}
        muni = self._one("municipality")
        if muni is not None and muni.get("schema", SCHEMA_VERSION) > SCHEMA_VERSION:
            raise muni.error("schema", f"written for schema {muni.get('schema')}; this samverkan reads "
                                       f"schema {SCHEMA_VERSION} (upgrade samverkan)")
        if muni is not None and not self.documents:
            raise muni.error(None, "a municipality names its guideline documents: add [[documents]]")
        self._policies: dict[int, FollowUpPolicy] = {}
        self.municipality = None if muni is None else Municipality(
            muni.get("key"), muni.get("name"), muni.get("organisation"),
            tuple(self.documents.values()), muni.get("mailbox", ""))
        self.prefix = f"{self.municipality.key}." if self.municipality else ""
        self._build()

    # -- reading the tables ---------------------------------------------------------

    def _one(self, table: str) -> Located | None:
        items = self.tables[table]
        return items[0] if items else None

    def _unique(self, table: str) -> list[Located]:
        """The entries of ``table``, refusing a repeated id (naming where it was first).

        In a dated table an id may repeat as another version, provided no two versions of
        it are in force on the same day.
        """
        key = TABLES[table].id_key
        seen: dict[Any, list[Located]] = {}
        for item in self.tables[table]:
            value = item.get(key)
            for first in seen.get(value, ()):
                where = f"{first.file}, {first.path[0]}[{first.path[1]}]"
                if table not in DATED_TABLES:
                    raise item.error(key, f"duplicate {key} {value!r} (first in {where})")
                mine, theirs = self.validity(item), self.validity(first)
                if not mine.dated and not theirs.dated:
                    raise item.error(key, f"duplicate {key} {value!r} (first in {where})")
                if mine.overlaps(theirs):
                    raise item.error(self._date_key(item, key), (
                        f"duplicate {key} {value!r} (first in {where}): both versions are in force on "
                        f"the same days ({theirs} and {mine}); one version at a time: give the earlier "
                        f"one a valid_until before the later one's valid_from"))
            if key == "id" and self.prefix and not str(value).startswith(self.prefix):
                raise item.error(key, f"ids start with the municipality key: {self.prefix}…")
            seen.setdefault(value, []).append(item)
        return self.tables[table]

    # -- dated versions -----------------------------------------------------------------

    def _document(self, item: Located) -> Document:
        data = dict(item.data)
        for name in ("valid_from", "valid_until"):
            if name in data:
                data[name] = as_date(data[name])
        doc = Document(**data)
        if doc.valid_from and doc.valid_until and doc.valid_until < doc.valid_from:
            raise item.error("valid_until", f"{doc.valid_until} is before valid_from {doc.valid_from}")
        return doc

    @staticmethod
    def _date_key(item: Located, fallback: str) -> str:
        return next((k for k in ("valid_from", "valid_until") if k in item.data), fallback)

    def validity(self, item: Located) -> Validity:
        """The period an entry is in force: its own ``valid_from``/``valid_until``, each
        defaulting to its document's.

        :raises SchemaError: when the period ends before it starts.
        """
        doc = self.documents.get(item.get("document"))
        base = doc.validity if doc is not None else Validity()
        start, end = as_date(item.get("valid_from")), as_date(item.get("valid_until"))
        v = Validity(start or base.valid_from, end or base.valid_until)
        if v.valid_from and v.valid_until and v.valid_until < v.valid_from:
            inherited = [] if start and end else [f"from document {item.get('document')!r}"]
            raise item.error("valid_until" if end else self._date_key(item, "document"),
                             f"in force until {v.valid_until}, before it comes into force on {v.valid_from}"
                             + (f" ({inherited[0]})" if inherited else ""))
        return v

    def documents_on(self, on: dt.date | None = None) -> tuple[Document, ...]:
        """The documents whose rules are in force on ``on`` (today when None)."""
        day = _on(on)
        return tuple(d for d in self.documents.values() if d.in_force(day))

    def _in_force(self, versions: list[tuple[Validity, Any]], on: dt.date | None) -> list[Any]:
        day = _on(on)
        return [obj for v, obj in versions if v.in_force(day)]

    def source(self, document: str, section: str = "") -> Source:
        """A :class:`Source` in one of the pack's documents; KeyError naming an unknown one."""
        return self.documents[document].source(section)

    def _source(self, item: Located, required: bool = True) -> Source | None:
        """The entry's :class:`Source`: its document and section, the sentence it quotes
        and the obligation level it states.

        A quoted rule (any level but ``default``) needs its quote; a ``default`` is the
        software's own and cites a ``software = true`` document, which nothing else may.
        """
        doc = item.get("document")
        if doc is None and not required:
            return None
        if doc not in self.documents:
            known = ", ".join(self.documents) or "none declared"
            raise item.error("document", f"unknown document {doc!r} (documents: {known})")
        level, quote = item.get("level", ""), item.get("quote", "")
        software = self.documents[doc].software
        if level == "default" and not software:
            raise item.error("level", f"a default of the software's own cites no municipal document; "
                                      f"{doc!r} is one (cite a `software = true` document)")
        if software and level and level != "default":
            raise item.error("level", f"{doc!r} is the software's own: its rules are at level 'default'")
        if level and level != "default" and not quote:
            raise item.error("quote", "a rule quotes the sentence of its document it rests on "
                                      "(add `quote = \"…\"`)")
        return self.documents[doc].source(item.get("section", ""), quote, level, item.get("deviation", ""))

    def _forms(self, item: Located) -> tuple[str, ...]:
        return tuple(item.get("forms", ()))

    # -- building the core's objects ---------------------------------------------------

    def _each(self, table: str, build: Any) -> list[Any]:
        """``build(item)`` for every entry of ``table``; a refusal of the core's types is
        reported at the entry (file, line, key path)."""
        return [obj for _v, obj in self._versions(table, build)]

    def _versions(self, table: str, build: Any) -> list[tuple[Validity, Any]]:
        """(period in force, ``build(item)``) for every entry of ``table``, in data order."""
        out = []
        for item in self._unique(table) if TABLES[table].id_key else self.tables[table]:
            try:
                out.append((self.validity(item) if table in DATED_TABLES else Validity(), build(item)))
            except SchemaError:
                raise
            except SamverkanError as exc:
                raise item.error(None, str(exc)) from exc
        return out

    def _build(self) -> None:
        # every version of each dated table, with its period; the attributes without a
        # date (``forms``, ``checks`` …) hold every version, in data order
        self._forms_v = self._versions("forms", self._form)
        self.forms = tuple(f for _v, f in self._forms_v)
        self._checks_v = self._versions("checks", self._check)
        self.checks = tuple(c for _v, c in self._checks_v)
        #: the national set each check belongs to (None: none), in data order
        self._check_sets = [i.get("set") for i in self.tables["checks"]]
        self.record_kinds = {k.key: k for k in self._each("record_kinds", self._record_kind)}
        #: how long each record is kept (``[[retention]]``), by record; one entry per record
        self.retention = {r.record: r for r in self._each("retention", self._retention)}
        self.adoptions = {i.get("set"): self._source(i) for i in self._unique("adopt")}
        self._sections_v = self._versions("agreement_sections", lambda i: (self._section(i), self._forms(i)))
        self.sections = [s for _v, s in self._sections_v]
        self._authorities_v = self._versions("decision_authority", lambda i: (
            DecisionAuthority(i.get("kind"), i.get("body"), self._source(i)), self._forms(i)))
        self.authorities = [a for _v, a in self._authorities_v]
        self._policies_v = [v for v, _src in self._versions("follow_up_policy", self._source)]
        self.topics = tuple(self._each("topics", self._topic))
        self._rules_v = self._versions("rules", self._rule)
        self.rules = tuple(r for _v, r in self._rules_v)
        self._gate_items = self._unique("gates")
        self._gates_validity = [self.validity(i) for i in self._gate_items]
        #: each gate id's declaration as written, its latest version (see :meth:`gate_spec`)
        self.gate_specs = {i.get("id"): i for i in self._gate_items}
        self._declared_gates = dict(enumerate(self._each("gates", lambda i: (
            self._gate(i) if i.get("kind") != "python" else None))))
        self._each("reports", lambda i: self._source(i, required=False))
        self._guide_v = self._versions("form_guide", self._guide_rule)
        self.form_guide = tuple(g for _v, g in self._guide_v)

    def _guide_rule(self, item: Located) -> Any:
        # "rules out" says the form may not be used: only a requirement can say that
        if item.get("effect") == "rules_out" and item.get("level") != "requirement" and not item.get("deviation"):
            raise item.error("effect", f"only a requirement rules a form out; a {item.get('level')} "
                                       f"is a caution (give `deviation` with the reason)")
        return form_guide.rules_from_data([{k: v for k, v in item.data.items() if k not in DATED_KEYS}],
                                          lambda _doc, _section: self._source(item))[0]

    def _form(self, item: Located) -> FormOffer:
        if item.get("offered") is False and not item.get("note"):
            raise item.error(None, "a form not offered needs a 'note' saying where to turn instead")
        rest = {k: v for k, v in item.data.items() if k not in (*SOURCE_KEYS, *DATED_KEYS)}
        return FormOffer(source=self._source(item), **rest)

    def _check(self, item: Located) -> CheckItem:
        # the level decides the effect of a "not met": a requirement blocks, a
        # recommendation advises, guidance never gates (an item of help, not required)
        rest = {k: v for k, v in item.data.items()
                if k not in ("document", "section", "forms", "set", *SOURCE_KEYS, *DATED_KEYS)}
        level = item.get("level", "")
        effects = {"recommendation": {"blocking_if_not_met": False},
                   "guidance": {"blocking_if_not_met": False, "required": False}}.get(level, {})
        for key, value in effects.items():
            if rest.get(key, value) != value and not item.get("deviation"):
                raise item.error(key, f"a {level} does not block: {key} = {str(rest[key]).lower()} "
                                      f"contradicts its level (give `deviation` with the reason)")
            rest.setdefault(key, value)
        return CheckItem(source=self._source(item), forms=self._forms(item), **rest)

    def _record_kind(self, item: Located) -> RecordKind:
        fields = []
        for j, f in enumerate(item.get("fields")):
            if f.get("kind") == "choice" and not f.get("choices"):
                raise item.error(("fields", j, "choices"), "a choice field needs its 'choices'")
            if any(f["key"] == g.key for g in fields):
                raise item.error(("fields", j, "key"), f"duplicate field {f['key']!r}")
            fields.append(RecordField(**{**f, "choices": tuple(f.get("choices", ()))}))
        return RecordKind(item.get("key"), item.get("label"), tuple(fields), self._source(item),
                          item.get("description", ""))

    def _retention(self, item: Located) -> Retention:
        rule = Retention(item.get("record"), item.get("years"), self._source(item), item.get("after", "ended"),
                         item.get("cull", "anonymise"), item.get("erasable", False), item.get("reason", ""))
        problem = retention_error(rule, self.record_kinds)
        if problem:
            key, message = problem
            raise item.error(key if key in item.data else None, message)
        return rule

    def _section(self, item: Located) -> AgreementSection:
        # required: what the level makes it (a requirement must be there; a recommendation
        # advises; guidance is help with the field and never gates)
        level = item.get("level", "")
        required = level in ("requirement", "")
        if "required" in item.data and item.get("required") != required and not item.get("deviation"):
            raise item.error("required", f"required = {str(item.get('required')).lower()} contradicts "
                                         f"level {level!r} (give `deviation` with the reason)")
        return AgreementSection(item.get("key"), item.get("title"), self._source(item),
                                item.get("required", required), item.get("guidance", ""))

    def _topic(self, item: Located) -> Topic:
        values = item.get("values", [])
        if not isinstance(values, list) or not all(isinstance(v, str | bool | int | float) for v in values):
            raise item.error("values", f"expected a list of strings, booleans or numbers, got {values!r}")
        t = Topic(item.get("key"), item.get("label"), item.get("explanation"), Values(choices=tuple(values)))
        problem = extra_topic_error(t)
        if problem:
            raise item.error("key", problem)
        return t

    def _rule(self, item: Located) -> RuleText:
        topics = {t.key: t for t in (*TOPICS, *self.topics)}
        topic = topics.get(item.get("topic"))
        if topic is None:
            raise item.error("topic", f"unknown topic {item.get('topic')!r}; expected a core topic "
                                      f"({', '.join(t.key for t in TOPICS)}) or one in [[topics]]")
        problem = value_error(topic, item.get("value"))
        if problem:
            raise item.error("value", problem)
        return RuleText(item.get("id"), topic.key, item.get("text"), self._source(item),
                        item.get("value"), self._forms(item))

    def _condition(self, gate: Located, name: str, i: int) -> gk.Condition:
        c = gate.get(name)[i]
        op = next(op for op in gk.OPERATORS if op in c)
        source = None
        if "document" in c or "section" in c:
            where = Located(gate.file, gate.text, (*gate.path, name, i),
                            {"document": gate.get("document"), **c})
            source = self._source(where)
        severity = gk.Severity(c["severity"] == "blocking") if "severity" in c else None
        value = tuple(c[op]) if op == "one_of" else c[op]
        return gk.Condition(c["field"], op, value, c.get("message", ""), severity, source)

    def _gate(self, item: Located) -> Gate:
        d, kind = item.data, item.get("kind")
        level = d.get("level", "")
        if level == "guidance":
            raise item.error("level", "guidance is shown as help and never gates: make it a checklist "
                                      "item or a section's guidance, or cite the sentence that requires it")
        sev = d.get("severity", "advisory" if level == "recommendation" else "blocking")
        blocks = any(v == "blocking" for v in sev.values()) if isinstance(sev, dict) else sev == "blocking"
        if not d.get("deviation") and (level == "recommendation" and blocks or level == "requirement" and not blocks):
            raise item.error("severity", f"a {level} {'advises' if level == 'recommendation' else 'blocks'}; "
                                         f"this severity contradicts its level (give `deviation` with the reason)")
        if isinstance(sev, dict):
            missing = [s for s in d.get("stages", ()) if s not in sev]
            if missing or not d.get("stages"):
                raise item.error("severity", f"a severity by stage gives every stage of the gate "
                                             f"(missing: {', '.join(missing) or 'the gate has no stages'})")
            severity = gk.Severity(any(v == "blocking" for v in sev.values()),
                                   tuple((s, v == "blocking") for s, v in sev.items()))
        else:
            severity = gk.Severity(sev == "blocking")
        source = self._source(item)
        common: dict[str, Any] = {
            "rule_id": d["id"], "source": source, "severity": severity, "message": d.get("message", ""),
            "when": tuple(self._condition(item, "when", i) for i in range(len(d.get("when", ())))),
        }
        if kind == "record":
            kind_of = self.record_kinds.get(d["record"])
            if kind_of is None:
                raise item.error("record", f"unknown record kind {d['record']!r} "
                                           f"(record kinds: {', '.join(self.record_kinds) or 'none declared'})")
            names = [f.key for f in kind_of.fields]
            fields = [("date_field", d["date_field"])] if "date_field" in d else []
            fields += [(("conditions", i, "field"), c["field"]) for i, c in enumerate(d.get("conditions", ()))]
            for key, name in fields:
                if name not in names:
                    raise item.error(key, f"{d['record']} has no field {name!r} (fields: {', '.join(names)})")
            check: gk.DeclaredCheck = gk.RecordBefore(
                **common, record=d["record"], date_field=d.get("date_field", ""),
                not_after=tuple(d.get("not_after", ())), message_late=d.get("message_late", ""),
                conditions=tuple(self._condition(item, "conditions", i) for i in range(len(d.get("conditions", ())))))
        elif kind == "check":
            ids = {c.id for c in self.checks}
            if d["check"] not in ids and not d["check"].startswith("national."):
                raise item.error("check", f"unknown checklist item {d['check']!r}")
            check = gk.CheckAnswer(**common, check_id=d["check"], refuse=tuple(d.get("refuse", ("not_applicable",))))
        elif kind == "initiator":
            check = gk.Initiator(**common, initiator=d["initiator"])
        elif kind == "contributions":
            check = gk.Contributions(**common, **{k: d.get(k, "") for k in (
                "message_municipality", "message_partner", "message_party")})
        elif kind == "share":
            check = gk.Share(**common, benchmark=Decimal(str(d["benchmark"])), tolerance=Decimal(str(d["tolerance"])),
                             above=d["above"], below=d["below"])
        elif kind == "documented":
            check = gk.Documented(**common, fields=tuple(d["fields"]))
        elif kind == "fact":
            check = gk.Fact(**common, field_path=d["field"], equals=d["equals"])
        else:
            check = gk.Python(**common, function=resolve(d["python"], item, "python"))
        return Gate(d["id"], source, check, d["description"], tuple(d.get("stages", ())),
                    self._forms(item), severity.blocking, d.get("quote", ""))

    # -- what the hooks hand out -----------------------------------------------------

    def forms_on(self, on: dt.date | None = None) -> list[FormOffer]:
        """The form offers in force on ``on`` (today when None)."""
        return self._in_force(self._forms_v, on)

    def form(self, key: str, on: dt.date | None = None) -> FormOffer | None:
        """The offer of form ``key`` in force on ``on`` (today), if the data declares one."""
        return next((f for f in self.forms_on(on) if f.form == key), None)

    def checks_on(self, on: dt.date | None = None, in_set: str | None = None) -> list[CheckItem]:
        """The checklist items in force on ``on`` (today when None) outside any national
        set, or with ``in_set`` those of that set."""
        return self._in_force([vc for vc, s in zip(self._checks_v, self._check_sets, strict=True) if s == in_set], on)

    def rules_on(self, on: dt.date | None = None) -> list[RuleText]:
        """The rule texts in force on ``on`` (today when None)."""
        return self._in_force(self._rules_v, on)

    def form_guide_on(self, on: dt.date | None = None) -> list[Any]:
        """The form-guide entries in force on ``on`` (today when None)."""
        return self._in_force(self._guide_v, on)

    def gates(self, on: dt.date | None = None) -> list[Gate]:
        """The declared gates in force on ``on`` (today when None), in data order
        (``python`` gates imported on first call)."""
        return self._in_force(self._gates, on)

    @cached_property
    def _gates(self) -> list[tuple[Validity, Gate]]:
        return [(v, self._declared_gates.get(n) or self._gate(item))
                for n, (v, item) in enumerate(zip(self._gates_validity, self._gate_items, strict=True))]

    def gate_spec(self, gate_id: str, on: dt.date | None = None) -> dict[str, Any]:
        """The declaration of gate ``gate_id`` as written (for the plugin's own Python):
        the version in force on ``on``, or without a date the latest version."""
        if on is not None:
            for v, item in zip(self._gates_validity, self._gate_items, strict=True):
                if item.get("id") == gate_id and v.in_force(on):
                    return item.data
        return self.gate_specs[gate_id].data

    def agreement_sections(self, form: str, on: dt.date | None = None) -> list[AgreementSection]:
        """The sections of an agreement of ``form`` in force on ``on`` (today when None);
        none for a form without a written agreement."""
        if form not in FORMS or not FORMS[form].written_agreement:
            return []
        return [s for s, forms in self._in_force(self._sections_v, on) if not forms or form in forms]

    def decision_authority(self, form: str, on: dt.date | None = None) -> DecisionAuthority | None:
        """The first authority declared for ``form`` in force on ``on`` (today), if any."""
        return next((a for a, forms in self._in_force(self._authorities_v, on) if not forms or form in forms),
                    None)

    def follow_up_policy(self, form: str, on: dt.date | None = None) -> FollowUpPolicy | None:
        """The first follow-up policy declared for ``form`` in force on ``on`` (today), if any
        (its Python imported)."""
        day = _on(on)
        for i, item in enumerate(self.tables["follow_up_policy"]):
            if not self._policies_v[i].in_force(day):
                continue
            if not item.get("forms") or form in item.get("forms"):
                if i not in self._policies:
                    self._policies[i] = self._policy(item)
                return self._policies[i]
        return None

    def _policy(self, item: Located) -> FollowUpPolicy:
        known = {f.name for f in dataclasses.fields(FollowUpPolicy)} - {"source"}
        extra: dict[str, Any] = {}
        for key, value in item.data.items():
            if key in _FOLLOW_UP_OWN:
                continue
            if key not in known:
                raise item.error(key, f"unknown key; FollowUpPolicy has {', '.join(sorted(known))}")
            extra[key] = resolve(value, item, key) if isinstance(value, str) and REF.match(value) else value
        fields = item.get("evaluation_fields", ())
        fields = resolve(fields, item, "evaluation_fields") if isinstance(fields, str) else fields
        evaluate = item.get("evaluate")
        return FollowUpPolicy(item.get("interval_months"), item.get("measure"), self._source(item),
                              evaluate=resolve(evaluate, item, "evaluate") if evaluate else None,
                              evaluation_fields=tuple(fields), **extra)

    @cached_property
    def reports(self) -> list[Report]:
        """The reports, their ``build`` imported."""
        return [Report(i.get("key"), i.get("title"), i.get("description"), resolve(i.get("build"), i, "build"),
                       self._source(i, required=False)) for i in self.tables["reports"]]

    @cached_property
    def render(self) -> Any:
        """The function that renders notifications, or None."""
        item = self._one("notifications")
        return resolve(item.get("render"), item, "render") if item else None

    @cached_property
    def periodic(self) -> Any:
        """The function that makes the scheduled notifications, or None."""
        item = self._one("notifications")
        return resolve(item.get("periodic"), item, "periodic") if item and item.get("periodic") else None

    @property
    def demo(self) -> dict[str, Any] | None:
        """The ``[demo]`` table (its ``load`` and the data it reads), or None."""
        item = self._one("demo")
        return item.data if item else None

    def load_demo(self, services: Any) -> None:
        """Run the demo loader the data names."""
        item = self._one("demo")
        if item is not None:
            resolve(item.get("load"), item, "load")(services)

    @property
    def extra(self) -> dict[str, Any]:
        """The ``[extra]`` table: data for the plugin's own Python."""
        item = self._one("extra")
        return item.data if item else {}

    def check_references(self) -> None:
        """Import every piece of Python the data names (for ``plugin check`` and tests)."""
        self._gates, self.reports, self.render  # noqa: B018
        for item in self.tables["follow_up_policy"]:
            self._policy(item)
        item = self._one("demo")
        if item is not None:
            resolve(item.get("load"), item, "load")
