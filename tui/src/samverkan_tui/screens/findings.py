"""The findings of a refused transition: every gate finding with its rule and source.

A blocking finding only lets the user close the dialog (nothing changed); when all
findings are advisory, the user may confirm them explicitly (recorded in the audit log).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from samverkan_tui import labels
from samverkan_tui.i18n import N_, _
from samverkan_tui.screens.base import BaseModal


def finding_text(f) -> Text:
    """One finding as literal text: severity, rule id, message, source."""
    text = Text()
    if f.blocking:
        text.append(_("SPÄRR"), style="bold red")
    else:
        text.append(_("RÅD"), style="bold yellow")
    text.append(f" {f.rule_id}\n", style="bold")
    text.append(f.message)
    for label, value in labels.source_lines(f.source):
        text.append(f"\n{label}: ", style="dim")
        text.append(value, style="dim italic")
    return text


class FindingsScreen(BaseModal[bool]):
    """Shows findings; dismisses True when the user confirms advisory ones."""

    BINDINGS = [
        Binding("ctrl+y", "confirm", N_("Bekräfta"), id="findings.confirm",
                tooltip=N_("Bekräfta råden och genomför övergången")),
        Binding("escape", "close", N_("Stäng"), id="findings.close",
                tooltip=N_("Stäng utan att genomföra övergången")),
    ]

    def __init__(self, findings: list, can_confirm: bool) -> None:
        super().__init__()
        self.findings = findings
        self.can_confirm = can_confirm

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm":
            return self.can_confirm
        return True

    def compose(self) -> ComposeResult:
        blocking = sum(1 for f in self.findings if f.blocking)
        if blocking:
            title = _("Övergången stoppades: {n} spärr(ar)").format(n=blocking)
        else:
            title = _("Bekräfta {n} råd för att gå vidare").format(n=len(self.findings))
        with Vertical(id="findings-box"):
            yield Label(Text(title), id="findings-title")
            with VerticalScroll(id="findings-list"):
                for f in self.findings:
                    yield Static(finding_text(f), classes="finding " + ("blocking" if f.blocking else "advisory"))
            hint = _("ctrl+y bekräftar · esc avbryter") if self.can_confirm else _("esc stänger – inget ändrades")
            yield Label(Text(hint), id="findings-hint")

    def on_mount(self) -> None:
        self.query_one("#findings-list").focus()

    def action_confirm(self) -> None:
        if self.can_confirm:
            self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)
