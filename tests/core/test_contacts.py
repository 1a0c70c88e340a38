"""An organisation's contact persons (issue 15, point 6): structured records with a name,
a role, an e-mail address and a number, changed through audited use cases, from the CLI,
and migrated from the free-text contact that organisations had before (m014)."""

from __future__ import annotations

import json

import pytest
from corekit import new_org, orgnr
from sqlite_utils import Database

from samverkan.domain.contacts import Contact, normalise_phone, parse_contact, validate_email
from samverkan.domain.errors import NotFound, StaleUpdate, ValidationError
from samverkan.store import Store
from samverkan.store.migrations import migrations
from samverkan.store.sql import insert

# -- the domain: what a contact person is --------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Anna Svensson, anna@example.se, 070-123 45 67", ("Anna Svensson", "anna@example.se", "070-123 45 67")),
    ("info@example.org", ("info@example.org", "info@example.org", "")),
    ("Eva; tel. 08-123 456 78", ("Eva", "", "08-123 456 78")),
    ("Anna Svensson <anna@example.se> / +46 (0)70-123 45 67", ("Anna Svensson", "anna@example.se",
                                                                "+46 (0)70-123 45 67")),
    ("Per Persson (ordf.)", ("Per Persson (ordf.)", "", "")),
    ("Box 123, 123 45 Stockholm", ("Box 123, 123 45 Stockholm", "", "")),  # too few digits: no number
    ("[link=x]y[/link]", ("[link=x]y[/link]", "", "")),
    ("tel:", ("tel:", "", "")),  # nothing but a label: kept as it was given
])
def test_a_free_text_contact_is_parsed_into_name_e_mail_and_number(text, expected):
    found = parse_contact(text)
    assert (found["name"], found["email"], found["phone"]) == expected
    Contact(organisation_id=1, **found)  # always a valid contact person


def test_empty_text_is_no_contact():
    assert parse_contact("") is None and parse_contact("  \n") is None and parse_contact(None) is None


@pytest.mark.parametrize("bad", ["anna", "anna@", "anna@example", "an na@example.se", "anna@@example.se",
                                 "anna@example..se"])
def test_an_e_mail_address_is_checked(bad):
    with pytest.raises(ValidationError) as refused:
        validate_email(bad)
    assert refused.value.field == "email" and "not an e-mail address" in str(refused.value)
    assert "\n" not in str(refused.value)
    assert validate_email("  Anna.Svensson+iop@example.se ") == "Anna.Svensson+iop@example.se"


@pytest.mark.parametrize("bad", ["12345", "070-12A 45 67", "1" * 21, "070 + 123 456", "ring mig"])
def test_a_telephone_number_is_checked(bad):
    with pytest.raises(ValidationError) as refused:
        normalise_phone(bad)
    assert refused.value.field == "phone" and "6 to 20 digits" in str(refused.value)
    assert normalise_phone(" +46 (0)70  123\t45 67 ") == "+46 (0)70 123 45 67"


# -- the use cases ---------------------------------------------------------------------------


def test_add_change_and_remove_a_contact_person_each_audited_and_covered(s):
    org = new_org(s, n=1)
    anna = s.add_contact(org.id, " Anna Svensson ", role="ordförande", email="anna@example.se",
                         phone="070-123  45 67")
    bo = s.add_contact(org.orgnr, "Bo Berg")  # by organisation number too
    assert [(c.name, c.role, c.email, c.phone) for c in s.contacts(org.id)] == [
        ("Anna Svensson", "ordförande", "anna@example.se", "070-123 45 67"), ("Bo Berg", "", "", "")]

    changed = s.update_contact(anna.id, email="anna.svensson@example.se", role="")
    assert (changed.email, changed.role, changed.version) == ("anna.svensson@example.se", "", 2)
    removed = s.remove_contact(bo.id)
    assert removed.name == "Bo Berg" and [c.id for c in s.contacts(org.id)] == [anna.id]

    events = s.store.events(action_prefix="contact.", newest_first=False)
    assert [(e.action, e.entity, e.entity_id) for e in events] == [
        ("contact.add", "contact", str(anna.id)), ("contact.add", "contact", str(bo.id)),
        ("contact.update", "contact", str(anna.id)), ("contact.remove", "contact", str(bo.id))]
    assert events[0].after == {"id": anna.id, "organisation_id": org.id, "name": "Anna Svensson",
                               "role": "ordförande", "email": "anna@example.se", "phone": "070-123 45 67",
                               "version": 1}
    assert (events[2].before["email"], events[2].after["email"]) == ("anna@example.se", "anna.svensson@example.se")
    assert events[3].before["name"] == "Bo Berg" and events[3].after is None
    assert all("contacts" in json.loads(e.rows) for e in events)  # the chain covers each row written
    assert s.verify_audit().ok

    s.store.conn.execute("UPDATE contacts SET phone = '08-999 99 99' WHERE id = ?", [anna.id])
    report = s.store.verify_chain()
    assert not report.ok and [str(d) for d in report.records] == [
        f"contacts [{anna.id}] was changed outside the services (column phone)"]


def test_refused_changes_store_nothing(s):
    org = new_org(s, n=2)
    anna = s.add_contact(org.id, "Anna Svensson")
    events = s.store.count_events()
    for call, field in ((lambda: s.add_contact(org.id, "  "), "name"),
                        (lambda: s.add_contact(org.id, "Bo", email="bo-at-example.se"), "email"),
                        (lambda: s.add_contact(org.id, "Bo", phone="123"), "phone"),
                        (lambda: s.update_contact(anna.id, phone="noll sju noll"), "phone"),
                        (lambda: s.update_contact(anna.id, name=""), "name"),
                        (lambda: s.update_contact(anna.id, orgnr="x"), "orgnr")):
        with pytest.raises(ValidationError) as refused:
            call()
        assert refused.value.field == field and "\n" not in str(refused.value)
    with pytest.raises(NotFound, match="no organisation with id 99"):
        s.add_contact(99, "Cecilia")
    with pytest.raises(NotFound, match="no contact person with id 99"):
        s.update_contact(99, name="Cecilia")
    with pytest.raises(NotFound, match="no contact person with id 99"):
        s.remove_contact(99)
    assert s.store.count_events() == events
    assert [(c.name, c.version) for c in s.contacts(org.id)] == [("Anna Svensson", 1)]


def test_a_change_on_a_stale_version_is_refused_and_nothing_is_overwritten(testby_services):
    anna, bertil = testby_services("anna"), testby_services("bertil")
    org = new_org(anna, n=3)
    seen = anna.add_contact(org.id, "Cecilia Ek")
    anna.update_contact(seen.id, version=seen.version, role="kassör")
    with pytest.raises(StaleUpdate, match="contact person .* was changed by someone else"):
        bertil.update_contact(seen.id, version=seen.version, role="ordförande")
    assert bertil.contact(seen.id).role == "kassör"


def test_registering_an_organisation_with_a_contact_text_adds_the_person_in_one_transaction(s):
    org = s.register_organisation("Scoutkåren", orgnr(4), contact="Anna Svensson, anna@example.se, 070-123 45 67")
    [person] = s.contacts(org.id)
    assert (person.name, person.email, person.phone) == ("Anna Svensson", "anna@example.se", "070-123 45 67")
    newest = s.store.events(limit=2)
    assert [e.action for e in newest] == ["contact.add", "organisation.create"]
    assert s.store.count_events() == newest[0].id  # no separate records event: one transaction
    with pytest.raises(ValidationError) as refused:  # a name too long refuses the registration
        s.register_organisation("Annan förening", orgnr(5), contact="x" * 501)
    assert refused.value.field == "contact" and s.count_organisations() == 1


def test_an_organisation_no_longer_has_a_free_text_contact(s):
    org = new_org(s, n=6)
    with pytest.raises(ValidationError, match="unknown field.*contact"):
        s.update_organisation(org.id, org.version, contact="info@example.se")


# -- the command line --------------------------------------------------------------------------


def test_contact_commands(cli):
    assert cli("init", "--municipality", "stockholm").exit_code == 0
    added = cli("org", "add", "Scoutkåren", "--orgnr", orgnr(7), "--contact", "Anna Svensson, anna@example.se")
    assert added.exit_code == 0, added.output
    bo = cli("org", "contact", "add", "1", "--name", "Bo Berg", "--role", "kassör", "--phone", "08-123 45 67")
    assert bo.exit_code == 0 and bo.stdout.strip() == "2"

    listed = json.loads(cli("org", "contact", "list", orgnr(7), "--format", "json").stdout)
    assert [(c["id"], c["name"], c["role"], c["email"], c["phone"]) for c in listed] == [
        (1, "Anna Svensson", "", "anna@example.se", ""), (2, "Bo Berg", "kassör", "", "08-123 45 67")]
    edited = cli("org", "contact", "edit", "1", "--role", "ordförande", "--email", "")
    assert edited.exit_code == 0 and "ordförande" in edited.stdout
    shown = cli("org", "show", "1").stdout
    assert "contact persons:" in shown and "Anna Svensson" in shown and "ordförande" in shown
    assert "anna@example.se" not in shown and "08-123 45 67" in shown
    removed = cli("org", "contact", "remove", "2")
    assert removed.exit_code == 0 and removed.stdout == "contact person 2 (Bo Berg) removed\n"
    assert "Bo Berg" not in cli("org", "contact", "list", "1").stdout
    assert cli("audit", "verify").exit_code == 0

    for args, error in ((("add", "1", "--name", "Cecilia", "--email", "cecilia"), "not an e-mail address"),
                        (("add", "1", "--name", "Cecilia", "--phone", "0701"), "not a telephone number"),
                        (("add", "9", "--name", "Cecilia"), "no organisation with id 9"),
                        (("edit", "9", "--name", "Cecilia"), "no contact person with id 9"),
                        (("remove", "9"), "no contact person with id 9")):
        refused = cli("org", "contact", *args)
        assert refused.exit_code == 1 and error in refused.stderr, (args, refused.output)
        assert refused.stderr.startswith("Error: ") and len(refused.stderr.splitlines()) == 1
    nothing = cli("org", "contact", "edit", "1")
    assert nothing.exit_code == 2 and "Error: give --name, --role, --email or --phone" in nothing.stderr
    assert len(json.loads(cli("org", "contact", "list", "1", "--json").stdout)) == 1


# -- the migration from free text (m014) ---------------------------------------------------------

CONTACTS = ["Anna Svensson, anna@example.se, 070-123 45 67", "info@example.org", "", None, "Per Persson"]


def old_database(path, *, tampered: bool = False) -> None:
    """A database at m013 whose organisations hold free-text contacts, written as the
    release before m014 wrote them: each row with its audit event and the row's digest."""
    db = Database(path)
    migrations.apply(db, stop_before="m014_structured_contacts")
    db.conn.close()
    store = Store.open(path, migrate=False)
    try:
        with store.transaction("anna", "test"):
            for n, contact in enumerate(CONTACTS, 1):
                row = {"name": f"Förening {n}", "orgnr": orgnr(n), "legal_form": "ideell förening",
                       "contact": contact, "is_example": 0, "version": 1}
                org_id = insert(store.conn, "organisations", {**row, "created_at": "2026-01-01",
                                                              "updated_at": "2026-01-01"})
                store.touch("organisations", org_id)
                store.audit("organisation.create", "organisation", org_id, None, {**row, "id": org_id})
        if tampered:  # a row added outside the services, which the chain never vouched for
            store.conn.execute("INSERT INTO organisations (name, orgnr, legal_form, contact, version) "
                               "VALUES ('Smugglad', ?, 'annan', 'Eva Ek, eva@example.se', 1)", [orgnr(9)])
    finally:
        store.close()


def test_free_text_contacts_migrate_to_contact_persons_and_the_chain_verifies(tmp_path, monkeypatch):
    from samverkan.store import anchor

    key = tmp_path / "audit.key"
    anchor.new_key(key)
    monkeypatch.setenv(anchor.KEY_ENV, str(key))  # an anchored chain: the baselines carry MACs too
    path = tmp_path / "old.db"
    old_database(path)
    store = Store.open(path)
    try:
        assert store.pending_migrations() == []
        columns = [r[1] for r in store.conn.execute("PRAGMA table_info(organisations)")]
        assert "contact" not in columns
        indexes = {r[1]: r[2] for r in store.conn.execute("PRAGMA index_list(organisations)")}
        assert indexes.get("idx_organisations_orgnr") == 1  # still unique
        assert [r[1] for r in store.conn.execute("PRAGMA index_list(contacts)")] == ["idx_contacts_organisation_id"]
        rows = store.conn.execute("SELECT organisation_id, name, role, email, phone, version FROM contacts "
                                  "ORDER BY id").fetchall()
        assert rows == [(1, "Anna Svensson", "", "anna@example.se", "070-123 45 67", 1),
                        (2, "info@example.org", "", "info@example.org", "", 1),
                        (5, "Per Persson", "", "", "", 1)]
        baselines = store.events(action_prefix="audit.baseline", newest_first=False)
        assert [sorted(json.loads(e.rows)) for e in baselines] == [["organisations"], ["contacts"]]
        assert [(e.actor, e.origin) for e in baselines] == [("samverkan", "migration")] * 2
        assert all(e.mac for e in baselines)
        report = store.verify_chain()
        assert report.ok, report.problem
        assert report.anchor.ok
    finally:
        store.close()


def test_a_row_the_chain_never_vouched_for_is_still_named_after_the_migration(tmp_path):
    path = tmp_path / "old.db"
    old_database(path, tampered=True)
    store = Store.open(path)
    try:
        assert store.get_organisation(6).name == "Smugglad"
        assert [c.name for c in store.list_contacts(6)] == ["Eva Ek"]
        assert {(d.table, d.key, d.problem) for d in store.verify_chain().records} == {
            ("organisations", "[6]", "added"), ("contacts", "[4]", "added")}
    finally:
        store.close()
