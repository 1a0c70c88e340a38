"""Files officers hand on: Excel workbooks, Excel-friendly CSV and PDF documents.

Every writer takes :class:`~samverkan.domain.rules.ReportTable` s (a report and its
sections, a list, one collaboration's record) and a ``text`` function that renders a
heading or a cell in the interface's language (core messages are translatable; data and
plugin texts pass through). Nothing here touches the database: the services read first,
then write the file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from samverkan.domain.rules import ReportTable

Text = Callable[[Any], str]


def tables_of(table: ReportTable) -> list[ReportTable]:
    """A report and its sections, in order, as one flat list."""
    return [table, *(t for section in table.sections for t in tables_of(section))]


def body_rows(table: ReportTable) -> list[list[Any]]:
    """The table's rows as lists in column order, with its totals row when the totals
    name any of its columns."""
    keys = [k for k, _ in table.columns]
    out = [[row.get(k) for k in keys] for row in table.rows]
    if set(table.totals) & set(keys):
        out.append([table.totals.get(k) for k in keys])
    return out


def loose_totals(table: ReportTable) -> dict[str, Any]:
    """Totals that are not a column of the table (e.g. a count)."""
    keys = {k for k, _ in table.columns}
    return {k: v for k, v in table.totals.items() if k not in keys}
