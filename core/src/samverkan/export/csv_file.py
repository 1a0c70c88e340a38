"""CSV: plain (comma, UTF-8) or for Excel (semicolon, decimal comma, UTF-8 with BOM).

A Swedish Excel opens a comma-separated file in one column and reads UTF-8 without a
byte-order mark as Windows-1252 (å, ä, ö broken); the Excel variant is what it opens
as a table. One table per file: a report's sections go to files of their own.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from samverkan.domain.rules import ReportTable
from samverkan.export import Text, body_rows


def _cell(value: Any, text: Text, excel: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return text(value)
    if isinstance(value, (float, Decimal)) and excel:
        return f"{value}".replace(".", ",")
    if isinstance(value, (int, float, Decimal, dt.date)):
        return str(value)
    return text(value)


def render_csv(table: ReportTable, text: Text = str, *, excel: bool = False) -> str:
    """One table as CSV text (``excel``: semicolons, decimal commas, a BOM first)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n")
    writer.writerow([text(h) for _, h in table.columns])
    for row in body_rows(table):
        writer.writerow([_cell(v, text, excel) for v in row])
    return ("\ufeff" if excel else "") + buf.getvalue()
