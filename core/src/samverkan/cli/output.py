"""Rendering tables and reports as text, Markdown, CSV and JSON for the CLI."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from samverkan.domain.rules import ReportTable


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (float, Decimal)):
        return f"{value:.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", " ")
    return str(value).replace("\n", " ")


def text_table(headings: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain, aligned text table."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headings)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headings, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def markdown_table(headings: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table (pipes in cells escaped)."""
    def esc(v: Any) -> str:
        return _cell(v).replace("|", "\\|")
    out = ["| " + " | ".join(esc(h) for h in headings) + " |",
           "|" + "|".join("---" for _ in headings) + "|"]
    out += ["| " + " | ".join(esc(v) for v in r) + " |" for r in rows]
    return "\n".join(out)


def _report_rows(table: ReportTable) -> tuple[list[str], list[list[Any]]]:
    keys = [k for k, _ in table.columns]
    rows = [[row.get(k) for k in keys] for row in table.rows]
    if set(table.totals) & set(keys):
        rows.append([table.totals.get(k, "") for k in keys])
    return [h for _, h in table.columns], rows


def _loose_totals(table: ReportTable) -> list[str]:
    """Totals that are not a column of the table (e.g. a count), as "key: value" lines."""
    keys = {k for k, _ in table.columns}
    return [f"{k}: {_cell(v)}" for k, v in table.totals.items() if k not in keys]


def render_report(table: ReportTable, fmt: str) -> str:
    """Render a report (and its sections) as ``text``, ``markdown``, ``csv`` or ``json``."""
    tables = [table, *table.sections]
    if fmt == "json":
        return json.dumps([
            {"title": t.title, "columns": [k for k, _ in t.columns], "rows": t.rows,
             "totals": t.totals, "notes": t.notes} for t in tables
        ], ensure_ascii=False, indent=2, default=str)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        for i, t in enumerate(tables):
            if i:
                writer.writerow([])
            writer.writerow([t.title])
            writer.writerow([h for _, h in t.columns])
            keys = [k for k, _ in t.columns]
            for row in t.rows:
                writer.writerow(["" if row.get(k) is None else row.get(k) for k in keys])
            if set(t.totals) & set(keys):
                writer.writerow([t.totals.get(k, "") for k in keys])
        return buf.getvalue()
    parts = []
    for t in tables:
        headings, rows = _report_rows(t)
        if fmt == "markdown":
            parts.append(f"## {t.title}\n\n{markdown_table(headings, rows)}")
            parts.extend(f"\n_{n}_" for n in [*_loose_totals(t), *t.notes])
        else:
            parts.append(f"{t.title}\n\n{text_table(headings, rows)}")
            parts.extend([*_loose_totals(t), *t.notes])
    return "\n\n".join(parts) + "\n"
