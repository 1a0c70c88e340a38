"""Storage: stale updates, migrations, refused input, corrupt and locked files."""

from __future__ import annotations

import hashlib
import random
import sqlite3

import pytest
from corekit import TODAY, decide_start, drive, new_collab, new_org, orgnr
from sqlite_utils import Database

from samverkan.domain.errors import StaleUpdate, StoreError, ValidationError
from samverkan.domain.model import Organisation, clean_text
from samverkan.services import Services
from samverkan.store import Store
from samverkan.store import connection as store_connection
from samverkan.store.migrations import migrations

# -- optimistic version check -----------------------------------------------------------------


def test_a_stale_update_is_refused_and_nothing_is_overwritten(testby_services):
    anna, bertil = testby_services("anna"), testby_services("bertil")
    c = new_collab(anna)
    seen_by_bertil = bertil.collaboration(c.id)
    anna.update_collaboration(c.id, c.version, title="Läxhjälp i Skäggetorp")
    events = anna.store.count_events()
    with pytest.raises(StaleUpdate) as stale:
        bertil.update_collaboration(c.id, seen_by_bertil.version, title="Läxhjälp i Ryd")
    assert str(stale.value) == (
        f"collaboration {c.id} was changed by someone else (now version 2, you had version 1); "
        "nothing was overwritten — reload and try again")
    fresh = bertil.collaboration(c.id)
    assert (fresh.title, fresh.version) == ("Läxhjälp i Skäggetorp", 2)
    assert anna.store.count_events() == events


def test_a_stale_organisation_update_is_refused(testby_services):
    anna, bertil = testby_services("anna"), testby_services("bertil")
    org = new_org(anna, name="Scoutkåren")
    anna.update_organisation(org.id, org.version, legal_form="stiftelse")
    with pytest.raises(StaleUpdate, match="nothing was overwritten"):
        bertil.update_organisation(org.id, org.version, name="Scouterna")
    assert bertil.organisation(org.id).name == "Scoutkåren"


def test_a_transition_on_a_stale_version_is_refused(testby_services):
    anna, bertil = testby_services("anna"), testby_services("bertil")
    c = new_collab(anna)
    anna.update_collaboration(c.id, c.version, purpose="Sommarlov")
    with pytest.raises(StaleUpdate):
        bertil.advance(c.id, "preparation", version=c.version)
    assert anna.collaboration(c.id).stage == "initiative"
    c, _ = bertil.advance(c.id, "preparation", version=c.version + 1)
    assert (c.stage, c.version) == ("preparation", 3)


def test_a_decision_on_a_stale_version_stores_no_decision(testby_services):
    anna, bertil = testby_services("anna"), testby_services("bertil")
    c = drive(anna, new_collab(anna).id, "preparation")
    from corekit import answer_all

    answer_all(anna, c.id)
    anna.update_collaboration(c.id, c.version, unit="Fritid")
    with pytest.raises(StaleUpdate):
        decide_start(bertil, c.id, version=c.version)
    assert bertil.store.decision(c.id) is None and bertil.collaboration(c.id).stage == "preparation"


def test_the_cli_refuses_a_stale_version(cli, testby, tmp_path):
    cli("init", "--municipality", "testby")
    cli("org", "add", "Scoutkåren", "--orgnr", orgnr(1))
    cid = cli("collab", "add", "Läger", "--form", "informal", "--org", "1").output.strip()
    from samverkan.runtime.config import os_user

    # a second session of the same user (init registered them), e.g. in another terminal
    other = Services.open(tmp_path / "cli.db", os_user(), registry=testby, today=TODAY)
    other.update_collaboration(int(cid), 1, title="Sommarläger")
    other.store.close()
    stale = cli("collab", "advance", cid, "--to", "preparation", "--version", "1")
    assert stale.exit_code == 1
    assert f"Error: collaboration {cid} was changed by someone else (now version 2, you had version 1)" in stale.stderr
    assert cli("collab", "advance", cid, "--to", "preparation", "--version", "2").exit_code == 0


# -- migrations -------------------------------------------------------------------------------

NAMES = [m.name for m in migrations.pending(Database(memory=True))]


def schema(db: Database) -> dict[str, tuple]:
    return {
        t.name: (t.columns_dict, sorted(t.foreign_keys), sorted(i.name for i in t.indexes))
        for t in db.tables if not t.name.startswith("_sqlite_migrations")
    } | {"triggers": tuple(sorted(t.name for t in db.triggers))}


def test_migration_names_are_unique_and_ordered():
    assert NAMES == sorted(NAMES) and len(set(NAMES)) == len(NAMES)
    prefixes = [n.split("_")[0] for n in NAMES]
    assert len(set(prefixes)) == len(prefixes) and NAMES[0].startswith("m001_")


def test_an_empty_database_gets_every_migration(tmp_path):
    store = Store.open(tmp_path / "ny.db")
    try:
        assert store.pending_migrations() == [] and store.migrate() == []
        db = store.db
        applied = [r["name"] for r in db["_sqlite_migrations"].rows_where(order_by="id")] \
            if "id" in db["_sqlite_migrations"].columns_dict else [r["name"] for r in db["_sqlite_migrations"].rows]
        assert applied == NAMES
        assert db["organisations"].columns_dict["orgnr"] is str
        assert {fk.other_table for fk in db["collaboration_organisations"].foreign_keys} == {"collaborations", "organisations"}
        assert db["events"].columns_dict.keys() >= {"prev_hash", "hash", "actor", "before", "after"}
        assert "collaborations_fts" in db.table_names()
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA busy_timeout").fetchone()[0] == store_connection.BUSY_TIMEOUT_MS
    finally:
        store.close()


def test_reopening_an_existing_database_keeps_its_data(s, tmp_path):
    c = drive(s, new_collab(s, "informal", title="Sommarläger").id, "active")
    events, head = s.store.count_events(), s.verify_audit().head
    s.store.close()
    again = Services.open(tmp_path / "testby.db", "anna", registry=s.registry, today=TODAY)
    try:
        assert again.store.migrate() == []
        assert again.collaboration(c.id).title == "Sommarläger" and again.collaboration(c.id).stage == "active"
        assert again.store.count_events() == events and again.verify_audit().head == head
    finally:
        again.store.close()


@pytest.mark.parametrize("stop_before", NAMES[1:])
def test_an_older_schema_with_data_is_migrated_without_loss(tmp_path, stop_before):
    fresh = Store.open(tmp_path / "fresh.db")
    expected = schema(fresh.db)
    fresh.close()
    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before=stop_before)
    assert [m.name for m in migrations.pending(old)][0] == stop_before
    old["organisations"].insert({"id": 1, "name": "Gamla föreningen", "orgnr": orgnr(5),
                                 "legal_form": "ideell förening", "contact": "", "is_example": 0,
                                 "version": 3, "created_at": "2024-01-01", "updated_at": "2024-01-01"})
    old["collaborations"].insert({"id": 1, "title": "Läxhjälp i Berga", "form": "informal", "stage": "active",
                                  "initiator": "organisation", "org_names": "Gamla föreningen", "version": 4,
                                  "compensated": 0, "singles_out": 0, "is_example": 0})
    old["collaboration_organisations"].insert({"collaboration_id": 1, "organisation_id": 1})
    old.conn.close()

    store = Store.open(path)
    try:
        assert store.pending_migrations() == []
        assert schema(store.db) == expected
        org = store.get_organisation(1)
        assert (org.name, org.orgnr, org.version) == ("Gamla föreningen", orgnr(5), 3)
        c = store.get_collaboration(1)
        assert (c.title, c.stage, c.version, c.organisation_ids) == ("Läxhjälp i Berga", "active", 4, [1])
        from samverkan.domain.query import CollabQuery

        # the search index built by a later migration covers rows written before it
        assert [r["id"] for r in store.list_collaborations(CollabQuery(search="berga"))] == [1]
        with store.transaction("anna"):
            store.update_collaboration(1, 4, {"purpose": "Efter migreringen"})
        actions = [r[0] for r in store.conn.execute("SELECT action FROM events ORDER BY id")]
        covered_before = stop_before > "m011_records_covered_by_the_chain"
        if covered_before:
            # written with plain SQL once the chain covered records: named as added
            assert actions == ["collaboration.update"]
            assert {(d.table, d.problem) for d in store.verify_chain().records} == {
                ("organisations", "added"), ("collaboration_organisations", "added")}
            return
        # the records written before the chain covered them came in with baseline events
        # (m011: organisations, collaborations and their link), and the organisations again
        # without their free-text contact (m014)
        assert actions == ["audit.baseline"] * 4 + ["collaboration.update"]
        assert store.verify_chain().ok
        # and are covered from then on: a change outside the services is named
        store.conn.execute("UPDATE organisations SET name = 'Förfalskad' WHERE id = 1")
        report = store.verify_chain()
        assert not report.ok and [str(d) for d in report.records] == [
            "organisations [1] was changed outside the services (column name)"]
    finally:
        store.close()


# -- refused input ----------------------------------------------------------------------------

BAD_ORGNR = [
    ("802012-3456", "the check digit is wrong"),
    ("80201-2345", "it must have 10 digits (NNNNNN-NNNN)"),
    ("80201A-3456", "it must"),
    ("", "invalid organisation number ''"),
]


@pytest.mark.parametrize(("number", "reason"), BAD_ORGNR)
def test_invalid_organisation_numbers_are_refused(s, cli, testby, number, reason):
    with pytest.raises(ValidationError) as refused:
        s.register_organisation("Föreningen", number)
    assert refused.value.field == "orgnr" and reason in str(refused.value)
    assert f"invalid organisation number {number.strip()!r}" in str(refused.value)
    assert s.count_organisations() == 0
    cli("init", "--municipality", "testby")
    result = cli("org", "add", "Föreningen", "--orgnr", number)
    assert result.exit_code == 1 and reason in result.stderr and result.stderr.startswith("Error: ")
    assert cli("org", "list", "--json").output.strip() == "[]"


def test_a_duplicate_organisation_number_is_refused(s):
    org = new_org(s, n=42, name="Första")
    with pytest.raises(ValidationError, match=f"{org.orgnr} is already registered as 'Första'"):
        s.register_organisation("Andra", org.orgnr.replace("-", ""))


def test_changing_to_a_number_already_registered_is_refused_and_stores_nothing(s):
    first, second = new_org(s, n=43, name="Första"), new_org(s, n=44, name="Andra")
    events = s.store.count_events()
    with pytest.raises(ValidationError, match=f"{first.orgnr} is already registered as 'Första'") as refused:
        s.update_organisation(second.id, second.version, orgnr=first.orgnr.replace("-", ""))
    assert refused.value.field == "orgnr"
    assert s.organisation(second.id) == second and s.store.count_events() == events


def test_a_renamed_organisation_is_renamed_in_its_collaborations_list_and_search(s):
    org = new_org(s, n=45, name="Gamla namnet")
    other = new_org(s, n=46, name="Grannföreningen")
    c = s.register_initiative("Läxhjälp", "informal", [org.id, other.id])
    s.update_organisation(org.id, org.version, name="Nya namnet")
    from samverkan.domain.query import CollabQuery

    [row] = [r for r in s.collaborations(CollabQuery(limit=100)) if r["id"] == c.id]
    assert row["org_names"] == "Nya namnet, Grannföreningen"
    assert [r["id"] for r in s.collaborations(CollabQuery(search="Nya namnet"))] == [c.id]
    assert s.collaborations(CollabQuery(search="Gamla")) == []


def test_the_form_and_organisations_of_a_collaboration_are_not_edited(s):
    c = new_collab(s)
    with pytest.raises(ValidationError, match="form is chosen when the initiative is registered"):
        s.update_collaboration(c.id, c.version, form="iop")
    with pytest.raises(ValidationError, match="organisations are set"):
        s.update_collaboration(c.id, c.version, organisation_ids=[])
    assert s.collaboration(c.id) == c


def test_a_closed_collaboration_is_not_edited(s):
    c = drive(s, new_collab(s).id, "ended")
    assert c.stage == "ended"
    with pytest.raises(ValidationError, match="closed collaboration is kept"):
        s.update_collaboration(c.id, c.version, title="Ändrad i efterhand")
    assert s.collaboration(c.id) == c


def test_collab_add_with_a_bad_organisation_number_is_refused(cli, testby):
    cli("init", "--municipality", "testby")
    result = cli("collab", "add", "Läger", "--form", "informal", "--org", "802012-3456")
    assert result.exit_code == 1 and "check digit is wrong" in result.stderr
    missing = cli("collab", "add", "Läger", "--form", "informal", "--org", "99")
    assert missing.exit_code == 1 and "no organisation with id 99" in missing.stderr


def test_dates_out_of_order_and_non_dates_are_refused(cli, testby):
    cli("init", "--municipality", "testby")
    cli("org", "add", "Scoutkåren", "--orgnr", orgnr(1))
    backwards = cli("collab", "add", "Läger", "--form", "informal", "--org", "1",
                    "--start", "2026-05-01", "--end", "2026-01-31")
    assert backwards.exit_code == 1
    assert "period: the end date 2026-01-31 is before the start date 2026-05-01" in backwards.stderr
    nodate = cli("collab", "add", "Läger", "--form", "informal", "--org", "1", "--start", "2026-13-01")
    assert nodate.exit_code == 1 and "start: not a date in the form YYYY-MM-DD: '2026-13-01'" in nodate.stderr
    assert cli("collab", "list", "--json").output.strip() == "[]"


def test_an_agreement_ending_before_it_starts_is_refused(s):
    c = drive(s, new_collab(s, "procurement").id, "decided")
    with pytest.raises(ValidationError, match="agreement period: the end date 2026-01-01 is before"):
        s.record_agreement(c.id, signed_on="2026-10-01", start="2026-11-01", end="2026-01-01")
    assert s.store.agreement(c.id) is None


@pytest.mark.parametrize(("amount", "message"), [
    (-1, "amount must not be negative: -1"), ("-500", "amount must not be negative"),
    (2.5, "amounts are whole kronor"), ("12,50", "not an amount in whole kronor"), (True, "expected an amount"),
])
def test_negative_and_fractional_amounts_are_refused(s, amount, message):
    c = new_collab(s, "procurement")
    with pytest.raises(ValidationError, match=message):
        s.set_contributions(c.id, [{"party": "Kommunen", "category": "money", "amount": amount}])
    assert s.store.contributions(c.id) == []


def test_amounts_are_whole_kronor_and_the_cli_refuses_negatives(s, cli, testby):
    c = new_collab(s, "procurement")
    [item] = s.set_contributions(c.id, [{"party": "Kommunen", "category": "money", "amount": "2 080 500 kr",
                                         "is_municipality": True}])
    assert item.amount == 2_080_500 and s.store.contributions(c.id)[0].amount == 2_080_500
    cli("init", "--municipality", "testby")
    cli("org", "add", "Scoutkåren", "--orgnr", orgnr(1))
    cid = cli("collab", "add", "Läger", "--form", "procurement", "--org", "1").output.strip()
    result = cli("collab", "contributions", cid, "--item", "Kommunen:money:-5:municipality")
    assert result.exit_code == 1 and "amount must not be negative" in result.stderr


def test_rich_markup_is_kept_and_terminal_escapes_are_stripped(s, cli, testby):
    name = "[bold red]Röda[/] \x1b[2J\x1b]0;pwned\x07korset\x1b[31m\x00"
    org = s.register_organisation(name, orgnr(3))
    assert org.name == "[bold red]Röda[/] korset"
    assert s.organisation(org.id).name == "[bold red]Röda[/] korset"
    assert clean_text("rad 1\nrad\t2\x9b", "x") == "rad 1\nrad\t2"
    cli("init", "--municipality", "testby")
    cli("org", "add", name, "--orgnr", orgnr(4))
    listed = cli("org", "list", "--json").output
    assert '"name": "[bold red]Röda[/] korset"' in listed and "\x1b" not in listed


def test_empty_names_and_unknown_choices_are_refused():
    with pytest.raises(ValidationError, match="name: must not be empty"):
        Organisation(" \x1b[0m ", orgnr(1))
    with pytest.raises(ValidationError, match="unknown form 'partnerskap'"):
        from samverkan.domain.model import validate_form

        validate_form("partnerskap")


# -- files that cannot be used ------------------------------------------------------------------


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_corrupt_file_is_refused_and_left_unchanged(cli, tmp_path):
    path = tmp_path / "trasig.db"
    path.write_bytes(random.Random(4).randbytes(8192))
    before = digest(path)
    with pytest.raises(StoreError, match="cannot open .*trasig.db: file is not a database"):
        Store.open(path)
    result = cli("org", "list", db_path=path)
    assert result.exit_code == 1
    assert "is it a samverkan database? nothing was changed" in result.stderr
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["trasig.db"]


def test_a_directory_is_not_a_database(cli, tmp_path):
    with pytest.raises(StoreError, match="is a directory, not a database file"):
        Store.open(tmp_path)
    result = cli("org", "list", db_path=tmp_path)
    assert result.exit_code == 2 and "is a directory" in result.stderr  # click refuses it as usage


@pytest.fixture
def short_busy_timeout(monkeypatch):
    """Wait 100 ms for a lock instead of 5 s, so the locked-file tests run quickly."""
    monkeypatch.setattr(store_connection, "BUSY_TIMEOUT_MS", 100)


def test_a_write_locked_database_refuses_writes_clearly(s, tmp_path, cli, short_busy_timeout):
    path = tmp_path / "testby.db"
    s.store.checkpoint()
    s.store.close()
    before = digest(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        writer = Services.open(path, "anna", registry=s.registry, today=TODAY)
        with pytest.raises(StoreError, match="is busy .*nothing was changed, try again"):
            writer.register_organisation("Föreningen", orgnr(1))
        writer.store.close()
        result = cli("org", "add", "Föreningen", "--orgnr", orgnr(1), db_path=path)
        assert result.exit_code == 1 and "another session holds the write lock" in result.stderr
        assert digest(path) == before
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    reader = Store.open(path)
    assert reader.count_organisations() == 0 and reader.verify_chain().ok
    reader.close()


def test_an_exclusively_locked_database_cannot_be_opened(s, tmp_path, cli, short_busy_timeout):
    path = tmp_path / "testby.db"
    s.store.checkpoint()
    s.store.close()
    before = digest(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = cli("org", "list", db_path=path)
        assert result.exit_code == 1
        assert "database is locked" in result.stderr and "nothing was changed" in result.stderr
        assert digest(path) == before
    finally:
        holder.execute("ROLLBACK")
        holder.close()
