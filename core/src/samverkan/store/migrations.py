"""The schema, built only through sqlite-utils migrations (set ``samverkan``).

One function per migration, listed in order in :data:`STEPS`. Never edit an applied
migration: add a new one. Other distributions that need tables own their own set.

The sqlite-utils ``Migrations`` set is built on first use (:func:`migration_set`), not
at import: opening an up-to-date database then needs no sqlite-utils at all, which keeps
the TUI's first screen from paying for importing it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database, Migrations

SET_NAME = "samverkan"


def m001_core_tables(db: Database) -> None:
    """Organisations, collaborations and the records of their lifecycle."""
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["organisations"].create(
        {
            "id": int, "name": str, "orgnr": str, "legal_form": str, "contact": str,
            "is_example": int, "version": int, "created_at": str, "updated_at": str,
        },
        pk="id", not_null={"name", "orgnr", "version"}, defaults={"version": 1, "is_example": 0},
    )
    db["organisations"].create_index(["orgnr"], unique=True)
    db["collaborations"].create(
        {
            "id": int, "title": str, "form": str, "stage": str, "initiator": str,
            "unit": str, "manager": str, "target_group": str, "purpose": str,
            "challenge": str, "policy_link": str, "referral": str, "activity": str,
            "participants": str, "start": str, "end": str, "compensated": int,
            "singles_out": int, "is_example": int, "org_names": str,
            "next_follow_up": str, "version": int, "created_at": str, "updated_at": str,
        },
        pk="id", not_null={"title", "form", "stage", "version"}, defaults={"version": 1},
    )
    for cols in (["stage"], ["form"], ["unit"], ["next_follow_up"], ["updated_at"], ["title"]):
        db["collaborations"].create_index(cols)
    db["collaboration_organisations"].create(
        {"collaboration_id": int, "organisation_id": int},
        pk=("collaboration_id", "organisation_id"),
        foreign_keys=[("collaboration_id", "collaborations", "id"), ("organisation_id", "organisations", "id")],
    )
    db["collaboration_organisations"].create_index(["organisation_id"])
    db["check_answers"].create(
        {"collaboration_id": int, "check_id": str, "answer": str, "note": str,
         "answered_by": str, "answered_at": str},
        pk=("collaboration_id", "check_id"),
        foreign_keys=[("collaboration_id", "collaborations", "id")],
    )
    db["decisions"].create(
        {"id": int, "collaboration_id": int, "outcome": str, "decided_by": str, "authority": str,
         "body": str, "meeting_date": str, "minute_paragraph": str, "motivation": str,
         "considerations": str, "policy_link": str, "decided_on": str, "recorded_at": str},
        pk="id", foreign_keys=[("collaboration_id", "collaborations", "id")],
    )
    db["decisions"].create_index(["collaboration_id"])
    db["agreements"].create(
        {"collaboration_id": int, "signed_on": str, "start": str, "end": str, "goals": str,
         "sections": str, "signed_by": str, "recorded_at": str},
        pk="collaboration_id", foreign_keys=[("collaboration_id", "collaborations", "id")],
    )
    db["contributions"].create(
        {"id": int, "collaboration_id": int, "party": str, "category": str, "amount": int,
         "is_municipality": int},
        pk="id", foreign_keys=[("collaboration_id", "collaborations", "id")],
    )
    db["contributions"].create_index(["collaboration_id"])
    db["follow_ups"].create(
        {"id": int, "collaboration_id": int, "done_on": str, "summary": str, "goals_met": str,
         "evaluation": str, "recorded_by": str, "recorded_at": str},
        pk="id", foreign_keys=[("collaboration_id", "collaborations", "id")],
    )
    db["follow_ups"].create_index(["collaboration_id"])
    db["terminations"].create(
        {"collaboration_id": int, "ended_on": str, "kind": str, "reason": str,
         "procurement_unit_involved": int, "decided_by": str, "recorded_at": str},
        pk="collaboration_id", foreign_keys=[("collaboration_id", "collaborations", "id")],
    )
    db["conflicts"].create(
        {"id": int, "user": str, "collaboration_id": int, "organisation_id": int, "reason": str,
         "declared_at": str},
        pk="id",
        foreign_keys=[("collaboration_id", "collaborations", "id"), ("organisation_id", "organisations", "id")],
    )
    db["conflicts"].create_index(["user"])
    db["records"].create(
        {"id": int, "collaboration_id": int, "kind": str, "data": str, "recorded_by": str,
         "recorded_at": str},
        pk="id", foreign_keys=[("collaboration_id", "collaborations", "id")],
    )
    db["records"].create_index(["collaboration_id", "kind"])
    db["outbox"].create(
        {"id": int, "collaboration_id": int, "recipient": str, "subject": str, "body": str,
         "reason": str, "created_at": str, "sent_at": str, "attempts": int, "error": str},
        pk="id", defaults={"attempts": 0},
    )
    db["outbox"].create_index(["sent_at"])


def m002_audit_events(db: Database) -> None:
    """The hash-chained audit log (see store.audit)."""
    db["events"].create(
        {"id": int, "at": str, "actor": str, "origin": str, "action": str, "entity": str,
         "entity_id": str, "before": str, "after": str, "prev_hash": str, "hash": str},
        pk="id", not_null={"at", "actor", "action", "prev_hash", "hash"},
    )
    db["events"].create_index(["entity", "entity_id"])
    db["events"].create_index(["actor"])


def m003_collaboration_search(db: Database) -> None:
    """Full-text search over collaborations (FTS5, kept in step by triggers)."""
    db["collaborations"].enable_fts(
        ["title", "org_names", "unit", "target_group", "activity", "purpose"],
        fts_version="FTS5", create_triggers=True, tokenize="unicode61 remove_diacritics 2",
    )


def m004_users(db: Database) -> None:
    """Registered users with their roles, unit and SSH key."""
    db["users"].create(
        {"name": str, "roles": str, "unit": str, "public_key": str, "created_at": str,
         "created_by": str},
        pk="name", not_null={"roles"},
    )


_SEARCHED = ("title", "org_names", "unit", "target_group", "activity", "purpose")


def m005_search_follows_searched_columns(db: Database) -> None:
    """Re-index a collaboration for search only when a searched column changes.

    The trigger sqlite-utils creates re-indexes the row on every update, so a stage
    change or a follow-up date rewrote the full-text index too (twelve statements
    under the write lock for every transition).
    """
    cols = ", ".join(f'"{c}"' for c in _SEARCHED)
    old = ", ".join(f'old."{c}"' for c in _SEARCHED)
    new = ", ".join(f'new."{c}"' for c in _SEARCHED)
    db.execute('DROP TRIGGER IF EXISTS "collaborations_au"')
    db.execute(
        f'CREATE TRIGGER "collaborations_au" AFTER UPDATE OF {cols} ON "collaborations" BEGIN\n'
        f'  INSERT INTO "collaborations_fts" ("collaborations_fts", rowid, {cols}) '
        f"VALUES('delete', old.rowid, {old});\n"
        f'  INSERT INTO "collaborations_fts" (rowid, {cols}) VALUES (new.rowid, {new});\n'
        "END")


def m006_casework_facts(db: Database) -> None:
    """Facts a real case needs: the diarienummer, which organisation a contribution is
    from, and who took part in a follow-up (joint or not)."""
    db["collaborations"].add_column("case_number", str, not_null_default="")
    db["contributions"].add_column("organisation_id", int)
    db["follow_ups"].add_column("participants", str, not_null_default="{}")
    db["follow_ups"].add_column("joint", int, not_null_default=0)


def m007_case_documents(db: Database) -> None:
    """Documents of a case: files stored once by their SHA-256, or references to the
    municipality's records system (diarienummer and title)."""
    db["blobs"].create({"sha256": str, "size": int, "content": bytes}, pk="sha256",
                       not_null={"size", "content"})
    db["documents"].create(
        {"id": int, "collaboration_id": int, "kind": str, "title": str, "filename": str,
         "media_type": str, "size": int, "sha256": str, "reference": str,
         "recorded_by": str, "recorded_at": str},
        pk="id", not_null={"collaboration_id", "kind", "title"},
        foreign_keys=[("collaboration_id", "collaborations", "id"), ("sha256", "blobs", "sha256")],
    )
    db["documents"].create_index(["collaboration_id"])


def m008_delivery_and_reminders(db: Database) -> None:
    """Notifications delivered by a worker, and reminders of follow-ups.

    - ``outbox``: each notification's delivery ``status`` (pending, sending, sent,
      failed), when its next attempt is due (back-off), which worker holds it and until
      when (a claim taken under the write lock, so two workers never send the same
      mail), its ``Message-ID`` (kept across retries) and when it was last tried;
    - ``outbox_attempts``: every delivery attempt, with its outcome;
    - ``users.email``: where a person's reminders go;
    - ``reminders``: each reminder queued, once (its key is the primary key), so a
      restarted worker or a second one never queues it again.
    """
    outbox = db["outbox"]
    outbox.add_column("status", str, not_null_default="pending")
    for column in ("next_attempt_at", "claimed_by", "claimed_until", "message_id", "last_attempt_at"):
        outbox.add_column(column, str)
    db.execute("UPDATE outbox SET status = 'sent' WHERE sent_at IS NOT NULL")
    outbox.create_index(["status", "next_attempt_at"])
    db["outbox_attempts"].create(
        {"id": int, "notification_id": int, "attempt": int, "at": str, "worker": str, "ok": int,
         "error": str},
        pk="id", not_null={"notification_id", "attempt", "at", "ok"},
        foreign_keys=[("notification_id", "outbox", "id")],
    )
    db["outbox_attempts"].create_index(["notification_id"])
    db["users"].add_column("email", str, not_null_default="")
    db["reminders"].create(
        {"key": str, "collaboration_id": int, "kind": str, "due": str, "recipient": str,
         "notification_id": int, "created_at": str},
        pk="key", not_null={"collaboration_id", "kind", "due", "recipient"},
        foreign_keys=[("collaboration_id", "collaborations", "id"), ("notification_id", "outbox", "id")],
    )
    db["reminders"].create_index(["collaboration_id"])


def m009_form_guide_answers(db: Database) -> None:
    """The answers to the form questionnaire, kept with the collaboration (JSON)."""
    db["collaborations"].add_column("form_answers", str, not_null_default="{}")


def m010_overview_indexes(db: Database) -> None:
    """Indexes that answer the overview's counts from the index alone (per form and
    stage, per unit and stage, per year registered) instead of reading every row."""
    collaborations = db["collaborations"]
    collaborations.create_index(["form", "stage"])
    collaborations.create_index(["unit", "stage"])
    collaborations.create_index(["created_at"])


def m011_records_covered_by_the_chain(db: Database) -> None:
    """Every event records the digests of the rows it wrote (``events.rows``), so the
    chain proves the records too (:mod:`samverkan.store.coverage`). A database that
    already holds records brings them under the scheme with its history: baseline events
    (``audit.baseline``) append the digest of every existing covered row to the chain."""
    from samverkan.store import audit, coverage, sql

    db["events"].add_column("rows", str)
    conn = db.conn
    head = conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    last_id, prev = (head[0], head[1]) if head else (0, audit.GENESIS)
    at = None
    # the tables the schema has at this step (a table COVERED gained later gets its own
    # baseline from the migration that creates it, e.g. m014's contacts)
    for part in coverage.baseline(conn, [t for t in coverage.COVERED if _has_table(conn, t)]):
        at = at or sql.now()  # one moment for every baseline event (none for an empty database)
        last_id += 1
        row = {"id": last_id, "at": at, "actor": "samverkan", "origin": "migration",
               "action": "audit.baseline", "entity": "database", "entity_id": "", "before": None,
               "after": None, "prev_hash": prev, "rows": audit.canonical(part)}
        row["hash"] = prev = audit.event_hash(row)
        conn.execute("INSERT INTO events (id, at, actor, origin, action, entity, entity_id, before, after,"
                      " prev_hash, rows, hash) VALUES (:id, :at, :actor, :origin, :action, :entity,"
                      " :entity_id, :before, :after, :prev_hash, :rows, :hash)", row)


def m012_anchored_chain(db: Database) -> None:
    """A keyed MAC per event (``events.mac``), written when an audit key outside the
    database is configured (:mod:`samverkan.store.anchor`)."""
    db["events"].add_column("mac", str)


def m013_erasable_event_content(db: Database) -> None:
    """Events seal their content (``salt``, ``sealed``) so it can be erased later while
    the chain still verifies; ``erased_by`` names the erasure or culling that removed it
    (:mod:`samverkan.store.audit`)."""
    events = db["events"]
    events.add_column("salt", str)
    events.add_column("sealed", str)
    events.add_column("erased_by", int)


def m014_structured_contacts(db: Database) -> None:
    """An organisation's contact persons become records of their own (``contacts``: name,
    role, e-mail address, telephone number), and the free-text ``organisations.contact``
    goes: each non-empty text becomes one contact person, its e-mail address and number
    parsed out (:func:`samverkan.domain.contacts.parse_contact`).

    The chain covers every business row column by column, so the rows this changes are
    brought under it again with baseline events (as m011 did): every organisation (one
    column fewer) and every new contact person. A row the chain did not vouch for before
    (added or changed outside the services) gets no baseline, nor does the contact person
    taken from it: `audit verify` goes on naming it.
    """
    from samverkan.domain.contacts import parse_contact
    from samverkan.store import coverage, sql

    conn = db.conn
    db["contacts"].create(
        {"id": int, "organisation_id": int, "name": str, "role": str, "email": str, "phone": str,
         "created_at": str, "updated_at": str, "version": int},
        pk="id", not_null={"organisation_id", "name", "version"},
        defaults={"role": "", "email": "", "phone": "", "version": 1},
        foreign_keys=[("organisation_id", "organisations", "id")],
    )
    db["contacts"].create_index(["organisation_id"])
    unvouched = coverage.unvouched(conn, "organisations")
    at = sql.now()
    derived: set[str] = set()
    for org_id, text in conn.execute(
            "SELECT id, contact FROM organisations WHERE trim(coalesce(contact, '')) != '' ORDER BY id").fetchall():
        fields = parse_contact(text)
        if fields is None:
            continue
        contact_id = sql.insert(conn, "contacts", {"organisation_id": org_id, "name": fields["name"], "role": "",
                                                  "email": fields["email"], "phone": fields["phone"],
                                                  "created_at": at, "updated_at": at, "version": 1})
        if coverage.key_of([org_id]) in unvouched:
            derived.add(coverage.key_of([contact_id]))
    # keeps its indexes (the unique orgnr); the defaults given again stay numbers, not text
    db["organisations"].transform(drop={"contact"}, defaults={"version": 1, "is_example": 0})
    _append_baseline(conn, coverage.baseline(conn, ("organisations", "contacts"),
                                             skip={"organisations": unvouched, "contacts": derived}))


#: Every migration, in the order it is applied.
STEPS = (m001_core_tables, m002_audit_events, m003_collaboration_search, m004_users,
         m005_search_follows_searched_columns, m006_casework_facts, m007_case_documents,
         m008_delivery_and_reminders, m009_form_guide_answers, m010_overview_indexes,
         m011_records_covered_by_the_chain, m012_anchored_chain, m013_erasable_event_content,
         m014_structured_contacts)


# -- bringing rows under the audit chain (m011, m014) ------------------------------------------


def _has_table(conn: Any, table: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone() is not None


def _append_baseline(conn: Any, parts: Iterable[dict[str, Any]]) -> None:
    """Append one ``audit.baseline`` event per part to the chain, sealed (m013) and, where
    an audit key is configured, with its MAC, as :meth:`Store.audit` writes events."""
    from samverkan.store import anchor, audit, sql

    key = anchor.configured_key()
    head = conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    last_id, prev = (head[0], head[1]) if head else (0, audit.GENESIS)
    at = None
    for part in parts:
        at = at or sql.now()  # one moment for every baseline event
        last_id += 1
        row = {"id": last_id, "at": at, "actor": "samverkan", "origin": "migration",
               "action": "audit.baseline", "entity": "database", "entity_id": "", "before": None,
               "after": None, "prev_hash": prev, "rows": audit.canonical(part)}
        prev = audit.sealed(row)
        row["mac"] = anchor.mac(key, row["hash"]) if key else None
        sql.insert(conn, "events", row)


@cache
def migration_set() -> Migrations:
    """The sqlite-utils migration set of :data:`STEPS` (built once)."""
    from sqlite_utils import Migrations

    migrations = Migrations(SET_NAME)
    for step in STEPS:
        migrations()(step)
    return migrations


def __getattr__(name: str) -> Any:
    # ``migrations`` stays importable for callers that drive the set themselves
    if name == "migrations":
        return migration_set()
    raise AttributeError(name)
