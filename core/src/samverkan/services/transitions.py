"""Use cases that move a collaboration through its lifecycle: check, advance, decide, end.

Every transition is judged, rendered and prepared before the write lock: the gates run
on the collaboration's state as read once, with the decision or termination being
recorded; the notifications are rendered on the state as it will be after the change;
the next follow-up's date is computed. Under the lock, the write checks that the state
it was judged on still stands (else the use case runs again on fresh state) and writes.

The gates, the decision authority and the follow-up policy are those in force on the
collaboration's decision date (the decision being recorded, or the stored one; before a
decision, today): a later revision of the guidelines does not re-judge it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from samverkan.domain import lifecycle
from samverkan.domain.errors import PermissionDenied, TransitionRefused, ValidationError
from samverkan.domain.followups import next_due
from samverkan.domain.lifecycle import Finding, GateContext
from samverkan.domain.model import Collaboration, Decision, Termination, copy_with, parse_date
from samverkan.domain.query import CollabQuery
from samverkan.domain.state import CollabState
from samverkan.i18n import msg
from samverkan.services.collaborations import CollaborationUseCases
from samverkan.services.session import transition_action, use_case


class ConfirmationNeeded(TransitionRefused):
    """Only advisory findings stand in the way: the user must confirm them explicitly."""


class TransitionUseCases(CollaborationUseCases):
    """The lifecycle (mixed into :class:`samverkan.services.Services`)."""

    def context(self, collab_id: int, to_stage: str, *, decision: Decision | None = None,
                termination: Termination | None = None) -> GateContext:
        """What the gates see when ``collab_id`` moves to ``to_stage`` (reads the state)."""
        return self._gate_context(self.state(collab_id), to_stage, decision=decision,
                                  termination=termination)

    def evaluate(self, ctx: GateContext) -> list[Finding]:
        """Run every gate in force on ``ctx``'s decision date (before a decision: today) on ``ctx``."""
        return lifecycle.evaluate(self.view.at(ctx.rules_date).gates(), ctx,
                                  on_error=lambda g, e: self.view._problem(g.id, "gate", e))

    @use_case("read", on="collaboration")
    def check(self, state: CollabState, to_stage: str) -> list[tuple[str, str, list[Finding]]]:
        """Every finding between the collaboration and ``to_stage``, per transition on the way.

        Later transitions are evaluated on today's data, so they show what is still missing.
        """
        c = state.collaboration
        steps = lifecycle.path(c.form, c.stage, lifecycle.validate_stage(to_stage))
        out = []
        for frm, to in steps:
            at = replace(state, collaboration=copy_with(c, stage=frm))
            out.append((frm, to, self.evaluate(self._gate_context(at, to))))
        return out

    @use_case(transition_action, on="collaboration")
    def advance(self, state: CollabState, to_stage: str, *, version: int | None = None,
                confirm: bool = False) -> tuple[Collaboration, list[Finding]]:
        """Move a collaboration one step to ``to_stage`` if its gates allow.

        :param version: the version the user saw; a stale one is refused.
        :param confirm: the user confirmed the advisory findings (recorded in the audit log).
        :raises TransitionRefused: with every finding when one blocks.
        :raises ConfirmationNeeded: when only advisory findings stand and ``confirm`` is False.
        """
        return self._transition(state, to_stage, version=version, confirm=confirm)

    @use_case("decision.record", on="collaboration")
    def decide(self, state: CollabState, outcome: str, motivation: str, considerations: str = "", *,
               policy_link: str = "", decided_on: Any = None, meeting_date: Any = None,
               minute_paragraph: str = "", authority: str = "", version: int | None = None,
               confirm: bool = False) -> tuple[Collaboration, list[Finding]]:
        """Record the decision to start or decline and move to ``decided`` / ``declined``.

        The acting user is the decider. Whether a manager or the board decides follows the
        municipality's delegation (:meth:`MunicipalityView.decision_authority`); where
        that is the delegation order (either), ``authority`` says which decided (a meeting
        date given: the board). A board decision needs its meeting date and minute
        paragraph. The decision is stored only if the transition is allowed.
        """
        c = state.collaboration
        conflicts = state.conflicts_of(self.actor)
        if conflicts:
            self.store.audit_refusal(self.actor, self.origin, "decision.refused_jaev", "collaboration", c.id,
                                     {"user": self.actor, "reason": conflicts[0].reason})
            raise PermissionDenied(msg(
                "{actor} has declared a conflict of interest ({reason}) "
                "and may not decide on collaboration {id}",
                actor=self.actor, reason=conflicts[0].reason, id=c.id))
        # who decides is the rule in force on the day of the decision
        on = parse_date(decided_on, "decided_on") or self.today
        rule = self.view.at(on).decision_authority(c.form)
        if rule.kind != "delegation":
            authority = authority or rule.kind  # another than the rule's is refused by its gate
        elif not authority:
            authority = "board" if meeting_date or minute_paragraph else "manager"
        decision = Decision(
            collaboration_id=c.id, outcome=outcome, decided_by=self.actor,
            authority=authority, body=rule.body if authority == rule.kind or rule.kind == "delegation" else "", motivation=motivation,
            considerations=considerations, policy_link=policy_link or c.policy_link,
            decided_on=on, meeting_date=meeting_date,
            minute_paragraph=minute_paragraph)
        target = "decided" if outcome == "start" else "declined"
        return self._transition(state, target, version=version, confirm=confirm, decision=decision)

    @use_case("collaboration.end", on="collaboration")
    def end(self, state: CollabState, reason: str, *, kind: str = "terminated", ended_on: Any = None,
            procurement_unit_involved: bool = False, version: int | None = None,
            confirm: bool = False) -> tuple[Collaboration, list[Finding]]:
        """End an active collaboration (expired or terminated), recording the reason."""
        termination = Termination(state.id, ended_on or self.today, kind, reason,
                                  procurement_unit_involved, decided_by=self.actor)
        a = state.agreement
        if kind == "expired" and a is not None and a.end and termination.ended_on < a.end:
            raise ValidationError(msg(
                "the agreement runs until {end}; ending it on {ended} is a termination, not an expiry",
                end=a.end.isoformat(), ended=termination.ended_on.isoformat()), "kind")
        return self._transition(state, "ended", version=version, confirm=confirm,
                                termination=termination)

    def _transition(self, state: CollabState, to_stage: str, *, version: int | None, confirm: bool,
                    decision: Decision | None = None, termination: Termination | None = None
                    ) -> tuple[Collaboration, list[Finding]]:
        c = state.collaboration
        lifecycle.validate_stage(to_stage)
        if to_stage not in lifecycle.next_stages(c.form, c.stage):
            allowed = ", ".join(lifecycle.next_stages(c.form, c.stage)) or msg("none (final stage)")
            raise ValidationError(
                msg("collaboration {id} is at {stage!r}; it can move to: {allowed}",
                    id=c.id, stage=c.stage, allowed=allowed), "stage")
        findings = self.evaluate(self._gate_context(state, to_stage, decision=decision,
                                                    termination=termination))
        blocking = [f for f in findings if f.blocking]
        if blocking:
            raise TransitionRefused(
                msg("collaboration {id} cannot move to {stage!r}: {n} blocking finding(s)",
                    id=c.id, stage=to_stage, n=len(blocking)),
                findings)
        if findings and not confirm:
            raise ConfirmationNeeded(
                msg("collaboration {id} can move to {stage!r} once the advisory findings are confirmed",
                    id=c.id, stage=to_stage),
                findings)
        # everything that is not SQL happens now, before the lock
        expected = c.version if version is None else version
        after = replace(state, collaboration=copy_with(c, stage=to_stage, version=expected + 1),
                        decision=decision or state.decision,
                        termination=termination or state.termination)
        due: tuple[dt.date | None] | None = None
        if to_stage == "active":
            due = (next_due(self._rules_view(after).follow_up_policy(c.form), after, self.today),)
        elif to_stage in lifecycle.FINAL_STAGES:
            due = (None,)
        events = (f"transition:{to_stage}", "decision") if decision is not None else f"transition:{to_stage}"
        notes = self._notifications(events, after, to_stage)
        confirmed = [f.as_dict() for f in findings]
        with self._tx():
            self._check_unchanged(state)
            if decision is not None:
                self.store.insert_decision(decision)
            if termination is not None:
                self.store.insert_termination(termination)
            moved = self.store.update_collaboration(
                c.id, expected, {"stage": to_stage}, action=f"transition.{c.stage}.{to_stage}", before=c)
            if confirmed:
                self.store.audit("transition.confirm_advisory", "collaboration", c.id, None,
                                 {"to": to_stage, "findings": confirmed})
            if due is not None:
                self.store.set_next_follow_up(c.id, due[0])
            self._queue(notes, c.id)
        return moved, findings

    @use_case("read")
    def overdue(self, on: dt.date | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        """Active collaborations whose next follow-up is past due."""
        return self.store.list_collaborations(
            CollabQuery(overdue_on=on or self.today, sort="next_follow_up", limit=limit))
