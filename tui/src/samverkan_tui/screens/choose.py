"""Choose one of a few options (e.g. which kind of record to add)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from samverkan_tui.i18n import N_
from samverkan_tui.screens.base import BaseModal


class ChooseScreen(BaseModal[str | None]):
    """Dismisses with the chosen value (enter) or None (escape); ``current`` starts highlighted."""

    BINDINGS = [Binding("escape", "cancel", N_("Avbryt"), id="choose.cancel")]

    def __init__(self, title: str, options: list[tuple[str, str]], current: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="choose-box"):
            yield Label(Text(self.title_text), id="choose-title")
            yield OptionList(*[Option(Text(label), id=value) for label, value in self.options],
                             id="choose-list")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        values = [value for _label, value in self.options]
        options.highlighted = values.index(self.current) if self.current in values else 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
