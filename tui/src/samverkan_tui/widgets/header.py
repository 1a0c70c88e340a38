"""The one-line header: app, screen, acting user and municipality (no clock)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label


class AppHeader(Horizontal):
    """Shows where the user is and as whom they act; text is shown literally."""

    DEFAULT_CSS = """
    AppHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    AppHeader #header-where { width: 1fr; text-style: bold; padding: 0 1; }
    AppHeader #header-who { width: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, where: str = "") -> None:
        super().__init__()
        self.where = where

    def compose(self) -> ComposeResult:
        yield Label(Text(f"samverkan › {self.where}" if self.where else "samverkan"), id="header-where")
        yield Label(Text(self.app.identity()), id="header-who")

    def set_where(self, where: str) -> None:
        """Change the screen part of the header."""
        self.where = where
        self.query_one("#header-where", Label).update(Text(f"samverkan › {where}"))
