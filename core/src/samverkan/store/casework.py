"""The records of a collaboration's lifecycle: answers, decision, agreement, money,
follow-ups, termination, conflicts of interest and plugin records."""

from __future__ import annotations

import json
import sqlite3

from samverkan.domain.errors import NotFound
from samverkan.domain.model import (
    Agreement,
    CheckAnswer,
    ConflictDeclaration,
    Contribution,
    Decision,
    Document,
    FollowUp,
    Record,
    Termination,
)
from samverkan.i18n import msg
from samverkan.store import sql
from samverkan.store.sql import build, insert, objects, row_of, rows, upsert


class CaseworkRows:
    """Lifecycle records of collaborations (mixed into the store)."""

    conn: sqlite3.Connection

    def upsert_answer(self, answer: CheckAnswer, before: CheckAnswer | None = None) -> CheckAnswer:
        """Store an answer to a check (replacing an earlier one; both stay in the audit log).

        :param before: the earlier answer, when the caller has read it already.
        """
        self._require_tx()
        if before is None:
            found = objects(self.conn, CheckAnswer,
                            "SELECT * FROM check_answers WHERE collaboration_id = ? AND check_id = ?",
                            [answer.collaboration_id, answer.check_id])
            before = found[0] if found else None
        answer.answered_at = sql.now()
        upsert(self.conn, "check_answers", row_of(answer), pk=("collaboration_id", "check_id"))
        self.touch("check_answers", answer.collaboration_id, answer.check_id)
        self.audit("check.answer", "collaboration", answer.collaboration_id,
                   row_of(before) if before else None, row_of(answer))
        return answer

    def answers(self, collab_id: int) -> dict[str, CheckAnswer]:
        """Answers on a collaboration's checklist, by check id."""
        return {a.check_id: a for a in objects(
            self.conn, CheckAnswer, "SELECT * FROM check_answers WHERE collaboration_id = ?", [collab_id])}

    def insert_decision(self, decision: Decision) -> Decision:
        """Store a decision (decisions are never edited; a new one supersedes)."""
        self._require_tx()
        row = row_of(decision)
        row["recorded_at"] = sql.now()
        self.touch("decisions", insert(self.conn, "decisions", row))
        self.audit("decision.record", "collaboration", decision.collaboration_id, None, row_of(decision))
        return decision

    def decision(self, collab_id: int) -> Decision | None:
        """The latest decision on a collaboration."""
        found = objects(self.conn, Decision,
                        "SELECT * FROM decisions WHERE collaboration_id = ? ORDER BY id DESC LIMIT 1", [collab_id])
        return found[0] if found else None

    def upsert_agreement(self, agreement: Agreement, before: Agreement | None = None) -> Agreement:
        """Store (or replace) the agreement of a collaboration.

        :param before: the stored agreement, when the caller has read it already.
        """
        self._require_tx()
        if before is None:
            before = self.agreement(agreement.collaboration_id)
        row = row_of(agreement)
        row["recorded_at"] = sql.now()
        upsert(self.conn, "agreements", row, pk=("collaboration_id",))
        self.touch("agreements", agreement.collaboration_id)
        self.audit("agreement.record", "collaboration", agreement.collaboration_id,
                   row_of(before) if before else None, row_of(agreement))
        return agreement

    def agreement(self, collab_id: int) -> Agreement | None:
        """The agreement of a collaboration, if recorded."""
        found = objects(self.conn, Agreement, "SELECT * FROM agreements WHERE collaboration_id = ?", [collab_id])
        return found[0] if found else None

    def replace_contributions(self, collab_id: int, items: list[Contribution],
                              before: list[Contribution] | None = None) -> None:
        """Replace the yearly contributions of every party to a collaboration."""
        self._require_tx()
        if before is None:
            before = self.contributions(collab_id)
        self.conn.execute("DELETE FROM contributions WHERE collaboration_id = ?", [collab_id])
        for old in before:
            self.touch("contributions", old.id)
        for c in items:
            c.id = insert(self.conn, "contributions", row_of(c, skip=("id",)))
            self.touch("contributions", c.id)
        self.audit("contributions.replace", "collaboration", collab_id,
                   {"items": [row_of(c) for c in before]}, {"items": [row_of(c) for c in items]})

    def insert_contribution(self, c: Contribution) -> Contribution:
        """Add one contribution line (audited)."""
        self._require_tx()
        c.id = insert(self.conn, "contributions", row_of(c, skip=("id",)))
        self.touch("contributions", c.id)
        self.audit("contribution.add", "collaboration", c.collaboration_id, None, row_of(c))
        return c

    def update_contribution(self, before: Contribution, after: Contribution) -> Contribution:
        """Change one contribution line (audited with before and after)."""
        self._require_tx()
        values = row_of(after, skip=("id", "collaboration_id"))
        assignments = ", ".join(f"[{k}] = ?" for k in values)
        cur = self.conn.execute(f"UPDATE contributions SET {assignments} WHERE id = ? AND collaboration_id = ?",
                                [*values.values(), before.id, before.collaboration_id])
        if cur.rowcount == 0:
            raise NotFound(msg("no contribution {id} on collaboration {collab}",
                               id=before.id, collab=before.collaboration_id))
        self.touch("contributions", before.id)
        self.audit("contribution.update", "collaboration", before.collaboration_id, row_of(before), row_of(after))
        return after

    def delete_contribution(self, before: Contribution) -> None:
        """Remove one contribution line (audited with what it was)."""
        self._require_tx()
        cur = self.conn.execute("DELETE FROM contributions WHERE id = ? AND collaboration_id = ?",
                                [before.id, before.collaboration_id])
        if cur.rowcount == 0:
            raise NotFound(msg("no contribution {id} on collaboration {collab}",
                               id=before.id, collab=before.collaboration_id))
        self.touch("contributions", before.id)
        self.audit("contribution.remove", "collaboration", before.collaboration_id, row_of(before), None)

    def contributions(self, collab_id: int) -> list[Contribution]:
        """Contributions to a collaboration, in the order entered."""
        return objects(self.conn, Contribution,
                       "SELECT * FROM contributions WHERE collaboration_id = ? ORDER BY id", [collab_id])

    def insert_follow_up(self, follow_up: FollowUp) -> FollowUp:
        """Store a follow-up."""
        self._require_tx()
        row = row_of(follow_up)
        row["recorded_at"] = sql.now()
        self.touch("follow_ups", insert(self.conn, "follow_ups", row))
        self.audit("follow_up.record", "collaboration", follow_up.collaboration_id, None, row_of(follow_up))
        return follow_up

    def follow_ups(self, collab_id: int) -> list[FollowUp]:
        """Follow-ups of a collaboration, oldest first."""
        return objects(self.conn, FollowUp,
                       "SELECT * FROM follow_ups WHERE collaboration_id = ? ORDER BY done_on, id", [collab_id])

    def insert_termination(self, t: Termination) -> Termination:
        """Store how a collaboration ended."""
        self._require_tx()
        row = row_of(t)
        row["recorded_at"] = sql.now()
        upsert(self.conn, "terminations", row, pk=("collaboration_id",))
        self.touch("terminations", t.collaboration_id)
        self.audit("termination.record", "collaboration", t.collaboration_id, None, row_of(t))
        return t

    def termination(self, collab_id: int) -> Termination | None:
        """How a collaboration ended, if recorded."""
        found = objects(self.conn, Termination, "SELECT * FROM terminations WHERE collaboration_id = ?",
                        [collab_id])
        return found[0] if found else None

    def insert_conflict(self, c: ConflictDeclaration) -> ConflictDeclaration:
        """Store a declaration of conflict of interest."""
        self._require_tx()
        c.declared_at = sql.now()
        self.touch("conflicts", insert(self.conn, "conflicts", row_of(c)))
        entity, eid = ("collaboration", c.collaboration_id) if c.collaboration_id else ("organisation", c.organisation_id)
        self.audit("conflict.declare", entity, eid, None, row_of(c))
        return c

    def conflicts(self, collab_id: int | None = None, org_ids: list[int] | None = None,
                  user: str | None = None) -> list[ConflictDeclaration]:
        """Conflict declarations on a collaboration or any of ``org_ids`` (optionally of ``user``)."""
        clauses, params, targets = [], [], []
        if collab_id is not None:
            targets.append("collaboration_id = ?")
            params.append(collab_id)
        if org_ids:
            targets.append(f"organisation_id IN ({', '.join('?' * len(org_ids))})")
            params.extend(org_ids)
        if targets:
            clauses.append("(" + " OR ".join(targets) + ")")
        if user is not None:
            clauses.append("user = ?")
            params.append(user)
        where = " AND ".join(clauses) or "1"
        return objects(self.conn, ConflictDeclaration, f"SELECT * FROM conflicts WHERE {where} ORDER BY id",
                       params)

    def insert_document(self, doc: Document, content: bytes | None = None) -> Document:
        """Store a document (its content once per SHA-256) and audit what it is, not its bytes."""
        self._require_tx()
        if content is not None:
            self.conn.execute("INSERT OR IGNORE INTO blobs (sha256, size, content) VALUES (?, ?, ?)",
                              [doc.sha256, len(content), content])
        doc.recorded_at = sql.now()
        row = row_of(doc, skip=("id",))
        row["sha256"] = row["sha256"] or None  # a reference has no file (and no blob to point to)
        doc.id = insert(self.conn, "documents", row)
        self.touch("documents", doc.id)
        self.audit("document.attach", "collaboration", doc.collaboration_id, None, {**row, "id": doc.id})
        return doc

    def documents(self, collab_id: int) -> list[Document]:
        """The documents of a collaboration, oldest first."""
        found = rows(self.conn, "SELECT * FROM documents WHERE collaboration_id = ? ORDER BY id", [collab_id])
        for r in found:
            r["sha256"] = r["sha256"] or ""
        return [build(Document, r) for r in found]

    def document_content(self, sha256: str) -> bytes | None:
        """The stored bytes with this SHA-256, if any."""
        row = self.conn.execute("SELECT content FROM blobs WHERE sha256 = ?", [sha256]).fetchone()
        return bytes(row[0]) if row else None

    def blob_hashes(self) -> list[tuple[str, str, int]]:
        """(recorded SHA-256, SHA-256 of the stored bytes, size) of every stored file."""
        import hashlib

        return [(r[0], hashlib.sha256(r[1]).hexdigest(), r[2]) for r in self.conn.execute(
            "SELECT sha256, content, size FROM blobs ORDER BY sha256")]

    def document_problems(self) -> list[str]:
        """What is wrong with the stored documents: bytes that no longer match their
        SHA-256, a document whose file is gone, or a document row that differs from what
        its audit event recorded (edited behind the application's back)."""
        problems = [f"stored file {recorded[:12]}… no longer has that SHA-256 (now {actual[:12]}…)"
                    for recorded, actual, _size in self.blob_hashes() if recorded != actual]
        for r in rows(self.conn, "SELECT d.*, (SELECT after FROM events e WHERE e.action = 'document.attach'"
                                 " AND e.entity_id = CAST(d.collaboration_id AS TEXT)"
                                 " AND json_extract(e.after, '$.id') = d.id) AS attached,"
                                 " EXISTS(SELECT 1 FROM blobs b WHERE b.sha256 = d.sha256) AS stored"
                                 " FROM documents d ORDER BY d.id"):
            if r["sha256"] and not r["stored"]:
                problems.append(f"document {r['id']}: its file {r['sha256'][:12]}… is missing")
            attached = json.loads(r["attached"]) if r["attached"] else None
            if attached is None:
                problems.append(f"document {r['id']}: no audit event records it")
                continue
            for key in ("collaboration_id", "kind", "title", "sha256", "size", "reference"):
                if attached.get(key) != r[key]:
                    problems.append(f"document {r['id']}: {key} differs from what was recorded")
        return problems

    def insert_record(self, record: Record) -> Record:
        """Store a plugin-defined record about a collaboration."""
        self._require_tx()
        record.recorded_at = sql.now()
        record.id = insert(self.conn, "records", row_of(record, skip=("id",)))
        self.touch("records", record.id)
        self.audit(f"record.{record.kind}", "collaboration", record.collaboration_id, None, row_of(record))
        return record

    def records(self, collab_id: int, kind: str | None = None) -> list[Record]:
        """Plugin records of a collaboration, oldest first."""
        where, params = "collaboration_id = ?", [collab_id]
        if kind:
            where, params = where + " AND kind = ?", [*params, kind]
        return objects(self.conn, Record, f"SELECT * FROM records WHERE {where} ORDER BY id", params)
