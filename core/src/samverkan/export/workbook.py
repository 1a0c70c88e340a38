"""Excel workbooks (XlsxWriter): one sheet per table, numbers as numbers, dates as dates.

Each sheet has the table's title, a bold header row, the rows, the totals row in bold,
and the notes and sources under the table. Whole numbers get the format ``# ##0`` and
decimals ``# ##0,00`` (Excel shows the group and decimal separators of the reader's
locale: a space and a comma in Swedish), ISO dates become date cells, columns are
sized to their content and the header row is frozen.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from samverkan.domain.rules import ReportTable
from samverkan.export import Text, body_rows, loose_totals

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
#: Excel's limit on a sheet name
SHEET_NAME_MAX = 31
#: no column wider than this many characters (long texts wrap instead)
WIDTH_MAX = 60


def sheet_names(titles: list[str]) -> list[str]:
    """Unique, valid Excel sheet names for ``titles`` (≤ 31 characters, none of []:*?/\\)."""
    names: list[str] = []
    for title in titles:
        base = _SHEET_FORBIDDEN.sub(" ", title).strip().strip("'") or "Blad"
        name, n = base[:SHEET_NAME_MAX], 2
        while name.casefold() in (x.casefold() for x in names):
            suffix = f" ({n})"
            name, n = base[:SHEET_NAME_MAX - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def write_workbook(tables: list[ReportTable], path: str | Path, text: Text = str) -> list[str]:
    """Write ``tables`` to the workbook ``path``, one sheet each; return the sheet names."""
    import xlsxwriter  # only when a workbook is asked for

    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                           "strings_to_urls": False})
    try:
        fmt = {
            "title": book.add_format({"bold": True, "font_size": 13}),
            "head": book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"}),
            "int": book.add_format({"num_format": "#,##0"}),
            "dec": book.add_format({"num_format": "#,##0.00"}),
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
            "text": book.add_format({"text_wrap": True, "valign": "top"}),
            "note": book.add_format({"italic": True}),
        }
        bold = {k: book.add_format({"bold": True, "num_format": v}) for k, v in
                (("int", "#,##0"), ("dec", "#,##0.00"), ("date", "yyyy-mm-dd"), ("text", "@"))}
        names = sheet_names([text(t.title) for t in tables])
        for table, name in zip(tables, names, strict=True):
            _sheet(book.add_worksheet(name), table, text, fmt, bold)
    finally:
        book.close()
    return names


def _sheet(sheet: Any, table: ReportTable, text: Text, fmt: dict[str, Any], bold: dict[str, Any]) -> None:
    headings = [text(h) for _, h in table.columns]
    sheet.write(0, 0, text(table.title), fmt["title"])
    sheet.write_row(2, 0, headings, fmt["head"])
    sheet.freeze_panes(3, 0)
    widths = [len(h) for h in headings]
    rows = body_rows(table)
    totals_at = len(table.rows) if len(rows) > len(table.rows) else None
    for i, row in enumerate(rows):
        styles = bold if i == totals_at else fmt
        for j, value in enumerate(row):
            shown = _write(sheet, 3 + i, j, value, text, styles)
            widths[j] = max(widths[j], min(len(shown), WIDTH_MAX))
    for j, width in enumerate(widths):
        sheet.set_column(j, j, width + 2)
    line = 4 + len(rows)
    extra = [f"{text(k)}: {v}" for k, v in loose_totals(table).items()]
    for note in [*extra, *(text(n) for n in table.notes)]:
        sheet.write(line, 0, note, fmt["note"])
        line += 1


def _write(sheet: Any, r: int, c: int, value: Any, text: Text, styles: dict[str, Any]) -> str:
    """Write one cell with its type's format; return what it shows (for the width)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        shown = text(value)
        sheet.write_string(r, c, shown, styles["text"])
        return shown
    if isinstance(value, int):
        sheet.write_number(r, c, value, styles["int"])
        return f"{value:,}"
    if isinstance(value, (float, Decimal)):
        sheet.write_number(r, c, float(value), styles["dec"])
        return f"{value:,.2f}"
    day = _as_date(value)
    if day is not None:
        sheet.write_datetime(r, c, dt.datetime(day.year, day.month, day.day), styles["date"])
        return "yyyy-mm-dd"
    shown = text(value)
    sheet.write_string(r, c, shown, styles["text"])
    return shown
