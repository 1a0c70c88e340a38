"""Use cases of administration and oversight: users, the municipality, the audit log,
backups, the outbox and the municipality's reports."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from samverkan.domain.errors import NotFound, SamverkanError, ValidationError
from samverkan.domain.model import Event, clean_text
from samverkan.domain.reading import ReadSession
from samverkan.domain.rules import Report, ReportTable
from samverkan.i18n import msg
from samverkan.services.session import Session, use_case

if TYPE_CHECKING:
    import threading

    from samverkan.services.outbox import Clock, RetryPolicy, SmtpConfig
    from samverkan.services.reminders import ReminderPolicy

#: the delivery states of a notification
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")


class AdminUseCases(Session):
    """Administration (mixed into :class:`samverkan.services.Services`)."""

    # -- users ------------------------------------------------------------------------

    @use_case("read", on="user")
    def users(self) -> list[dict[str, Any]]:
        """Registered users with their roles."""
        return self.store.list_users()

    @use_case("users.manage", on="user")
    def add_user(self, name: str, roles: str | list[str], *, unit: str = "", public_key: str = "",
                 keys_file: Path | None = None, command: str = "", email: str | None = None) -> dict[str, Any]:
        """Register (or change) a user; with ``keys_file`` also rewrite the authorized_keys file.

        The database row and the file change together: the file is replaced atomically
        before the transaction commits, and a failure to write it rolls the row back.
        With no users yet, the single user holds every role, so whoever runs init may
        register the first admin. ``email`` (where reminders go): None keeps the stored
        one, "" removes it.
        """
        from samverkan.domain.access import normalise_roles
        from samverkan.services.accounts import (
            validate_email,
            validate_public_key,
            validate_username,
            write_authorized_keys,
        )

        name = validate_username(name)
        role_list = normalise_roles(roles)
        key = validate_public_key(public_key) if public_key else ""
        unit = clean_text(unit, "unit")
        address = None if email is None else validate_email(email)
        with self._tx():
            self.store.upsert_user(name, role_list, unit, key, address)
            if keys_file is not None:
                # the file must change with the row: written (atomically) before COMMIT
                write_authorized_keys(keys_file, self.store.list_users(), command)
        return self.store.get_user(name)

    @use_case("users.manage", on="user")
    def remove_user(self, name: str, *, keys_file: Path | None = None, command: str = "") -> None:
        """Remove a user and their key line."""
        from samverkan.services.accounts import write_authorized_keys

        with self._tx():
            self.store.delete_user(name)
            if keys_file is not None:
                write_authorized_keys(keys_file, self.store.list_users(), command)

    # -- municipality ----------------------------------------------------------

    @use_case("municipality.set", on="database")
    def set_municipality(self, key: str) -> None:
        """Record which municipality this database belongs to (refused once data exists for another)."""
        self.registry.view(key)  # refuses a key that is not installed
        current = self.store.get_meta("municipality")  # fresh: another session may have set it
        if current and current != key and not self.store.is_empty():
            raise ValidationError(
                msg("this database belongs to {current!r} and holds data; use a new database for {key!r}",
                    current=current, key=key),
                "municipality",
            )
        with self._tx():
            self.store.set_meta("municipality", key)
        self._view, self._municipality_key = None, key

    @use_case("read")
    def is_empty(self) -> bool:
        """Whether the database holds no organisations and no collaborations yet."""
        return self.store.is_empty()

    # -- audit, backup -------------------------------------------------------------

    @use_case("read")
    def events(self, **filters: Any) -> list[Event]:
        """Audit events (read-only), filtered as :meth:`Store.events`."""
        return self.store.events(**filters)

    @use_case("read")
    def verify_audit(self, expect: tuple[int, str] | None = None):
        """Verify the audit chain, its anchor and the records it covers (optionally
        against an earlier head and count)."""
        return self.store.verify_chain(expect)

    @use_case("read")
    def check_integrity(self) -> str | None:
        """Check the whole file for damage now (the worker does it daily); returns why it
        is damaged (every write is refused from then on), or None."""
        return self.store.scheduled_check()

    @use_case("read")
    def head_mac(self, head: str) -> str | None:
        """The audit key's MAC of a head hash (None without a key): a manifest or a
        published head carrying it was written by the key's holder."""
        return self.store.head_mac(head)

    @use_case("backup", on="database")
    def anchor_chain(self) -> int:
        """Write the event that anchors the chain with the configured audit key (its
        MAC proves it and, through the hash links, every event before it); returns its id.

        :raises ValidationError: when no audit key is configured.
        """
        if not self.store.mac_key:
            raise ValidationError(msg("no audit key is configured (SAMVERKAN_AUDIT_KEY)"), "key")
        with self._tx():
            return self.store.audit("audit.anchor", "database", str(self.store.path), None,
                                    {"key": "configured"})

    @use_case("backup", on="database")
    def publish_audit_head(self, to: str, on: dt.date | None = None) -> dict[str, Any] | None:
        """Queue the chain's head (event count, head hash and, with an audit key, its
        MAC) to ``to`` (the registrar's or the auditors' mailbox), at most once a day:
        an anchor held outside the server. Returns what was published, or None when
        today's head went out already."""
        return self._publish_head(to, on or self.today)

    def _publish_head(self, to: str, on: dt.date) -> dict[str, Any] | None:
        # also run by the worker's scheduled pass, under its own permission
        from samverkan.domain.model import Notification

        day = on.isoformat()
        count, head = self.store.audit_head()
        signed = self.store.head_mac(head)
        published = {"database": str(self.store.path), "events": count, "head": head, "head_mac": signed,
                     "day": day}
        note = Notification(
            to, f"samverkan: granskningsloggens huvud {day}",
            "\n".join([f"Databas: {self.store.path}", f"Händelser: {count}", f"Huvud (SHA-256): {head}",
                       f"Nyckelns MAC: {signed or '(ingen granskningsnyckel är konfigurerad)'}", "",
                       "Spara meddelandet: `samverkan audit verify` jämför loggen med detta huvud."]),
            reason=f"audit-head:{day}")
        with self._tx():
            queued = self.store.queue_once(note)
        return published if queued is not None else None

    @use_case("backup", on="database")
    def backup(self, dest: str | Path) -> dict[str, Any]:
        """Back up the database online and write its manifest; the backup is audited."""
        manifest = self.store.backup(dest)
        with self._tx():
            self.store.audit("backup", "database", str(self.store.path), None,
                             {"dest": str(dest), "events": manifest["events"], "head": manifest["head"]})
        return manifest

    @use_case("backup", on="database")
    def restore(self, source: str | Path, manifest: dict[str, Any]) -> dict[str, Any]:
        """Restore the database from the backup ``source``, checked against its
        ``manifest`` before and after (see :meth:`samverkan.store.Store.restore`); then
        apply pending migrations and audit the restore.

        :returns: ``events`` and ``head`` of the restored file (equal to the manifest's,
            read before the restore's own event), and ``kept``: the file as it was.
        """
        result = self.store.restore(source, manifest)
        self.store.migrate()
        self._view, self._municipality_key = None, None  # the backup's, read afresh
        with self._tx():
            self.store.audit("restore", "database", str(self.store.path), None,
                             {"source": str(source), "events": result["events"],
                              "head": result["head"], "kept": result["kept"]})
        return result

    # -- outbox and reports ----------------------------------------------------------

    @use_case("read", on="notification")
    def outbox(self, pending_only: bool = False, status: str | None = None,
               collab_id: int | None = None) -> list[dict[str, Any]]:
        """The notifications in the outbox, oldest first, each with its delivery ``status``
        (pending, sending, sent, failed), ``attempts``, last ``error`` and
        ``next_attempt_at``.

        :param pending_only: only those not yet delivered (pending or being sent).
        :param status: only those with this status (e.g. ``failed``, for the admin).
        :param collab_id: only those about this collaboration.
        """
        if status is not None and status not in OUTBOX_STATUSES:
            raise ValidationError(msg("unknown delivery status {status!r}; one of: {known}",
                                      status=status, known=", ".join(OUTBOX_STATUSES)), "status")
        return self.store.outbox(pending_only=pending_only, status=status, collab_id=collab_id)

    @use_case("read", on="notification")
    def outbox_attempts(self, notification_id: int) -> list[dict[str, Any]]:
        """Every delivery attempt of one notification (time, worker, ok, error)."""
        return self.store.outbox_attempts(int(notification_id))

    @use_case("outbox.send", on="notification")
    def deliver_outbox(self, smtp: SmtpConfig | dict[str, Any], *, worker: str = "",
                       policy: RetryPolicy | None = None, clock: Clock | None = None,
                       stop: threading.Event | None = None) -> dict[str, int]:
        """Deliver the notifications that are due through the SMTP server ``smtp``.

        See :mod:`samverkan.services.outbox`: claimed one at a time under the write lock,
        sent outside it, every attempt recorded, retried with back-off up to the policy's
        bound. :returns: counts of ``sent`` and ``failed`` attempts.
        """
        from samverkan.services.outbox import SmtpConfig, deliver, utc_now

        config = smtp if isinstance(smtp, SmtpConfig) else SmtpConfig.from_mapping(smtp)
        return deliver(self.store, self.actor, self.origin, config, worker=worker, policy=policy,
                       clock=clock or utc_now, stop=stop)

    @use_case("outbox.send", on="notification")
    def retry_outbox(self, ids: list[int] | None = None) -> list[int]:
        """Queue failed notifications again (``ids``, or every failed one); their ids.

        Each gets one more attempt at the next pass (its earlier attempts still count
        towards the bound), and is ``failed`` again unless the server accepts it.
        """
        with self._tx():
            return self.store.requeue_notifications([int(i) for i in ids] if ids else None)

    @use_case("outbox.send", on="notification")
    def queue_reminders(self, policy: ReminderPolicy | None = None,
                        on: dt.date | None = None) -> dict[str, Any]:
        """Queue the follow-up reminders due ``on`` (today), each once (see
        :mod:`samverkan.services.reminders`).

        Also queues the municipality's scheduled notifications
        (:meth:`MunicipalityView.periodic_notifications`), each once by its reason.

        :returns: ``queued`` (how many reminders were new), ``periodic`` (how many
            scheduled notifications were new) and ``problems`` (reminders that have
            nobody to go to, e.g. a person without an e-mail address).
        """
        from samverkan.services.reminders import ReminderPolicy, plan, render

        policy = policy or ReminderPolicy()
        today = on or self.today
        # the municipality's scheduled notifications (a list for a group …), made before the lock
        periodic = [n for n in self.view.periodic_notifications(today, ReadOnlySession(self)) if n.reason]
        queued_periodic = 0
        # the audit chain's head, published outside the server once a day where an
        # address is configured (SAMVERKAN_AUDIT_PUBLISH_TO)
        publish_to = os.environ.get("SAMVERKAN_AUDIT_PUBLISH_TO", "").strip()
        if publish_to and self._publish_head(publish_to, today) is not None:
            queued_periodic += 1
        if periodic:
            with self._tx():
                queued_periodic = sum(self.store.queue_once(n) is not None for n in periodic)
        due = self.store.follow_ups_due((today + dt.timedelta(days=policy.days_before)).isoformat())
        if not due:
            return {"queued": 0, "periodic": queued_periodic, "problems": []}
        users = {u["name"]: u for u in self.store.list_users()}
        known = self.store.reminder_keys([r["id"] for r in due])
        reminders, problems = plan(due, users, policy, today)
        where = self.municipality_name or ""
        fresh = [(r, render(r, where)) for r in reminders if r.key not in known]  # rendered before the lock
        queued = 0
        if fresh:
            with self._tx():
                for r, note in fresh:
                    if self.store.queue_reminder(r.key, note, kind=r.kind, due=r.due.isoformat(),
                                                 recipient=r.user) is not None:
                        queued += 1
        return {"queued": queued, "periodic": queued_periodic, "problems": problems}

    @use_case("read")
    def reports(self) -> dict[str, Report]:
        """The reports on offer, by key: the municipality plugin's own, then the core's
        audit reports (the same in every municipality, see :mod:`.oversight`)."""
        from samverkan.services.oversight import AUDIT_REPORTS

        core = {key: Report(key, title, description, lambda _reads, k=key: self._audit_report(k))
                for key, (title, description) in AUDIT_REPORTS.items()}
        return {**self.view.reports(), **core}

    @use_case("read")
    def report(self, key: str) -> ReportTable:
        """Build the report ``key``: one of the core's audit reports or the municipality's."""
        from samverkan.services.oversight import AUDIT_REPORTS

        if key in AUDIT_REPORTS:
            return self._audit_report(key)
        reports = self.view.reports()
        if key not in reports:
            raise NotFound(msg("no report {key!r}; available: {reports}",
                               key=key, reports=", ".join([*reports, *AUDIT_REPORTS])))
        try:
            # a report reads: it is given the session's reads only
            return reports[key].build(ReadOnlySession(self))
        except SamverkanError:
            raise
        except Exception as exc:  # the plugin's error: name it, keep the session usable
            self.view._problem(self.municipality_key or "?", f"report {key}", exc)
            raise SamverkanError(msg("the report {key!r} could not be built: {error}",
                                     key=key, error=f"{type(exc).__name__}: {exc}")) from None


class ReadOnlySession:
    """A session's reads and nothing else: what a plugin's report is given.

    Only the names of :class:`samverkan.domain.reading.ReadSession` are reachable, each
    going to the session (so each still checks the reader's role); a report that tries
    to write, or to reach the store, gets an AttributeError naming the protocol.
    """

    _names = frozenset(n for n in vars(ReadSession) if not n.startswith("_"))

    def __init__(self, session: Session):
        self._session = session

    def __getattr__(self, name: str) -> Any:
        if name in ReadOnlySession._names:
            return getattr(self._session, name)
        raise AttributeError(f"a report only reads: {name!r} is not part of ReadSession")
