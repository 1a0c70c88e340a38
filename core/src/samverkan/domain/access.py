"""Roles and what each may do. Enforced in the services, not only hidden in the UI.

- ``reader`` (auditor): reads everything, changes nothing.
- ``officer``: registers and prepares (organisations, initiatives, checklist, records,
  agreement drafts, follow-ups).
- ``manager``: decides, signs and ends — for their own unit when they have one.
- ``preparatory``: a preparatory-group member; records consultations and reads everything.
- ``admin``: users and configuration (municipality, backups).

A database without any registered user is a single-user installation: the person using
it holds every role. ``samverkan init`` registers whoever runs it as the first admin
(with the officer and manager roles too, so a small installation works at once), and
from then on only registered users act, each within their roles.
"""

from __future__ import annotations

from samverkan.domain.errors import ValidationError
from samverkan.i18n import msg

ROLES = ("reader", "officer", "manager", "preparatory", "admin")
ROLE_ALIASES = {"auditor": "reader", "revisor": "reader", "beredningsgrupp": "preparatory"}

_ALL = frozenset(ROLES)
_WORK = frozenset({"officer", "manager"})

#: action -> roles allowed to perform it
PERMISSIONS: dict[str, frozenset[str]] = {
    "read": _ALL,
    "organisation.register": _WORK,
    "organisation.update": _WORK,
    "contact.add": _WORK,
    "contact.update": _WORK,
    "contact.remove": _WORK,
    "collaboration.register": _WORK,
    "collaboration.update": _WORK,
    "check.answer": _WORK,
    "contributions.set": _WORK,
    "record.add": _WORK | {"preparatory"},
    "document.attach": _WORK | {"preparatory"},
    "transition.prepare": _WORK,
    "decision.record": frozenset({"manager"}),
    "agreement.record": _WORK,
    "agreement.sign": frozenset({"manager"}),
    "transition.activate": _WORK,
    "follow_up.record": _WORK,
    "collaboration.end": frozenset({"manager"}),
    "conflict.declare": _ALL,
    "outbox.send": _WORK | {"admin"},
    "users.manage": frozenset({"admin"}),
    "municipality.set": frozenset({"admin"}),
    "backup": frozenset({"admin"}),
    "privacy.extract": frozenset({"admin"}),
    "privacy.erase": frozenset({"admin"}),
    "privacy.cull": frozenset({"admin"}),
}

#: actions a manager may only take for collaborations of their own unit
UNIT_BOUND = frozenset({"decision.record", "agreement.sign", "collaboration.end"})

#: the permission a transition to a stage needs
TRANSITION_ACTIONS = {
    "preparation": "transition.prepare",
    "decided": "decision.record",
    "declined": "decision.record",
    "agreement": "agreement.sign",
    "active": "transition.activate",
    "ended": "collaboration.end",
}


def normalise_roles(roles: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Validate role names (comma-separated text or a list), resolving aliases."""
    items = roles.split(",") if isinstance(roles, str) else list(roles)
    out: list[str] = []
    for raw in items:
        role = ROLE_ALIASES.get(raw.strip().lower(), raw.strip().lower())
        if not role:
            continue
        if role not in ROLES:
            raise ValidationError(msg("unknown role {role!r}; expected one of: {allowed}",
                                      role=raw.strip(), allowed=", ".join(ROLES)), "role")
        if role not in out:
            out.append(role)
    if not out:
        raise ValidationError(msg("give at least one role"), "role")
    return tuple(sorted(out, key=ROLES.index))


def roles_needed(action: str) -> tuple[str, ...]:
    """The roles that may perform ``action``, in role order."""
    return tuple(r for r in ROLES if r in PERMISSIONS[action])
