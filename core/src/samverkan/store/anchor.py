"""An anchored chain: a keyed MAC on every event, with a key kept outside the database.

The event hash (:mod:`samverkan.store.audit`) is plain SHA-256 over public fields, so a
script with the database file can edit events and recompute every hash. With an audit
key configured (``SAMVERKAN_AUDIT_KEY=FILE``, a file only the service account can
read), each event also stores ``mac`` = HMAC-SHA256(key, hash). Without the key nobody
can write a MAC that verifies, so:

- from the first event that carries a MAC (the anchor), every later event must carry a
  valid one: an edited, inserted, rewritten or stripped event is caught;
- everything before the anchor is proven too, through the hash links up to it;
- a chain whose MACs were all removed is caught as well while a key is configured: a
  key means the chain was anchored (``samverkan audit key new`` writes the first MAC'd
  event at once).

The head is also published outside the server (``samverkan audit publish`` and every
backup's manifest carry the head with its MAC), so a rewrite with the key stolen is
still caught against an anchor held elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from samverkan.domain.errors import StoreError
from samverkan.i18n import msg

#: the environment variable naming the key file
KEY_ENV = "SAMVERKAN_AUDIT_KEY"


def key_path() -> Path | None:
    """The configured key file, or None (the chain is then not anchored)."""
    value = os.environ.get(KEY_ENV, "").strip()
    return Path(value).expanduser() if value else None


def read_key(path: Path) -> bytes:
    """The secret in ``path`` (64 hex digits).

    :raises StoreError: one line, when the file is missing, unreadable, readable by
        others than its owner, or not a key.
    """
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(msg("the audit key {path} cannot be read ({error}); check {env}",
                             path=str(path), error=type(exc).__name__, env=KEY_ENV)) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise StoreError(msg("the audit key {path} is readable by others than its owner; "
                             "make it private (chmod 600)", path=str(path)))
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 32:
        raise StoreError(msg("{path} is not an audit key (expected 64 hex digits)", path=str(path)))
    return key


def configured_key() -> bytes | None:
    """The configured audit key, read and checked; None when none is configured."""
    path = key_path()
    return read_key(path) if path is not None else None


def new_key(path: Path) -> None:
    """Write a new random key to ``path``, readable by its owner only; refuses to
    overwrite an existing file (a lost key cannot prove the events it signed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise StoreError(msg("{path} exists already; an audit key is never overwritten", path=str(path))) from None
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(32) + "\n")


def mac(key: bytes, event_hash: str) -> str:
    """The MAC of an event: HMAC-SHA256 over its hash."""
    return hmac.new(key, event_hash.encode("ascii"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class AnchorReport:
    """What the key proves of a chain (already checked for its hash links).

    :param ok: no event contradicts the key.
    :param since: the first event carrying a MAC (the anchor), or None.
    :param proven_to: the newest event the key proves (with everything before it).
    """

    ok: bool
    since: int | None = None
    proven_to: int | None = None
    problem: str = ""


class AnchorCheck:
    """The MAC of every event from the anchor on, checked one event at a time (events in
    id order), so the one pass that verifies the chain checks the anchor too."""

    def __init__(self, key: bytes) -> None:
        self.key = key
        self.since: int | None = None
        self.last: int | None = None
        self.problem = ""

    def feed(self, event: Mapping[str, Any]) -> None:
        """Check one event (the first problem found is kept; later events are ignored)."""
        if self.problem:
            return
        self.last = event["id"]
        given = event.get("mac")
        if given is None:
            if self.since is not None:
                self.problem = (f"event {event['id']} has no MAC although the chain is anchored since "
                                f"event {self.since} (events were rewritten or their MACs removed)")
            return
        if not hmac.compare_digest(given, mac(self.key, event["hash"])):
            self.since = self.since or event["id"]
            self.problem = (f"event {event['id']} does not carry the key's MAC (it was rewritten "
                            "without the key, or the key is not this database's)")
            return
        self.since = self.since or event["id"]

    def report(self) -> AnchorReport:
        """What the events fed so far prove."""
        if self.problem:
            return AnchorReport(False, self.since, None, self.problem)
        if self.since is None:
            if self.last is None:
                return AnchorReport(True)  # nothing written yet
            return AnchorReport(False, None, None, "no event carries the key's MAC although a key is "
                                                   "configured (the MACs were removed, or the key is new: "
                                                   "run `samverkan audit key new`)")
        return AnchorReport(True, self.since, self.last)
