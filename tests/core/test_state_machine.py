"""Random sequences of service calls never reach an invalid state or break the audit chain.

A hypothesis state machine drives two officers' sessions (anna and bertil) on one real
SQLite file of the Testby municipality: registering organisations and initiatives,
answering checks, adding records, deciding, agreeing, advancing, following up, ending,
declaring conflicts of interest and editing on stale versions. After every step it
checks the invariants against the database and the audit log.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from corekit import TODAY, orgnr
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from samverkan.domain import lifecycle
from samverkan.domain.errors import SamverkanError, StaleUpdate
from samverkan.domain.model import ANSWERS
from samverkan.services import Services

FORMS = ("informal", "iop", "procurement", "grant")
REFUSAL_EVENTS = {"decision.refused_jaev", "permission.refused"}


class LifecycleMachine(RuleBasedStateMachine):
    registry = None  # set by the test from the testby fixture
    reached: set[str] = set()  # stages reached over the whole run (to see that runs get deep)

    orgs = Bundle("orgs")
    collabs = Bundle("collabs")

    def __init__(self):
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="samverkan-sm-"))
        db = self.dir / "testby.db"
        self.anna = Services.open(db, "anna", "test", registry=self.registry, today=TODAY)
        self.anna.set_municipality("testby")
        self.bertil = Services.open(db, "bertil", "test", registry=self.registry, today=TODAY)
        self.who = {"anna": self.anna, "bertil": self.bertil}
        self.refusals = 0

    def teardown(self):
        self.anna.store.close()
        self.bertil.store.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- helpers ------------------------------------------------------------------------------

    def state(self, cid: int):
        s = self.anna
        c = s.collaboration(cid)
        return (c.stage, c.version, c.title, s.store.decision(cid), s.store.agreement(cid),
                s.store.termination(cid), len(s.store.follow_ups(cid)))

    def attempt(self, cid: int | None, action, *args, **kwargs):
        """Run ``action``; if it is refused, nothing about ``cid`` may have changed."""
        before = self.state(cid) if cid is not None else None
        events = self.anna.store.count_events()
        try:
            return action(*args, **kwargs)
        except SamverkanError:
            self.refusals += 1
            if cid is not None:
                assert self.state(cid) == before, "a refused call changed the collaboration"
            new = self.anna.store.events(limit=1000)[: self.anna.store.count_events() - events]
            assert {e.action for e in new} <= REFUSAL_EVENTS, [e.action for e in new]
            return None

    # -- rules --------------------------------------------------------------------------------

    @initialize(target=collabs, forms=st.lists(st.sampled_from(FORMS[:3]), min_size=1, max_size=3))
    def first_initiatives(self, forms):
        """Start every run with an organisation and a few initiatives, so steps go deeper."""
        org = self.anna.register_organisation("Startföreningen", orgnr(100))
        return multiple(*(self.anna.register_initiative(f"Start {f}", f, [org.id]).id for f in forms))

    @rule(target=orgs, n=st.integers(min_value=1, max_value=40))
    def register_organisation(self, n):
        org = self.attempt(None, self.anna.register_organisation, f"Förening {n}", orgnr(n))
        return multiple(org.id) if org else multiple()

    @rule(target=collabs, org=orgs, form=st.sampled_from(FORMS),
          initiator=st.sampled_from(["organisation", "municipality"]), by=st.sampled_from(["anna", "bertil"]))
    def register_initiative(self, org, form, initiator, by):
        c = self.attempt(None, self.who[by].register_initiative, f"Samverkan {form}", form, [org], initiator)
        if form == "grant":
            assert c is None, "Testby does not offer association grants"
        return multiple(c.id) if c else multiple()

    @rule(cid=collabs, answer=st.sampled_from(ANSWERS), index=st.integers(0, 50), note=st.booleans())
    def answer_check(self, cid, answer, index, note):
        items = [i for i, _ in self.anna.checklist(cid)]
        item = items[index % len(items)]
        self.attempt(cid, self.anna.answer_check, cid, item.id, answer, "Motivering." if note else "")

    @rule(cid=collabs)
    def answer_everything(self, cid):
        for item, _ in self.anna.checklist(cid):
            if self.attempt(cid, self.anna.answer_check, cid, item.id, "met", "Prövat.") is None:
                break

    @rule(cid=collabs)
    def add_consultation(self, cid):
        self.attempt(cid, self.anna.add_record, cid, "consultation", {"topic": "IOP", "held_on": "2026-11-01"})

    @rule(cid=collabs)
    def next_step(self, cid):
        """Take the next step of the happy path (so that random runs get deep into the lifecycle)."""
        s, c = self.anna, self.anna.collaboration(cid)
        if c.stage == "initiative":
            self.attempt(cid, s.advance, cid, "preparation")
        elif c.stage == "preparation":
            self.answer_everything(cid)
            board = s.view.decision_authority(c.form).kind == "board"
            self.decide(cid, "start", "bertil", board, True)
        elif c.stage == "decided" and c.form == "informal":
            self.attempt(cid, s.advance, cid, "active", confirm=True)
        elif c.stage == "decided":
            if c.form == "iop":
                self.add_consultation(cid)
            self.agree(cid, -10, 300, True)
            self.attempt(cid, s.advance, cid, "agreement")
        elif c.stage == "agreement":
            self.attempt(cid, s.advance, cid, "active", confirm=True)
        elif c.stage == "active":
            self.end(cid, "expired", True)
        LifecycleMachine.reached.add(self.anna.collaboration(cid).stage)

    @rule(cid=collabs)
    def keep_going(self, cid):
        """The happy path again: weighs the random choice of rules towards progress."""
        self.next_step(cid)

    @rule(cid=collabs, to=st.sampled_from(lifecycle.STAGES), confirm=st.booleans(),
          by=st.sampled_from(["anna", "bertil"]))
    def advance(self, cid, to, confirm, by):
        self.attempt(cid, self.who[by].advance, cid, to, confirm=confirm)

    @rule(cid=collabs, outcome=st.sampled_from(["start", "decline"]), by=st.sampled_from(["anna", "bertil"]),
          board=st.booleans(), confirm=st.booleans())
    def decide(self, cid, outcome, by, board, confirm):
        extra = {"meeting_date": TODAY - dt.timedelta(days=3), "minute_paragraph": "§ 7"} if board else {}
        self.attempt(cid, self.who[by].decide, cid, outcome, "Motivering.", "Överväganden.", confirm=confirm, **extra)

    @rule(cid=collabs, start=st.integers(-60, 60), length=st.integers(-10, 400), signed=st.booleans())
    def agree(self, cid, start, length, signed):
        first = TODAY + dt.timedelta(days=start)
        self.attempt(cid, self.anna.record_agreement, cid, signed_on=TODAY if signed else None,
                     start=first, end=first + dt.timedelta(days=length))

    @rule(cid=collabs, hours=st.integers(0, 500))
    def follow_up(self, cid, hours):
        self.attempt(cid, self.anna.record_follow_up, cid, "Uppföljning.",
                     evaluation={"volunteer_hours": hours, "staff_hours": 1})

    @rule(cid=collabs, kind=st.sampled_from(["expired", "terminated"]), confirm=st.booleans())
    def end(self, cid, kind, confirm):
        self.attempt(cid, self.bertil.end, cid, "Avslutas.", kind=kind, confirm=confirm)

    @rule(cid=collabs, by=st.sampled_from(["anna", "bertil"]), on_org=st.booleans())
    def declare_conflict(self, cid, by, on_org):
        c = self.anna.collaboration(cid)
        target = {"organisation_id": c.organisation_ids[0]} if on_org else {"collaboration_id": cid}
        self.attempt(None, self.who[by].declare_conflict, "Jäv.", **target)

    @rule(cid=collabs, title=st.sampled_from(["Läxhjälp", "Språkcafé", "[b]Läger[/b]"]))
    def stale_edit(self, cid, title):
        seen = self.bertil.collaboration(cid)
        done = self.attempt(cid, self.anna.update_collaboration, cid, seen.version, purpose=f"Syfte {title}")
        if done is None:
            return  # anna could not edit (a closed collaboration): nothing to race against
        before = self.state(cid)
        try:
            self.bertil.update_collaboration(cid, seen.version, title=title)
        except StaleUpdate:
            pass
        else:
            raise AssertionError("bertil overwrote anna's edit from a stale version")
        assert self.state(cid) == before

    @rule(cid=collabs, to=st.sampled_from(lifecycle.STAGES))
    def stale_advance(self, cid, to):
        c = self.anna.collaboration(cid)
        if c.version < 2:
            return
        result = self.attempt(cid, self.bertil.advance, cid, to, version=c.version - 1, confirm=True)
        assert result is None, "a transition on a stale version went through"

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def audit_chain_verifies(self):
        report = self.anna.verify_audit()
        assert report.ok, report.problem
        assert report.count == self.anna.store.count_events()

    @invariant()
    def every_collaboration_is_in_a_valid_state(self):
        s = self.anna
        for cid in s.store.collaboration_ids():
            c = s.collaboration(cid)
            assert c.stage in lifecycle.STAGES
            # the stages it went through, read back from the audit log, follow the lifecycle
            stage = "initiative"
            for e in s.events(entity="collaboration", entity_id=cid, newest_first=False, limit=10_000):
                parts = e.action.split(".")
                if parts[0] != "transition" or len(parts) != 3:
                    continue
                _, frm, to = parts
                assert frm == stage, f"transition from {frm} while at {stage}"
                assert to in lifecycle.next_stages(c.form, frm), f"{c.form}: {frm} -> {to} is not allowed"
                stage = to
            assert stage == c.stage
            decision = s.store.decision(cid)
            assert (decision is not None) == (c.stage not in ("initiative", "preparation"))
            if decision is not None:
                assert decision.outcome == ("decline" if c.stage == "declined" else "start")
                assert not [d for d in s.store.conflicts(cid, c.organisation_ids, user=decision.decided_by)
                            if d.declared_at < _recorded_at(s, cid)], "a conflicted user decided"
            if c.stage in ("agreement", "active", "ended") and c.form != "informal":
                a = s.store.agreement(cid)
                assert a is not None and a.start and a.end and a.signed_on and a.start <= a.end
            if c.form == "informal":
                assert s.store.agreement(cid) is None and c.stage != "agreement"
            assert (s.store.termination(cid) is not None) == (c.stage == "ended")
            if s.store.follow_ups(cid):
                assert c.stage in ("active", "ended")


def _recorded_at(s: Services, cid: int) -> str:
    event = s.events(entity="collaboration", entity_id=cid, action_prefix="decision.record", limit=1)[0]
    return event.at


def test_random_service_sequences_keep_every_invariant(testby):
    LifecycleMachine.registry = testby
    LifecycleMachine.reached = set()
    run_state_machine_as_test(LifecycleMachine, settings=settings(
        max_examples=25, stateful_step_count=30, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    # the runs get past the decision, not only through refusals at the start
    assert {"preparation", "decided"} <= LifecycleMachine.reached, LifecycleMachine.reached
