"""The auditors' questions as SQL: what is undocumented, undecided on paper, not
followed up jointly, or went ahead past advice; and the portfolio's aggregates.

Each query answers one question over the whole database with aggregates and indexed
look-ups, so a report on 100,000 collaborations reads what it lists, not every row.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

from samverkan.store.sql import rows

_BLANK = "trim(coalesce({col}, '')) = ''"


class OversightRows:
    """Queries behind the audit reports and the overview (mixed into the store)."""

    conn: sqlite3.Connection

    def undocumented_links(self) -> list[dict[str, Any]]:
        """Collaborations (not declined) whose societal challenge or link to a political
        programme / budget assignment is not documented (on the collaboration or its
        decision), by form, unit and id."""
        return rows(self.conn, f"""
            SELECT id, title, form, unit, stage, no_challenge, no_policy_link FROM (
              SELECT c.id, c.title, c.form, coalesce(c.unit, '') AS unit, c.stage,
                     {_BLANK.format(col='c.challenge')} AS no_challenge,
                     {_BLANK.format(col='c.policy_link')} AND NOT EXISTS (
                         SELECT 1 FROM decisions d WHERE d.collaboration_id = c.id
                         AND NOT {_BLANK.format(col='d.policy_link')}) AS no_policy_link
              FROM collaborations c WHERE c.stage <> 'declined')
            WHERE no_challenge OR no_policy_link
            ORDER BY form, unit, id""")

    def undocumented_decisions(self) -> list[dict[str, Any]]:
        """Decisions without a documented motivation or considerations, oldest first, with
        who decided, when and under which authority."""
        return rows(self.conn, f"""
            SELECT * FROM (
              SELECT d.collaboration_id AS id, c.title, c.form, coalesce(c.unit, '') AS unit,
                     d.outcome, d.decided_by, d.decided_on, d.authority, coalesce(d.body, '') AS body,
                     coalesce(d.meeting_date, '') AS meeting_date,
                     coalesce(d.minute_paragraph, '') AS minute_paragraph,
                     {_BLANK.format(col='d.motivation')} AS no_motivation,
                     {_BLANK.format(col='d.considerations')} AS no_considerations
              FROM decisions d JOIN collaborations c ON c.id = d.collaboration_id)
            WHERE no_motivation OR no_considerations
            ORDER BY decided_on, id""")

    def missing_joint_follow_ups(self, forms: list[str], since: dt.date, today: dt.date) -> list[dict[str, Any]]:
        """Active collaborations of ``forms`` with no joint follow-up on or after ``since``.

        One that started after ``since`` is listed only once a follow-up was due (its next
        follow-up date has passed): a partnership a month old has not missed anything yet.
        """
        if not forms:
            return []
        params: dict[str, Any] = {f"f{i}": form for i, form in enumerate(forms)}
        params.update(since=since.isoformat(), today=today.isoformat())
        marks = ", ".join(f":f{i}" for i in range(len(forms)))
        return rows(self.conn, f"""
            SELECT * FROM (
              SELECT c.id, c.title, c.form, coalesce(c.unit, '') AS unit, a.start AS started,
                     c.next_follow_up AS due,
                     (SELECT max(done_on) FROM follow_ups f WHERE f.collaboration_id = c.id) AS last_follow_up,
                     (SELECT max(done_on) FROM follow_ups f
                       WHERE f.collaboration_id = c.id AND f.joint) AS last_joint
              FROM collaborations c LEFT JOIN agreements a ON a.collaboration_id = c.id
              WHERE c.stage = 'active' AND c.form IN ({marks}))
            WHERE (last_joint IS NULL OR last_joint < :since)
              AND (started IS NULL OR started <= :since OR (due IS NOT NULL AND due < :today))
            ORDER BY form, unit, id""", params)

    def confirmed_advisories(self, collab_id: int | None = None) -> list[dict[str, Any]]:
        """Transitions that went ahead past advisory findings: the findings as they stood,
        who confirmed them and when (from the audit log), oldest first."""
        where, params = "e.action = 'transition.confirm_advisory'", []
        if collab_id is not None:
            where += " AND e.entity = 'collaboration' AND e.entity_id = ?"
            params.append(str(collab_id))
        found = rows(self.conn, f"""
            SELECT CAST(e.entity_id AS INTEGER) AS id, coalesce(c.title, '') AS title,
                   coalesce(c.form, '') AS form, e.actor AS confirmed_by, e.at, e.after
            FROM events e LEFT JOIN collaborations c ON c.id = CAST(e.entity_id AS INTEGER)
            WHERE {where} ORDER BY e.id""", params)
        for r in found:
            after = json.loads(r.pop("after") or "{}")
            r["to_stage"] = after.get("to", "")
            r["findings"] = after.get("findings", [])
        return found

    def portfolio(self) -> dict[str, list[dict[str, Any]]]:
        """The portfolio in aggregates: collaborations per form and stage, per unit, per
        year registered, agreements per year they started, and the yearly money per form
        of what runs now (municipality and partners)."""
        out = {
            "form_stage": rows(self.conn, "SELECT form, stage, count(*) AS n FROM collaborations"
                                          " GROUP BY form, stage ORDER BY form, stage"),
            # grouped by the indexed column first (a covering index scan), then named
            "unit": rows(self.conn, "SELECT coalesce(nullif(unit, ''), '-') AS unit, sum(n) AS n,"
                                    " sum(active) AS active FROM (SELECT unit, count(*) AS n,"
                                    " sum(stage = 'active') AS active FROM collaborations GROUP BY unit)"
                                    " GROUP BY 1 ORDER BY n DESC, unit"),
            "year": rows(self.conn, "SELECT substr(created_at, 1, 4) AS year, count(*) AS n"
                                    " FROM collaborations GROUP BY 1 ORDER BY 1"),
            "started": rows(self.conn, "SELECT substr(start, 1, 4) AS year, count(*) AS n FROM agreements"
                                       " WHERE start IS NOT NULL GROUP BY 1 ORDER BY 1"),
            # the yearly money of what runs now: agreed or active collaborations
            "money": rows(self.conn, "SELECT c.form, sum(CASE WHEN k.is_municipality THEN k.amount ELSE 0 END)"
                                     " AS municipality, sum(CASE WHEN k.is_municipality THEN 0 ELSE k.amount END)"
                                     " AS partners FROM contributions k JOIN collaborations c"
                                     " ON c.id = k.collaboration_id WHERE c.stage IN ('agreement', 'active')"
                                     " GROUP BY c.form ORDER BY c.form"),
        }
        return out

    def count_follow_ups_due(self, start: dt.date | None, end: dt.date) -> int:
        """Active collaborations whose next follow-up falls before ``end`` (and on or after
        ``start``, when given): overdue ones with no start, soon-due ones with one."""
        sql = "SELECT count(*) FROM collaborations WHERE stage = 'active' AND next_follow_up < ?"
        params = [end.isoformat()]
        if start is not None:
            sql += " AND next_follow_up >= ?"
            params.append(start.isoformat())
        return self.conn.execute(sql, params).fetchone()[0]

    def audit_head(self) -> tuple[int, str]:
        """How many events the audit log holds and the hash of the newest (one read)."""
        row = self.conn.execute("SELECT (SELECT count(*) FROM events),"
                                " (SELECT hash FROM events ORDER BY id DESC LIMIT 1)").fetchone()
        return row[0], row[1] or ""
