"""Use cases on collaborations: register an initiative, change its details, list, read one,
and what the municipality's rules say about its form.

A collaboration is judged under the rules in force on its decision date (before a
decision: today): :meth:`CollaborationUseCases._rules_view` is the municipality's view at
that date, which the gates, the checklist and the detail read.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from samverkan.domain import lifecycle
from samverkan.domain.errors import ValidationError
from samverkan.domain.form_guide import answers_in_words, validate_answers
from samverkan.domain.lifecycle import GateContext
from samverkan.domain.model import CheckAnswer, CheckItem, Collaboration, Decision, validate_form
from samverkan.domain.query import CollabQuery
from samverkan.domain.rules import FormOffer, FormRules, Municipality
from samverkan.domain.state import CollabState
from samverkan.i18n import msg
from samverkan.plugin.manager import MunicipalityView
from samverkan.services.session import Session, use_case

#: what a user may write for the municipality as a party
MUNICIPALITY_WORDS = ("municipality", "kommunen", "kommun")


@dataclass(frozen=True)
class Party:
    """A party of a collaboration: the municipality or one of its organisations."""

    name: str
    organisation_id: int | None = None
    orgnr: str = ""

    @property
    def is_municipality(self) -> bool:
        """Whether this party is the municipality."""
        return self.organisation_id is None


class CollaborationUseCases(Session):
    """Collaborations (mixed into :class:`samverkan.services.Services`)."""

    @use_case("collaboration.register", on="collaboration.new")
    def register_initiative(self, title: str, form: str, organisations: list[int | str],
                            initiator: str = "organisation", **fields: Any) -> Collaboration:
        """Register a new initiative to collaborate (stage ``initiative``)."""
        validate_form(form)
        offer = self.view.form(form)
        if offer is not None and not offer.offered:
            raise ValidationError(msg("{form}: {note}", form=offer.name,
                                      note=offer.note or msg("not offered here")), "form")
        if not organisations:
            raise ValidationError(msg("a collaboration needs at least one organisation"), "org")
        if fields.get("form_answers"):  # the questionnaire's answers, kept for the decider
            fields["form_answers"] = validate_answers(fields["form_answers"])
        # the registration's own permission covers looking its organisations up
        orgs = [self._find_organisation(ref) for ref in organisations]
        collab = Collaboration(title=title, form=form, organisation_ids=[o.id for o in orgs],
                               initiator=initiator, **fields)
        # The notifications name the new collaboration's number, so the plugins render
        # them for the id it will most likely get, before the lock; if another session
        # registers first, the insert refuses and the registration runs again.
        collab.id = self.store.next_collaboration_id()
        state = CollabState(collaboration=collab, organisations=orgs)
        notes = self._notifications("registered", state, "initiative")
        with self._tx():
            collab = self.store.insert_collaboration(collab)
            self._queue(notes, collab.id)
        return collab

    @use_case("read", on="collaboration", reads=())
    def collaboration(self, state: CollabState) -> Collaboration:
        """The collaboration with ``collab_id``."""
        return state.collaboration

    @use_case("read", on="collaboration")
    def state(self, state: CollabState) -> CollabState:
        """Everything stored about one collaboration (see :class:`CollabState`)."""
        return state

    @use_case("collaboration.update", on="collaboration", reads=())
    def update_collaboration(self, state: CollabState, version: int, **changes: Any) -> Collaboration:
        """Edit a collaboration's descriptive fields (not its stage) if still at ``version``."""
        current = state.collaboration
        if "stage" in changes:
            raise ValidationError(msg("the stage changes only through a transition"), "stage")
        # the form decides which rules and gates apply, so it is fixed at registration
        if "form" in changes and changes["form"] != current.form:
            raise ValidationError(msg("the form is chosen when the initiative is registered; "
                                      "register a new initiative for another form"), "form")
        if "organisation_ids" in changes:
            raise ValidationError(msg("the organisations are set when the initiative is registered"), "org")
        if current.stage in lifecycle.FINAL_STAGES:
            raise ValidationError(msg("collaboration {id} is {stage}: "
                                      "a closed collaboration is kept as it was decided and ended",
                                      id=current.id, stage=current.stage))
        Collaboration(**{**asdict(current), **changes})  # validate before taking the lock
        with self._tx():
            # the version check refuses the write if the row moved since it was read
            before = current if current.version == version else None
            return self.store.update_collaboration(current.id, version, changes, before=before)

    @use_case("read")
    def collaborations(self, query: CollabQuery | None = None) -> list[dict[str, Any]]:
        """One page of collaborations as rows."""
        return self.store.list_collaborations(query or CollabQuery())

    @use_case("read")
    def count_collaborations(self, query: CollabQuery | None = None) -> int:
        """How many collaborations match ``query``."""
        return self.store.count_collaborations(query or CollabQuery())

    @use_case("read")
    def units(self) -> list[str]:
        """The responsible units in use."""
        return self.store.units()

    @use_case("read", on="collaboration")
    def detail(self, state: CollabState) -> dict[str, Any]:
        """Everything about one collaboration, for a detail view.

        Besides what :class:`CollabState` holds: the form's rules (``rules``) as they were
        in force on the decision date (``rules_on``; before a decision today) and the
        versions of the documents that applied then (``rule_documents``), what the
        acting user can do now (``allowed``, from :func:`lifecycle.allowed_actions`), the
        next stages, the case's documents, the collaboration's events and its notifications.
        """
        c = state.collaboration
        view = self._rules_view(state)
        rules = self._form_rules(c.form, view)
        offer = rules.offer or self.view.form(c.form)  # the form's name as it is called today
        return {
            "state": state,
            "collaboration": c,
            "form_name": offer.name if offer else c.form,
            "rules": rules,
            # the date whose rules apply (the decision's, else today) and the versions of
            # the municipality's documents in force then
            "rules_on": view.date,
            "rule_documents": view.documents(),
            "organisations": state.organisations,
            "checks": rules.checks,
            "answers": state.answers,
            "decision": state.decision,
            "agreement": state.agreement,
            "contributions": state.contributions,
            "follow_ups": state.follow_ups,
            "termination": state.termination,
            "records": state.records,
            "next_stages": lifecycle.next_stages(c.form, c.stage),
            "allowed": lifecycle.allowed_actions(state, self.roles),
            "documents": self.store.documents(c.id),
            "form_answers": answers_in_words(c.form_answers),
            "events": self.store.events(entity="collaboration", entity_id=c.id, limit=200),
            "outbox": self.store.outbox(collab_id=c.id),
        }

    @use_case("read", on="collaboration", reads=())
    def allowed_actions(self, state: CollabState) -> frozenset[str]:
        """What the acting user can do now with the collaboration (see :mod:`lifecycle`)."""
        return lifecycle.allowed_actions(state, self.roles)

    @use_case("read", on="collaboration", reads=("answers",))
    def checklist(self, state: CollabState) -> list[tuple[CheckItem, CheckAnswer | None]]:
        """The checklist of a collaboration's form with the answers so far."""
        return [(item, state.answers.get(item.id)) for item in self._rules_view(state).checks(state.form)]

    # -- the municipality's rules, as the interfaces need them -------------------

    def _rules_view(self, state: CollabState | None = None, decision: Decision | None = None) -> MunicipalityView:
        """The municipality's rules that judge the collaboration in ``state``: those in force
        on its decision date (``decision``, the one being recorded, or the stored one);
        before a decision, or without a collaboration, today's."""
        decided = decision or (state.decision if state is not None else None)
        return self.view.at(lifecycle.rules_date(decided, self.today))

    def _form_rules(self, form: str, view: MunicipalityView | None = None) -> FormRules:
        view = view or self._rules_view()
        return FormRules(form=form, offer=view.form(form), checks=view.checks(form),
                         authority=view.decision_authority(form), sections=view.agreement_sections(form),
                         follow_up=view.follow_up_policy(form), record_kinds=view.record_kinds())

    @use_case("read")
    def form_rules(self, form: str) -> FormRules:
        """What the municipality's rules say today about ``form`` (checks, authority, sections …)."""
        validate_form(form)
        return self._form_rules(form)

    @use_case("read")
    def form_offer(self, form: str) -> FormOffer | None:
        """How the municipality offers ``form`` (its local name), if it registered it."""
        return self.view.form(form)

    @use_case("read")
    def offered_forms(self) -> list[FormOffer]:
        """The forms the municipality offers, in its order and under its names."""
        return [f for f in self.view.forms() if f.offered]

    @use_case("read")
    def municipality(self) -> Municipality | None:
        """The municipality this database belongs to, as its plugin describes it."""
        return self.view.municipality

    def _parties(self, state: CollabState) -> list[Party]:
        muni = self.view.municipality
        own = Party(muni.name if muni else msg("the municipality"))
        return [own, *(Party(o.name, o.id, o.orgnr) for o in state.organisations)]

    @use_case("read", on="collaboration", reads=("organisations",))
    def parties(self, state: CollabState) -> list[Party]:
        """The collaboration's parties: the municipality first, then its organisations."""
        return self._parties(state)

    def _party(self, state: CollabState, ref: Any) -> Party:
        """The party ``ref`` names: "municipality"/"kommunen", a name, an id or a number."""
        text = str(ref if ref is not None else "").strip()
        parties = self._parties(state)
        if text.lower() in MUNICIPALITY_WORDS:
            return parties[0]
        for p in parties:
            if text.casefold() == p.name.casefold() or (p.organisation_id is not None and text in (
                    str(p.organisation_id), p.orgnr, p.orgnr.replace("-", ""))):
                return p
        raise ValidationError(msg("{party!r} is not a party of collaboration {id}; its parties are: {parties}",
                                  party=text, id=state.id,
                                  parties=", ".join(p.name for p in parties)), "party")

    def _gate_context(self, state: CollabState, to_stage: str, **recorded: Any) -> GateContext:
        # the rules of the decision date: the decision recorded with this transition, else
        # the stored one; before a decision, today's
        view = self._rules_view(state, recorded.get("decision"))
        return GateContext.for_transition(
            state, to_stage, actor=self.actor, checks=view.checks(state.form),
            authority=view.decision_authority(state.form),
            sections=view.agreement_sections(state.form), today=self.today, **recorded)

    def _notifications(self, event: str | tuple[str, ...], state: CollabState, stage: str) -> list[Any]:
        """What the plugins want sent for ``event`` (or each of several events on the same
        state), rendered before any lock is taken."""
        context = self._gate_context(state, stage)
        notes = []
        for name in (event,) if isinstance(event, str) else event:
            for n in self.view.notifications(name, context):
                n.reason = n.reason or name
                notes.append(n)
        return notes

    def _queue(self, notes: list[Any], collab_id: int) -> None:
        """Write rendered notifications to the outbox (inside the change's transaction)."""
        for n in notes:
            n.collaboration_id = n.collaboration_id or collab_id
            self.store.insert_notification(n)
