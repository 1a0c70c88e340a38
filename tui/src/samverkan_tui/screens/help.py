"""Help: every binding of the screen the user came from."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from samverkan_tui.i18n import N_, _
from samverkan_tui.screens.base import BaseModal, describe


class HelpScreen(BaseModal[None]):
    """Lists the key, description and id of each active binding of ``screen``."""

    BINDINGS = [
        Binding("escape,question_mark", "close", N_("Stäng"), id="help.close"),
    ]

    def __init__(self, bindings: dict, where: str) -> None:
        super().__init__()
        self.bindings = bindings
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Label(Text(_("Tangenter: {where}").format(where=self.where)), id="help-title")
            table = DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            table.add_columns(_("Tangent"), _("Gör"), "id")
            seen = set()
            # the screen's and the app's own bindings (with ids) first, then the widget's
            ordered = sorted(self.bindings.values(), key=lambda a: not a.binding.id)
            for active in ordered:
                b = active.binding
                if not b.description or (b.action, b.description) in seen:
                    continue
                seen.add((b.action, b.description))
                table.add_row(Text(self.app.get_key_display(b)), Text(describe(b.description)),
                              Text(b.id or ""))
            yield table
            yield Label(Text(_("ctrl+p öppnar kommandopaletten · esc stänger")), id="help-hint")

    def action_close(self) -> None:
        self.dismiss(None)
