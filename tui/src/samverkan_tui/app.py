"""The Textual application (placeholder until the TUI issue lands its screens)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class SamverkanApp(App):
    """samverkan's terminal interface."""

    TITLE = "samverkan"
    BINDINGS = [("q", "quit", "Avsluta")]

    def __init__(self, settings) -> None:
        super().__init__()
        self.settings = settings

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Databas: {self.settings.db_path}", markup=False)
        yield Footer()


def run(settings) -> int:
    """Run the app; returns the exit status."""
    SamverkanApp(settings).run()
    return 0
