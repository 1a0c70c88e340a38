"""Erasure and culling under Linköping's retention rules (issue 15, point 6): the same
core, the periods from Linköping's plugin."""

from __future__ import annotations

import datetime as dt


def test_a_contact_person_is_erased_and_culled_by_linkopings_rules(make_services, orgnr):
    s = make_services("linkoping")
    s.add_user(s.actor, "admin,officer,manager")
    org = s.register_organisation("Föreningen Ryttargården", orgnr(1)).id
    s.add_contact(org, "Nils Holm", role="Ordförande", email="nils.holm@example.org")
    s.add_contact(org, "Maja Ek", phone="070-174 06 12")
    s.register_initiative("Ridskola för nyanlända", "informal", [org])
    rules = s.view.retention()
    assert rules["contact"].erasable and rules["decision"].years is None

    erased = s.privacy_erase("Nils Holm", "nils.holm@example.org")
    assert [c.name for c in s.contacts(org)] == ["Maja Ek"] and erased.events
    assert s.verify_audit().ok and s.privacy_extract("Nils Holm") == []

    # an organisation still in a collaboration keeps its contact, however old
    path = s.store.path
    s.store.close()
    later = make_services("linkoping", db=path, today=dt.date(2040, 1, 1))
    culled = later.privacy_cull()
    assert not [r for r in culled.removed if r["table"] == "contacts"]
    assert [c.name for c in later.contacts(org)] == ["Maja Ek"]
    assert later.verify_audit().ok
