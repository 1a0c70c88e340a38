"""Users, the outbox of notifications, and reading the audit log."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from samverkan.domain.errors import NotFound
from samverkan.domain.model import Event, Notification
from samverkan.i18n import msg
from samverkan.store import sql
from samverkan.store.sql import insert, rows, upsert


class PeopleRows:
    """Users, outbox and events (mixed into the store)."""

    conn: sqlite3.Connection

    # -- users ------------------------------------------------------------------

    def has_users(self) -> bool:
        """Whether any user is registered (else the installation is single-user)."""
        return bool(self.conn.execute("SELECT EXISTS(SELECT 1 FROM users)").fetchone()[0])

    def identity(self, name: str) -> tuple[bool, dict[str, Any] | None]:
        """Whether any user is registered, and the user ``name`` if registered (one query)."""
        row = self.conn.execute(
            "SELECT EXISTS(SELECT 1 FROM users), u.name, u.roles, u.unit FROM (SELECT 1)"
            " LEFT JOIN users u ON u.name = ?", [name]).fetchone()
        if row[1] is None:
            return bool(row[0]), None
        return True, {"name": row[1], "roles": _roles(row[2]), "unit": row[3] or ""}

    def get_user(self, name: str) -> dict[str, Any] | None:
        """The registered user ``name`` (roles as a tuple), if any."""
        found = rows(self.conn, "SELECT * FROM users WHERE name = ?", [name])
        if not found:
            return None
        row = found[0]
        row["roles"] = _roles(row["roles"])
        return row

    def list_users(self) -> list[dict[str, Any]]:
        """Registered users by name."""
        out = rows(self.conn, "SELECT * FROM users ORDER BY name")
        for row in out:
            row["roles"] = _roles(row["roles"])
        return out

    def upsert_user(self, name: str, roles: tuple[str, ...], unit: str = "", public_key: str = "",
                    email: str | None = None) -> None:
        """Create or change a user (audited); ``email`` None keeps the stored address."""
        actor = self._require_tx()
        before = self.get_user(name)
        row = {"name": name, "roles": ",".join(roles), "unit": unit,
               "public_key": public_key or (before or {}).get("public_key") or "",
               "email": email if email is not None else (before or {}).get("email") or "",
               "created_at": (before or {}).get("created_at") or sql.now(),
               "created_by": (before or {}).get("created_by") or actor}
        upsert(self.conn, "users", row, pk=("name",))
        self.touch("users", row["name"])
        self.audit("user.update" if before else "user.create", "user", name,
                   {**before, "roles": list(before["roles"])} if before else None, row)

    def delete_user(self, name: str) -> None:
        """Remove a user (audited); their past events keep their name."""
        self._require_tx()
        before = self.get_user(name)
        if before is None:
            raise NotFound(msg("no user {name!r}", name=name))
        self.conn.execute("DELETE FROM users WHERE name = ?", [name])
        self.touch("users", name)
        self.audit("user.remove", "user", name, {**before, "roles": list(before["roles"])}, None)

    # -- outbox -----------------------------------------------------------------

    def insert_notification(self, n: Notification) -> int:
        """Put a notification in the outbox (same transaction as its cause)."""
        self._require_tx()
        row = {"collaboration_id": n.collaboration_id, "recipient": n.to, "subject": n.subject,
               "body": n.body, "reason": n.reason, "created_at": sql.now(), "attempts": 0,
               "status": "pending"}
        nid = insert(self.conn, "outbox", row)
        self.audit("notification.queue", "notification", nid, None, row)
        return nid

    def outbox(self, pending_only: bool = False, collab_id: int | None = None,
               limit: int | None = None, status: str | None = None) -> list[dict[str, Any]]:
        """Outbox rows, oldest first.

        :param pending_only: only those still to be delivered (pending, or being sent).
        :param status: only those with this delivery status (pending, sending, sent, failed).
        """
        clauses, params = [], []
        if pending_only:
            clauses.append("status IN ('pending', 'sending')")
        if status is not None:
            clauses.append("status = ?")
            params.append(status)
        if collab_id is not None:
            clauses.append("collaboration_id = ?")
            params.append(collab_id)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        tail = f" LIMIT {int(limit)}" if limit is not None else ""
        return rows(self.conn, f"SELECT * FROM outbox {where} ORDER BY id{tail}", params)

    def outbox_attempts(self, nid: int) -> list[dict[str, Any]]:
        """Every delivery attempt of the notification ``nid``, oldest first."""
        return rows(self.conn, "SELECT * FROM outbox_attempts WHERE notification_id = ? ORDER BY id", [nid])

    def claim_notifications(self, worker: str, now: str, until: str, limit: int = 1) -> list[dict[str, Any]]:
        """Claim up to ``limit`` notifications due for delivery for ``worker`` until ``until``.

        Due: pending with no later next attempt, or claimed by a worker whose claim ran
        out (it died mid-send). One UPDATE under the write lock, so two workers never
        claim the same row. Not audited: a claim is a lease, and the attempt that
        follows is (see :meth:`record_attempt`).
        """
        self._require_tx()
        cur = self.conn.execute("""
            UPDATE outbox SET status = 'sending', claimed_by = :worker, claimed_until = :until
            WHERE id IN (SELECT id FROM outbox
                         WHERE (status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= :now))
                            OR (status = 'sending' AND claimed_until < :now)
                         ORDER BY id LIMIT :limit)
            RETURNING *""", {"worker": worker, "until": until, "now": now, "limit": int(limit)})
        cols = [d[0] for d in cur.description]
        return sorted((dict(zip(cols, r, strict=True)) for r in cur.fetchall()), key=lambda r: r["id"])

    def record_attempt(self, nid: int, worker: str, at: str, *, ok: bool, error: str = "",
                       retry_at: str | None = None, message_id: str | None = None) -> str:
        """Record one delivery attempt of ``nid`` by ``worker`` (audited) and release its claim.

        :param ok: the server accepted the message: it is sent.
        :param retry_at: after a failure, when to try again; None: the failure is final.
        :returns: the notification's status now (sent, pending, failed).
        """
        self._require_tx()
        status = "sent" if ok else ("pending" if retry_at else "failed")
        attempt = self.conn.execute("SELECT attempts FROM outbox WHERE id = ?", [nid]).fetchone()
        if attempt is None:
            raise NotFound(msg("no notification {id}", id=nid))
        number = attempt[0] + 1
        self.conn.execute(
            "UPDATE outbox SET attempts = ?, status = ?, sent_at = ?, error = ?, next_attempt_at = ?,"
            " last_attempt_at = ?, message_id = coalesce(?, message_id),"
            " claimed_by = NULL, claimed_until = NULL WHERE id = ?",
            [number, status, at if ok else None, error, retry_at, at, message_id, nid])
        insert(self.conn, "outbox_attempts", {"notification_id": nid, "attempt": number, "at": at,
                                              "worker": worker, "ok": int(ok), "error": error})
        detail: dict[str, Any] = {"attempt": number, "status": status, "worker": worker}
        if error:
            detail["error"] = error
        if retry_at:
            detail["retry_at"] = retry_at
        self.audit("notification.sent" if ok else "notification.failed", "notification", nid, None, detail)
        return status

    def requeue_notifications(self, ids: list[int] | None = None) -> list[int]:
        """Put failed notifications (``ids``, or every failed one) back in the queue (audited)."""
        self._require_tx()
        where, params = "status = 'failed'", []
        if ids:
            where += f" AND id IN ({', '.join('?' for _ in ids)})"
            params = list(ids)
        found = [r[0] for r in self.conn.execute(f"SELECT id FROM outbox WHERE {where} ORDER BY id", params)]
        for nid in found:
            self.conn.execute("UPDATE outbox SET status = 'pending', next_attempt_at = NULL WHERE id = ?", [nid])
            self.audit("notification.requeue", "notification", nid, {"status": "failed"}, {"status": "pending"})
        return found

    # -- reminders --------------------------------------------------------------

    def follow_ups_due(self, until: str) -> list[dict[str, Any]]:
        """Active collaborations whose next follow-up is due on or before ``until``, with
        who registered each (the responsible officer), oldest due first."""
        return rows(self.conn, """
            SELECT c.id, c.title, c.unit, c.manager, c.next_follow_up,
                   (SELECT e.actor FROM events e
                     WHERE e.entity = 'collaboration' AND e.entity_id = CAST(c.id AS TEXT)
                       AND e.action = 'collaboration.create' ORDER BY e.id LIMIT 1) AS registered_by
            FROM collaborations c
            WHERE c.stage = 'active' AND c.next_follow_up IS NOT NULL AND c.next_follow_up <= ?
            ORDER BY c.next_follow_up, c.id""", [until])

    def reminder_keys(self, collab_ids: list[int]) -> set[str]:
        """The keys of the reminders already queued for these collaborations."""
        if not collab_ids:
            return set()
        marks = ", ".join("?" for _ in collab_ids)
        return {r[0] for r in self.conn.execute(
            f"SELECT key FROM reminders WHERE collaboration_id IN ({marks})", list(collab_ids))}

    def queue_reminder(self, key: str, n: Notification, *, kind: str, due: str, recipient: str) -> int | None:
        """Queue the reminder ``key`` with its notification, unless it was queued before.

        The key is the table's primary key and it is claimed first (``INSERT OR
        IGNORE``), under the write lock: however many workers run, and however often
        one restarts, a reminder is queued once.

        :returns: the notification's id, or None when the reminder was queued already.
        """
        self._require_tx()
        at = sql.now()
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO reminders (key, collaboration_id, kind, due, recipient, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)", [key, n.collaboration_id, kind, due, recipient, at])
        if cur.rowcount == 0:
            return None
        nid = self.insert_notification(n)
        self.conn.execute("UPDATE reminders SET notification_id = ? WHERE key = ?", [nid, key])
        return nid

    def queue_once(self, n: Notification) -> int | None:
        """Queue ``n`` unless the outbox already holds a notification with its ``reason``
        (read under the write lock, so it is queued once however many workers run).

        :returns: the notification's id, or None when it was queued before.
        """
        self._require_tx()
        if self.conn.execute("SELECT 1 FROM outbox WHERE reason = ? LIMIT 1", [n.reason]).fetchone():
            return None
        return self.insert_notification(n)

    # -- audit log --------------------------------------------------------------

    def events(self, *, entity: str | None = None, entity_id: Any = None, actor: str | None = None,
               action_prefix: str | None = None, limit: int = 100, offset: int = 0,
               newest_first: bool = True) -> list[Event]:
        """Audit events, filtered; newest first by default."""
        clauses, params = [], []
        if entity:
            clauses.append("entity = ?")
            params.append(entity)
        if entity_id is not None:
            clauses.append("entity_id = ?")
            params.append(str(entity_id))
        if actor:
            clauses.append("actor = ?")
            params.append(actor)
        if action_prefix:
            clauses.append("action LIKE ?")
            params.append(action_prefix + "%")
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        order = "id DESC" if newest_first else "id"
        return [self._event(r) for r in rows(
            self.conn, f"SELECT * FROM events {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, limit, offset])]

    @staticmethod
    def _event(r: dict[str, Any]) -> Event:
        return Event(**{**r, "before": json.loads(r["before"]) if r["before"] else None,
                        "after": json.loads(r["after"]) if r["after"] else None})

    def count_events(self) -> int:
        """How many events the log holds."""
        return self.conn.execute("SELECT count(*) FROM events").fetchone()[0]


def _roles(text: str | None) -> tuple[str, ...]:
    return tuple(r for r in (text or "").split(",") if r)
