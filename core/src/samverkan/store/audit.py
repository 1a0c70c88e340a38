"""The hash-chained audit log.

Each event stores the hash of the event before it and its own hash over its content
(including its id and the previous hash). Editing an event changes its hash; deleting
or reordering events breaks the link from the next one. Cutting off the newest events
leaves a valid chain, which is why backups record the head hash and count: a later
verify against that record detects the truncation.

An event's content (its before and after images and the digests of the rows it wrote)
may hold personal data, which GDPR erasure and culling must be able to remove. So since
migration m013 the hash covers a *seal* of the content instead of the content itself:
``sealed`` = SHA-256 over a random per-event ``salt`` and the content. Erasing removes
the content and the salt and records which event did it (``erased_by``); the hash, the
links and the MACs still verify, the seal can no longer be linked to the removed data
(the salt is gone), and the erasure event, itself in the chain, names every event whose
content it removed.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
#: the actions whose event removes other events' content; their ``after`` lists the ids
#: under ``erased_events``
ERASING = ("privacy.erase", "privacy.cull")


_canonical = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode


def canonical(value: Any) -> str:
    """Stable JSON text for hashing and storing (sorted keys, no whitespace)."""
    return _canonical(value)


def new_salt() -> str:
    """A fresh random salt for one event's seal."""
    return secrets.token_hex(16)


def seal(salt: str, row: Mapping[str, Any]) -> str:
    """The seal of an event's content: SHA-256 over its salt and its before and after
    images and row digests (as stored, JSON text or None).

    Each part goes in as its length and its text ("-" for None), so no two contents
    seal alike and the stored JSON is not encoded a second time.
    """
    h = hashlib.sha256(salt.encode("ascii"))
    for part in (row["before"], row["after"], row.get("rows")):
        if part is None:
            h.update(b"-")
        else:
            data = part.encode("utf-8")
            h.update(b"%d:" % len(data))
            h.update(data)
    return h.hexdigest()


def sealed(row: dict[str, Any]) -> str:
    """Seal a new event row (a fresh salt, its seal) and set its hash, which it returns:
    what every event written since m013 goes through."""
    row["salt"] = new_salt()
    row["sealed"] = seal(row["salt"], row)
    row["hash"] = event_hash(row)
    return row["hash"]


def event_hash(row: Mapping[str, Any]) -> str:
    """The hash of an event row, chained through its ``prev_hash``.

    A sealed event (written since m013) hashes its seal in place of its content. Older
    events hash their content directly: the before and after images and, where the event
    has them, the digests of the records it wrote (``rows``, see
    :mod:`samverkan.store.coverage`).
    """
    fields = [row["id"], row["at"], row["actor"], row["origin"], row["action"], row["entity"],
              row["entity_id"]]
    if row.get("sealed") is not None:
        fields += [row["prev_hash"], "sealed", row["sealed"]]
    else:
        fields += [row["before"], row["after"], row["prev_hash"]]
        if row.get("rows") is not None:
            fields.append(row["rows"])
    payload = canonical(fields)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _content_problem(row: Mapping[str, Any], claimed: dict[int, int]) -> str | None:
    """Why the event's hash or seal does not match what it holds (None: it matches).

    An event whose content was erased is proven by its seal where it has one (the hash
    covers the seal, not the content) and, for an older unsealed event, by the links
    and MACs alone; either way a later erasure event must claim it (checked at the end).
    """
    if row.get("erased_by") is not None:
        if any(row.get(k) is not None for k in ("before", "after", "rows", "salt")):
            # content put back after an erasure would pass as proven: it never is
            return f"event {row['id']} holds content after its erasure by event {row['erased_by']}"
        if row.get("sealed") is not None and event_hash(row) != row["hash"]:
            return f"event {row['id']} was changed after it was written"
        return None
    if event_hash(row) != row["hash"]:
        return f"event {row['id']} was changed after it was written"
    if row.get("sealed") is not None and seal(row.get("salt") or "", row) != row["sealed"]:
        return f"event {row['id']}'s content was changed after it was written"
    if row["action"] in ERASING and row["after"]:
        for erased in json.loads(row["after"]).get("erased_events", ()):
            claimed[int(erased)] = row["id"]
    return None


@dataclass(frozen=True)
class ChainReport:
    """The result of verifying the chain (and, from the store, the records it covers).

    :param records: the records that are not what the chain says the services wrote
        (:class:`samverkan.store.coverage.Discrepancy`), each naming table, key and column.
    """

    ok: bool
    count: int
    head: str
    broken_at: int | None = None
    problem: str = ""
    records: tuple[Any, ...] = ()
    #: what the audit key proves (:class:`samverkan.store.anchor.AnchorReport`); None
    #: when no key is configured
    anchor: Any = None


def verify(rows: Iterable[Mapping[str, Any]], expect: tuple[int, str] | None = None) -> ChainReport:
    """Verify events given in id order.

    :param expect: an earlier record ``(count, head)``, e.g. from a backup manifest; the
        event at position ``count`` must still have hash ``head``.
    """
    prev, count, prev_id = GENESIS, 0, 0
    expected_at: str | None = None
    erased: dict[int, int] = {}  # event id -> the erasure event it names
    claimed: dict[int, int] = {}  # event id -> the erasure event that lists it
    for row in rows:
        count += 1
        if row["prev_hash"] != prev:
            return ChainReport(False, count, prev, row["id"],
                               f"event {row['id']} does not follow event {prev_id} "
                               "(an event before it was deleted, inserted or reordered)")
        problem = _content_problem(row, claimed)
        if problem:
            return ChainReport(False, count, prev, row["id"], problem)
        if row.get("erased_by") is not None:
            erased[row["id"]] = row["erased_by"]
        if expect and count == expect[0]:
            expected_at = row["hash"]
        prev, prev_id = row["hash"], row["id"]
    for event_id, by in erased.items():
        if claimed.get(event_id) != by:
            return ChainReport(False, count, prev, event_id,
                               f"the content of event {event_id} was removed outside an erasure "
                               "or culling (no later erasure event lists it)")
    if expect:
        if count < expect[0]:
            return ChainReport(False, count, prev, None,
                               f"the log has {count} events but {expect[0]} were recorded earlier "
                               "(the newest events were cut off)")
        if expected_at != expect[1]:
            return ChainReport(False, count, prev, None,
                               f"event number {expect[0]} no longer has the recorded hash {expect[1][:12]}…")
    return ChainReport(True, count, prev)
