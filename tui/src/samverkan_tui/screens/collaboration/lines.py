"""Contribution lines on the collaboration screen: add, correct and remove the line under
the cursor of the contributions tab (a mixin of :class:`CollaborationScreen`)."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, TabbedContent

from samverkan_tui import forms
from samverkan_tui.i18n import _

#: actions on one contribution line, offered like the lifecycle action "contribution"
LINE_ACTIONS = ("edit_contribution", "remove_contribution")


class ContributionLines:
    """The contribution-line actions; the screen provides ``data``, ``services``,
    ``reload`` and ``_after``."""

    data: dict[str, Any] | None
    _select_line: int | None

    def _show_contributions(self) -> DataTable:
        tabs = self.query_one(TabbedContent)
        tabs.active = "contributions"
        table = self.query_one("#contributions-table", DataTable)
        table.focus()
        return table

    def _line_under_cursor(self) -> Any:
        """The contribution line under the cursor of the contributions tab (None: none)."""
        table = self.query_one("#contributions-table", DataTable)
        if self.data is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((x for x in self.data["contributions"] if str(x.id) == key), None)

    def action_contribution(self) -> None:
        """Add a line; once saved, the contributions tab shows it under the cursor."""
        if self.data is None:
            return
        d = self.data

        def done(line: Any) -> None:
            if line is not None:
                self.notify(_("Bidraget är registrerat (rad {n}).").format(n=line.id), markup=False)
                self._show_contributions()
                self._select_line = line.id
                self.reload()

        self.app.push_screen(forms.contribution_form(self.services, d["collaboration"], d["parties"]),
                             done)

    def _target_line(self) -> Any:
        """The contribution line under the cursor, or None (from another tab the lines are
        shown first, so the next key press acts on a line the user can see)."""
        if self.data is None:
            return None
        if self.query_one(TabbedContent).active != "contributions":
            self._show_contributions()
            return None
        line = self._line_under_cursor()
        if line is None:
            self.notify(_("Inga bidrag är registrerade."), markup=False)
        return line

    def action_edit_contribution(self) -> None:
        """Correct the line under the cursor (from another tab: show the lines first)."""
        line = self._target_line()
        if line is None:
            return

        def done(result: Any) -> None:
            if result is forms.UNCHANGED:
                self.notify(_("Inget ändrades."), markup=False)
            elif result is not None:
                self.notify(_("Bidraget är rättat."), markup=False)
                self.reload()

        self.app.push_screen(forms.contribution_form(self.services, self.data["collaboration"],
                                                     self.data["parties"], line), done)

    def action_remove_contribution(self) -> None:
        """Remove the line under the cursor, after a confirmation that names it."""
        line = self._target_line()
        if line is None:
            return
        self.app.push_screen(forms.remove_contribution_form(self.services, self.data["collaboration"], line),
                             self._after(_("Bidragsraden är borttagen.")))
