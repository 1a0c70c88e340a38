"""Stockholm's rule data, read from the TOML files in ``data/``.

Every object built here carries a :class:`~samverkan.domain.model.Source` made from one of the
documents in ``data/documents.toml``; an entry naming an unknown document fails loudly
(``KeyError``) instead of shipping a rule without its source.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from samverkan.domain.model import FORMS, CheckItem
from samverkan.domain.rules import (
    AgreementSection,
    DecisionAuthority,
    Document,
    FollowUpPolicy,
    FormOffer,
    Municipality,
    RecordField,
    RecordKind,
    RuleText,
    forms_from_data,
    load_toml,
    municipality_from_data,
    sourced,
)
from samverkan.plugin.national import checks_from_data

PACKAGE = "samverkan_stockholm"


@cache
def toml(name: str) -> dict[str, Any]:
    """A data file of this plugin, parsed (cached)."""
    return load_toml(PACKAGE, f"data/{name}.toml")


@cache
def municipality() -> Municipality:
    """Stockholm's identity and guideline documents."""
    return municipality_from_data(toml("documents"))


def doc(key: str) -> Document:
    """The guideline document with ``key``."""
    return municipality().document(key)


def documents() -> dict[str, Document]:
    """The guideline documents by key."""
    return {d.key: d for d in municipality().documents}


def mailbox() -> str:
    """The preparatory group's mailbox (funktionsbrevlådan)."""
    return municipality().mailbox


def forms() -> list[FormOffer]:
    """The forms as the labour-market administration offers them."""
    return forms_from_data(toml("forms")["forms"], documents())


@cache
def checks() -> tuple[CheckItem, ...]:
    """Stockholm's local checklist items (the national ones come from core)."""
    return tuple(checks_from_data(toml("checks")["checks"], documents()))


@cache
def rules() -> tuple[RuleText, ...]:
    """Stockholm's rule texts per comparison topic."""
    out = []
    for entry in toml("rules")["rules"]:
        rest, source = sourced(entry, documents())
        rest["forms"] = tuple(rest.get("forms", ()))
        out.append(RuleText(source=source, **rest))
    return tuple(out)


@cache
def record_kinds() -> tuple[RecordKind, ...]:
    """The record kinds: consultation with the preparatory group, pre-study."""
    out = []
    for entry in toml("records")["kinds"]:
        rest, source = sourced(entry, documents())
        fields = tuple(
            RecordField(**{**f, "choices": tuple(f.get("choices", ()))}) for f in rest.pop("fields")
        )
        out.append(RecordKind(source=source, fields=fields, **rest))
    return tuple(out)


@cache
def _all_sections() -> tuple[tuple[AgreementSection, tuple[str, ...]], ...]:
    out = []
    for entry in toml("sections")["sections"]:
        rest, source = sourced(entry, documents())
        forms_ = tuple(rest.pop("forms", ()))
        out.append((AgreementSection(source=source, **rest), forms_))
    return tuple(out)


def sections(form: str) -> list[AgreementSection]:
    """The agreement sections for ``form`` (none for forms without a written agreement)."""
    if form not in FORMS or not FORMS[form].written_agreement:
        return []
    return [s for s, forms_ in _all_sections() if not forms_ or form in forms_]


def all_sections() -> list[AgreementSection]:
    """Every agreement section of the plugin, whatever its forms."""
    return [s for s, _ in _all_sections()]


@cache
def follow_up_policy() -> FollowUpPolicy:
    """The yearly follow-up of every signed agreement."""
    rest, source = sourced(toml("policies")["follow_up"], documents())
    return FollowUpPolicy(source=source, **rest)


@cache
def decision_authority() -> DecisionAuthority:
    """The responsible manager decides under the delegation order."""
    rest, source = sourced(toml("policies")["decision"], documents())
    return DecisionAuthority(source=source, **rest)
