"""A DataTable that shows one page of a longer SQL result and asks for the next.

The table never holds more than one page; moving past its last (or first) row posts
:class:`~samverkan_tui.messages.PageRequested`, and the screen loads that page in a
worker. The screen's status line says where in the whole result the page is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import chain

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._segment_tools import line_crop
from textual.coordinate import Coordinate
from textual.strip import Strip
from textual.widgets import DataTable

from samverkan_tui.messages import PageRequested


def cell(value: object) -> Text:
    """A cell shown literally (stored text may contain Rich markup)."""
    return Text("" if value is None else str(value), no_wrap=True, overflow="ellipsis")


#: a row no table has (the header is row -1): "the cursor is not on this row"
_ELSEWHERE = Coordinate(-2, 0)


class PagedTable(DataTable):
    """One page of rows keyed by id; ``offset`` and ``total`` locate it in the result."""

    DEFAULT_CSS = """
    /* no vertical scrollbar: it would show the place in the page, not in the result;
       the screen's status line says which rows of how many are shown */
    PagedTable { height: 1fr; scrollbar-size-vertical: 0; }
    """

    def __init__(self, page_size: int = 100, moved: Callable[[], None] | None = None,
                 **kwargs) -> None:
        """``moved`` is called when the cursor moves (in the same frame, unlike a message)."""
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.moved = moved
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

    _frame_style: Style | None = None

    @property
    def rich_style(self) -> Style:
        # DataTable asks for its style once per line it renders, and each answer walks
        # the ancestors' backgrounds; within one render_lines call it cannot change.
        if self._frame_style is not None:
            return self._frame_style
        return super().rich_style

    def render_lines(self, crop):
        self._frame_style = super().rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._frame_style = None

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        # DataTable (textual 8.2) caches rendered lines and rows under the cursor's
        # coordinate, so every cursor move renders every visible row again: most of a
        # frame's time while the list scrolls (scripts/bench_tui.py). With a row cursor a
        # line looks the same wherever the cursor is unless the cursor is on its row, so
        # this is DataTable._render_line keyed on that; tests/tui/test_paged_table.py
        # checks it draws exactly what DataTable draws.
        return self._line(y, x1, x2, base_style, self.cursor_coordinate)

    def _line(self, y: int, x1: int, x2: int, base_style: Style, cursor_at: Coordinate) -> Strip:
        """Line ``y`` as it looks with the cursor at ``cursor_at`` (cached)."""
        width = self.size.width
        try:
            row_key, y_offset_in_row = self._get_offsets(y)
        except LookupError:
            return Strip.blank(width, base_style)
        row_index = -1 if row_key is self._header_row_key else self._row_locations.get(row_key)
        cursor = cursor_at if cursor_at.row == row_index else _ELSEWHERE
        hover = self.hover_coordinate if self.hover_coordinate.row == row_index else _ELSEWHERE
        cache_key = (y, x1, x2, width, row_key, cursor, hover, base_style, self.cursor_type,
                     self._show_hover_cursor, self._update_count, self._pseudo_class_state)
        if cache_key in self._line_cache:
            return self._line_cache[cache_key]
        fixed, scrollable = self._render_line_in_row(row_key, y_offset_in_row, base_style,
                                                     cursor_location=cursor, hover_location=hover)
        fixed_width = sum(column.get_render_width(self)
                          for column in self.ordered_columns[: self.fixed_columns])
        fixed_line: list[Segment] = list(chain.from_iterable(fixed)) if fixed else []
        scrollable_line: list[Segment] = list(chain.from_iterable(scrollable))
        segments = fixed_line + line_crop(scrollable_line, x1 + fixed_width, x2, width)
        strip = Strip(segments).adjust_cell_length(width, base_style).simplify()
        self._line_cache[cache_key] = strip
        return strip

    def _render_ahead(self) -> None:
        """While idle, render the lines the next arrow key will show.

        Those are the rows above and below the cursor as they look with the cursor on
        them, and the rows just outside the view, which scroll in. The next frame then
        finds them in the caches and only has to compose the screen.
        """
        if not self.is_mounted or not self.row_count or not self.size.width:
            return
        width, height = self.size
        scroll_x, scroll_y = self.scroll_offset
        style = self.rich_style
        row, column = self.cursor_coordinate
        for near in (row + 1, row - 1):
            if 0 <= near < self.row_count:
                y = self._get_row_region(near).y
                self._line(y, scroll_x, scroll_x + width, style, Coordinate(near, column))
        header = self.header_height if self.show_header else 0
        for y in (scroll_y + height, scroll_y + header - 1):
            if y >= header:
                self._line(y, scroll_x, scroll_x + width, style, self.cursor_coordinate)

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        if old != new:
            if self.moved is not None:
                self.moved()
            self.call_after_refresh(self._render_ahead)

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
