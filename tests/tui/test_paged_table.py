"""PagedTable draws exactly what Textual's DataTable draws, with fewer rows rendered.

PagedTable replaces DataTable._render_line to key its caches on "is the cursor on this
row" instead of the cursor's coordinate (samverkan_tui/widgets/paged_table.py). These
tests keep that honest against the pinned Textual: after every cursor move, every line
of both tables is the same text in the same styles.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from samverkan_tui.widgets.paged_table import PagedTable, cell

ROWS = [(i, (i, f"Titel [bold]{i}[/bold]", "Initiativ", "IOP", f"Förening {i}")) for i in range(1, 61)]


class Both(App):
    CSS = "DataTable { height: 12; scrollbar-size-vertical: 0; }"

    def compose(self) -> ComposeResult:
        for table in (PagedTable(id="paged"), DataTable(id="plain", cursor_type="row", zebra_stripes=True)):
            for name in ("Nr", "Titel", "Steg", "Form", "Organisation"):
                table.add_column(name, key=name, width=12)
            yield table

    def on_mount(self) -> None:
        self.query_one("#paged", PagedTable).show_page(ROWS, 0, len(ROWS))
        plain = self.query_one("#plain", DataTable)
        for key, cells in ROWS:
            plain.add_row(*[cell(c) for c in cells], key=str(key))


def lines(table: DataTable) -> list[list[tuple[str, object]]]:
    width, height = table.size
    style = table.rich_style
    out = []
    for y in range(height):
        strip = table._render_line(y + table.scroll_offset.y, 0, width, style)
        out.append([(seg.text, seg.style) for seg in strip])
    return out


async def test_same_lines_as_datatable_after_every_move() -> None:
    app = Both()
    async with app.run_test(size=(80, 30)) as pilot:
        paged, plain = app.query_one("#paged", PagedTable), app.query_one("#plain", DataTable)
        await pilot.pause()
        moves = [15, 3, 40, 59, 0, 22, 23, 21]
        for row in moves:
            for table in (paged, plain):
                table.move_cursor(row=row, animate=False)
            await pilot.pause()
            assert paged.scroll_offset == plain.scroll_offset
            drawn = []
            for table in (paged, plain):  # each while focused: focus changes the colours
                table.focus()
                await pilot.pause()
                drawn.append(lines(table))
            assert drawn[0] == drawn[1], f"lines differ with the cursor on row {row}"


async def test_a_cursor_move_renders_the_rows_around_it_not_every_visible_row() -> None:
    app = Both()
    async with app.run_test(size=(80, 30)) as pilot:
        paged = app.query_one("#paged", PagedTable)
        await pilot.pause()
        paged.move_cursor(row=5, animate=False)
        await pilot.pause()
        lines(paged)  # every visible line is now cached
        rendered: list = []
        original = DataTable._render_line_in_row

        def counting(self, row_key, *args, **kwargs):
            rendered.append(row_key.value)
            return original(self, row_key, *args, **kwargs)

        DataTable._render_line_in_row = counting
        try:
            paged.move_cursor(row=6, animate=False)
            await pilot.pause()
            around = set(rendered)
            rendered.clear()
            lines(paged)  # what the screen shows now
        finally:
            DataTable._render_line_in_row = original
        assert rendered == [], "the frame after the move rendered rows the caches should hold"
        # the frame and the rendering ahead touch the rows next to the cursor (keys are
        # row index + 1), never the ten-odd other visible rows
        assert around <= {"6", "7", "8"}, around
