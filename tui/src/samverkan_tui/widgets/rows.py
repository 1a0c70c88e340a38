"""Rows of inputs under column headings: a small table to type into (e.g. SROI outcomes).

Each row is one line of one-line inputs, numbered as the core's messages number them
("Utfall 2, Antal personer: …"); ctrl+n adds a row, ctrl+t removes the row with the
focus. Below the rows, the focused cell is named in full with its help, since a column's
heading is short. Row values are text as typed; a row left wholly empty is skipped when
they are read (:func:`samverkan.domain.evaluation.read_form`).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from samverkan_tui.i18n import N_, _


class RowsInput(Vertical, can_focus=False):
    """Rows of inputs for ``columns`` (form fields: ``key``, ``label``, ``header``,
    ``width`` (None: the rest of the line), ``help``)."""

    DEFAULT_CSS = """
    RowsInput { height: auto; }
    RowsInput .rows-body { height: auto; }
    RowsInput .rows-head { height: 2; color: $text-muted; }
    RowsInput .rows-line { height: 1; }
    RowsInput .rows-head > Label, RowsInput .rows-line > Input { margin-right: 1; }
    RowsInput .rows-number { width: 3; color: $text-muted; }
    RowsInput .rows-focus, RowsInput .rows-hint { height: auto; color: $text-muted; }
    """
    BINDINGS = [
        Binding("ctrl+n", "add_row", N_("Ny rad"), id="rows.add", tooltip=N_("Lägg till en rad")),
        Binding("ctrl+t", "remove_row", N_("Ta bort raden"), id="rows.remove",
                tooltip=N_("Ta bort raden med markören")),
    ]

    def __init__(self, columns: list[Any], row_label: str, rows: list[dict[str, str]] | None = None,
                 *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.columns = columns
        self.row_label = row_label
        self._initial = rows or [{}]

    # -- building ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(classes="rows-head"):
            yield Label("", classes="rows-number")
            for column in self.columns:
                yield self._sized(Label(Text(column.header or column.label)), column)
        with Vertical(classes="rows-body"):
            for values in self._initial:
                yield self._line(values)
        yield Static("", classes="rows-focus")
        yield Label(Text(_("ctrl+n ny rad · ctrl+t tar bort raden · en tom rad räknas inte")),
                    classes="rows-hint")

    def _sized(self, widget: Widget, column: Any) -> Widget:
        widget.styles.width = column.width if column.width else "1fr"
        return widget

    def _line(self, values: dict[str, str]) -> Horizontal:
        cells = [self._sized(Input(str(values.get(c.key, "") or ""), placeholder=c.placeholder, compact=True,
                                   classes=f"rows-cell cell-{c.key}"), c)
                 for c in self.columns]
        return Horizontal(Label("", classes="rows-number"), *cells, classes="rows-line")

    def on_mount(self) -> None:
        self._number()

    def _number(self, lines: list[Horizontal] | None = None) -> None:
        for i, line in enumerate(self.lines() if lines is None else lines):
            line.query_one(".rows-number", Label).update(Text(f"{i + 1}"))

    # -- reading ---------------------------------------------------------------------

    def lines(self) -> list[Horizontal]:
        """The row lines, in order."""
        return list(self.query_one(".rows-body").query(".rows-line").results(Horizontal))

    def rows(self) -> list[dict[str, str]]:
        """Every row as typed (by column key, stripped), empty rows included."""
        out = []
        for line in self.lines():
            cells = line.query(Input).results(Input)
            out.append({c.key: cell.value.strip() for c, cell in zip(self.columns, cells, strict=True)})
        return out

    def cell(self, row: int, key: str) -> Input | None:
        """The input of column ``key`` in row ``row`` (0-based), if there is one."""
        lines = self.lines()
        if not 0 <= row < len(lines):
            return None
        keys = [c.key for c in self.columns]
        return list(lines[row].query(Input).results(Input))[keys.index(key)] if key in keys else None

    def _where(self, widget: Widget | None) -> tuple[int, int] | None:
        """(row, column) of a focused cell."""
        for r, line in enumerate(self.lines()):
            for c, cell in enumerate(line.query(Input).results(Input)):
                if cell is widget:
                    return r, c
        return None

    # -- focus and help ------------------------------------------------------------------

    def focus(self, scroll_visible: bool = True) -> RowsInput:
        """Focus the first cell (the form focuses a field with an error this way)."""
        first = self.cell(0, self.columns[0].key)
        if first is not None:
            first.focus(scroll_visible)
        return self

    def focus_cell(self, row: int, key: str) -> None:
        cell = self.cell(row, key)
        if cell is not None:
            cell.focus()
            cell.scroll_visible()

    def on_descendant_focus(self, event: Any) -> None:
        where = self._where(event.widget)
        if where is None:
            return
        row, col = where
        column = self.columns[col]
        text = f"{self.row_label} {row + 1} · {column.label}" + (f" – {column.help}" if column.help else "")
        self.query_one(".rows-focus", Static).update(Text(text))

    def on_descendant_blur(self, event: Any) -> None:
        # a cell left shows its value from the start (a long one is cut at the end), as a
        # spreadsheet does; focusing it again selects it whole
        if isinstance(event.widget, Input) and self._where(event.widget) is not None:
            event.widget.cursor_position = 0

    # -- adding and removing -------------------------------------------------------------

    async def action_add_row(self) -> None:
        line = self._line({})
        await self.query_one(".rows-body").mount(line)
        self._number()
        line.query(Input).first().focus()

    def action_remove_row(self) -> None:
        where = self._where(self.screen.focused)
        if where is None:
            return
        row, col = where
        lines = self.lines()
        if len(lines) == 1:  # the last row is emptied, not removed
            for cell in lines[0].query(Input).results(Input):
                cell.value = ""
            return
        lines[row].remove()
        remaining = [line for i, line in enumerate(lines) if i != row]
        self._number(remaining)
        target = remaining[min(row, len(remaining) - 1)]
        list(target.query(Input).results(Input))[col].focus()
