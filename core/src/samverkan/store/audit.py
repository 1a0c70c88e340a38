"""The hash-chained audit log.

Each event stores the hash of the event before it and its own hash over its content
(including its id and the previous hash). Editing an event changes its hash; deleting
or reordering events breaks the link from the next one. Cutting off the newest events
leaves a valid chain, which is why backups record the head hash and count: a later
verify against that record detects the truncation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    """Stable JSON text for hashing and storing (sorted keys, no whitespace)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def event_hash(row: Mapping[str, Any]) -> str:
    """The hash of an event row's content, chained through its ``prev_hash``.

    The digests of the records the event wrote (``rows``, see
    :mod:`samverkan.store.coverage`) are part of it where the event has them; an event
    without (older ones, refusals) hashes as it always did.
    """
    fields = [row["id"], row["at"], row["actor"], row["origin"], row["action"], row["entity"],
              row["entity_id"], row["before"], row["after"], row["prev_hash"]]
    if row.get("rows") is not None:
        fields.append(row["rows"])
    payload = canonical(fields)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


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
    for row in rows:
        count += 1
        if row["prev_hash"] != prev:
            return ChainReport(False, count, prev, row["id"],
                               f"event {row['id']} does not follow event {prev_id} "
                               "(an event before it was deleted, inserted or reordered)")
        if event_hash(row) != row["hash"]:
            return ChainReport(False, count, prev, row["id"],
                               f"event {row['id']} was changed after it was written")
        if expect and count == expect[0]:
            expected_at = row["hash"]
        prev, prev_id = row["hash"], row["id"]
    if expect:
        if count < expect[0]:
            return ChainReport(False, count, prev, None,
                               f"the log has {count} events but {expect[0]} were recorded earlier "
                               "(the newest events were cut off)")
        if expected_at != expect[1]:
            return ChainReport(False, count, prev, None,
                               f"event number {expect[0]} no longer has the recorded hash {expect[1][:12]}…")
    return ChainReport(True, count, prev)
