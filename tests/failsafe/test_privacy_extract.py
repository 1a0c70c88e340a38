"""The register extract of GDPR art. 15 (issue 15, point 6, first part): everything
stored about one person, the audit log's images included, found case-insensitively
(Swedish letters too); the extract itself is audited without the name it searched for."""

from __future__ import annotations

import getpass
import json

from samverkan.services import Services


def test_the_extract_finds_the_person_in_every_table_and_in_the_events(tmp_path, registry, cli):
    db = tmp_path / "cli.db"
    s = Services.open(db, getpass.getuser(), "test", registry=registry)
    try:
        s.set_municipality("stockholm")
        s.add_user(getpass.getuser(), "admin,officer,manager")
        s.add_user("asa", "officer", email="asa.oberg@example.org")
        org = s.register_organisation("Läxhjälpen", "802012-3454",
                                      contact="Åsa Öberg, 070-123 45 67")
        [asa] = s.contacts(org.id)
        s.update_contact(asa.id, name="Per Persson", phone="")  # her name stays in the events
        c = s.register_initiative("Läxhjälp", "informal", [org.id], manager="ÅSA ÖBERG")
        other = s.register_organisation("Annan förening", "802013-1234", contact="Karin Berg")
    finally:
        s.store.close()

    result = cli("privacy", "extract", "åsa öberg", "--also", "asa.oberg@example.org",
                 "--also", "070-123 45 67", "--format", "json", db_path=db)
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    places = {(p["table"], p["column"]) for p in found}
    assert ("users", "email") in places
    assert ("collaborations", "manager") in places  # upper case found too
    assert ("events", "before") in places and ("events", "after") in places  # the old contact
    assert not any(p["table"] == "organisations" and p["key"] == str(other.id) for p in found)
    assert all("Karin" not in p["value"] for p in found)
    assert any(p["table"] == "collaborations" and p["key"] == str(c.id) for p in found)

    text = cli("privacy", "extract", "Åsa Öberg", db_path=db)
    assert text.exit_code == 0 and "place(s) hold 'Åsa Öberg'" in text.stdout

    # audited by how many places it found, not by whom it searched for
    s = Services.open(db, getpass.getuser(), "test", registry=registry)
    try:
        [event] = [e for e in s.events(limit=50) if e.action == "privacy.extract"][:1]
        assert set(event.after) == {"places"} and "Öberg" not in json.dumps(event.after)
    finally:
        s.store.close()
