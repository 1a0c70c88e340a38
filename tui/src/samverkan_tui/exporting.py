"""Saving a list as a file: a form that asks where, then writes in a worker with progress.

The services write the file (``export_list``); this module asks for the path, shows how
far a large export has come in the form while it runs, and tells where it went.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from samverkan_tui.i18n import _, core_text
from samverkan_tui.screens.form import Field, FormScreen


def list_export_form(app: Any, kind: str, query: Any = None) -> FormScreen:
    """A form that saves the list ``kind`` (``collaborations`` with ``query``'s search and
    filters, or ``organisations``) where the user says; .xlsx is a workbook, .csv and
    .json are what an import reads back, CSV for Excel is a choice."""
    services = app.services
    names = {"collaborations": "samverkan", "organisations": "organisationer", "events": "granskningslogg"}
    default = f"~/{names.get(kind, kind)}-{services.today.isoformat()}.xlsx"
    fields = [
        Field("path", _("Fil"), required=True, value=default,
              placeholder=_("Sökväg på den dator där samverkan körs; .xlsx, .csv eller .json")),
        Field("excel_csv", _("CSV för Excel (semikolon, decimalkomma)"), "bool"),
    ]
    screen: FormScreen

    def progress(done: int, total: int) -> None:
        # called from the worker thread: the form shows how far it has come
        def show() -> None:
            if screen.is_attached:
                screen.query_one("#form-intro").update(Text(_("Sparar … {done} av {total} rader").format(
                    done=f"{done:,}".replace(",", " "), total=f"{total:,}".replace(",", " "))))
        app.call_from_thread(show)

    def submit(values: dict[str, Any], confirm: bool) -> Any:
        path = values["path"]
        fmt = "csv-excel" if values["excel_csv"] and str(path).lower().endswith(".csv") else None
        return services.export_list(kind, path, fmt, query=query, progress=progress, text=core_text)

    screen = FormScreen(_("Spara listan som fil"), fields, submit,
                        intro=_("Excel: rubriker och värden i ord. CSV och JSON: som en import läser dem."))
    return screen


def record_export_form(app: Any, collab_id: int) -> FormScreen:
    """A form that prints collaboration ``collab_id``'s full record (the decision record,
    beslutsunderlag) where the user says: a PDF for the diarium by default."""
    services = app.services
    fields = [Field("path", _("Fil"), required=True,
                    value=f"~/beslutsunderlag-{collab_id}-{services.today.isoformat()}.pdf",
                    placeholder=_("Sökväg på den dator där samverkan körs; .pdf, .xlsx eller .csv"))]

    def submit(values: dict[str, Any], confirm: bool) -> Any:
        return services.export_record(collab_id, values["path"], text=core_text)

    return FormScreen(_("Skriv ut beslutsunderlaget"), fields, submit,
                      intro=_("Uppgifterna, frågorna om form, checklistan, beslutet med överväganden, "
                              "anmärkningar vid varje steg med källa, avtalet och händelserna; "
                              "granskningsloggens senaste hash i sidfoten."))


def saved(app: Any, written: list[Any] | None) -> None:
    """Tell where an export went (nothing when the form was closed)."""
    if written:
        app.notify(_("Sparad: {files}").format(files=", ".join(str(p) for p in written)),
                   title=_("Listan är sparad"), markup=False)
