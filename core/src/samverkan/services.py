"""Use cases shared by the TUI and the CLI.

Each public method takes effect as the acting user, validates its input, runs the gates
where the lifecycle is concerned, and writes its change together with the audit event
(and any notification plugins ask for) in one transaction. Interfaces call these
methods and nothing below them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from samverkan import lifecycle
from samverkan.access import ROLES, TRANSITION_ACTIONS, UNIT_BOUND, roles_needed
from samverkan.errors import (
    NotFound,
    PermissionDenied,
    SamverkanError,
    TransitionRefused,
    ValidationError,
)
from samverkan.i18n import msg
from samverkan.lifecycle import Finding, GateContext
from samverkan.model import (
    ANSWERS,
    Agreement,
    CheckAnswer,
    CheckItem,
    Collaboration,
    ConflictDeclaration,
    Contribution,
    Decision,
    FollowUp,
    Organisation,
    Record,
    Termination,
    clean_text,
    parse_date,
    validate_form,
)
from samverkan.plugins import MunicipalityView, Registry, get_plugin_manager
from samverkan.rules import RecordKind, ReportTable
from samverkan.store import Store
from samverkan.store.store import CollabQuery

if TYPE_CHECKING:  # imported when an import runs: the TUI's start-up never needs it
    from samverkan.transfer import ImportResult, InputRow, Progress


class ConfirmationNeeded(TransitionRefused):
    """Only advisory findings stand in the way: the user must confirm them explicitly."""


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (clamped to the month's last day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Services:
    """The use cases, bound to one database, one municipality and one acting user."""

    def __init__(self, store: Store, actor: str, origin: str = "local",
                 registry: Registry | None = None, today: dt.date | None = None):
        self.store = store
        self.actor = clean_text(actor, "user", required=True, max_length=100)
        self.origin = origin
        self.registry = registry or get_plugin_manager()
        self._today = today
        self._view: MunicipalityView | None = None
        self._municipality_key: str | None = None

    @classmethod
    def open(cls, path: str | Path, actor: str, origin: str = "local", **kwargs: Any) -> Services:
        """Open the database at ``path`` (migrating it) and bind services to it."""
        return cls(Store.open(path), actor, origin, **kwargs)

    @property
    def today(self) -> dt.date:
        """Today's date (fixed in tests)."""
        return self._today or dt.date.today()

    def _tx(self):
        return self.store.transaction(self.actor, self.origin)

    # -- identity and permissions ---------------------------------------------------

    @property
    def roles(self) -> tuple[str, ...]:
        """The acting user's roles (every role in a single-user installation)."""
        if not self.store.has_users():
            return ROLES
        user = self.store.get_user(self.actor)
        return user["roles"] if user else ()

    def _check_permission(self, action: str, collab: Collaboration | None) -> None:
        needed = roles_needed(action)
        mine = self.roles
        if not set(mine) & set(needed):
            who = (msg("{actor} has the role(s) {roles}", actor=self.actor, roles=", ".join(mine))
                   if mine else msg("{actor} is not a registered user", actor=self.actor))
            roles = needed[0]
            for role in needed[1:]:  # "or" is a word the interface translates
                roles = msg("{first} or {second}", first=roles, second=role)
            raise PermissionDenied(msg("{action} needs the role {roles}; {who}",
                                       action=action, roles=roles, who=who))
        if action in UNIT_BOUND and collab is not None and self.store.has_users():
            unit = (self.store.get_user(self.actor) or {}).get("unit") or ""
            if unit and collab.unit and unit != collab.unit:
                raise PermissionDenied(msg(
                    "{action}: {actor} is manager for {unit!r}, and collaboration {id} "
                    "belongs to {collab_unit!r}",
                    action=action, actor=self.actor, unit=unit, id=collab.id, collab_unit=collab.unit))

    def _authorize(self, action: str, collab: Collaboration | None = None, *, entity: str = "collaboration",
                   entity_id: Any = None, advice: bool = False) -> None:
        """Refuse (and audit the refusal) unless the acting user may perform ``action``.

        ``advice``: the action advises on the collaboration, which a declared conflict of
        interest rules out just like deciding does.
        """
        target = entity_id if collab is None else collab.id
        try:
            self._check_permission(action, collab)
            if advice and collab is not None:
                declared = self.store.conflicts(collab.id, collab.organisation_ids, user=self.actor)
                if declared:
                    raise PermissionDenied(msg(
                        "{actor} has declared a conflict of interest ({reason}) "
                        "and may not advise on collaboration {id}",
                        actor=self.actor, reason=declared[0].reason, id=collab.id))
        except PermissionDenied as exc:
            self.store.audit_refusal(self.actor, self.origin, "permission.refused", entity, target,
                                     {"action": action, "reason": str(exc)})
            raise

    # -- users ------------------------------------------------------------------------

    def users(self) -> list[dict[str, Any]]:
        """Registered users with their roles."""
        self._authorize("read", entity="user", entity_id="*")
        return self.store.list_users()

    def add_user(self, name: str, roles: str | list[str], *, unit: str = "", public_key: str = "",
                 keys_file: Path | None = None, command: str = "") -> dict[str, Any]:
        """Register (or change) a user; with ``keys_file`` also rewrite the authorized_keys file.

        The database row and the file change together: the file is replaced atomically
        before the transaction commits, and a failure to write it rolls the row back.
        """
        from samverkan.access import normalise_roles
        from samverkan.accounts import validate_public_key, validate_username, write_authorized_keys

        name = validate_username(name)
        role_list = normalise_roles(roles)
        key = validate_public_key(public_key) if public_key else ""
        # With no users yet, the single user holds every role, so whoever runs init
        # may register the first admin.
        self._authorize("users.manage", entity="user", entity_id=name)
        with self._tx():
            self.store.upsert_user(name, role_list, clean_text(unit, "unit"), key)
            if keys_file is not None:
                write_authorized_keys(keys_file, self.store.list_users(), command)
        return self.store.get_user(name)

    def remove_user(self, name: str, *, keys_file: Path | None = None, command: str = "") -> None:
        """Remove a user and their key line."""
        from samverkan.accounts import write_authorized_keys

        self._authorize("users.manage", entity="user", entity_id=name)
        with self._tx():
            self.store.delete_user(name)
            if keys_file is not None:
                write_authorized_keys(keys_file, self.store.list_users(), command)

    # -- municipality ----------------------------------------------------------

    @property
    def municipality_key(self) -> str | None:
        """The key of the municipality this database belongs to (None before init)."""
        # Once set it stays (set_municipality refuses a change once data exists), so it
        # is read once: the header asks on every screen, and the UI thread should not
        # queue behind a worker's query on the shared connection for it.
        if self._municipality_key is None:
            self._municipality_key = self.store.get_meta("municipality")
        return self._municipality_key

    @property
    def view(self) -> MunicipalityView:
        """The plugin view of this database's municipality."""
        if self._view is None:
            key = self.municipality_key
            if not key:
                raise SamverkanError(msg(
                    "{path} has no municipality yet; run `samverkan init --municipality KEY`",
                    path=self.store.path))
            self._view = self.registry.view(key)
        return self._view

    def set_municipality(self, key: str) -> None:
        """Record which municipality this database belongs to (refused once data exists for another)."""
        self._authorize("municipality.set", entity="database", entity_id="municipality")
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

    # -- organisations ---------------------------------------------------------

    def register_organisation(self, name: str, orgnr: str, legal_form: str = "ideell förening",
                              contact: str = "", is_example: bool = False) -> Organisation:
        """Register an organisation (validated organisation number, unique)."""
        self._authorize("organisation.register", entity="organisation", entity_id="new")
        org = Organisation(name=name, orgnr=orgnr, legal_form=legal_form, contact=contact,
                           is_example=is_example)
        with self._tx():
            return self.store.insert_organisation(org)

    def organisation(self, ref: int | str) -> Organisation:
        """The organisation by id or organisation number."""
        text = str(ref).strip()
        if text.isdigit() and len(text) < 10:
            return self.store.get_organisation(int(text))
        from samverkan.model import validate_orgnr

        found = self.store.find_organisation(validate_orgnr(text))
        if found is None:
            raise NotFound(msg("no organisation with organisation number {orgnr}", orgnr=text))
        return found

    def organisations(self, search: str = "", limit: int = 100, offset: int = 0) -> list[Organisation]:
        """One page of organisations by name."""
        self._authorize("read", entity="database", entity_id="read")
        return self.store.list_organisations(search, limit, offset)

    def count_organisations(self, search: str = "") -> int:
        """How many organisations match ``search``."""
        return self.store.count_organisations(search)

    def update_organisation(self, org_id: int, version: int, **changes: Any) -> Organisation:
        """Change an organisation if nobody else changed it since ``version``."""
        self._authorize("organisation.update", entity="organisation", entity_id=org_id)
        with self._tx():
            return self.store.update_organisation(org_id, version, changes)

    def check_history(self, org_id: int) -> list[dict[str, Any]]:
        """Every check answered on the organisation's collaborations, newest first."""
        self._authorize("read", entity="database", entity_id="read")
        rows = []
        for c in self.collaborations(CollabQuery(organisation_id=org_id, limit=10_000)):
            for a in self.store.answers(c["id"]).values():
                rows.append({"collaboration_id": c["id"], "title": c["title"], **asdict(a)})
        return sorted(rows, key=lambda r: r["answered_at"], reverse=True)

    # -- import and export (file formats in samverkan.transfer) -----------------------

    IMPORT_BATCH = 100

    def read_import_file(self, path: str | Path, fmt: str | None = None) -> list[InputRow]:
        """The rows of an import file, read only for a user who may import them.

        Over SSH the file is on the server: checking the permission before opening it keeps
        a user who may not import from reading (through the error messages, which quote a
        bad header line) the first line of files the service account can read.

        :raises PermissionDenied: unless the acting user may register organisations.
        :raises ValidationError: when the file cannot be read as CSV or JSON.
        """
        from samverkan.transfer import read_organisations

        self._authorize("organisation.register", entity="organisation", entity_id="import")
        return read_organisations(path, fmt)

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
        from samverkan.errors import StoreError
        from samverkan.transfer import ImportResult, InputRow, batched, organisation_fields

        self._authorize("organisation.register", entity="organisation", entity_id="import")
        items = [r if isinstance(r, InputRow) else InputRow(i, r) for i, r in enumerate(rows, 1)]
        result = ImportResult(total=len(items), dry_run=dry_run)
        seen: dict[str, int] = {}  # orgnr -> line it was first given on
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
        new, skipped = [], []
        for line, org in valid:
            if self.store.find_organisation(org.orgnr) is None:
                new.append(org)
            else:
                skipped.append((line, org.orgnr))
        return new, skipped

    def export_organisations(self, page: int = 1000) -> Iterator[dict[str, Any]]:
        """Every organisation as a plain dict (columns of ``transfer.ORG_EXPORT_FIELDS``), by name.

        Permission is checked now; the rows are read ``page`` at a time as they are
        consumed, all from one snapshot of the file (``Store.snapshot``).
        """
        self._authorize("read", entity="database", entity_id="read")

        def rows() -> Iterator[dict[str, Any]]:
            offset = 0
            with self.store.snapshot():
                while True:
                    orgs = self.store.list_organisations("", page, offset)
                    for o in orgs:
                        yield {"id": o.id, "name": o.name, "orgnr": o.orgnr, "legal_form": o.legal_form,
                               "contact": o.contact, "is_example": o.is_example}
                    if len(orgs) < page:
                        return
                    offset += page

        return rows()

    def export_collaborations(self, query: CollabQuery | None = None,
                              page: int = 1000) -> Iterator[dict[str, Any]]:
        """Every collaboration matching ``query``'s filters and order, as plain dicts.

        The columns are ``transfer.COLLAB_EXPORT_FIELDS`` (``organisations``: their names);
        the query's ``limit`` and ``offset`` are ignored. Permission is checked now; the
        rows are read ``page`` at a time, all from one snapshot of the file.
        """
        from dataclasses import replace

        self._authorize("read", entity="database", entity_id="read")
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

    # -- collaborations ----------------------------------------------------------

    def register_initiative(self, title: str, form: str, organisations: list[int | str],
                            initiator: str = "organisation", **fields: Any) -> Collaboration:
        """Register a new initiative to collaborate (stage ``initiative``)."""
        self._authorize("collaboration.register", entity="collaboration", entity_id="new")
        validate_form(form)
        offer = self.view.form(form)
        if offer is not None and not offer.offered:
            raise ValidationError(msg("{form}: {note}", form=offer.name,
                                      note=offer.note or msg("not offered here")), "form")
        if not organisations:
            raise ValidationError(msg("a collaboration needs at least one organisation"), "org")
        org_ids = [self.organisation(ref).id for ref in organisations]
        collab = Collaboration(title=title, form=form, organisation_ids=org_ids,
                               initiator=initiator, **fields)
        with self._tx():
            collab = self.store.insert_collaboration(collab)
            self._notify("registered", collab.id, "initiative")
        return collab

    def collaboration(self, collab_id: int) -> Collaboration:
        """The collaboration with ``collab_id``."""
        return self.store.get_collaboration(int(collab_id))

    def update_collaboration(self, collab_id: int, version: int, **changes: Any) -> Collaboration:
        """Edit a collaboration's descriptive fields (not its stage) if still at ``version``."""
        current = self.collaboration(collab_id)
        self._authorize("collaboration.update", current)
        if "stage" in changes:
            raise ValidationError(msg("the stage changes only through a transition"), "stage")
        # the form decides which rules and gates apply, so it is fixed at registration
        if "form" in changes and changes["form"] != current.form:
            raise ValidationError(msg("the form is chosen when the initiative is registered; "
                                      "register a new initiative for another form"), "form")
        if "organisation_ids" in changes:
            raise ValidationError(msg("the organisations are set when the initiative is registered"), "org")
        if current.stage in lifecycle.FINAL_STAGES:
            raise ValidationError(msg("collaboration {id} is {stage}: "
                                      "a closed collaboration is kept as it was decided and ended",
                                      id=collab_id, stage=current.stage))
        with self._tx():
            return self.store.update_collaboration(collab_id, version, changes)

    def collaborations(self, query: CollabQuery | None = None) -> list[dict[str, Any]]:
        """One page of collaborations as rows."""
        self._authorize("read", entity="database", entity_id="read")
        return self.store.list_collaborations(query or CollabQuery())

    def count_collaborations(self, query: CollabQuery | None = None) -> int:
        """How many collaborations match ``query``."""
        self._authorize("read", entity="database", entity_id="read")
        return self.store.count_collaborations(query or CollabQuery())

    def units(self) -> list[str]:
        """The responsible units in use."""
        return self.store.units()

    def detail(self, collab_id: int) -> dict[str, Any]:
        """Everything about one collaboration, for a detail view."""
        self._authorize("read", entity="database", entity_id="read")
        c = self.collaboration(collab_id)
        form = self.view.form(c.form)
        return {
            "collaboration": c,
            "form_name": form.name if form else c.form,
            "organisations": [self.store.get_organisation(i) for i in c.organisation_ids],
            "checks": self.view.checks(c.form),
            "answers": self.store.answers(c.id),
            "decision": self.store.decision(c.id),
            "agreement": self.store.agreement(c.id),
            "contributions": self.store.contributions(c.id),
            "follow_ups": self.store.follow_ups(c.id),
            "termination": self.store.termination(c.id),
            "records": self.store.records(c.id),
            "next_stages": lifecycle.next_stages(c.form, c.stage),
            "events": self.store.events(entity="collaboration", entity_id=c.id, limit=200),
            "outbox": self.store.outbox(collab_id=c.id),
        }

    @staticmethod
    def _refuse_closed(c: Collaboration) -> None:
        if c.stage in lifecycle.FINAL_STAGES:
            raise ValidationError(msg("collaboration {id} is {stage}; it can no longer be changed",
                                      id=c.id, stage=c.stage), "stage")

    # -- checklist, conflicts, records -------------------------------------------

    def checklist(self, collab_id: int) -> list[tuple[CheckItem, CheckAnswer | None]]:
        """The checklist of a collaboration's form with the answers so far."""
        c = self.collaboration(collab_id)
        answers = self.store.answers(c.id)
        return [(item, answers.get(item.id)) for item in self.view.checks(c.form)]

    def answer_check(self, collab_id: int, check_id: str, answer: str, note: str = "") -> CheckAnswer:
        """Answer one check item (met / not_met / not_applicable) with an optional note."""
        self._authorize("check.answer", self.collaboration(collab_id))
        c = self.collaboration(collab_id)
        items = {i.id: i for i in self.view.checks(c.form)}
        if check_id not in items:
            raise ValidationError(msg("{check!r} is not on the checklist for {form}",
                                      check=check_id, form=c.form), "check")
        if answer not in ANSWERS:
            raise ValidationError(msg("answer must be one of {allowed}", allowed=", ".join(ANSWERS)), "answer")
        self._refuse_closed(c)
        item = items[check_id]
        if item.needs_note and not (note or "").strip():
            raise ValidationError(msg("{check}: this check needs a motivation in the note",
                                      check=check_id), "note")
        a = CheckAnswer(c.id, check_id, answer, note, answered_by=self.actor)
        with self._tx():
            return self.store.upsert_answer(a)

    def declare_conflict(self, reason: str, collaboration_id: int | None = None,
                         organisation_id: int | None = None) -> ConflictDeclaration:
        """Declare that the acting user has a conflict of interest (jäv)."""
        self._authorize("conflict.declare", entity="user", entity_id=self.actor)
        decl = ConflictDeclaration(self.actor, reason, collaboration_id, organisation_id)
        if collaboration_id is not None:
            self.collaboration(collaboration_id)
        if organisation_id is not None:
            self.store.get_organisation(organisation_id)
        with self._tx():
            return self.store.insert_conflict(decl)

    def add_record(self, collab_id: int, kind: str, data: dict[str, Any]) -> Record:
        """Store a plugin-defined record (validated against its registered kind)."""
        self._authorize("record.add", self.collaboration(collab_id), advice=True)
        c = self.collaboration(collab_id)
        kinds = self.view.record_kinds()
        if kind not in kinds:
            raise ValidationError(
                msg("unknown record kind {kind!r}; this municipality keeps: {kinds}",
                    kind=kind, kinds=", ".join(kinds) or msg("none")), "kind")
        clean = _validate_record(kinds[kind], data)
        with self._tx():
            record = self.store.insert_record(Record(c.id, kind, clean, recorded_by=self.actor))
            self._notify(f"record:{kind}", c.id)
            return record

    def set_contributions(self, collab_id: int, items: list[dict[str, Any]]) -> list[Contribution]:
        """Replace each party's yearly contributions (whole kronor per category)."""
        self._authorize("contributions.set", self.collaboration(collab_id))
        c = self.collaboration(collab_id)
        contributions = [Contribution(collaboration_id=c.id, **item) for item in items]
        with self._tx():
            self.store.replace_contributions(c.id, contributions)
        return contributions

    # -- lifecycle -------------------------------------------------------------------

    def context(self, collab_id: int, to_stage: str, *, decision: Decision | None = None,
                termination: Termination | None = None) -> GateContext:
        """Read everything the gates need for moving ``collab_id`` to ``to_stage``."""
        c = self.collaboration(collab_id)
        org_ids = c.organisation_ids
        return GateContext(
            collaboration=c, from_stage=c.stage, to_stage=to_stage, actor=self.actor,
            organisations=[self.store.get_organisation(i) for i in org_ids],
            checks=self.view.checks(c.form), answers=self.store.answers(c.id),
            decision=decision or self.store.decision(c.id), agreement=self.store.agreement(c.id),
            contributions=self.store.contributions(c.id), follow_ups=self.store.follow_ups(c.id),
            termination=termination or self.store.termination(c.id),
            records=self.store.records(c.id), conflicts=self.store.conflicts(c.id, org_ids),
            authority=self.view.decision_authority(c.form), today=self.today,
        )

    def evaluate(self, ctx: GateContext) -> list[Finding]:
        """Run every gate of the view on ``ctx``."""
        return lifecycle.evaluate(self.view.gates(), ctx,
                                  on_error=lambda g, e: self.view._problem(g.id, "gate", e))

    def check(self, collab_id: int, to_stage: str) -> list[tuple[str, str, list[Finding]]]:
        """Every finding between the collaboration and ``to_stage``, per transition on the way.

        Later transitions are evaluated on today's data, so they show what is still missing.
        """
        c = self.collaboration(collab_id)
        steps = lifecycle.path(c.form, c.stage, lifecycle.validate_stage(to_stage))
        out = []
        for frm, to in steps:
            ctx = self.context(c.id, to)
            ctx.from_stage = frm
            ctx.collaboration.stage = frm
            out.append((frm, to, self.evaluate(ctx)))
        return out

    def advance(self, collab_id: int, to_stage: str, *, version: int | None = None,
                confirm: bool = False) -> tuple[Collaboration, list[Finding]]:
        """Move a collaboration one step to ``to_stage`` if its gates allow.

        :param version: the version the user saw; a stale one is refused.
        :param confirm: the user confirmed the advisory findings (recorded in the audit log).
        :raises TransitionRefused: with every finding when one blocks.
        :raises ConfirmationNeeded: when only advisory findings stand and ``confirm`` is False.
        """
        if to_stage in TRANSITION_ACTIONS:
            self._authorize(TRANSITION_ACTIONS[to_stage], self.collaboration(collab_id))
        with self._tx():
            return self._advance(collab_id, to_stage, version=version, confirm=confirm)

    def _advance(self, collab_id: int, to_stage: str, *, version: int | None, confirm: bool,
                 decision: Decision | None = None, termination: Termination | None = None
                 ) -> tuple[Collaboration, list[Finding]]:
        c = self.collaboration(collab_id)
        lifecycle.validate_stage(to_stage)
        if to_stage in TRANSITION_ACTIONS:  # "initiative" is no target: refused as a transition below
            self._check_permission(TRANSITION_ACTIONS[to_stage], c)  # authorised (and audited) by the caller
        if to_stage not in lifecycle.next_stages(c.form, c.stage):
            allowed = ", ".join(lifecycle.next_stages(c.form, c.stage)) or msg("none (final stage)")
            raise ValidationError(
                msg("collaboration {id} is at {stage!r}; it can move to: {allowed}",
                    id=c.id, stage=c.stage, allowed=allowed), "stage")
        ctx = self.context(c.id, to_stage, decision=decision, termination=termination)
        findings = self.evaluate(ctx)
        blocking = [f for f in findings if f.blocking]
        if blocking:
            raise TransitionRefused(
                msg("collaboration {id} cannot move to {stage!r}: {n} blocking finding(s)",
                    id=c.id, stage=to_stage, n=len(blocking)),
                findings)
        if findings and not confirm:
            raise ConfirmationNeeded(
                msg("collaboration {id} can move to {stage!r} once the advisory findings are confirmed",
                    id=c.id, stage=to_stage),
                findings)
        if decision is not None:
            self.store.insert_decision(decision)
        if termination is not None:
            self.store.insert_termination(termination)
        after = self.store.update_collaboration(
            c.id, c.version if version is None else version, {"stage": to_stage},
            action=f"transition.{c.stage}.{to_stage}")
        if findings:
            self.store.audit("transition.confirm_advisory", "collaboration", c.id, None,
                             {"to": to_stage, "findings": [f.as_dict() for f in findings]})
        if to_stage == "active":
            self.store.set_next_follow_up(c.id, self._next_due(after))
        elif to_stage in lifecycle.FINAL_STAGES:
            self.store.set_next_follow_up(c.id, None)
        self._notify(f"transition:{to_stage}", c.id, to_stage)
        return self.collaboration(c.id), findings

    def decide(self, collab_id: int, outcome: str, motivation: str, considerations: str = "", *,
               policy_link: str = "", decided_on: Any = None, meeting_date: Any = None,
               minute_paragraph: str = "", version: int | None = None,
               confirm: bool = False) -> tuple[Collaboration, list[Finding]]:
        """Record the decision to start or decline and move to ``decided`` / ``declined``.

        The acting user is the decider. Whether a manager or the board decides follows the
        municipality's delegation (:meth:`MunicipalityView.decision_authority`); a board
        decision needs its meeting date and minute paragraph. The decision is stored only
        if the transition is allowed.
        """
        c = self.collaboration(collab_id)
        self._authorize("decision.record", c)
        authority = self.view.decision_authority(c.form)
        org_ids = c.organisation_ids
        conflicts = [d for d in self.store.conflicts(c.id, org_ids, user=self.actor)]
        if conflicts:
            self.store.audit_refusal(self.actor, self.origin, "decision.refused_jaev", "collaboration", c.id,
                                     {"user": self.actor, "reason": conflicts[0].reason})
            raise PermissionDenied(msg(
                "{actor} has declared a conflict of interest ({reason}) "
                "and may not decide on collaboration {id}",
                actor=self.actor, reason=conflicts[0].reason, id=c.id))
        decision = Decision(
            collaboration_id=c.id, outcome=outcome, decided_by=self.actor,
            authority=authority.kind, body=authority.body, motivation=motivation,
            considerations=considerations, policy_link=policy_link or c.policy_link,
            decided_on=decided_on or self.today, meeting_date=meeting_date,
            minute_paragraph=minute_paragraph)
        target = "decided" if outcome == "start" else "declined"
        with self._tx():
            result = self._advance(c.id, target, version=version, confirm=confirm, decision=decision)
            self._notify("decision", c.id, outcome)
            return result

    def record_agreement(self, collab_id: int, *, signed_on: Any, start: Any, end: Any,
                         goals: str = "", sections: dict[str, str] | None = None) -> Agreement:
        """Record the signed agreement (period, measurable goals, sections)."""
        self._authorize("agreement.record", self.collaboration(collab_id))
        c = self.collaboration(collab_id)
        if not validate_form(c.form).written_agreement:
            raise ValidationError(msg("informal collaborations have no written agreement"), "form")
        if c.stage not in ("decided", "agreement"):
            raise ValidationError(
                msg("an agreement is recorded after the decision (collaboration {id} is at {stage!r})",
                    id=c.id, stage=c.stage), "stage")
        agreement = Agreement(c.id, signed_on, start, end, goals, sections or {}, signed_by=self.actor)
        if c.stage == "agreement":
            # the gate into this stage required these; a later correction must not remove them
            missing = [name for name, value in ((msg("signing date"), agreement.signed_on),
                                                (msg("start date"), agreement.start),
                                                (msg("end date"), agreement.end))
                       if value is None]
            if missing:
                # one part per missing date, joined by a translatable ", "
                parts = missing[0]
                for name in missing[1:]:
                    parts = msg("{first}, {second}", first=parts, second=name)
                raise ValidationError(
                    msg("collaboration {id} is at the agreement stage; the agreement must keep its "
                        "{missing}", id=c.id, missing=parts), "agreement")
        with self._tx():
            return self.store.upsert_agreement(agreement)

    def record_follow_up(self, collab_id: int, summary: str, *, done_on: Any = None,
                         goals_met: str = "", evaluation: dict[str, Any] | None = None) -> FollowUp:
        """Record a follow-up of an active collaboration; the policy may compute figures (SROI)."""
        self._authorize("follow_up.record", self.collaboration(collab_id))
        c = self.collaboration(collab_id)
        if c.stage != "active":
            raise ValidationError(msg("only active collaborations are followed up (this one is {stage!r})",
                                      stage=c.stage), "stage")
        data = dict(evaluation or {})
        policy = self.view.follow_up_policy(c.form)
        if policy and policy.evaluate and data:
            data = {**data, **policy.evaluate(data)}
        follow_up = FollowUp(c.id, done_on or self.today, summary, goals_met, data, self.actor)
        with self._tx():
            self.store.insert_follow_up(follow_up)
            self.store.set_next_follow_up(c.id, self._next_due(c, extra=follow_up))
        return follow_up

    def end(self, collab_id: int, reason: str, *, kind: str = "terminated", ended_on: Any = None,
            procurement_unit_involved: bool = False, version: int | None = None,
            confirm: bool = False) -> tuple[Collaboration, list[Finding]]:
        """End an active collaboration (expired or terminated), recording the reason."""
        self._authorize("collaboration.end", self.collaboration(collab_id))
        termination = Termination(collab_id, ended_on or self.today, kind, reason,
                                  procurement_unit_involved, decided_by=self.actor)
        with self._tx():
            return self._advance(collab_id, "ended", version=version, confirm=confirm,
                                 termination=termination)

    def _next_due(self, c: Collaboration, extra: FollowUp | None = None) -> dt.date | None:
        policy = self.view.follow_up_policy(c.form)
        if policy is None:
            return None
        done = [f.done_on for f in self.store.follow_ups(c.id)] + ([extra.done_on] if extra else [])
        if done:
            base = max(done)
        else:
            agreement = self.store.agreement(c.id)
            decision = self.store.decision(c.id)
            base = (agreement and agreement.start) or (decision and decision.decided_on) or c.start or self.today
        return add_months(base, policy.interval_months)

    def overdue(self, on: dt.date | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        """Active collaborations whose next follow-up is past due."""
        return self.collaborations(CollabQuery(overdue_on=on or self.today, sort="next_follow_up", limit=limit))

    # -- plugins: notifications, reports ----------------------------------------

    def _notify(self, event: str, collab_id: int, to_stage: str = "") -> None:
        ctx = self.context(collab_id, to_stage or self.collaboration(collab_id).stage)
        for n in self.view.notifications(event, ctx):
            n.collaboration_id = n.collaboration_id or collab_id
            n.reason = n.reason or event
            self.store.insert_notification(n)

    def deliver_outbox(self, smtp: dict[str, Any]) -> dict[str, int]:
        """Send pending notifications through the SMTP server ``smtp`` (see samverkan.outbox)."""
        from samverkan.outbox import deliver

        self._authorize("outbox.send", entity="notification", entity_id="*")
        return deliver(self, smtp)

    def report(self, key: str) -> ReportTable:
        """Build the municipality's report ``key``."""
        reports = self.view.reports()
        if key not in reports:
            raise NotFound(msg("no report {key!r}; available: {reports}",
                               key=key, reports=", ".join(reports) or msg("none")))
        return reports[key].build(self)

    # -- audit, backup -------------------------------------------------------------

    def events(self, **filters: Any) -> list[Any]:
        """Audit events (read-only), filtered as :meth:`Store.events`."""
        self._authorize("read", entity="database", entity_id="read")
        return self.store.events(**filters)

    def verify_audit(self, expect: tuple[int, str] | None = None):
        """Verify the audit chain (optionally against an earlier head and count)."""
        return self.store.verify_chain(expect)

    def backup(self, dest: str | Path) -> dict[str, Any]:
        """Back up the database online and write its manifest; the backup is audited."""
        self._authorize("backup", entity="database", entity_id=str(self.store.path))
        manifest = self.store.backup(dest)
        with self._tx():
            self.store.audit("backup", "database", str(self.store.path), None,
                             {"dest": str(dest), "events": manifest["events"], "head": manifest["head"]})
        return manifest


def _validate_record(kind: RecordKind, data: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    known = {f.key for f in kind.fields}
    unknown = set(data) - known
    if unknown:
        raise ValidationError(msg("{kind}: unknown field(s) {fields}", kind=kind.key,
                                  fields=", ".join(sorted(unknown))), sorted(unknown)[0])
    for f in kind.fields:
        value = data.get(f.key)
        if f.kind == "date":
            d = parse_date(value, f.key)
            value = d.isoformat() if d else None
        elif f.kind == "bool":
            value = bool(value) if value not in (None, "") else None
        elif f.kind == "choice":
            if value not in (None, "") and value not in f.choices:
                raise ValidationError(msg("{field}: {value!r} is not one of {allowed}", field=f.label,
                                          value=value, allowed=", ".join(f.choices)), f.key)
        else:
            value = clean_text(value, f.key) or None
        if f.required and value in (None, ""):
            raise ValidationError(msg("{kind}: {field} is required", kind=kind.label, field=f.label), f.key)
        clean[f.key] = value
    return clean
