"""Importing organisations from a file, with a progress bar.

The dialog asks for a path (on the machine samverkan runs on), the format and whether
to only check the file. The file is read and imported in a thread worker
(:meth:`DbMixin.run_db`); the import reports after every batch
(``Services.import_organisations(progress=…)``) and the bar follows. Then the summary
and every invalid row with its line number are shown. Escape closes the dialog; during
an import it stops after the batch being stored, and what was stored stays.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Checkbox, DataTable, Input, Label, ProgressBar, RadioButton, RadioSet
from textual.worker import get_current_worker

from samverkan.services.transfer import ImportResult
from samverkan_tui.i18n import N_, _, core_text
from samverkan_tui.screens.base import BaseModal

MESSAGE_WIDTH = 58  # the error column; longer messages wrap onto more lines


class ImportStopped(Exception):
    """Raised from the progress callback when the dialog was closed during an import."""


class ImportScreen(BaseModal[ImportResult | None]):
    """Import organisations from CSV or JSON; dismisses with the result (None if none ran)."""

    area = N_("Import")
    DEFAULT_CSS = """
    ImportScreen { align: center middle; }
    #import-box {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    #import-title { text-style: bold; width: 1fr; }
    #import-box .field-label { color: $text-muted; }
    #import-path { width: 1fr; background: $boost; }
    #import-path:focus { background: $primary 25%; }
    #import-format { layout: horizontal; height: 1; }
    #import-format > RadioButton { width: auto; margin-right: 2; }
    #import-dry-run { margin-top: 1; }
    #import-progress { margin-top: 1; }
    #import-progress Bar { width: 1fr; }
    #import-status { width: 1fr; height: auto; margin-top: 1; }  /* wraps: messages quote paths */
    #import-status.-error { color: $text-error; }
    #import-errors { height: auto; max-height: 10; }
    #import-hint { width: 1fr; color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "start", N_("Importera"), id="import.start",
                tooltip=N_("Läs filen och importera (eller provkör) den")),
        Binding("escape", "close", N_("Stäng"), id="import.close",
                tooltip=N_("Stäng dialogen; en pågående import avbryts efter omgången som sparas")),
    ]

    def __init__(self, path: str = "") -> None:
        super().__init__()
        self.initial_path = path
        self.running = False
        self.result: ImportResult | None = None
        self.progress_seen: list[tuple[int, int]] = []  # (done, total) as reported, for the record

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box"):
            yield Label(Text(_("Importera organisationer")), id="import-title")
            yield Label(Text(_("Fil (CSV eller JSON), relativt {cwd}").format(cwd=_short(os.getcwd()))),
                        classes="field-label")
            yield Input(self.initial_path, placeholder=_("t.ex. ~/organisationer.csv"), id="import-path",
                        compact=True)
            yield Label(Text(_("Format")), classes="field-label")
            yield RadioSet(RadioButton(_("efter filändelsen"), value=True, id="format-auto", compact=True),
                           RadioButton("CSV", id="format-csv", compact=True),
                           RadioButton("JSON", id="format-json", compact=True),
                           id="import-format", compact=True)
            yield Checkbox(Text(_("Provkör: kontrollera varje rad men spara inget")), id="import-dry-run",
                           compact=True)
            yield ProgressBar(show_eta=False, id="import-progress")
            yield Label("", id="import-status")
            table = DataTable(id="import-errors", cursor_type="row", zebra_stripes=True)
            table.add_column(_("Rad"), key="line", width=5)
            table.add_column(_("Fel"), key="message", width=MESSAGE_WIDTH)
            yield table
            yield Label(Text(self.hint()), id="import-hint")

    def on_mount(self) -> None:
        self.query_one("#import-progress").display = False
        self.query_one("#import-errors").display = False
        self.query_one("#import-path", Input).focus()

    def hint(self) -> str:
        if self.running:
            return _("esc avbryter efter pågående omgång – det som sparats finns kvar")
        return _("enter eller ctrl+s importerar · esc stänger")

    # -- running -------------------------------------------------------------------

    def chosen_format(self) -> str | None:
        pressed = self.query_one("#import-format", RadioSet).pressed_button
        return {"format-csv": "csv", "format-json": "json"}.get(pressed.id if pressed else "")

    @on(Input.Submitted, "#import-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_start()

    def action_start(self) -> None:
        """Read and import the file in a thread worker; the bar follows the batches."""
        if self.running:
            return
        raw = self.query_one("#import-path", Input).value.strip()
        if not raw:
            self.set_status(_("Ange filens sökväg."), error=True)
            self.query_one("#import-path", Input).focus()
            return
        path, fmt = Path(raw).expanduser(), self.chosen_format()
        dry_run = self.query_one("#import-dry-run", Checkbox).value
        self.running, self.result, self.progress_seen = True, None, []
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        errors = self.query_one("#import-errors", DataTable)
        errors.clear()
        errors.display = False
        self.set_status(_("Läser {file} …").format(file=path.name))
        self.query_one("#import-hint", Label).update(Text(self.hint()))
        services, app = self.services, self.app

        def progress(done: int, total: int) -> None:
            if get_current_worker().is_cancelled:  # the dialog was closed: stop after this batch
                raise ImportStopped
            app.call_from_thread(self.show_progress, done, total)

        def work() -> ImportResult | None:
            rows = services.read_import_file(path, fmt)
            try:
                return services.import_organisations(rows, progress=progress, dry_run=dry_run)
            except ImportStopped:
                return None

        self.run_db(work, self.finished, self.failed, group="import", exclusive=True)

    def show_progress(self, done: int, total: int) -> None:
        """Called (on the UI thread) after every batch."""
        if not self.is_attached:
            return
        self.progress_seen.append((done, total))
        self.query_one("#import-progress", ProgressBar).update(total=total, progress=done)
        self.set_status(_("Rad {done} av {total} …").format(done=done, total=total))

    def finished(self, result: ImportResult | None) -> None:
        if not self.is_attached or result is None:
            return
        self.running, self.result = False, result
        self.query_one("#import-progress", ProgressBar).update(total=result.total, progress=result.total)
        self.set_status(summary(result), error=not result.ok)
        errors = self.query_one("#import-errors", DataTable)
        for i, (line, message) in enumerate(result.errors):
            errors.add_row(Text(str(line), justify="right"), Text(core_text(message)), key=str(i), height=None)
        errors.display = bool(result.errors)
        self.query_one("#import-hint", Label).update(Text(self.hint()))
        if result.errors:
            errors.focus()

    def failed(self, exc: Exception) -> None:
        """The file could not be read (or the import was refused): nothing was stored."""
        if not self.is_attached:
            return
        self.running = False
        self.query_one("#import-progress", ProgressBar).display = False
        self.set_status(_("Ingenting importerades: {error}").format(error=core_text(exc)), error=True)
        self.query_one("#import-hint", Label).update(Text(self.hint()))
        self.query_one("#import-path", Input).focus()

    def set_status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#import-status", Label)
        status.update(Text(text))  # literal: messages quote values from the file
        status.set_class(error, "-error")

    def action_close(self) -> None:
        if self.running:
            self.workers.cancel_group(self, "import")
            self.app.notify(_("Importen avbryts efter pågående omgång; det som redan sparats finns kvar."),
                            markup=False)
        self.dismiss(self.result)


def summary(result: ImportResult) -> str:
    """The result in one sentence, in the interface language."""
    if result.dry_run:
        return _("Provkörning: {n} skulle importeras, {skipped} finns redan, {invalid} ogiltiga. "
                 "Inget sparades.").format(n=result.imported, skipped=len(result.skipped),
                                           invalid=len(result.errors))
    return _("Importerade {n}, hoppade över {skipped} (redan registrerade), {invalid} ogiltiga.").format(
        n=result.imported, skipped=len(result.skipped), invalid=len(result.errors))


def _short(path: Any) -> str:
    """``path`` with the home directory as ``~`` (the dialog is 76 columns wide)."""
    home = os.path.expanduser("~")
    text = str(path)
    return "~" + text[len(home):] if home != "/" and (text == home or text.startswith(home + os.sep)) else text
