"""The domain model: plain dataclasses, validated where values enter the system.

Every constructor validates what it is given (``__post_init__``), so a record that
exists in memory is a valid one: organisation numbers pass python-stdnum's Swedish
check, periods are in order, amounts are whole, non-negative kronor (see
:mod:`samverkan.domain.money`), and free text is stripped of terminal control characters.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from samverkan.domain.errors import ValidationError
from samverkan.domain.money import parse_kronor
from samverkan.i18n import msg

# ---------------------------------------------------------------------------
# Stable keys (used by scripts, the CLI and plugins; never translated)
# ---------------------------------------------------------------------------

FORM_KEYS = ("informal", "grant", "procurement", "iop", "external", "employer")
INITIATORS = ("organisation", "municipality")
ANSWERS = ("met", "not_met", "not_applicable")
CONTRIBUTION_CATEGORIES = ("money", "staff", "premises", "administration", "material")
LEGAL_FORMS = (
    "ideell förening",
    "registrerat trossamfund",
    "stiftelse",
    "ekonomisk förening",
    "aktiebolag med särskild vinstutdelningsbegränsning",
    "aktiebolag",
    "samfällighet",
    "kommunalförbund",
    "annan",
)

# C0/C1 control characters and ANSI/OSC escape sequences. Stored text is shown in a
# terminal, so anything that could move the cursor or retitle the window is removed
# at the boundary instead of trusting every view to escape it.
# (CSI and OSC also as their one-byte C1 forms, U+009B and U+009D)
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]"
                      r"|\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?")
#: invisible characters that change what text *looks* like it says (the Trojan Source
#: attack, CVE-2021-42574): bidirectional embeddings, overrides and isolates
#: (U+202A–U+202E, U+2066–U+2069) and zero-width characters (U+200B–U+200D, U+2060,
#: U+FEFF)
_INVISIBLE = "\u200b-\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")
#: what output escapes: as _CONTROL, but a carriage return that ends a line ("\r\n", a CSV
#: for Excel) is kept; alone it could overwrite the line it is on
_OUTPUT_UNSAFE = re.compile(f"\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_INVISIBLE}]")
#: what a line on a terminal screen never holds: every control character (newline and
#: tab too) and the invisible characters above (the TUI removes them from what it draws)
TERMINAL_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")


def clean_text(value: Any, field: str, *, required: bool = False, max_length: int = 10_000) -> str:
    """Return ``value`` as text without terminal escape sequences, control characters,
    bidirectional overrides and isolates, or zero-width characters.

    Newlines and tabs are kept. Rich markup such as ``[bold]`` is *kept* as literal text:
    it is data, and the interfaces are responsible for showing it literally.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(msg("{field}: expected text, got {kind}", field=field, kind=type(value).__name__), field)
    text = _CONTROL.sub("", _ESCAPES.sub("", value)).strip()
    if required and not text:
        raise ValidationError(msg("{field}: must not be empty", field=field), field)
    if len(text) > max_length:
        raise ValidationError(msg("{field}: longer than {max_length} characters", field=field, max_length=max_length), field)
    return text


def clean_data(value: Any, field: str) -> Any:
    """``value`` (JSON-like data: dicts, lists, text, numbers) with every text in it —
    keys included — cleaned by :func:`clean_text`; numbers, booleans and None as they are."""
    if isinstance(value, str):
        return clean_text(value, field)
    if isinstance(value, dict):
        return {clean_text(str(k), field): clean_data(v, f"{field}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_data(v, field) for v in value]
    return value


def escape_text(text: str) -> str:
    """``text`` for a terminal: control characters other than newline, tab and a
    line-ending carriage return, bidirectional controls and zero-width characters shown
    as ``\\uXXXX``.

    For output of text stored before it was cleaned (and of the audit log, which keeps
    what was written): the CLI passes everything it prints through this, so nothing
    stored reaches a terminal as a control character. ``\\uXXXX`` is a JSON escape too,
    so JSON output stays valid JSON with the same content.
    """
    if not _OUTPUT_UNSAFE.search(text):
        return text
    return _OUTPUT_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


#: an organisation number as people write it (ASCII digits, the hyphen optional)
_ORGNR_FORM = re.compile(r"[0-9]{6}-?[0-9]{4}")


def validate_orgnr(value: str) -> str:
    """Validate a Swedish organisation number and return it as ``NNNNNN-NNNN``.

    :raises ValidationError: naming the number and why it was refused.
    """
    # imported here: python-stdnum pulls in ssl and pydoc, which start-up does not need
    from stdnum import luhn
    from stdnum.exceptions import ValidationError as StdnumError
    from stdnum.se import orgnr as se_orgnr

    raw = (value or "").strip()
    try:
        if _ORGNR_FORM.fullmatch(raw):  # the usual form: only the check digit to test
            digits = raw.replace("-", "")
            luhn.validate(digits)
            return f"{digits[:6]}-{digits[6:]}"
        compact = se_orgnr.validate(raw)
    except StdnumError as exc:
        reason = {
            "InvalidChecksum": msg("the check digit is wrong"),
            "InvalidLength": msg("it must have 10 digits (NNNNNN-NNNN)"),
            "InvalidFormat": msg("it must be digits in the form NNNNNN-NNNN"),
        }.get(type(exc).__name__, str(exc))
        raise ValidationError(
            msg("invalid organisation number {raw!r}: {reason}", raw=raw, reason=reason), "orgnr"
        ) from None
    return se_orgnr.format(compact)


def parse_date(value: Any, field: str) -> dt.date | None:
    """Parse an ISO date (``YYYY-MM-DD``); ``None`` or empty text means no date."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(msg("{field}: not a date in the form YYYY-MM-DD: {value!r}", field=field, value=value), field) from None


def check_period(start: dt.date | None, end: dt.date | None, what: str | None = None) -> None:
    """Refuse a period whose end comes before its start (``what``: the period's name)."""
    if start and end and end < start:
        raise ValidationError(
            msg("{what}: the end date {end} is before the start date {start}",
                what=what or msg("period"), end=end.isoformat(), start=start.isoformat()),
            "end",
        )


# ---------------------------------------------------------------------------
# Sources and forms
# ---------------------------------------------------------------------------


#: obligation levels of a rule, strongest first: what the source's verb makes it
#: (see "Obligation levels" in the docs); ``default`` is a rule of the software's own
LEVELS = ("requirement", "recommendation", "guidance", "default")


@dataclass(frozen=True)
class Source:
    """Where a rule comes from: a guideline document and the place in it.

    :param document: the document's title with its number or date, e.g.
        ``"Riktlinjer för IOP i Linköpings kommun (KS 2016-573)"``.
    :param section: section, paragraph or page, e.g. ``"s. 7"``.
    :param quote: the sentence(s) of the document the rule rests on, verbatim ("[…]"
        marks an omission).
    :param level: the obligation the source states (:data:`LEVELS`): a requirement
        (*ska*, *måste*) blocks, a recommendation (*bör*) advises, guidance (*kan*, an
        example) is shown as help and never gates; ``"default"`` is the software's own
        default, which cites no municipal document; empty where unknown.
    :param deviation: why the rule's effect deliberately differs from its level.
    """

    document: str
    section: str = ""
    quote: str = ""
    level: str = ""
    deviation: str = ""

    def __post_init__(self) -> None:
        if not (self.document or "").strip():
            raise ValidationError(msg("a source must name its document"), "source")
        if self.level and self.level not in LEVELS:
            raise ValidationError(msg("unknown obligation level {level!r}", level=self.level), "level")

    def __str__(self) -> str:
        return f"{self.document}, {self.section}" if self.section else self.document


@dataclass(frozen=True)
class Form:
    """A collaboration form as the core knows it (stable key and lifecycle properties)."""

    key: str
    compensated: bool
    written_agreement: bool
    #: the collaboration may go on without a written agreement (decided -> active)
    agreement_optional: bool = False


#: The six forms of the neutral core. Only informal collaboration goes without a
#: written agreement and without compensation (domain brief a1). A project the
#: organisation runs on funding it was granted may be joined without one: the
#: agreement of an externally funded project is optional ("Om samverkan omfattar ett
#: skriftligt avtal eller överenskommelse …", Stockholm AMF 2024 s. 9).
FORMS: dict[str, Form] = {
    "informal": Form("informal", compensated=False, written_agreement=False),
    "grant": Form("grant", compensated=True, written_agreement=True),
    "procurement": Form("procurement", compensated=True, written_agreement=True),
    "iop": Form("iop", compensated=True, written_agreement=True),
    "external": Form("external", compensated=True, written_agreement=True, agreement_optional=True),
    "employer": Form("employer", compensated=True, written_agreement=True),
}


def validate_form(key: str) -> Form:
    """Return the core form for ``key`` or refuse it with the list of valid keys."""
    try:
        return FORMS[key]
    except KeyError:
        raise ValidationError(
            msg("unknown form {key!r}; expected one of: {allowed}", key=key,
                allowed=", ".join(FORM_KEYS)), "form"
        ) from None


def copy_with(record: Any, **changes: Any) -> Any:
    """A shallow copy of ``record`` with ``changes``, not validated again.

    For values the caller has validated (a stage the lifecycle allows, a version the
    store assigns); ``dataclasses.replace`` would clean every text field once more.
    """
    out = copy.copy(record)
    for name, value in changes.items():
        setattr(out, name, value)
    return out


def _choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise ValidationError(msg("{field}: {value!r} is not one of {allowed}", field=field, value=value,
                                  allowed=", ".join(allowed)), field)
    return value


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------


@dataclass
class Organisation:
    """A civil-society organisation (or other party) the municipality works with.

    Its contact persons are :class:`Contact` records of their own.
    """

    name: str
    orgnr: str
    legal_form: str = "ideell förening"
    is_example: bool = False
    id: int | None = None
    version: int = 1

    def __post_init__(self) -> None:
        self.name = clean_text(self.name, "name", required=True, max_length=300)
        self.orgnr = validate_orgnr(self.orgnr)
        self.legal_form = clean_text(self.legal_form, "legal_form", required=True, max_length=100)


@dataclass
class Collaboration:
    """One collaboration between the municipality and one or more organisations.

    ``compensated`` and ``singles_out`` are the facts the informal form depends on
    (does the municipality give staff or money; is one organisation singled out).
    """

    title: str
    form: str
    organisation_ids: list[int]
    initiator: str = "organisation"
    stage: str = "initiative"
    unit: str = ""
    manager: str = ""
    target_group: str = ""
    purpose: str = ""
    challenge: str = ""
    policy_link: str = ""
    referral: str = ""
    activity: str = ""
    participants: str = ""
    case_number: str = ""  # diarienummer in the municipality's records system
    start: dt.date | None = None
    end: dt.date | None = None
    compensated: bool = False
    singles_out: bool = False
    is_example: bool = False
    #: the answers to the form questionnaire (question key -> answer key), shown to the
    #: decider (see samverkan.domain.form_guide; the services check them)
    form_answers: dict[str, str] = field(default_factory=dict)
    id: int | None = None
    version: int = 1
    created_at: str = ""

    def __post_init__(self) -> None:
        self.title = clean_text(self.title, "title", required=True, max_length=300)
        self.form_answers = {clean_text(str(k), "form_answers"): clean_text(str(v), "form_answers")
                             for k, v in dict(self.form_answers or {}).items()}
        validate_form(self.form)
        _choice(self.initiator, INITIATORS, "initiator")
        for name in ("unit", "manager", "target_group", "purpose", "challenge", "policy_link",
                     "referral", "activity", "participants"):
            setattr(self, name, clean_text(getattr(self, name), name))
        self.case_number = clean_text(self.case_number, "case_number", max_length=60)
        self.start = parse_date(self.start, "start")
        self.end = parse_date(self.end, "end")
        check_period(self.start, self.end)
        if not self.organisation_ids:
            raise ValidationError(msg("a collaboration needs at least one organisation"), "org")


@dataclass(frozen=True)
class CheckItem:
    """A question on the checklist for one or more forms, with the rule behind it.

    :param id: stable id, unique across plugins, e.g. ``"national.democracy.violence"``.
    :param forms: form keys the item applies to; empty means every form.
    :param required: must be answered before the decision.
    :param blocking_if_not_met: an answer of ``not_met`` blocks the decision.
    :param needs_note: the answer must carry a motivation (e.g. "no commercial market").
    """

    id: str
    text: str
    source: Source
    forms: tuple[str, ...] = ()
    required: bool = True
    blocking_if_not_met: bool = True
    needs_note: bool = False
    group: str = ""

    def applies_to(self, form: str) -> bool:
        """Whether the item is on the checklist of ``form``."""
        return not self.forms or form in self.forms


@dataclass
class CheckAnswer:
    """An answer to a check item: met, not met or not applicable, with a note."""

    collaboration_id: int
    check_id: str
    answer: str
    note: str = ""
    answered_by: str = ""
    answered_at: str = ""

    def __post_init__(self) -> None:
        _choice(self.answer, ANSWERS, "answer")
        self.note = clean_text(self.note, "note")


@dataclass
class Decision:
    """The decision to start or decline a collaboration, with its documentation.

    A manager decides under the delegation order; a board decides at a meeting, and then
    ``meeting_date`` and ``minute_paragraph`` (e.g. "§ 12") are required. The motivation
    and the considerations are what the 2021 city audit found missing (seed 004).
    """

    collaboration_id: int
    outcome: Literal["start", "decline"]
    decided_by: str
    authority: Literal["manager", "board"]
    motivation: str
    considerations: str
    decided_on: dt.date
    body: str = ""
    meeting_date: dt.date | None = None
    minute_paragraph: str = ""
    policy_link: str = ""

    def __post_init__(self) -> None:
        _choice(self.outcome, ("start", "decline"), "outcome")
        _choice(self.authority, ("manager", "board"), "authority")
        self.decided_by = clean_text(self.decided_by, "decided_by", required=True)
        self.motivation = clean_text(self.motivation, "motivation", required=True)
        self.considerations = clean_text(self.considerations, "considerations")
        self.body = clean_text(self.body, "body")
        self.minute_paragraph = clean_text(self.minute_paragraph, "minute_paragraph")
        self.policy_link = clean_text(self.policy_link, "policy_link")
        self.decided_on = parse_date(self.decided_on, "decided_on") or dt.date.today()
        self.meeting_date = parse_date(self.meeting_date, "meeting_date")
        if self.authority == "board":
            if not self.meeting_date:
                raise ValidationError(msg("a board decision needs the meeting date"), "meeting_date")
            if not self.minute_paragraph:
                raise ValidationError(
                    msg("a board decision needs the minute paragraph (e.g. § 12)"), "minute_paragraph"
                )
            if self.meeting_date > self.decided_on:
                raise ValidationError(msg("the meeting date is after the decision date"), "meeting_date")


@dataclass
class Agreement:
    """The written agreement: period, measurable goals and the agreed sections."""

    collaboration_id: int
    signed_on: dt.date | None
    start: dt.date | None
    end: dt.date | None
    goals: str = ""
    sections: dict[str, str] = field(default_factory=dict)
    signed_by: str = ""

    def __post_init__(self) -> None:
        self.signed_on = parse_date(self.signed_on, "signed_on")
        self.start = parse_date(self.start, "start")
        self.end = parse_date(self.end, "end")
        check_period(self.start, self.end, msg("agreement period"))
        if self.signed_on and self.end and self.signed_on > self.end:
            raise ValidationError(msg("the agreement cannot be signed ({signed}) after its period ends ({end})",
                                      signed=self.signed_on.isoformat(), end=self.end.isoformat()), "signed_on")
        self.goals = clean_text(self.goals, "goals")
        self.signed_by = clean_text(self.signed_by, "signed_by")
        self.sections = {
            clean_text(k, "section", required=True): clean_text(v, k)
            for k, v in (self.sections or {}).items()
        }


@dataclass
class Contribution:
    """What one party contributes per year, in one category (whole kronor)."""

    collaboration_id: int
    party: str
    category: str
    amount: int
    is_municipality: bool = False
    organisation_id: int | None = None  # the party, when it is one of the organisations
    id: int | None = None

    def __post_init__(self) -> None:
        self.party = clean_text(self.party, "party", required=True, max_length=300)
        _choice(self.category, CONTRIBUTION_CATEGORIES, "category")
        self.amount = parse_kronor(self.amount, "amount")


@dataclass
class FollowUp:
    """A follow-up of an active collaboration against its goals."""

    collaboration_id: int
    done_on: dt.date
    summary: str
    goals_met: str = ""
    evaluation: dict[str, Any] = field(default_factory=dict)
    recorded_by: str = ""
    #: who took part, per party (the party's name -> the people or roles); the services
    #: name the parties and decide ``joint``
    participants: dict[str, str] = field(default_factory=dict)
    #: every party of the collaboration, the municipality included, took part
    joint: bool = False

    def __post_init__(self) -> None:
        self.done_on = parse_date(self.done_on, "done_on") or dt.date.today()
        self.summary = clean_text(self.summary, "summary", required=True)
        self.goals_met = clean_text(self.goals_met, "goals_met")
        self.evaluation = clean_data(dict(self.evaluation or {}), "evaluation")
        self.participants = {
            clean_text(k, "party", required=True, max_length=300): clean_text(v, "participants")
            for k, v in (self.participants or {}).items() if clean_text(v, "participants")
        }


@dataclass
class Termination:
    """How a collaboration ended: expired or terminated, with the reason."""

    collaboration_id: int
    ended_on: dt.date
    kind: Literal["expired", "terminated"]
    reason: str
    procurement_unit_involved: bool = False
    decided_by: str = ""

    def __post_init__(self) -> None:
        self.ended_on = parse_date(self.ended_on, "ended_on") or dt.date.today()
        _choice(self.kind, ("expired", "terminated"), "kind")
        self.reason = clean_text(self.reason, "reason", required=True)


@dataclass
class ConflictDeclaration:
    """A declared conflict of interest (jäv) of a user on a collaboration or organisation."""

    user: str
    reason: str
    collaboration_id: int | None = None
    organisation_id: int | None = None
    declared_at: str = ""

    def __post_init__(self) -> None:
        self.user = clean_text(self.user, "user", required=True)
        self.reason = clean_text(self.reason, "reason", required=True)
        if (self.collaboration_id is None) == (self.organisation_id is None):
            raise ValidationError(
                msg("a conflict of interest concerns exactly one collaboration or one organisation"),
                "target",
            )


@dataclass
class Notification:
    """A message for someone outside the system, e.g. the preparatory group's mailbox.

    Notifications are written to an outbox in the same transaction as the change that
    caused them, and delivered afterwards (see :mod:`samverkan.services.outbox`).
    """

    to: str
    subject: str
    body: str
    collaboration_id: int | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        self.to = clean_text(self.to, "to", required=True)
        self.subject = clean_text(self.subject, "subject", required=True)
        self.body = clean_text(self.body, "body")


DOCUMENT_KINDS = ("agreement", "minutes", "memo", "follow_up_report", "decision", "other")


@dataclass
class Document:
    """A document of a case: a stored file (``sha256``, ``size``) or a reference to the
    municipality's records system (``reference``: a diarienummer), or both."""

    collaboration_id: int
    kind: str
    title: str
    filename: str = ""
    media_type: str = ""
    size: int | None = None
    sha256: str = ""
    reference: str = ""
    recorded_by: str = ""
    recorded_at: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        _choice(self.kind, DOCUMENT_KINDS, "kind")
        self.reference = clean_text(self.reference, "reference", max_length=100)
        if not self.sha256 and not self.reference:
            raise ValidationError(msg("a document is a file or a reference to the records system "
                                      "(diarienummer); give one"), "reference")
        self.title = clean_text(self.title, "title", required=True, max_length=300)
        self.filename = clean_text(self.filename, "filename", max_length=300)


@dataclass
class Record:
    """A plugin-defined record about a collaboration (e.g. a consultation, a pre-study).

    ``kind`` names a :class:`samverkan.plugin.hookspecs.RecordKind` that a plugin registered;
    ``data`` holds its fields.
    """

    collaboration_id: int
    kind: str
    data: dict[str, Any]
    recorded_by: str = ""
    recorded_at: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        self.data = clean_data(dict(self.data or {}), "data")


@dataclass(frozen=True)
class Event:
    """One audit-log entry; hash-chained to the one before (see store.audit)."""

    id: int
    at: str
    actor: str
    origin: str
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    prev_hash: str
    hash: str
    #: the digests of the records the event wrote, by table (see store.coverage)
    rows: dict[str, Any] | None = None
    #: the keyed MAC over the hash, where an audit key is configured (store.anchor)
    mac: str | None = None
    #: the salt and seal of the event's content (its images and row digests): the hash
    #: covers the seal, so the content can be erased while the chain still verifies
    salt: str | None = None
    sealed: str | None = None
    #: the erasure or culling event that removed this event's content, if any
    erased_by: int | None = None
