"""The objects plugins hand to the core: identity, forms, rules, policies and reports.

Plugins build these (mostly from TOML data, see :func:`load_toml`) and pass them to the
``register`` callbacks of the hooks in :mod:`samverkan.plugin.hookspecs`. Everything that states
a rule carries a :class:`~samverkan.domain.model.Source`.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from samverkan.domain.errors import ValidationError
from samverkan.domain.model import FORM_KEYS, CheckItem, Source


@dataclass(frozen=True)
class Validity:
    """When a rule (or the document it cites) is in force: from ``valid_from`` up to and
    including ``valid_until``; an open end is None (in force since always / still).

    A collaboration is judged under the rules in force on its decision date (before a
    decision: today), so a revision of the guidelines does not re-judge old decisions.
    """

    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    def in_force(self, on: dt.date) -> bool:
        """Whether the rule is in force on ``on``."""
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on <= self.valid_until)

    def overlaps(self, other: Validity) -> bool:
        """Whether some day is in both periods."""
        lo = max((d for d in (self.valid_from, other.valid_from) if d), default=None)
        hi = min((d for d in (self.valid_until, other.valid_until) if d), default=None)
        return lo is None or hi is None or lo <= hi

    @property
    def dated(self) -> bool:
        """Whether either end is given."""
        return self.valid_from is not None or self.valid_until is not None

    def __str__(self) -> str:
        start = self.valid_from.isoformat() if self.valid_from else ""
        end = self.valid_until.isoformat() if self.valid_until else ""
        return f"{start}–{end}" if start or end else "–"


@dataclass(frozen=True)
class Document:
    """A guideline document a municipality's rules come from.

    :param date: the document's date as it is cited (``"november 2024"``), shown in sources.
    :param valid_from: the first day the rules citing it apply (None: always); with
        ``valid_until`` (the last day, when it was replaced) the version's period.
    :param date_assumed: the period is not read from the document itself (only the year
        or month is known, say); ``date_note`` says what it rests on.
    """

    key: str
    title: str
    number: str = ""
    date: str = ""
    url: str = ""
    note: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    date_assumed: bool = False
    date_note: str = ""
    #: the document's text, a file in the plugin's data folder (quotes are checked in it)
    text_file: str = ""
    #: not a municipal document: the software's own defaults
    software: bool = False

    def source(self, section: str = "", quote: str = "", level: str = "", deviation: str = "") -> Source:
        """A :class:`Source` pointing into this document (with the sentence quoted and
        the obligation level it states)."""
        ref = ", ".join(p for p in (self.number, self.date) if p)
        return Source(f"{self.title} ({ref})" if ref else self.title, section, quote, level, deviation)

    @property
    def validity(self) -> Validity:
        """The period the document's rules are in force."""
        return Validity(self.valid_from, self.valid_until)

    def in_force(self, on: dt.date) -> bool:
        """Whether the document's rules are in force on ``on``."""
        return self.validity.in_force(on)

    def as_dict(self) -> dict[str, Any]:
        """Plain data: the document as a version (for detail views and JSON)."""
        return {"key": self.key, "title": self.title, "number": self.number, "date": self.date,
                "valid_from": self.valid_from.isoformat() if self.valid_from else None,
                "valid_until": self.valid_until.isoformat() if self.valid_until else None,
                "date_assumed": self.date_assumed, "date_note": self.date_note}


@dataclass(frozen=True)
class Municipality:
    """Who a municipality plugin speaks for.

    :param key: stable key, equal to the entry-point name (``"stockholm"``).
    :param name: the municipality's name (``"Stockholms stad"``).
    :param organisation: the administration or board whose guidelines these are.
    :param documents: the guideline documents, in the order they should be listed.
    """

    key: str
    name: str
    organisation: str
    documents: tuple[Document, ...] = ()
    mailbox: str = ""

    def document(self, key: str) -> Document:
        """The document with ``key``; raises KeyError naming the key."""
        for doc in self.documents:
            if doc.key == key:
                return doc
        raise KeyError(f"{self.key}: no document {key!r}")

    def documents_on(self, on: dt.date) -> tuple[Document, ...]:
        """The documents whose rules are in force on ``on`` (the versions that apply then)."""
        return tuple(d for d in self.documents if d.in_force(on))


@dataclass(frozen=True)
class FormOffer:
    """A form as a municipality offers it: local name, description, and whether it is offered.

    A form that exists but is not offered (``offered=False``) says in ``note`` where to
    turn instead (e.g. Stockholm's labour-market board gives no association grants).
    """

    form: str
    name: str
    description: str
    source: Source
    offered: bool = True
    note: str = ""

    def __post_init__(self) -> None:
        if self.form not in FORM_KEYS:
            raise ValidationError(f"unknown form {self.form!r}", "form")


@dataclass(frozen=True)
class DecisionAuthority:
    """Who decides on a collaboration of a form: a manager (delegation) or a board, or
    ``delegation``: whoever the delegation order names (a manager or the board)."""

    kind: str  # "manager" | "board" | "delegation"
    body: str
    source: Source


#: the kinds of an evaluation input and what each is stored as
EVALUATION_KINDS = {
    "text": "text, stripped",
    "integer": "a whole number",
    "number": "a number (decimal comma or point)",
    "kronor": "whole kronor (samverkan.domain.money)",
    "percent": "entered in percent (25 or 25 %), stored as a fraction (0.25)",
}


@dataclass(frozen=True)
class EvaluationField:
    """One input of a follow-up's evaluation form: a labelled figure or text.

    :param key: the key the value is stored under in the follow-up's ``evaluation``.
    :param label: what the interfaces call it, in the municipality's words.
    :param kind: one of :data:`EVALUATION_KINDS`.
    :param header: a short label for a column of rows (the full ``label`` is shown with
        the focused cell); defaults to ``label``.
    :param minimum: the least value accepted, in the units typed (percent for a
        percentage), or the key of another field of the form whose value it is.
    :param maximum: the greatest, likewise (``"years"``: at most the evaluation's years).
    :param default: the stored value when left empty (None: left out of the evaluation).
    :param help: one line on what to enter, shown with the field.
    """

    key: str
    label: str
    kind: str = "number"
    required: bool = True
    header: str = ""
    minimum: float | str | None = None
    maximum: float | str | None = None
    default: Any = None
    help: str = ""

    def __post_init__(self) -> None:
        if self.kind not in EVALUATION_KINDS:
            raise ValidationError(f"unknown evaluation field kind {self.kind!r}", "kind")


@dataclass(frozen=True)
class EvaluationForm:
    """The form of a follow-up's evaluation, declared by the municipality as data.

    The interfaces build their inputs from it (labelled fields, then a table of rows) and
    :func:`samverkan.domain.evaluation.read_form` turns what was typed into the
    ``evaluation`` dict the policy's ``evaluate`` is given, refusing a value with a
    message that names the field (and the row).

    :param title: a heading for the evaluation (``"SROI"``).
    :param fields: figures of the whole evaluation (investment, years …).
    :param rows_key: where the rows are stored (``"outcomes"``); empty: no rows.
    :param row_label: what one row is called (``"Utfall"``), numbered in messages.
    :param columns: the fields of each row.
    """

    title: str
    fields: tuple[EvaluationField, ...] = ()
    rows_key: str = ""
    row_label: str = ""
    columns: tuple[EvaluationField, ...] = ()


@dataclass(frozen=True)
class FollowUpPolicy:
    """How often and against what a collaboration is followed up.

    :param interval_months: a follow-up is due this many months after the start (or the
        last one); None: no schedule (how to follow up, and with what, without a period).
    :param measure: how results are measured, in the municipality's words.
    :param evaluate: optional; given the follow-up's evaluation data, returns computed
        figures to store with it (Linköping's SROI). Raises ValidationError on bad data.
    :param evaluation_fields: the keys of the evaluation, for a policy without a form
        (entered as text or JSON).
    :param evaluation_form: optional; the evaluation's inputs with labels, kinds and
        bounds (:class:`EvaluationForm`), from which the interfaces build their forms.
    :param summarise: optional; given a stored evaluation (input and computed figures),
        returns the result as a :class:`ReportTable` (key figures, sections per row) for
        the interfaces to show instead of the raw data; None when there is nothing to show.
    """

    interval_months: int | None
    measure: str
    source: Source
    evaluate: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    evaluation_fields: tuple[str, ...] = ()
    evaluation_form: EvaluationForm | None = None
    summarise: Callable[[dict[str, Any]], ReportTable | None] | None = None


@dataclass(frozen=True)
class AgreementSection:
    """A section a written agreement must (or should) contain."""

    key: str
    title: str
    source: Source
    required: bool = True
    guidance: str = ""


@dataclass(frozen=True)
class RecordField:
    """One field of a plugin record kind."""

    key: str
    label: str
    kind: str = "text"  # text | date | bool | choice
    required: bool = True
    choices: tuple[str, ...] = ()
    #: the field holds personal data (a name, a contact detail): culling blanks it and a
    #: register extract lists it
    personal: bool = False


@dataclass(frozen=True)
class RecordKind:
    """A kind of record a plugin keeps about a collaboration (stored by the core).

    Example: Stockholm's consultation with the preparatory group (topic, advice, who, when).
    """

    key: str
    label: str
    fields: tuple[RecordField, ...]
    source: Source
    description: str = ""


#: what a retention rule can govern: the core's kinds of record (a plugin's record kinds
#: are named by their own key)
RETAINED = ("contact", "organisation", "collaboration", "decision", "agreement", "follow_up",
            "document", "record", "user", "notification")
#: from when a retention period runs: the collaboration's (for a contact: the
#: organisation's last collaboration's) end, or the record's creation
RETENTION_FROM = ("ended", "created")
#: what culling does once the period has passed: remove the record, or blank the fields
#: that hold personal data and keep the rest (statistics, amounts, dates)
CULL_ACTIONS = ("remove", "anonymise")


@dataclass(frozen=True)
class Retention:
    """How long one kind of record is kept and what happens then (gallring), from the
    municipality's information management plan (dokumenthanteringsplan).

    :param record: a key of :data:`RETAINED` or of one of the plugin's record kinds.
    :param years: the retention period; None means the record is kept (bevaras).
    :param after: from when the period runs (:data:`RETENTION_FROM`).
    :param cull: what culling does when the period has passed (:data:`CULL_ACTIONS`).
    :param erasable: whether a person's request for erasure (GDPR art. 17) may anonymise
        the record before its period has passed; False where the law requires keeping it.
    :param reason: why the record is kept (shown when an erasure keeps it).
    """

    record: str
    years: int | None
    source: Source
    after: str = "ended"
    cull: str = "anonymise"
    erasable: bool = False
    reason: str = ""


@dataclass(frozen=True)
class RuleText:
    """A municipality's answer to a comparison topic (see :mod:`samverkan.domain.topics`).

    :param value: a normalised, comparable value where the rule has one
        (``"organisation"``, ``0.5``, ``"yearly"``, ``True``), else ``None``.
    :param forms: the forms the rule concerns; empty means every form.
    """

    id: str
    topic: str
    text: str
    source: Source
    value: Any = None
    forms: tuple[str, ...] = ()


@dataclass
class ReportTable:
    """A report's result: named columns, rows of plain values, optional totals and notes."""

    title: str
    columns: list[tuple[str, str]]  # (key, heading)
    rows: list[dict[str, Any]]
    totals: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    sections: list[ReportTable] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    """A report a plugin offers.

    ``build`` is given the acting session, a :class:`samverkan.domain.reading.ReadSession`
    (typed loosely here: that protocol names these types, not the other way round).
    """

    key: str
    title: str
    description: str
    build: Callable[[Any], ReportTable]
    source: Source | None = None


@dataclass(frozen=True)
class Interface:
    """A user interface that can be opened when ``samverkan`` runs without a command.

    ``launch`` receives the resolved settings (a :class:`samverkan.runtime.config.Settings`).
    """

    key: str
    launch: Callable[..., int | None]


@dataclass(frozen=True)
class FormRules:
    """What the municipality's rules say about one form, for forms and detail views."""

    form: str
    offer: FormOffer | None
    checks: list[CheckItem]
    authority: DecisionAuthority
    sections: list[AgreementSection]
    follow_up: FollowUpPolicy | None
    record_kinds: dict[str, RecordKind]

    @property
    def name(self) -> str:
        """The municipality's name for the form (its key if it registered none)."""
        return self.offer.name if self.offer else self.form


def load_toml(package: str, name: str) -> dict[str, Any]:
    """Read ``name`` from inside ``package`` (plugin rule data ships as package data)."""
    with resources.files(package).joinpath(name).open("rb") as fh:
        return tomllib.load(fh)


# -- for plugins that read their own TOML (a DataPlugin needs neither) -------------


def sourced(entry: dict[str, Any], docs: dict[str, Document]) -> tuple[dict[str, Any], Source]:
    """Split ``document``/``section``/``quote``/``level``/``deviation`` off a data entry:
    (the other fields, its source).

    An entry naming an unknown document raises ``KeyError``: a rule never ships without
    its source.
    """
    rest = dict(entry)
    doc = docs[rest.pop("document")]
    return rest, doc.source(*(rest.pop(k, "") for k in ("section", "quote", "level", "deviation")))
