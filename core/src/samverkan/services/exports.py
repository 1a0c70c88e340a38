"""Use cases that write files officers hand on: a report as Excel, CSV or PDF, and a
collaboration's decision record (beslutsunderlag) as PDF.

The data is read first (the report is built, the state loaded), then the file is
written (see :mod:`samverkan.export.files`). No transaction is open meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from samverkan.domain.errors import ValidationError
from samverkan.domain.model import FORM_KEYS
from samverkan.domain.rules import ReportTable
from samverkan.domain.state import CollabState
from samverkan.export import Text
from samverkan.export.files import report_format, write_table
from samverkan.i18n import msg
from samverkan.services.oversight import OversightUseCases
from samverkan.services.session import use_case


class ExportUseCases(OversightUseCases):
    """Exports (mixed into :class:`samverkan.services.Services`)."""

    @use_case("read")
    def export_report(self, key: str, path: str | Path, fmt: str | None = None,
                      text: Text = str) -> list[Path]:
        """Write the report ``key`` to ``path`` (xlsx, pdf, csv or csv-excel; from the
        suffix when ``fmt`` is None); the files written."""
        chosen = report_format(path, fmt)
        return write_table(self.report(key), path, chosen, text, footer=self._printed())

    @use_case("read", on="collaboration")
    def export_record(self, state: CollabState, path: str | Path, fmt: str | None = None,
                      text: Text = str) -> list[Path]:
        """Write one collaboration's full record (the decision record, beslutsunderlag) to
        ``path``: every fact, the form questionnaire's answers, the checklist, the decision
        with its considerations, the findings confirmed at each transition with their rules
        and sources, the agreement, and the audit head hash at the time of printing."""
        from samverkan.services.records_view import collaboration_record

        chosen = report_format(path, fmt)
        return write_table(collaboration_record(self, state), path, chosen, text, footer=self._printed())

    @use_case("read")
    def export_list(self, kind: str, path: str | Path, fmt: str | None = None, query: Any = None,
                    progress: Callable[[int, int], Any] | None = None, text: Text = str) -> list[Path]:
        """Write every collaboration matching ``query`` (``kind="collaborations"``), every
        organisation (``"organisations"``) or the audit log's events (``"events"``) to
        ``path``: csv or json as ``org import`` reads them back, or xlsx / csv-excel with
        headings and values in words.

        :param progress: called as ``progress(done, total)`` every thousand rows.
        """
        from samverkan.domain.query import CollabQuery
        from samverkan.services.transfer import (
            COLLAB_EXPORT_FIELDS,
            export_to_file,
            org_export_fields,
        )
        from samverkan.services.wording import LIST_HEADINGS, STAGE_NAMES

        if kind == "collaborations":
            query = query or CollabQuery()
            total, rows, fields = (self.count_collaborations(query), self.export_collaborations(query),
                                   COLLAB_EXPORT_FIELDS)
        elif kind == "organisations":  # JSON with every contact person, the others with the first
            total, rows = self.count_organisations(), self.export_organisations()
            fields = org_export_fields(fmt or ("json" if Path(path).suffix.lower() == ".json" else None))
        elif kind == "events":  # the audit log, oldest first (its hashes: `audit verify`)
            fields = ("id", "at", "actor", "origin", "action", "entity", "entity_id")
            total = self.store.count_events()
            rows = ({f: getattr(e, f) for f in fields}
                    for e in self.store.events(limit=max(total, 1), newest_first=False))
        else:
            raise ValidationError(msg("nothing to export called {kind!r}", kind=kind), "kind")
        suffix = Path(path).suffix.lower()
        chosen = fmt or {".json": "json", ".xlsx": "xlsx"}.get(suffix, "csv")

        def counted(source: Any) -> Any:
            for n, row in enumerate(source, 1):
                if progress is not None and n % 1000 == 0:
                    progress(n, total)
                yield row
            if progress is not None:
                progress(total, total)

        if chosen in ("csv", "json"):  # what an import reads back: keys as they are
            export_to_file(counted(rows), fields, chosen, Path(path).expanduser())
            return [Path(path).expanduser()]
        forms = {f: self._form_name(f) for f in FORM_KEYS}

        def in_words(row: dict[str, Any]) -> dict[str, Any]:
            out = dict(row)
            if "stage" in out:
                out["stage"] = STAGE_NAMES.get(out["stage"], out["stage"])
            if "form" in out:
                out["form"] = forms.get(out["form"], out["form"])
            if "is_example" in out:
                out["is_example"] = msg("yes") if out["is_example"] else ""
            return out

        listed = [in_words(r) for r in counted(rows)]
        titles = {"collaborations": msg("Collaborations"), "organisations": msg("Organisations"),
                  "events": msg("Audit events")}
        table = ReportTable(titles[kind],
                            [(f, LIST_HEADINGS.get(f, f)) for f in fields], listed)
        return write_table(table, path, chosen, text)

    def _printed(self) -> str:
        """The footer of a printed document: the date and the audit log's head then."""
        count, head = self.store.audit_head()
        return msg("Printed {date} · audit log {count} events, head {head}",
                   date=self.today.isoformat(), count=count, head=head)
