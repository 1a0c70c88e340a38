"""Use cases that move many rows at once: importing organisations, exporting lists.

The file formats are :mod:`samverkan.services.transfer`; this module decides what is
stored and in which transactions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from samverkan.domain.contacts import Contact
from samverkan.domain.errors import StoreError, ValidationError
from samverkan.domain.model import Organisation
from samverkan.domain.query import CollabQuery
from samverkan.i18n import msg
from samverkan.services.session import Session, use_case

if TYPE_CHECKING:  # imported when an import runs: the TUI's start-up never needs it
    from samverkan.services.transfer import ImportResult, InputRow, Progress


class ExchangeUseCases(Session):
    """Import and export (mixed into :class:`samverkan.services.Services`)."""

    IMPORT_BATCH = 100

    @use_case("organisation.register", on="organisation")
    def read_import_file(self, path: str | Path, fmt: str | None = None) -> list[InputRow]:
        """The rows of an import file, read only for a user who may import them.

        Over SSH the file is on the server: checking the permission before opening it keeps
        a user who may not import from reading (through the error messages, which quote a
        bad header line) the first line of files the service account can read.

        :raises PermissionDenied: unless the acting user may register organisations.
        :raises ValidationError: when the file cannot be read as CSV or JSON.
        """
        from samverkan.services.transfer import read_organisations

        return read_organisations(path, fmt)

    @use_case("organisation.register", on="organisation")
    def import_organisations(self, rows: Iterable[InputRow | Mapping[str, Any]], *,
                             progress: Progress | None = None, dry_run: bool = False,
                             batch_size: int | None = None) -> ImportResult:
        """Register many organisations, as :meth:`register_organisation` would one by one.

        Every row is validated like a registration (name, check digit of the organisation
        number, text cleaned of terminal control sequences). A row whose number is already
        registered is skipped; an invalid row (or one repeating a number given on an
        earlier line) is reported with its line and stores nothing; the valid rows are
        stored in batches of ``batch_size``, one transaction per batch with one audit event
        per organisation. ``progress(done, total)`` is called with ``done == 0`` first and
        after every batch, ``done`` counting rows handled whatever their outcome.

        A batch that commits stays stored if a later one fails (e.g. the database stays
        busy): importing the same file again skips what is already there.

        :param rows: :class:`InputRow` (line numbers from the file) or plain mappings
            (numbered from 1).
        :param dry_run: validate and look up every row, store nothing, audit nothing.
        :raises PermissionDenied: unless the acting user may register organisations
            (checked once, before any row).
        """
        from samverkan.services.transfer import (
            ImportResult,
            InputRow,
            batched,
            contact_persons,
            organisation_fields,
        )

        items = [r if isinstance(r, InputRow) else InputRow(i, r) for i, r in enumerate(rows, 1)]
        result = ImportResult(total=len(items), dry_run=dry_run)
        seen: dict[str, int] = {}  # orgnr -> line it was first given on
        persons: dict[str, list[Contact]] = {}  # orgnr -> its contact persons (validated)
        done = 0
        if progress:
            progress(0, result.total)
        for batch in batched(items, batch_size or self.IMPORT_BATCH):
            valid: list[tuple[int, Organisation]] = []
            for row in batch:
                try:
                    if row.problem:
                        raise ValidationError(row.problem, "file")
                    org = Organisation(**organisation_fields(row.values))
                    contacts = [Contact(organisation_id=0, **p) for p in contact_persons(row.values)]
                except ValidationError as exc:
                    # the message as raised, so an interface can translate it
                    result.errors.append((row.line, exc.args[0] if exc.args else str(exc)))
                    continue
                if org.orgnr in seen:
                    result.errors.append((row.line, msg(
                        "organisation number {orgnr} is already given on line {line} of this file",
                        orgnr=org.orgnr, line=seen[org.orgnr])))
                    continue
                seen[org.orgnr] = row.line
                persons[org.orgnr] = contacts
                valid.append((row.line, org))
            if dry_run:
                new, skipped = self._split_registered(valid)
            elif valid:
                try:
                    with self._tx():
                        # looked up under the write lock, so nobody registers the same
                        # number between the check and the insert
                        new, skipped = self._split_registered(valid)
                        for org in new:
                            self.store.insert_organisation(org)
                            for person in persons.pop(org.orgnr, ()):
                                person.organisation_id = org.id
                                self.store.insert_contact(person)
                except StoreError as exc:
                    raise StoreError(msg(
                        "{error} ({n} organisation(s) of earlier batches were stored; "
                        "importing the file again skips them)",
                        error=exc.args[0] if exc.args else str(exc), n=result.imported)) from None
            else:
                new, skipped = [], []
            result.imported += len(new)
            result.skipped += skipped
            done += len(batch)
            if progress:
                progress(done, result.total)
        return result

    def _split_registered(self, valid: list[tuple[int, Organisation]]
                          ) -> tuple[list[Organisation], list[tuple[int, str]]]:
        """The organisations of ``valid`` not registered yet, and (line, orgnr) of the others."""
        registered = self.store.registered_orgnrs([org.orgnr for _line, org in valid])
        new = [org for _line, org in valid if org.orgnr not in registered]
        skipped = [(line, org.orgnr) for line, org in valid if org.orgnr in registered]
        return new, skipped

    @use_case("read", on="organisation")
    def export_organisations(self, page: int = 1000) -> Iterator[dict[str, Any]]:
        """Every organisation as a plain dict, by name: the columns of
        ``transfer.ORG_EXPORT_FIELDS`` (``contact``: the first contact person as text) and
        ``contacts`` (every contact person: name, role, email, phone).

        Permission is checked now; the rows are read ``page`` at a time as they are
        consumed, all from one snapshot of the file (``Store.snapshot``).
        """
        from samverkan.services.transfer import CONTACT_KEYS, contact_text

        def rows() -> Iterator[dict[str, Any]]:
            offset = 0
            with self.store.snapshot():
                while True:
                    orgs = self.store.list_organisations("", page, offset)
                    contacts = self.store.contacts_of([o.id for o in orgs])
                    for o in orgs:
                        people = contacts.get(o.id, [])
                        yield {"id": o.id, "name": o.name, "orgnr": o.orgnr, "legal_form": o.legal_form,
                               "contact": contact_text(people[0] if people else None),
                               "contacts": [{k: getattr(c, k) for k in CONTACT_KEYS} for c in people],
                               "is_example": o.is_example}
                    if len(orgs) < page:
                        return
                    offset += page

        return rows()

    @use_case("read")
    def export_collaborations(self, query: CollabQuery | None = None,
                              page: int = 1000) -> Iterator[dict[str, Any]]:
        """Every collaboration matching ``query``'s filters and order, as plain dicts.

        The columns are ``transfer.COLLAB_EXPORT_FIELDS`` (``organisations``: their names);
        the query's ``limit`` and ``offset`` are ignored. Permission is checked now; the
        rows are read ``page`` at a time, all from one snapshot of the file.
        """
        base = query or CollabQuery()

        def rows() -> Iterator[dict[str, Any]]:
            offset = 0
            with self.store.snapshot():
                while True:
                    found = self.store.list_collaborations(replace(base, limit=page, offset=offset))
                    for r in found:
                        yield {"id": r["id"], "title": r["title"], "form": r["form"], "stage": r["stage"],
                               "unit": r["unit"], "organisations": r["org_names"], "start": r["start"],
                               "end": r["end"], "next_follow_up": r["next_follow_up"],
                               "initiator": r["initiator"], "is_example": bool(r["is_example"])}
                    if len(found) < page:
                        return
                    offset += page

        return rows()
