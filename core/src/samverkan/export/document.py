"""PDF documents for the diarium (fpdf2): a report, or one collaboration's decision record.

The DejaVu Sans Condensed fonts ship in ``fonts/`` (Bitstream Vera licence, see
``fonts/LICENSE``) and are embedded, so å, ä, ö and every other character print the
same on any reader. Two-column fact tables print as labelled lines, wider tables as
tables with wrapped cells; every page carries the footer (e.g. the audit head hash at
the time of printing) and its page number.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from samverkan.domain.rules import ReportTable
from samverkan.export import Text, body_rows, loose_totals, tables_of

FONT = "DejaVu"
#: a table with more columns than this prints in landscape
PORTRAIT_COLUMNS = 6


def _cell(value: Any, text: Text) -> str:
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", " ")
    return text(value)


def write_document(table: ReportTable, path: str | Path, text: Text = str, *, footer: str = "",
                   subtitle: str = "") -> int:
    """Write ``table`` and its sections as a PDF at ``path``; return the number of pages."""
    from fpdf import FPDF  # only when a PDF is asked for
    from fpdf.fonts import FontFace

    class Document(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT, size=7)
            self.cell(0, 5, f"{footer}    {self.page_no()}/{{nb}}".strip(), align="R")

    fonts = resources.files("samverkan.export").joinpath("fonts")
    wide = max((len(t.columns) for t in tables_of(table)), default=1) > PORTRAIT_COLUMNS
    pdf = Document(orientation="landscape" if wide else "portrait", format="A4")
    with resources.as_file(fonts.joinpath("DejaVuSansCondensed.ttf")) as regular, \
            resources.as_file(fonts.joinpath("DejaVuSansCondensed-Bold.ttf")) as bold:
        pdf.add_font(FONT, "", str(regular))
        pdf.add_font(FONT, "B", str(bold))
    pdf.set_title(text(table.title))
    pdf.set_creator("samverkan")
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 7, text(table.title), new_x="LMARGIN", new_y="NEXT")
    if subtitle:
        pdf.set_font(FONT, size=9)
        pdf.multi_cell(0, 5, subtitle, new_x="LMARGIN", new_y="NEXT")
    head = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    for i, t in enumerate(tables_of(table)):
        if i:
            pdf.ln(3)
            pdf.set_font(FONT, "B", 11)
            pdf.multi_cell(0, 6, text(t.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, size=8)
        rows = body_rows(t)
        if rows:
            with pdf.table(headings_style=head, line_height=4, text_align="LEFT",
                           col_widths=_widths(t, rows, text)) as grid:
                grid.row([text(h) for _, h in t.columns])
                for row in rows:
                    grid.row([_cell(v, text) for v in row])
        for line in [*(f"{text(k)}: {v}" for k, v in loose_totals(t).items()), *(text(n) for n in t.notes)]:
            pdf.multi_cell(0, 4, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return pdf.page_no()


def _widths(table: ReportTable, rows: list[list[Any]], text: Text) -> tuple[int, ...]:
    """Relative column widths from the content (long texts get more room, up to a cap)."""
    widths = []
    for j, (_, heading) in enumerate(table.columns):
        longest = max([len(text(heading)), *(len(_cell(r[j], text)) for r in rows)])
        widths.append(max(8, min(longest, 50)))
    return tuple(widths)
