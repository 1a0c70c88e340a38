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

    def upsert_user(self, name: str, roles: tuple[str, ...], unit: str = "", public_key: str = "") -> None:
        """Create or change a user (audited)."""
        actor = self._require_tx()
        before = self.get_user(name)
        row = {"name": name, "roles": ",".join(roles), "unit": unit,
               "public_key": public_key or (before or {}).get("public_key") or "",
               "created_at": (before or {}).get("created_at") or sql.now(),
               "created_by": (before or {}).get("created_by") or actor}
        upsert(self.conn, "users", row, pk=("name",))
        self.audit("user.update" if before else "user.create", "user", name,
                   {**before, "roles": list(before["roles"])} if before else None, row)

    def delete_user(self, name: str) -> None:
        """Remove a user (audited); their past events keep their name."""
        self._require_tx()
        before = self.get_user(name)
        if before is None:
            raise NotFound(msg("no user {name!r}", name=name))
        self.conn.execute("DELETE FROM users WHERE name = ?", [name])
        self.audit("user.remove", "user", name, {**before, "roles": list(before["roles"])}, None)

    # -- outbox -----------------------------------------------------------------

    def insert_notification(self, n: Notification) -> int:
        """Put a notification in the outbox (same transaction as its cause)."""
        self._require_tx()
        row = {"collaboration_id": n.collaboration_id, "recipient": n.to, "subject": n.subject,
               "body": n.body, "reason": n.reason, "created_at": sql.now(), "attempts": 0}
        nid = insert(self.conn, "outbox", row)
        self.audit("notification.queue", "notification", nid, None, row)
        return nid

    def outbox(self, pending_only: bool = False, collab_id: int | None = None,
               limit: int | None = None) -> list[dict[str, Any]]:
        """Outbox rows, oldest first."""
        clauses, params = [], []
        if pending_only:
            clauses.append("sent_at IS NULL")
        if collab_id is not None:
            clauses.append("collaboration_id = ?")
            params.append(collab_id)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        tail = f" LIMIT {int(limit)}" if limit is not None else ""
        return rows(self.conn, f"SELECT * FROM outbox {where} ORDER BY id{tail}", params)

    def mark_notification(self, nid: int, *, sent: bool, error: str = "") -> None:
        """Record a delivery attempt of an outbox row."""
        self._require_tx()
        sent_at = sql.now() if sent else None
        self.conn.execute("UPDATE outbox SET attempts = attempts + 1, sent_at = ?, error = ? WHERE id = ?",
                          [sent_at, error, nid])
        self.audit("notification.sent" if sent else "notification.failed", "notification", nid,
                   None, {"error": error} if error else {"sent_at": sent_at})

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
