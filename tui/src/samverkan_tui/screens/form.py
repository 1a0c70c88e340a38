"""A generic form dialog with inline validation.

The form keeps every value the user typed when the service refuses it: the message
appears under the field the error names (``ValidationError.field``), or above the form
when it names none. A refused transition shows its findings; advisory findings can be
confirmed, which resubmits with ``confirm=True``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from samverkan.domain.errors import NotFound, SamverkanError, TransitionRefused, ValidationError
from samverkan_tui.i18n import N_, _, core_text
from samverkan_tui.screens.base import BaseModal


@dataclass
class Field:
    """One field of a form.

    :param kind: ``text``, ``area`` (several lines), ``date`` (YYYY-MM-DD), ``bool``,
        ``choice`` or ``rows`` (a table of one-line inputs, one per ``columns``; its
        value is a list of dicts by column key; ``value`` the rows to start with).
    :param choices: (label, value) pairs for ``choice``.
    :param aliases: other names the services use for this field in their errors; for
        ``rows``, an error naming ``alias[i].column`` is shown under it, in that cell.
    :param header: a column's short heading (``rows``); ``width`` its width (None: the rest).
    :param help: one line on what to enter (shown with a focused cell of ``rows``).
    """

    key: str
    label: str
    kind: str = "text"
    required: bool = False
    value: Any = None
    choices: list[tuple[str, Any]] = field(default_factory=list)
    aliases: tuple[str, ...] = ()
    placeholder: str = ""
    columns: list[Field] = field(default_factory=list)
    header: str = ""
    width: int | None = None
    help: str = ""


Submit = Callable[[dict[str, Any], bool], Any]


class FormScreen(BaseModal[Any]):
    """A dialog with fields; dismisses with the result of ``submit`` once it succeeds.

    ``save_label`` names what ctrl+s does in the hint when it is not saving a form
    (e.g. "tar bort raden" for a confirmation without fields).
    """

    BINDINGS = [
        # Not a priority binding: the key then reaches the screen through the focused
        # field, after the characters typed before it (fast typing, pastes over SSH).
        Binding("ctrl+s", "save", N_("Spara"), id="form.save", tooltip=N_("Spara formuläret")),
        Binding("escape", "cancel", N_("Avbryt"), id="form.cancel",
                tooltip=N_("Stäng utan att spara")),
        # A priority binding runs while the app takes the key from its queue, before it
        # hands the next key to the focused widget: characters typed right after enter
        # (fast typing, pastes over SSH) land in the next field, not in this one.
        Binding("enter", "next_field", N_("Nästa fält"), id="form.next_field", show=False,
                priority=True),
    ]

    def __init__(self, title: str, fields: list[Field], submit: Submit, *,
                 intro: str = "", save_label: str = "") -> None:
        super().__init__()
        self.form_title = title
        self.fields = fields
        self.submit = submit
        self.intro = intro
        self.save_label = save_label
        self.busy = False

    # -- building ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Label(Text(self.form_title), id="form-title")
            if self.intro:
                yield Static(Text(self.intro), id="form-intro")
            yield Static("", id="form-error", classes="error")
            with VerticalScroll(id="form-fields", can_focus=False):
                for i, f in enumerate(self.fields):
                    label = f.label + (" *" if f.required else "")
                    if f.kind != "bool":
                        yield Label(Text(label), classes="field-label")
                    yield self._widget(f, i)
                    yield Static("", id=f"err-{i}", classes="error field-error")
            hint = (_("ctrl+s {action} · esc avbryter").format(action=self.save_label) if self.save_label
                    else _("ctrl+s sparar · esc avbryter · * obligatoriskt"))
            yield Label(Text(hint), id="form-hint")

    def _widget(self, f: Field, index: int) -> Widget:
        wid = f"field-{index}"
        if f.kind == "area":
            area = TextArea(str(f.value or ""), id=wid, classes="field-area", soft_wrap=True,
                            tab_behavior="focus", show_line_numbers=False, compact=True)
            return area
        if f.kind == "bool":
            return Checkbox(Text(f.label), bool(f.value), id=wid)
        if f.kind == "rows":
            from samverkan_tui.widgets.rows import RowsInput

            return RowsInput(f.columns, f.label, f.value, id=wid)
        if f.kind == "choice":
            options = [(Text(str(label)), value) for label, value in f.choices]
            values = [v for _l, v in f.choices]
            return Select(options, id=wid, allow_blank=not f.required,
                          value=f.value if f.value in values else Select.NULL,
                          prompt=_("Välj …"), compact=True)
        placeholder = f.placeholder or ("ÅÅÅÅ-MM-DD" if f.kind == "date" else "")
        return Input("" if f.value is None else str(f.value), id=wid, placeholder=placeholder,
                     compact=True)

    def widget_for(self, key: str) -> Widget:
        """The input widget of the field ``key``."""
        index = next(i for i, f in enumerate(self.fields) if f.key == key)
        return self.query_one(f"#field-{index}")

    def on_mount(self) -> None:
        for error in self.query(".error"):
            error.display = False
        fields = self.query_one("#form-fields")
        self.call_after_refresh(fields.scroll_home, animate=False)

    # -- reading values ------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """What the user entered, by field key (None for an empty choice, False for a box)."""
        out: dict[str, Any] = {}
        for f in self.fields:
            w = self.widget_for(f.key)
            if f.kind == "rows":
                out[f.key] = w.rows()  # type: ignore[attr-defined]
            elif isinstance(w, TextArea):
                out[f.key] = w.text.strip()
            elif isinstance(w, Checkbox):
                out[f.key] = w.value
            elif isinstance(w, Select):
                out[f.key] = None if w.is_blank() else w.value
            else:
                out[f.key] = w.value.strip()
        return out

    # -- showing errors ----------------------------------------------------------

    def clear_errors(self) -> None:
        for error in self.query(".error"):
            error.update("")
            error.display = False

    def show_error(self, message: str, field_name: str | None = None) -> None:
        """Show ``message`` under the field named ``field_name`` (or above the form).

        A field of rows takes an error naming one of its cells (``outcomes[1].quantity``)
        and puts the focus in that cell; the message names the row and the column.
        """
        target, index, cell = None, -1, None
        for i, f in enumerate(self.fields):
            if field_name and (field_name == f.key or field_name in f.aliases):
                target, index = f, i
                break
            if field_name and f.kind == "rows":
                cell = next((_cell(field_name, name) for name in (f.key, *f.aliases)
                             if _cell(field_name, name) is not None), None)
                if cell is not None:
                    target, index = f, i
                    break
        if target is not None and field_name:
            # the core names the field by its key ("purpose: …") or its label; under the
            # field, the place says which field, and the key is not a word of the interface
            for prefix in (f"{field_name}: ", f"{target.label}: "):
                if message.startswith(prefix):
                    message = message[len(prefix):]
                    message = message[:1].upper() + message[1:]
                    break
        box = self.query_one(f"#err-{index}" if target else "#form-error", Static)
        box.update(Text(message))
        box.display = True
        if target is not None:
            widget = self.widget_for(target.key)
            if cell is not None:
                widget.focus_cell(*cell)  # type: ignore[attr-defined]
            else:
                widget.focus()
                widget.scroll_visible()
            box.scroll_visible()

    # -- saving ------------------------------------------------------------------

    def check_required(self, values: dict[str, Any]) -> bool:
        ok = True
        for f in reversed(self.fields):
            value = values.get(f.key)
            if f.kind == "rows":
                value = [r for r in value or () if any(r.values())]
            if f.required and value in (None, "", []):
                self.show_error(_("Fältet måste fyllas i."), f.key)
                ok = False
        return ok

    def action_save(self, confirm: bool = False) -> None:
        if self.busy:
            return
        self.clear_errors()
        values = self.values()
        if not self.check_required(values):
            return
        self.busy = True
        self.run_db(lambda: self.submit(values, confirm), self._saved, self._refused, group="form")

    def _saved(self, result: Any) -> None:
        self.busy = False
        self.dismiss(result)

    def _refused(self, exc: SamverkanError) -> None:
        self.busy = False
        if isinstance(exc, TransitionRefused):
            from samverkan.services import ConfirmationNeeded
            from samverkan_tui.screens.findings import FindingsScreen

            can_confirm = isinstance(exc, ConfirmationNeeded)
            if not can_confirm:
                self.show_error(_("Övergången stoppades av spärrar (se listan)."))

            def answered(confirmed: bool | None) -> None:
                if confirmed and can_confirm:
                    self.action_save(confirm=True)

            self.app.push_screen(FindingsScreen(exc.findings, can_confirm), answered)
        elif isinstance(exc, ValidationError):
            self.show_error(core_text(exc), exc.field)
        elif isinstance(exc, NotFound):
            self.show_error(core_text(exc), "org")
        else:
            self.show_error(core_text(exc))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # enter means "next field" only in a one-line field; a list, a box or a text
        # area keeps its own enter
        if action == "next_field":
            return isinstance(self.focused, Input)
        return True

    def action_next_field(self) -> None:
        """Enter moves to the next field; on the last field it saves."""
        field = self.focused
        inputs = [w for w in self.query("#form-fields > *") if w.can_focus]
        if inputs and field is inputs[-1]:
            # after the characters still queued in the field, so the save reads them
            field.call_later(self.action_save)
        else:
            self.focus_next()


def _cell(field_name: str, name: str) -> tuple[int, str] | None:
    """(row, column key) of an error naming ``name[row].column``, else None."""
    if not field_name.startswith(f"{name}["):
        return None
    index, _sep, rest = field_name[len(name) + 1:].partition("].")
    return (int(index), rest) if index.isdigit() and rest else None
