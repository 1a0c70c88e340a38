"""A one-line status that repaints without a new layout."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class StatusLine(Widget):
    """One line of literal text; changing it repaints the line only.

    A Label asks for a new layout of the whole screen on every update (its size could
    change); this line is always one row high, so the home screen can say which row the
    cursor is on at every key press without redoing the layout (scripts/bench_tui.py).
    """

    DEFAULT_CSS = """
    StatusLine { height: 1; width: 1fr; }
    """

    text: reactive[Text] = reactive(Text(""), layout=False)

    def __init__(self, text: Text | str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.set_reactive(StatusLine.text, text if isinstance(text, Text) else Text(text))

    def update(self, text: Text | str) -> None:
        """Show ``text`` (shown literally: a str is not parsed as markup)."""
        self.text = text if isinstance(text, Text) else Text(text)

    def render(self) -> Text:
        line = self.text.copy()
        line.no_wrap, line.overflow = True, "ellipsis"
        return line
