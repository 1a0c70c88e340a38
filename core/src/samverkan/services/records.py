"""Use cases that add to a collaboration's case: checklist answers, contributions, plugin
records, conflicts of interest, the agreement and follow-ups."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from samverkan.domain.errors import ValidationError
from samverkan.domain.followups import next_due
from samverkan.domain.lifecycle import FINAL_STAGES
from samverkan.domain.model import (
    ANSWERS,
    Agreement,
    CheckAnswer,
    ConflictDeclaration,
    FollowUp,
    Record,
    clean_text,
    parse_date,
    validate_form,
)
from samverkan.domain.rules import RecordKind
from samverkan.domain.state import CollabState
from samverkan.i18n import msg
from samverkan.services.collaborations import CollaborationUseCases
from samverkan.services.session import use_case


def refuse_closed(state: CollabState) -> None:
    """Refuse a change to a declined or ended collaboration."""
    if state.stage in FINAL_STAGES:
        raise ValidationError(msg("collaboration {id} is {stage}; it can no longer be changed",
                                  id=state.id, stage=state.stage), "stage")


class RecordUseCases(CollaborationUseCases):
    """The case file of a collaboration (mixed into :class:`samverkan.services.Services`)."""

    @use_case("check.answer", on="collaboration", reads=())
    def answer_check(self, state: CollabState, check_id: str, answer: str, note: str = "") -> CheckAnswer:
        """Answer one check item (met / not_met / not_applicable) with an optional note."""
        items = {i.id: i for i in self.view.checks(state.form)}
        if check_id not in items:
            raise ValidationError(msg("{check!r} is not on the checklist for {form}",
                                      check=check_id, form=state.form), "check")
        if answer not in ANSWERS:
            raise ValidationError(msg("answer must be one of {allowed}", allowed=", ".join(ANSWERS)), "answer")
        refuse_closed(state)
        if items[check_id].needs_note and not (note or "").strip():
            raise ValidationError(msg("{check}: this check needs a motivation in the note",
                                      check=check_id), "note")
        a = CheckAnswer(state.id, check_id, answer, note, answered_by=self.actor)
        with self._tx():
            return self.store.upsert_answer(a)

    @use_case("conflict.declare", on="user")
    def declare_conflict(self, reason: str, collaboration_id: int | None = None,
                         organisation_id: int | None = None) -> ConflictDeclaration:
        """Declare that the acting user has a conflict of interest (jäv)."""
        decl = ConflictDeclaration(self.actor, reason, collaboration_id, organisation_id)
        if collaboration_id is not None:
            self.store.get_collaboration(int(collaboration_id))
        if organisation_id is not None:
            self.store.get_organisation(organisation_id)
        with self._tx():
            return self.store.insert_conflict(decl)

    @use_case("record.add", on="collaboration", advice=True)
    def add_record(self, state: CollabState, kind: str, data: dict[str, Any]) -> Record:
        """Store a plugin-defined record (validated against its registered kind)."""
        refuse_closed(state)
        kinds = self.view.record_kinds()
        if kind not in kinds:
            raise ValidationError(
                msg("unknown record kind {kind!r}; this municipality keeps: {kinds}",
                    kind=kind, kinds=", ".join(kinds) or msg("none")), "kind")
        record = Record(state.id, kind, validate_record(kinds[kind], data), recorded_by=self.actor)
        after = replace(state, records=[*state.records, record])
        notes = self._notifications(f"record:{kind}", after, state.stage)
        with self._tx():
            self.store.insert_record(record)
            self._queue(notes, state.id)
            return record

    @use_case("agreement.record", on="collaboration", reads=("agreement", "watermark"))
    def record_agreement(self, state: CollabState, *, signed_on: Any, start: Any, end: Any,
                         goals: str = "", sections: dict[str, str] | None = None) -> Agreement:
        """Record the signed agreement (period, measurable goals, sections)."""
        c = state.collaboration
        if not validate_form(c.form).written_agreement:
            raise ValidationError(msg("informal collaborations have no written agreement"), "form")
        if c.stage not in ("decided", "agreement"):
            raise ValidationError(
                msg("an agreement is recorded after the decision (collaboration {id} is at {stage!r})",
                    id=c.id, stage=c.stage), "stage")
        known = {s.key for s in self.view.agreement_sections(c.form)}
        unknown = sorted(set(sections or {}) - known)
        if unknown:
            raise ValidationError(msg(
                "unknown agreement section(s) {unknown}; the sections for this form are: {known}",
                unknown=", ".join(unknown), known=", ".join(sorted(known)) or msg("none")), "sections")
        agreement = Agreement(c.id, signed_on, start, end, goals, sections or {}, signed_by=self.actor)
        if c.stage == "agreement":
            # the gate into this stage required these; a later correction must not remove them
            missing = [name for name, value in ((msg("signing date"), agreement.signed_on),
                                                (msg("start date"), agreement.start),
                                                (msg("end date"), agreement.end))
                       if value is None]
            if missing:
                # one part per missing date, joined by a translatable ", "
                parts = missing[0]
                for name in missing[1:]:
                    parts = msg("{first}, {second}", first=parts, second=name)
                raise ValidationError(
                    msg("collaboration {id} is at the agreement stage; the agreement must keep its "
                        "{missing}", id=c.id, missing=parts), "agreement")
        with self._tx():
            self._check_unchanged(state)
            return self.store.upsert_agreement(agreement, before=state.agreement)

    @use_case("follow_up.record", on="collaboration",
              reads=("organisations", "follow_ups", "agreement", "decision", "watermark"))
    def record_follow_up(self, state: CollabState, summary: str, *, done_on: Any = None,
                         goals_met: str = "", evaluation: dict[str, Any] | None = None,
                         participants: dict[Any, str] | None = None) -> FollowUp:
        """Record a follow-up of an active collaboration; the policy may compute figures (SROI).

        :param participants: who took part, per party (a party given as for a
            contribution: "kommunen", an organisation's name, id or number). The
            follow-up is *joint* when every party, the municipality included, took part —
            what the city audit of 2021 found missing (seed 004).
        """
        if state.stage != "active":
            raise ValidationError(msg("only active collaborations are followed up (this one is {stage!r})",
                                      stage=state.stage), "stage")
        data = dict(evaluation or {})
        policy = self.view.follow_up_policy(state.form)
        if policy and policy.evaluate and data:
            data = {**data, **policy.evaluate(data)}
        took_part = {self._party(state, ref).name: who for ref, who in (participants or {}).items()}
        follow_up = FollowUp(state.id, done_on or self.today, summary, goals_met, data, self.actor,
                             participants=took_part)
        follow_up.joint = all(follow_up.participants.get(p.name) for p in self._parties(state))
        due = next_due(policy, state, self.today, extra=follow_up)
        with self._tx():
            self._check_unchanged(state)
            self.store.insert_follow_up(follow_up)
            self.store.set_next_follow_up(state.id, due)
        return follow_up


def validate_record(kind: RecordKind, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` checked and cleaned against the fields of ``kind``."""
    clean: dict[str, Any] = {}
    known = {f.key for f in kind.fields}
    unknown = set(data) - known
    if unknown:
        raise ValidationError(msg("{kind}: unknown field(s) {fields}", kind=kind.key,
                                  fields=", ".join(sorted(unknown))), sorted(unknown)[0])
    for f in kind.fields:
        value = data.get(f.key)
        if f.kind == "date":
            d = parse_date(value, f.key)
            value = d.isoformat() if d else None
        elif f.kind == "bool":
            value = bool(value) if value not in (None, "") else None
        elif f.kind == "choice":
            if value not in (None, "") and value not in f.choices:
                raise ValidationError(msg("{field}: {value!r} is not one of {allowed}", field=f.label,
                                          value=value, allowed=", ".join(f.choices)), f.key)
        else:
            value = clean_text(value, f.key) or None
        if f.required and value in (None, ""):
            raise ValidationError(msg("{kind}: {field} is required", kind=kind.label, field=f.label), f.key)
        clean[f.key] = value
    return clean
