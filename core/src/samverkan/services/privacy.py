"""Use cases: personal data under GDPR and the archives act (extract, erase, cull).

- The register extract (art. 15) lists every stored text that holds the person.
- Erasure (art. 17) anonymises the person wherever the municipality's retention rules
  say the record may be erased, and keeps the records the law requires it to keep,
  saying why (an officer's decision is an official record under the archives act).
- Culling (gallring) removes or anonymises the records whose retention period, supplied
  per kind of record by the municipality's plugin (``view.retention()``), has passed.

Both remove the data from the audit log too: every event whose content holds it, or
that wrote a row being changed, loses its content (see :mod:`samverkan.store.audit`:
the chain still verifies) and the erasing event names what was removed and which
events lost their content, never the removed data. Afterwards the file is checkpointed
and rebuilt (VACUUM) so no old page keeps the data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from samverkan.domain.errors import StateChanged, ValidationError
from samverkan.domain.followups import add_months
from samverkan.domain.model import clean_text
from samverkan.domain.rules import Retention
from samverkan.i18n import msg
from samverkan.services.session import Session, use_case
from samverkan.store import coverage
from samverkan.store.audit import canonical
from samverkan.store.privacy import (
    CULLED,
    ERASED,
    FREE,
    JSON_COLUMNS,
    PERSONAL,
    key_columns,
    row_key,
)

#: which retention rule governs each table (the records table: the record's kind)
RECORD_OF = {
    "contacts": "contact", "organisations": "organisation", "collaborations": "collaboration",
    "collaboration_organisations": "collaboration", "check_answers": "collaboration",
    "contributions": "collaboration", "conflicts": "collaboration", "terminations": "collaboration",
    "decisions": "decision", "agreements": "agreement", "follow_ups": "follow_up", "documents": "document",
    "records": "record", "users": "user", "outbox": "notification", "reminders": "notification",
    "outbox_attempts": "notification",
}
#: the tables a culled record's rows are in, children first (removal order)
TABLES_OF = {
    "contact": ("contacts",),
    "collaboration": ("check_answers", "conflicts", "terminations", "collaborations"),
    "decision": ("decisions",), "agreement": ("agreements",), "follow_up": ("follow_ups",),
    "document": ("documents",), "record": ("records",),
}
#: told each step of an erasure or a culling as it starts
Progress = Callable[[str], None]
#: the event content columns an erasure can remove
CONTENT = ("before", "after", "rows")


@dataclass
class Removal:
    """What an erasure or a culling did (or, on a dry run, would do)."""

    #: rows whose personal data was replaced: table, key, column
    changed: list[dict[str, Any]] = field(default_factory=list)
    #: rows removed: table, key
    removed: list[dict[str, Any]] = field(default_factory=list)
    #: places kept, each with the reason (the law or the municipality's rules)
    kept: list[dict[str, Any]] = field(default_factory=list)
    #: the events whose content was removed
    events: list[int] = field(default_factory=list)
    #: the audit event recording the erasure or culling (None on a dry run)
    event_id: int | None = None
    #: whether the file was rebuilt with no old page left (False: a reader held it)
    compacted: bool = False

    def as_dict(self) -> dict[str, Any]:
        """As plain data (for JSON output and the audit event)."""
        return {"changed": self.changed, "removed": self.removed, "kept": self.kept,
                "erased_events": self.events, "event_id": self.event_id, "compacted": self.compacted}


def _mentions(terms: list[str]) -> re.Pattern[str]:
    """The person's name and details as whole words, in any case: "Eva" is not the
    "Eva" in "Evaluering", nor Evald's contact row."""
    alternatives = "|".join(re.escape(t.strip()) for t in sorted(terms, key=len, reverse=True))
    return re.compile(f"(?<!\\w)(?:{alternatives})(?!\\w)", re.IGNORECASE)


def _replace_terms(text: str, terms: list[str]) -> str:
    return _mentions(terms).sub(ERASED, text)


def _erase_in_json(text: str, terms: list[str]) -> str:
    """The JSON ``text`` with the terms replaced in every string inside it."""
    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return _replace_terms(value, terms)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {walk(k): walk(v) for k, v in value.items()}
        return value
    try:
        return canonical(walk(json.loads(text)))
    except ValueError:
        return "{}"


def _erased(table: str, column: str, value: str, terms: list[str]) -> str:
    """What a column holding the person becomes: a structured field its blank, a free
    text (or JSON) the same text with the person's details replaced."""
    blank = PERSONAL.get(table, {}).get(column, FREE)
    if blank is not FREE:
        return blank
    if (table, column) in JSON_COLUMNS:
        return _erase_in_json(value, terms)
    return _replace_terms(value, terms)


class PrivacyUseCases(Session):
    """The register extract (art. 15), erasure (art. 17) and culling (gallring)."""

    @use_case("privacy.extract", on="database")
    def privacy_extract(self, person: str, *also: str) -> list[dict[str, Any]]:
        """Everything stored about a person (GDPR art. 15): every text of every table,
        the audit log's images included, that holds ``person`` (a name) or one of
        ``also`` (an e-mail address, a telephone number), case-insensitively. The extract
        is audited by how many places it found, not by what it searched for."""
        found = self.store.personal_data(self._terms(person, also))
        with self._tx():
            self.store.audit("privacy.extract", "database", str(self.store.path), None,
                             {"places": len(found)})
        return [{k: v for k, v in place.items() if k != "key_values"} for place in found]

    @staticmethod
    def _terms(person: str, also: tuple[str, ...]) -> list[str]:
        terms = [clean_text(t, "person", required=True, max_length=300) for t in (person, *also)]
        if any(len(t.strip()) < 3 for t in terms):
            raise ValidationError(msg("a name, e-mail address or telephone number to search for has "
                                      "at least 3 characters"), "person")
        return terms

    def _rule_for(self, table: str, key: list[Any], kinds: dict[int, str]) -> Retention | None:
        """The retention rule governing a row (None: a table no rule is about, such as
        the settings): the plugin's entry for its record, with the view's fallbacks."""
        record = RECORD_OF.get(table)
        if record is None:
            return None
        if table == "records":
            record = kinds.get(key[0]) or "record"
        try:
            return self.view.retention_of(record)
        except ValidationError:  # a record kind no plugin declares any more
            return self.view.retention_of("record")

    def _verified_first(self) -> None:
        # an erasure records the rows as they stand: on a log that does not verify it
        # would make rows changed outside the services look proven
        report = self.store.verify_chain()
        if not report.ok:
            raise ValidationError(msg("the audit log does not verify ({problem}); nothing was erased or culled. "
                                      "Investigate or restore first (samverkan audit verify)",
                                      problem=report.problem), "audit")

    @use_case("privacy.erase", on="database")
    def privacy_erase(self, person: str, *also: str, dry_run: bool = False,
                      progress: Progress | None = None) -> Removal:
        """Erase a person (GDPR art. 17): ``person`` (a name) and ``also`` (e-mail
        addresses, telephone numbers) are removed from every record the municipality's
        retention rules let it erase (a record whose rule removes it is removed, others
        have the person's details replaced by ``[raderat]``) and from the content of
        every audit event that holds them or wrote a changed row. Records the law
        requires keeping are kept and listed with the reason. With ``dry_run`` nothing
        is written and the result says what would be done.

        :param progress: called with each step as it starts ("verify", "search",
            "write", "compact"): on a big database the whole takes seconds.
        """
        terms = self._terms(person, also)
        step = progress or (lambda _step: None)
        step("verify")
        self._verified_first()
        step("search")
        plan, erased = Removal(), set()
        searched_to = self.store.last_event_id()
        places = self.store.personal_data(terms)
        kinds = self.store.record_kinds_of(p["key_values"][0] for p in places if p["table"] == "records")
        changes: dict[tuple[str, str], tuple[list[Any], dict[str, Any]]] = {}
        removals: dict[tuple[str, str], list[Any]] = {}
        kept: dict[tuple[str, str, str], str] = {}
        mentions = _mentions(terms)
        watched: list[tuple[str, list[Any], str, Any]] = []  # what the plan was made on
        for place in places:
            table, key, column = place["table"], place["key"], place["column"]
            if not mentions.search(place["value"]):
                continue  # the term only inside another word: someone else
            if table == "events":
                if column in CONTENT:
                    erased.add(int(place["key_values"][0]))
                else:  # one line for all of them: an officer acts in thousands of events
                    kept[(table, "*", column)] = msg("who did what, and when, is kept in the audit log "
                                                     "(the archives act)")
                continue
            rule = self._rule_for(table, place["key_values"], kinds)
            if column in key_columns(table):
                # a key (a user's account name) is what other records and the audit log
                # point to: changing it would cut them loose
                kept[(table, key, column)] = msg("the name identifies the account that did what the audit "
                                                 "log records (the archives act)")
            elif rule is None or not rule.erasable:
                kept[(table, key, column)] = (rule.reason if rule and rule.reason else
                                              msg("the municipality's retention rules do not let it be erased"))
            elif rule.cull == "remove":
                removals[(table, key)] = place["key_values"]
                watched.append((table, place["key_values"], column, place["value"]))
            else:
                watched.append((table, place["key_values"], column, place["value"]))
                changes.setdefault((table, key), (place["key_values"], {}))[1][column] = _erased(
                    table, column, place["value"], terms)
        for where in removals:
            changes.pop(where, None)
        plan.removed = [{"table": t, "key": k} for (t, k) in removals]
        plan.changed = [{"table": t, "key": k, "column": c} for (t, k), (_kv, values) in changes.items()
                        for c in values]
        plan.kept = [{"table": t, "key": k, "column": c, "reason": r} for (t, k, c), r in kept.items()]
        touched = [(t, kv) for (t, _k), kv in removals.items()] + [(t, kv) for (t, _k), (kv, _v) in changes.items()]

        def write() -> None:
            # a write between the search and this transaction would be lost or missed:
            # the use case runs again on what is stored now
            if self.store.events_holding_since(searched_to, terms) or any(
                    (self.store.values_of(t, k, [c]) or {}).get(c) != v for t, k, c, v in watched):
                raise StateChanged(msg("what is stored about the person changed while the erasure was "
                                       "prepared; nothing was erased, run it again"))
            for (table, _k), key in removals.items():
                self.store.delete_row(table, key)
            for (table, _k), (key, values) in changes.items():
                self.store.set_values(table, key, values)

        return self._apply(plan, erased, touched, dry_run, "privacy.erase", "person", write, step=step)

    def _apply(self, plan: Removal, erased: set[int], touched: list[tuple[str, list[Any]]], dry_run: bool,
               action: str, entity: str, write: Any, detail: dict[str, Any] | None = None,
               step: Progress = lambda _step: None) -> Removal:
        """Find every event that wrote a touched row, then (unless ``dry_run``) write the
        rows, note again what the erased events wrote, record the event and erase."""
        by_table: dict[str, list[list[Any]]] = {}
        for table, key in touched:
            if table in coverage.COVERED:
                by_table.setdefault(table, []).append(key)
        writers: dict[int, str | None] = {}
        for table, keys in by_table.items():
            writers.update(self.store.events_writing(table, keys))
        erased |= set(writers)
        missing = erased - set(writers)
        writers.update(self.store.event_rows(missing))
        plan.events = sorted(erased)
        if dry_run:
            return plan
        step("write")
        with self._tx():
            write()
            self.store.retouch(writers.values())
            self.store.purge_search_index()
            plan.event_id = self.store.audit(action, entity, "", None, {
                "erased_events": plan.events, "changed": plan.changed, "removed": plan.removed,
                "kept": plan.kept, **(detail or {})})
            self.store.erase_event_content(plan.events, plan.event_id)
        step("compact")
        plan.compacted = self.store.compact()
        return plan

    @use_case("privacy.cull", on="database")
    def privacy_cull(self, dry_run: bool = False, progress: Progress | None = None) -> Removal:
        """Cull (gallra) every record whose retention period has passed by today: the
        municipality's plugin gives each kind of record its period, from when it runs
        and whether culling removes the record or blanks its personal data (``[gallrat]``).
        Records without a period are kept. The audit events that wrote a culled row lose
        their content. With ``dry_run`` nothing is written; ``progress`` as for
        :meth:`privacy_erase`."""
        step = progress or (lambda _step: None)
        step("verify")
        self._verified_first()
        step("search")
        plan = Removal()
        kinds = self.view.record_kinds()
        removals: list[tuple[str, list[Any]]] = []
        changes: list[tuple[str, list[Any], dict[str, Any]]] = []
        rules = self.view.retention()
        for record, rule in sorted(rules.items()):
            if rule.years is None:
                continue
            cutoff = add_months(self.today, -12 * rule.years).isoformat()
            for table, keys in self._due(record, rule, cutoff, kinds, rules).items():
                for key in keys:
                    if rule.cull == "remove":
                        removals.append((table, list(key)))
                        continue
                    values = self._culled_values(table, key, kinds)
                    if values:
                        changes.append((table, list(key), values))
        plan.removed = [{"table": t, "key": row_key(k)} for t, k in removals]
        plan.changed = [{"table": t, "key": row_key(k), "column": c} for t, k, v in changes for c in v]

        def write() -> None:
            for table, key in removals:
                self.store.delete_row(table, key)
            for table, key, values in changes:
                self.store.set_values(table, key, values)

        touched = [(t, k) for t, k in removals] + [(t, k) for t, k, _v in changes]
        if not touched:
            return plan
        # older events name the collaboration without the digests of the rows they wrote
        erased = set(self.store.events_about("collaboration", {k[0] for t, k in touched if t == "collaborations"}))
        return self._apply(plan, erased, touched, dry_run, "privacy.cull", "database", write,
                           {"today": self.today.isoformat()}, step)

    def _due(self, record: str, rule: Retention, cutoff: str, kinds: dict[str, Any],
             rules: dict[str, Retention] | None = None) -> dict[str, list[tuple]]:
        """The keys of the rows of ``record`` whose period has passed, by table (children
        first, the order removal needs); ``rules``: the view's retention, read once by
        the caller (read here when not given)."""
        store = self.store
        if record == "contact":
            if rule.after == "ended":
                return {"contacts": [(i,) for i in store.inactive_contacts(cutoff)]}
            return {"contacts": store.created_before("contacts", cutoff)}
        if record == "notification":  # its attempts and reminders go with it
            return store.notifications_before(cutoff)
        tables = TABLES_OF.get(record) or (("records",) if record in kinds else ())
        if record in ("organisation", "user") or not tables:
            return {}  # registers, not case records: kept while in use
        rules = self.view.retention() if rules is None else rules
        cases = store.ended_collaborations(cutoff) if rule.after == "ended" else []
        out: dict[str, list[tuple]] = {}
        for table in tables:
            # records: this kind's, or (for "record") of every kind without its own rule
            own = None if table != "records" else (
                [k for k in kinds if k in rules] if record == "record" else [record])
            others = record == "record"
            out[table] = (store.of_collaborations(table, cases, own, others) if rule.after == "ended"
                          else store.created_before(table, cutoff, own, others))
        return out

    def _culled_values(self, table: str, key: tuple, kinds: dict[str, Any]) -> dict[str, Any]:
        """The personal columns of one row as culling leaves them (only those not
        culled already, so a second culling changes nothing)."""
        marked = PERSONAL.get(table, {})
        if not marked:
            return {}
        now = self.store.values_of(table, key, [*marked, *(["kind"] if table == "records" else [])])
        if now is None:
            return {}
        out: dict[str, Any] = {}
        for column, blank in marked.items():
            if table == "records" and column == "data":  # only the fields the kind marks personal
                data = json.loads(now[column] or "{}")
                fields = getattr(kinds.get(now["kind"]), "fields", ())
                personal = {f.key for f in fields if getattr(f, "personal", False)}
                new = {k: (CULLED if k in personal and v not in (None, "") else v) for k, v in data.items()}
                if new != data:
                    out[column] = canonical(new)
                continue
            target = ("{}" if (table, column) in JSON_COLUMNS else CULLED) if blank is FREE else blank
            if now[column] not in (None, "", target):
                out[column] = target
        return out
