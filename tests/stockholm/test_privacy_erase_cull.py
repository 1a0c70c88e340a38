"""Erasure (GDPR art. 17) and culling (gallring) on a Stockholm database (issue 15,
point 6): the person's data leaves every table and every event's content (the whole
file is searched, its WAL included), kept records say why, culling follows the
plugin's retention periods, and the audit chain verifies afterwards."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sqlite3
from pathlib import Path

import pytest
from sthlm_helpers import Walk

from samverkan.domain.errors import ValidationError

PERSON, EMAIL, PHONE = "Åsa Öberg", "asa.oberg@example.org", "070-123 45 67"
OTHER = "Karin Berg"


def stored_bytes(path: Path) -> bytes:
    """Everything SQLite keeps for the database: the file, its WAL and shared memory."""
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())


def holds(blob: bytes, text: str) -> bool:
    return any(v.encode("utf-8") in blob for v in {text, text.lower(), text.upper(), text.title()})


def person_everywhere(walk: Walk) -> tuple[int, int, int]:
    """A database holding the person in a contact, a user account, a record's notes,
    a notification and the events: (organisation, contact, collaboration)."""
    s = walk.s
    s.add_user(s.actor, "admin,officer,manager")
    if getpass.getuser() != s.actor:  # the CLI acts as the account running it
        s.add_user(getpass.getuser(), "admin")
    s.add_user("asa", "officer", email=EMAIL)
    org = walk.org()
    contact = s.add_contact(org, PERSON, role="Ordförande", email=EMAIL, phone=PHONE)
    s.update_contact(contact.id, role="Kassör")  # the events keep before and after images
    s.add_contact(org, OTHER, role="Sekreterare", email="karin.berg@example.org")
    cid = s.register_initiative("Läxhjälp", "informal", [org], manager="asa",
                                policy_link="Arbetsmarknadsnämndens verksamhetsplan 2026").id
    s.advance(cid, "preparation")
    # a note under the general "record" rule, which may be erased
    s.add_record(cid, "organisation_funding", {
        "funder": "Allmänna arvsfonden", "granted_on": walk.months_ago(2).isoformat(),
        "controls": f"Samtal med {PERSON} ({PHONE}) om arvsfondens kontroller."})
    return org, contact.id, cid


def test_an_erased_person_is_gone_from_every_table_and_event_and_the_chain_verifies(walk, cli):
    s = walk.s
    org, contact_id, cid = person_everywhere(walk)
    assert s.privacy_extract(PERSON, EMAIL, PHONE)  # she is there before

    steps: list[str] = []
    done = s.privacy_erase(PERSON, EMAIL, PHONE, progress=steps.append)

    assert steps == ["verify", "search", "write", "compact"]  # said as each begins: seconds on a big file
    assert {"table": "contacts", "key": str(contact_id)} in done.removed
    assert [c.name for c in s.contacts(org)] == [OTHER]
    assert {u["name"]: u["email"] for u in s.users()}["asa"] == ""  # the account stays: its name is who did what
    [record] = s.store.records(cid, "organisation_funding")
    assert PERSON not in json.dumps(record.data, ensure_ascii=False)
    assert "[raderat]" in record.data["controls"] and record.data["funder"] == "Allmänna arvsfonden"
    assert done.events and done.event_id and done.compacted
    erasure = s.store.events(action_prefix="privacy.erase")[0]
    assert erasure.after["erased_events"] == done.events
    assert all(e.before is None and e.after is None and e.erased_by == done.event_id
               for e in s.store.events(limit=1000) if e.id in done.events)
    assert s.verify_audit().ok
    assert s.privacy_extract(PERSON, EMAIL, PHONE) == []

    path = s.store.path
    s.store.close()
    blob = stored_bytes(path)
    for term in (PERSON, EMAIL, PHONE, "Öberg"):
        assert not holds(blob, term), term
    assert holds(blob, OTHER)  # nobody else was touched
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0

    verified = cli("audit", "verify", db_path=path)
    assert verified.exit_code == 0, verified.output
    log = cli("audit", "log", "--limit", "500", db_path=path).stdout
    assert log.count(f"(content erased by event {done.event_id})") == len(done.events)


def test_records_the_law_requires_keeping_are_kept_with_the_reason(walk):
    s = walk.s
    _org, _contact, cid = person_everywhere(walk)
    s.add_record(cid, "follow_up_plan", {"how": f"Avstämning med {PERSON} efter tre månader."})
    walk.answer_all(cid)
    walk.decide(cid, considerations=f"{PERSON} har beskrivit behovet; ingen organisation gynnas.")

    done = s.privacy_erase(PERSON, EMAIL)

    kept = [k for k in done.kept if k["table"] == "decisions"]
    assert [k["column"] for k in kept] == ["considerations"] and kept[0]["reason"]
    # the decision's basis (a record kind the plan keeps like the case) is kept too
    assert any(k["table"] == "records" and "arkivlagen" in k["reason"] for k in done.kept)
    assert PERSON in s.state(cid).decision.considerations  # an official record, kept
    assert s.verify_audit().ok


def test_a_dry_run_writes_nothing(walk, cli):
    s = walk.s
    org, _contact, _cid = person_everywhere(walk)
    before = s.store.count_events()
    plan = s.privacy_erase(PERSON, EMAIL, dry_run=True)
    assert plan.removed and plan.events and plan.event_id is None
    assert s.store.count_events() == before and PERSON in [c.name for c in s.contacts(org)]
    s.store.close()
    path = walk.s.store.path
    shown = cli("privacy", "erase", PERSON, "--also", EMAIL, db_path=path)  # no --confirm: a list only
    assert shown.exit_code == 0 and "would be erased" in shown.stdout and "removed: contacts" in shown.stdout
    assert "run `samverkan privacy erase` again with --confirm" in shown.stdout
    done = cli("privacy", "erase", PERSON, "--also", EMAIL, "--confirm", db_path=path)
    assert done.exit_code == 0 and "the erasure is recorded as audit event" in done.stdout, done.output
    assert PERSON not in cli("org", "show", str(org), db_path=path).stdout
    culled = cli("privacy", "cull", "--confirm", db_path=path)
    assert culled.exit_code == 0 and culled.stdout.strip().endswith("nothing to cull")  # nothing due yet


def test_erasure_refuses_on_a_log_that_does_not_verify(walk):
    s = walk.s
    org, _contact, _cid = person_everywhere(walk)
    with sqlite3.connect(s.store.path) as conn:
        conn.execute("UPDATE organisations SET name = 'Förfalskad' WHERE id = ?", [org])
    with pytest.raises(ValidationError, match="does not verify"):
        s.privacy_erase(PERSON)
    assert PERSON in [c.name for c in s.contacts(org)]


def test_content_removed_outside_an_erasure_is_detected(walk):
    s = walk.s
    person_everywhere(walk)
    with sqlite3.connect(s.store.path) as conn:
        conn.execute("UPDATE events SET before = NULL, after = NULL, rows = NULL, salt = NULL, erased_by = 999"
                     " WHERE id = 3")
    report = s.verify_audit()
    assert not report.ok and "removed outside an erasure" in report.problem


def test_culling_follows_the_retention_periods_and_the_chain_verifies(make_services, orgnr, tmp_path):
    then = dt.date(2020, 6, 1)
    walk = Walk(make_services("stockholm", today=then), orgnr)
    s = walk.s
    org, _contact, cid = person_everywhere(walk)
    s.add_record(cid, "follow_up_plan", {"how": "Avstämning efter tre månader.", "by": PERSON})
    s.add_contact(org, "Olle Ström", email="olle.strom@example.org", phone="070-174 06 55")
    s.add_record(cid, "consultation", {
        "topic": "Läxhjälp", "advice": "Lämpligt.", "by": "Olle Ström", "recommendation": "supports",
        "date": walk.months_ago(1).isoformat()})
    walk.answer_all(cid)
    walk.decide(cid)
    s.advance(cid, "active")
    walk.expire(cid, "Perioden är slut.")
    busy_org = walk.org()  # an organisation still in a collaboration keeps its contact
    s.add_contact(busy_org, "Pia Lind", email="pia.lind@example.org")
    s.register_initiative("Pågående", "informal", [busy_org])
    path = s.store.path
    s.store.close()
    before = stored_bytes(path)
    assert all(holds(before, t) for t in ("Olle Ström", "olle.strom@example.org", "070-174 06 55", OTHER))

    later = make_services("stockholm", db=path, today=dt.date(2031, 1, 1))
    plan = later.privacy_cull(dry_run=True)
    assert plan.event_id is None and any(r["table"] == "contacts" for r in plan.removed)
    done = later.privacy_cull()
    assert later.contacts(org) == [] and [c.name for c in later.contacts(busy_org)] == ["Pia Lind"]
    [consultation] = later.store.records(cid, "consultation")
    assert consultation.data["by"] == "[gallrat]" and consultation.data["topic"] == "Läxhjälp"
    assert later.collaboration(cid).manager == "[gallrat]"  # ten years after it ended
    assert later.state(cid).decision is not None  # decisions are kept (bevaras)
    assert done.events and later.verify_audit().ok
    again = later.privacy_cull()
    assert (again.removed, again.changed) == ([], [])  # nothing left to cull
    assert later.verify_audit().ok
    # he was only in what was culled: a contact, a personal field and their events
    later.store.close()
    blob = stored_bytes(path)
    for term in ("Olle Ström", "olle.strom@example.org", "070-174 06 55", OTHER):
        assert not holds(blob, term), term
    assert holds(blob, "Pia Lind")


def test_events_written_before_content_was_sealed_are_erased_too(walk):
    s = walk.s
    person_everywhere(walk)
    # as a database written before migration m013 holds them: content hashed directly
    from samverkan.store import audit

    conn = sqlite3.connect(s.store.path)
    conn.row_factory = sqlite3.Row
    prev = audit.GENESIS
    for row in [dict(r) for r in conn.execute("SELECT * FROM events ORDER BY id")]:
        row.update(salt=None, sealed=None, prev_hash=prev)
        row["hash"] = prev = audit.event_hash(row)
        conn.execute("UPDATE events SET salt = NULL, sealed = NULL, prev_hash = ?, hash = ? WHERE id = ?",
                     [row["prev_hash"], row["hash"], row["id"]])
    conn.commit()
    conn.close()
    assert s.verify_audit().ok

    done = s.privacy_erase(PERSON, EMAIL, PHONE)
    assert done.events and s.verify_audit().ok
    path = s.store.path
    s.store.close()
    assert not holds(stored_bytes(path), PERSON) and not holds(stored_bytes(path), EMAIL)


@pytest.mark.parametrize("after", ["ended", "created"])
def test_every_kind_of_record_can_be_found_due_from_either_date(walk, after):
    from samverkan.domain.model import Source
    from samverkan.domain.rules import RETAINED, Retention

    s = walk.s
    _org, _contact, cid = person_everywhere(walk)
    if after == "ended":
        s.add_record(cid, "follow_up_plan", {"how": "Avstämning efter tre månader."})
        walk.answer_all(cid)
        walk.decide(cid)
        s.advance(cid, "active")
        walk.expire(cid, "Perioden är slut.")
    kinds = s.view.record_kinds()
    due = {record: s._due(record, Retention(record, 0, Source("samverkan", level="default"), after=after),
                          "2999-01-01", kinds) for record in (*RETAINED, "consultation")}
    assert due["contact"]["contacts"] and due["record"]["records"]  # the funding note
    assert due["collaboration"]["collaborations"] == [(cid,)]
    assert len(due["decision"]["decisions"]) == (1 if after == "ended" else 0)  # decided only there
    assert due["organisation"] == {} and due["user"] == {}


def test_only_whole_words_are_the_person(walk):
    s = walk.s
    s.add_user(s.actor, "admin,officer,manager")
    org = walk.org()
    s.add_contact(org, "Eva Lund", email="eva.lund@example.org")
    s.add_contact(org, "Evald Berg")
    s.add_contact(org, "Lena Evaluering-Ek")
    done = s.privacy_erase("Eva Lund", "eva.lund@example.org")
    assert [c.name for c in s.contacts(org)] == ["Evald Berg", "Lena Evaluering-Ek"]
    assert len(done.removed) == 1 and s.verify_audit().ok
    nothing = s.privacy_erase("Eva", dry_run=True)  # "Eva" alone: in no word of theirs
    assert (nothing.removed, nothing.changed) == ([], [])


def test_an_anchored_chain_stays_proven_after_an_erasure(make_services, orgnr, tmp_path, monkeypatch):
    from samverkan.store import anchor

    key = tmp_path / "keys" / "audit.key"
    anchor.new_key(key)
    monkeypatch.setenv(anchor.KEY_ENV, str(key))
    walk = Walk(make_services("stockholm"), orgnr)
    person_everywhere(walk)
    done = walk.s.privacy_erase(PERSON, EMAIL, PHONE)
    report = walk.s.verify_audit()
    assert done.events and report.ok and report.anchor is not None and report.anchor.ok
    # every event from the first on, the erased ones too, still carries its valid MAC
    assert report.anchor.since == 1 and report.anchor.proven_to == walk.s.store.count_events()


def test_a_write_between_the_search_and_the_erasure_is_not_missed(walk, make_services, monkeypatch):
    s = walk.s
    org, contact_id, _cid = person_everywhere(walk)
    colleague = make_services("stockholm", db=s.store.path)  # another session on the same file
    search, searches = s.store.personal_data, []

    def search_then_a_colleague_writes(terms):
        found = search(terms)
        if not searches:  # her number changes after the search, before the erasure's write
            colleague.update_contact(contact_id, phone="070-174 06 99")
        searches.append(terms)
        return found

    monkeypatch.setattr(s.store, "personal_data", search_then_a_colleague_writes)
    done = s.privacy_erase(PERSON, EMAIL)
    assert len(searches) == 2  # planned again on what was stored then
    assert [c.name for c in s.contacts(org)] == [OTHER] and done.events and s.verify_audit().ok
    assert s.privacy_extract(PERSON, EMAIL) == []  # the colleague's event, which names her, too


def test_an_erased_notification_goes_with_its_delivery_attempts(walk):
    s = walk.s
    person_everywhere(walk)
    with s.store.transaction("test"):  # a notification to her, tried once
        nid = s.store.conn.execute(
            "INSERT INTO outbox (collaboration_id, recipient, subject, body, reason, created_at, attempts)"
            " VALUES (1, ?, 'Påminnelse', 'Hej', 'test', '2026-11-01', 1)", [EMAIL]).lastrowid
        s.store.conn.execute("INSERT INTO outbox_attempts (notification_id, attempt, at, ok, error)"
                             " VALUES (?, 1, '2026-11-01', 0, ?)", [nid, f"550 {EMAIL}: no such user"])
    done = s.privacy_erase(PERSON, EMAIL)
    assert {"table": "outbox", "key": str(nid)} in done.removed
    assert s.store.conn.execute("SELECT count(*) FROM outbox_attempts").fetchone()[0] == 0
    assert s.verify_audit().ok
