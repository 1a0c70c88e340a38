"""Every role × every service action: allowed or refused (and the refusal audited)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from samverkan.domain.access import PERMISSIONS, ROLES
from samverkan.domain.errors import PermissionDenied, SamverkanError
from samverkan.services import Services

ACTIONS: dict[str, Callable[[Services, Path, Callable[[int], str]], object]] = {
    "read": lambda s, tmp, orgnr: s.collaborations(),
    "organisation.register": lambda s, tmp, orgnr: s.register_organisation("Ny förening", orgnr(500)),
    "organisation.update": lambda s, tmp, orgnr: s.update_organisation(1, 1, legal_form="stiftelse"),
    "contact.add": lambda s, tmp, orgnr: s.add_contact(1, "Bo Berg", email="bo@example.se"),
    "contact.update": lambda s, tmp, orgnr: s.update_contact(1, role="ordförande"),
    "contact.remove": lambda s, tmp, orgnr: s.remove_contact(1),
    "collaboration.register": lambda s, tmp, orgnr: s.register_initiative("Nytt initiativ", "informal", [1]),
    "collaboration.update": lambda s, tmp, orgnr: s.update_collaboration(1, s.collaboration(1).version, purpose="x"),
    "check.answer": lambda s, tmp, orgnr: s.answer_check(1, "national.competence", "met"),
    "contributions.set": lambda s, tmp, orgnr: s.set_contributions(
        1, [{"party": "Kommunen", "category": "money", "amount": 1000, "is_municipality": True}]),
    "record.add": lambda s, tmp, orgnr: s.add_record(1, "no-such-kind", {}),
    "document.attach": lambda s, tmp, orgnr: s.attach_document(1, "minutes", "Protokoll", reference="KS 1"),
    "transition.prepare": lambda s, tmp, orgnr: s.advance(1, "preparation"),
    "decision.record": lambda s, tmp, orgnr: s.decide(1, "start", "Motivering"),
    "agreement.record": lambda s, tmp, orgnr: s.record_agreement(
        1, signed_on="2026-01-01", start="2026-01-01", end="2026-12-31"),
    "agreement.sign": lambda s, tmp, orgnr: s.advance(1, "agreement"),
    "transition.activate": lambda s, tmp, orgnr: s.advance(1, "active"),
    "follow_up.record": lambda s, tmp, orgnr: s.record_follow_up(1, "Uppföljning"),
    "collaboration.end": lambda s, tmp, orgnr: s.end(1, "Klart"),
    "conflict.declare": lambda s, tmp, orgnr: s.declare_conflict("Styrelseledamot", organisation_id=1),
    "outbox.send": lambda s, tmp, orgnr: s.deliver_outbox({}),
    "users.manage": lambda s, tmp, orgnr: s.add_user("zed", "reader"),
    "municipality.set": lambda s, tmp, orgnr: s.set_municipality("stockholm"),
    "backup": lambda s, tmp, orgnr: s.backup(tmp / "backup.db"),
    "privacy.extract": lambda s, tmp, orgnr: s.privacy_extract("Eva"),
    "privacy.erase": lambda s, tmp, orgnr: s.privacy_erase("Eva", dry_run=True),
    "privacy.cull": lambda s, tmp, orgnr: s.privacy_cull(dry_run=True),
}


def test_every_permission_has_an_action_under_test():
    assert set(ACTIONS) == set(PERMISSIONS)


@pytest.fixture
def office(make_services, orgnr, tmp_path):
    """A database with an admin, one organisation (with a contact person) and one
    collaboration in the unit 'Jobbtorg'."""
    admin = make_services("stockholm", user="root")
    admin.add_user("root", "admin,officer,manager")
    admin.register_organisation("Förening", orgnr(1), contact="Anna Svensson, anna@example.se")
    admin.register_initiative("Samverkan", "iop", [1], unit="Jobbtorg")
    return admin


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(PERMISSIONS))
def test_role_action(office, make_services, tmp_path, orgnr, role, action):
    office.add_user("person", role, unit="Jobbtorg")
    person = make_services("stockholm", user="person")
    allowed = role in PERMISSIONS[action]
    before = office.store.count_events()
    try:
        ACTIONS[action](person, tmp_path, orgnr)
    except PermissionDenied as exc:
        assert not allowed, f"{role} should be allowed {action}: {exc}"
        assert action in str(exc) and "needs the role" in str(exc)
        refusal = office.events(limit=1)[0]
        assert refusal.action == "permission.refused"
        assert refusal.actor == "person" and refusal.after["action"] == action
        assert office.store.count_events() == before + 1  # only the refusal was written
        return
    except SamverkanError:
        pass  # refused for another reason (a gate, a stage): the permission check passed
    assert allowed, f"{role} must not be allowed {action}"


def test_unregistered_user_is_refused_once_users_exist(office, make_services):
    stranger = make_services("stockholm", user="stranger")
    with pytest.raises(PermissionDenied, match="stranger is not a registered user"):
        stranger.collaborations()


def test_manager_decides_only_for_their_own_unit(office, make_services):
    office.add_user("boss", "manager", unit="Annan enhet")
    boss = make_services("stockholm", user="boss")
    with pytest.raises(PermissionDenied, match="is manager for 'Annan enhet'"):
        boss.decide(1, "start", "Motivering")


def test_declared_conflict_blocks_deciding_and_advising(office, make_services):
    office.add_user("per", "manager,officer", unit="Jobbtorg")
    per = make_services("stockholm", user="per")
    per.declare_conflict("Sitter i föreningens styrelse", organisation_id=1)
    with pytest.raises(PermissionDenied, match="conflict of interest"):
        per.decide(1, "start", "Motivering")
    assert office.events(limit=1)[0].action == "decision.refused_jaev"
    with pytest.raises(PermissionDenied, match="may not advise"):
        per.add_record(1, "no-such-kind", {})
    actions = [e.action for e in office.events(limit=5)]
    assert "permission.refused" in actions and "conflict.declare" in actions
    assert office.collaboration(1).stage == "initiative"


def test_single_user_installation_holds_every_role(make_services):
    s = make_services("stockholm", user="solo")
    assert s.roles == ROLES
