"""The objects plugins hand to the core: identity, forms, rules, policies and reports.

Plugins build these (mostly from TOML data, see :func:`load_toml`) and pass them to the
``register`` callbacks of the hooks in :mod:`samverkan.plugin.hookspecs`. Everything that states
a rule carries a :class:`~samverkan.domain.model.Source`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from samverkan.domain.errors import ValidationError
from samverkan.domain.model import FORM_KEYS, CheckItem, Source


@dataclass(frozen=True)
class Document:
    """A guideline document a municipality's rules come from."""

    key: str
    title: str
    number: str = ""
    date: str = ""
    url: str = ""
    note: str = ""

    def source(self, section: str = "") -> Source:
        """A :class:`Source` pointing into this document."""
        ref = ", ".join(p for p in (self.number, self.date) if p)
        return Source(f"{self.title} ({ref})" if ref else self.title, section)


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
    """Who decides on a collaboration of a form: a manager (delegation) or a board."""

    kind: str  # "manager" | "board"
    body: str
    source: Source


@dataclass(frozen=True)
class FollowUpPolicy:
    """How often and against what a collaboration is followed up.

    :param interval_months: a follow-up is due this many months after the start (or the last one).
    :param measure: how results are measured, in the municipality's words.
    :param evaluate: optional; given the follow-up's evaluation data, returns computed
        figures to store with it (Linköping's SROI). Raises ValidationError on bad data.
    """

    interval_months: int
    measure: str
    source: Source
    evaluate: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    evaluation_fields: tuple[str, ...] = ()


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


# -- building these objects from a plugin's TOML data -----------------------------


def municipality_from_data(data: dict[str, Any]) -> Municipality:
    """A :class:`Municipality` from a ``documents.toml`` table (key, name, organisation,
    optional mailbox, and a ``[[documents]]`` array)."""
    docs = tuple(Document(**d) for d in data["documents"])
    return Municipality(data["key"], data["name"], data["organisation"], docs, data.get("mailbox", ""))


def sourced(entry: dict[str, Any], docs: dict[str, Document]) -> tuple[dict[str, Any], Source]:
    """Split ``document``/``section`` off a data entry: (the other fields, its source).

    An entry naming an unknown document raises ``KeyError``: a rule never ships without
    its source.
    """
    rest = dict(entry)
    return rest, docs[rest.pop("document")].source(rest.pop("section", ""))


def forms_from_data(entries: list[dict[str, Any]], docs: dict[str, Document]) -> list[FormOffer]:
    """Form offers from ``[[forms]]`` entries, each citing one of ``docs``."""
    out = []
    for entry in entries:
        rest, source = sourced(entry, docs)
        out.append(FormOffer(source=source, **rest))
    return out
