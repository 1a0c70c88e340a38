"""The session every use case runs in: the store, the acting user, the municipality's
plugin view, and the permissions each use case declares.

A use case is a method decorated with :func:`use_case`, which states the permission it
needs. The decorator is the one place that enforces it: it checks the acting user's
roles (and, for a collaboration, the manager's unit and declared conflicts of
interest), audits a refusal, and for a collaboration loads its :class:`CollabState`
once and hands it to the method. Reads need a role too: once users exist, someone
without an account reads nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from samverkan.domain.access import ROLES, TRANSITION_ACTIONS, UNIT_BOUND, roles_needed
from samverkan.domain.errors import (
    NotFound,
    PermissionDenied,
    SamverkanError,
    StateChanged,
    ValidationError,
)
from samverkan.domain.model import Organisation, clean_text, validate_orgnr
from samverkan.domain.state import CollabState
from samverkan.i18n import msg
from samverkan.plugin.manager import MunicipalityView, Registry, get_plugin_manager
from samverkan.store import Store

if TYPE_CHECKING:
    from samverkan.domain.rules import Municipality
    from samverkan.plugin.compare import Comparison

F = TypeVar("F", bound=Callable[..., Any])

#: how often a command is evaluated again when what it was judged on changed meanwhile
STATE_RETRIES = 8


@dataclass(frozen=True)
class Permission:
    """What a use case declares: the action it needs, on what, and whether it advises.

    :param action: a key of :data:`samverkan.domain.access.PERMISSIONS`, or a function
        of the call's arguments returning one (a transition needs the permission of its
        target stage).
    :param on: ``"collaboration"`` when the first argument is a collaboration id (the
        state is loaded and passed instead); else the entity a refusal is audited on.
    :param advice: the action advises on the collaboration, which a declared conflict of
        interest rules out just as deciding does.
    :param reads: the parts of the collaboration's state the use case needs (see
        :data:`samverkan.store.collaborations.STATE_PARTS`); None reads all of it.
    """

    action: str | Callable[..., str]
    on: str = "database"
    advice: bool = False
    reads: frozenset[str] | None = None

    def resolve(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
        """The action key for one call."""
        return self.action(*args, **kwargs) if callable(self.action) else self.action


def use_case(action: str | Callable[..., str], *, on: str = "database", advice: bool = False,
             reads: tuple[str, ...] | None = None) -> Callable[[F], F]:
    """Declare a use case and the permission it needs (see :class:`Permission`).

    With ``on="collaboration"`` the decorated method is called with the collaboration's
    :class:`CollabState` in place of its id. A use case that raises
    :class:`StateChanged` (its write found the collaboration changed since it was read)
    is run again on fresh state, at most :data:`STATE_RETRIES` times.
    """
    needs = None if reads is None else frozenset(reads) | ({"conflicts"} if advice else set())
    permission = Permission(action, on, advice, needs)

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def run(self: Session, *args: Any, **kwargs: Any) -> Any:
            local = self._local
            outer = getattr(local, "depth", 0) == 0
            if outer:  # roles are read once per command, fresh for every command
                local.identity = None
            local.depth = getattr(local, "depth", 0) + 1
            try:
                for attempt in range(STATE_RETRIES):
                    try:
                        return self._run(permission, method, args, kwargs)
                    except StateChanged:
                        if not outer or attempt == STATE_RETRIES - 1:
                            raise
                raise AssertionError("unreachable")
            finally:
                local.depth -= 1

        run.permission = permission  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]

    return decorate


class Session:
    """One acting user on one database of one municipality."""

    def __init__(self, store: Store, actor: str, origin: str = "local",
                 registry: Registry | None = None, today: dt.date | None = None):
        self.store = store
        self.actor = clean_text(actor, "user", required=True, max_length=100)
        self.origin = origin
        self.registry = registry or get_plugin_manager()
        self._today = today
        self._view: MunicipalityView | None = None
        self._municipality_key: str | None = None
        # per thread: the TUI runs use cases in worker threads on one session
        self._local = threading.local()

    @classmethod
    def open(cls, path: str | Path, actor: str, origin: str = "local", **kwargs: Any) -> Session:
        """Open the database at ``path`` (migrating it) and start a session on it."""
        return cls(Store.open(path), actor, origin, **kwargs)

    @property
    def today(self) -> dt.date:
        """Today's date (fixed in tests)."""
        return self._today or dt.date.today()

    @property
    def database(self) -> Path:
        """The database file this session works on (for display)."""
        return self.store.path

    def _tx(self):
        return self.store.transaction(self.actor, self.origin)

    # -- running a use case ------------------------------------------------------

    def _run(self, permission: Permission, method: Callable[..., Any], args: tuple[Any, ...],
             kwargs: dict[str, Any]) -> Any:
        if permission.on == "collaboration":
            action = permission.resolve(args[1:], kwargs)
            # the role first: someone who may not act learns nothing, not even whether
            # the collaboration exists
            self.authorize(action, entity="collaboration", entity_id=args[0] if args else None)
            state = self._load_state(args[0], permission.reads)
            self.authorize(action, state, advice=permission.advice)
            return method(self, state, *args[1:], **kwargs)
        self.authorize(permission.resolve(args, kwargs), entity=permission.on, entity_id="*")
        return method(self, *args, **kwargs)

    def _load_state(self, collab_id: int | str, parts: frozenset[str] | None = None) -> CollabState:
        """What is stored about one collaboration (``parts``: all when None)."""
        try:
            number = int(collab_id)
        except (TypeError, ValueError):
            raise ValidationError(msg("not a collaboration id: {value!r}", value=collab_id), "id") from None
        return self.store.load_state(number, parts)

    def _find_organisation(self, ref: int | str) -> Organisation:
        """The organisation by id or organisation number (the caller checked the permission)."""
        text = str(ref).strip()
        if text.isdigit() and len(text) < 10:
            return self.store.get_organisation(int(text))
        found = self.store.find_organisation(validate_orgnr(text))
        if found is None:
            raise NotFound(msg("no organisation with organisation number {orgnr}", orgnr=text))
        return found

    def _check_unchanged(self, state: CollabState) -> None:
        """Refuse (for a retry) when the collaboration changed since ``state`` was read.

        Called first inside a write transaction, under the write lock: the gates judged
        ``state``, so the write may only go ahead if it still stands.
        """
        org_ids = state.collaboration.organisation_ids
        if self.store.watermark(state.id, org_ids) != state.watermark:
            raise StateChanged(msg("collaboration {id} was changed meanwhile", id=state.id))

    # -- identity and permissions ---------------------------------------------------

    def _identity(self) -> tuple[bool, dict[str, Any] | None]:
        identity = getattr(self._local, "identity", None)
        if identity is None:
            identity = self.store.identity(self.actor)
            if getattr(self._local, "depth", 0):
                self._local.identity = identity
        return identity

    @property
    def roles(self) -> tuple[str, ...]:
        """The acting user's roles (every role in a single-user installation)."""
        has_users, user = self._identity()
        if not has_users:
            return ROLES
        return user["roles"] if user else ()

    def _check_permission(self, action: str, state: CollabState | None) -> None:
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
        if action in UNIT_BOUND and state is not None:
            has_users, user = self._identity()
            unit = (user or {}).get("unit") or ""
            c = state.collaboration
            if has_users and unit and c.unit and unit != c.unit:
                raise PermissionDenied(msg(
                    "{action}: {actor} is manager for {unit!r}, and collaboration {id} "
                    "belongs to {collab_unit!r}",
                    action=action, actor=self.actor, unit=unit, id=c.id, collab_unit=c.unit))

    def authorize(self, action: str, state: CollabState | None = None, *, entity: str = "collaboration",
                  entity_id: Any = None, advice: bool = False) -> None:
        """Refuse (and audit the refusal) unless the acting user may perform ``action``.

        :param state: the collaboration acted on, for the unit and conflict checks.
        :param advice: the action advises on the collaboration, which a declared conflict
            of interest rules out just like deciding does.
        """
        target = entity_id if state is None else state.id
        try:
            self._check_permission(action, state)
            if advice and state is not None:
                declared = state.conflicts_of(self.actor)
                if declared:
                    raise PermissionDenied(msg(
                        "{actor} has declared a conflict of interest ({reason}) "
                        "and may not advise on collaboration {id}",
                        actor=self.actor, reason=declared[0].reason, id=state.id))
        except PermissionDenied as exc:
            self.store.audit_refusal(self.actor, self.origin, "permission.refused",
                                     entity if state is None else "collaboration", target,
                                     {"action": action, "reason": str(exc)})
            raise

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
    def municipality_name(self) -> str | None:
        """The name of this database's municipality (None before init).

        Not a use case: the name is the plugin's, not data of the database, and every
        header shows it, so it needs no role and no query after the first.
        """
        key = self.municipality_key
        muni = self.registry.municipalities().get(key) if key else None
        return muni.name if muni else key

    def installed_municipalities(self) -> dict[str, Municipality]:
        """The installed municipality plugins, by key (the plugins' data, no database)."""
        return self.registry.municipalities()

    @staticmethod
    def legal_form_advice(orgnr: str, legal_form: str) -> str | None:
        """An advisory when the number's group digit contradicts the legal form (else None).

        Pure: the group digit is public, and the advice never blocks a registration.
        """
        from samverkan.domain.legal_forms import legal_form_advice

        return legal_form_advice(orgnr, legal_form)

    def compare_municipalities(self, a: str, b: str, form: str | None = None) -> Comparison:
        """Compare two installed municipalities' rules per topic (see :mod:`samverkan.plugin.compare`).

        Reads no database: the rules are the plugins' published guidelines.
        """
        from samverkan.plugin.compare import compare

        return compare(self.registry, a, b, form)

    @property
    def view(self) -> MunicipalityView:
        """The plugin view of this database's municipality (for the services themselves)."""
        if self._view is None:
            key = self.municipality_key
            if not key:
                raise SamverkanError(msg(
                    "{path} has no municipality yet; run `samverkan init --municipality KEY`",
                    path=self.store.path))
            self._view = self.registry.view(key)
        return self._view


def transition_action(to_stage: str, *args: Any, **kwargs: Any) -> str:
    """The permission moving a collaboration to ``to_stage`` needs ("read" for a non-target)."""
    # "initiative" is no transition target; refused as a transition by the use case
    return TRANSITION_ACTIONS.get(to_stage, "read")
