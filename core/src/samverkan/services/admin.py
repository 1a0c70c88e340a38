"""Use cases of administration and oversight: users, the municipality, the audit log,
backups, the outbox and the municipality's reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from samverkan.domain.errors import NotFound, SamverkanError, ValidationError
from samverkan.domain.model import Event, clean_text
from samverkan.domain.reading import ReadSession
from samverkan.domain.rules import Report, ReportTable
from samverkan.i18n import msg
from samverkan.services.session import Session, use_case


class AdminUseCases(Session):
    """Administration (mixed into :class:`samverkan.services.Services`)."""

    # -- users ------------------------------------------------------------------------

    @use_case("read", on="user")
    def users(self) -> list[dict[str, Any]]:
        """Registered users with their roles."""
        return self.store.list_users()

    @use_case("users.manage", on="user")
    def add_user(self, name: str, roles: str | list[str], *, unit: str = "", public_key: str = "",
                 keys_file: Path | None = None, command: str = "") -> dict[str, Any]:
        """Register (or change) a user; with ``keys_file`` also rewrite the authorized_keys file.

        The database row and the file change together: the file is replaced atomically
        before the transaction commits, and a failure to write it rolls the row back.
        With no users yet, the single user holds every role, so whoever runs init may
        register the first admin.
        """
        from samverkan.domain.access import normalise_roles
        from samverkan.services.accounts import (
            validate_public_key,
            validate_username,
            write_authorized_keys,
        )

        name = validate_username(name)
        role_list = normalise_roles(roles)
        key = validate_public_key(public_key) if public_key else ""
        unit = clean_text(unit, "unit")
        with self._tx():
            self.store.upsert_user(name, role_list, unit, key)
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
        """Verify the audit chain (optionally against an earlier head and count)."""
        return self.store.verify_chain(expect)

    @use_case("backup", on="database")
    def backup(self, dest: str | Path) -> dict[str, Any]:
        """Back up the database online and write its manifest; the backup is audited."""
        manifest = self.store.backup(dest)
        with self._tx():
            self.store.audit("backup", "database", str(self.store.path), None,
                             {"dest": str(dest), "events": manifest["events"], "head": manifest["head"]})
        return manifest

    # -- outbox and reports ----------------------------------------------------------

    @use_case("read", on="notification")
    def outbox(self, pending_only: bool = False) -> list[dict[str, Any]]:
        """The notifications in the outbox, oldest first (``pending_only``: not yet sent)."""
        return self.store.outbox(pending_only=pending_only)

    @use_case("outbox.send", on="notification")
    def deliver_outbox(self, smtp: dict[str, Any]) -> dict[str, int]:
        """Send pending notifications through the SMTP server ``smtp`` (see samverkan.services.outbox)."""
        from samverkan.services.outbox import deliver

        return deliver(self.store, self.actor, self.origin, smtp)

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
