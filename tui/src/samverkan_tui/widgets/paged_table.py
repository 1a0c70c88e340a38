"""A DataTable that shows one page of a longer SQL result and asks for the next.

The table never holds more than one page; moving past its last (or first) row posts
:class:`~samverkan_tui.messages.PageRequested`, and the screen loads that page in a
worker. The screen's status line says where in the whole result the page is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.widgets import DataTable

from samverkan_tui.messages import PageRequested


def cell(value: object) -> Text:
    """A cell shown literally (stored text may contain Rich markup)."""
    return Text("" if value is None else str(value), no_wrap=True, overflow="ellipsis")


class PagedTable(DataTable):
    """One page of rows keyed by id; ``offset`` and ``total`` locate it in the result."""

    DEFAULT_CSS = """
    PagedTable { height: 1fr; }
    """

    def __init__(self, page_size: int = 100, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.page_size = page_size
        self.page_offset = 0
        self.row_total = 0

    def show_page(self, rows: Iterable[tuple[object, Sequence[object]]], offset: int, total: int,
                  cursor: int = 0) -> None:
        """Replace the rows with one page: (key, cells) pairs."""
        self.page_offset, self.row_total = offset, total
        self.clear()
        for key, cells in rows:
            self.add_row(*[c if isinstance(c, Text) else cell(c) for c in cells], key=str(key))
        if self.row_count:
            self.move_cursor(row=max(0, min(cursor, self.row_count - 1)), animate=False)

    def selected_key(self) -> str | None:
        """The key of the row under the cursor."""
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    @property
    def position(self) -> int:
        """The cursor's position in the whole result (0-based)."""
        return self.page_offset + self.cursor_row

    def action_cursor_down(self) -> None:
        if self.row_count and self.cursor_row >= self.row_count - 1:
            if self.page_offset + self.row_count < self.row_total:
                self.post_message(PageRequested(self.page_offset + self.page_size, 0))
            return
        super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.cursor_row <= 0 and self.page_offset > 0:
            self.post_message(PageRequested(max(0, self.page_offset - self.page_size), self.page_size - 1))
            return
        super().action_cursor_up()

    def next_page(self) -> None:
        if self.page_offset + self.page_size < self.row_total:
            self.post_message(PageRequested(self.page_offset + self.page_size, 0))

    def previous_page(self) -> None:
        if self.page_offset > 0:
            self.post_message(PageRequested(max(0, self.page_offset - self.page_size), 0))
