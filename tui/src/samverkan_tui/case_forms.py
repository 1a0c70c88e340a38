"""The forms that add to a case: a follow-up with the municipality's evaluation, a document.

The evaluation form is built from the municipality's declaration
(:class:`samverkan.domain.rules.EvaluationForm` on its follow-up policy, from
``services.detail``): a labelled field per figure, then a table of rows with a column
per input. What was typed is read by :func:`samverkan.domain.evaluation.read_form` in
the worker, so a refusal names the field, or the row and the column, and the form keeps
everything typed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from samverkan_tui import labels
from samverkan_tui.i18n import _
from samverkan_tui.screens.form import Field, FormScreen

#: the least width of a column of rows, by the kind of its input (text takes the rest of
#: the line); a column is as wide as the longest word of its heading, when that is wider
COLUMN_WIDTHS = {"integer": 4, "kronor": 8, "number": 5, "percent": 4}


def column_width(column: Any) -> int | None:
    """The width of a column of rows (None: the rest of the line)."""
    if column.kind not in COLUMN_WIDTHS:
        return None
    words = (column.header or column.label).split()
    return max([COLUMN_WIDTHS[column.kind], *(len(w) for w in words)])


def follow_up_form(services: Any, collab: Any, rules: Any, parties: list[Any] = ()) -> FormScreen:
    """Record a follow-up: who took part for each party, and the municipality's
    evaluation (e.g. SROI) as its form declares it.

    ``rules``: the form's rules from ``services.detail`` (its follow-up policy);
    ``parties``: ``services.parties(collab.id)``, the municipality first. The follow-up
    is joint when someone took part for every party (the services decide). The
    evaluation may be left empty (nothing is evaluated this time); once anything of it
    is typed, every required input is asked for.
    """
    policy = rules.follow_up
    form = policy.evaluation_form if policy else None
    fields = [
        Field("summary", _("Sammanfattning"), "area", required=True),
        Field("goals_met", _("Måluppfyllelse")),
        Field("done_on", _("Datum"), "date", value=services.today.isoformat()),
    ]
    # every party's part in the joint follow-up: who took part and what it contributed
    # (the city audit of IOP: "Samtliga parter ska bidra till den gemensamma uppföljningen")
    for i, party in enumerate(parties):
        fields.append(Field(f"took_part:{i}", _("Bidrog för {party}").format(party=party.name),
                            placeholder=_("vem och med vad")))
    if form is not None:
        fields += evaluation_fields(form)
    else:  # a policy without a form: its keys, each a number, a text or JSON
        for name in (policy.evaluation_fields if policy else ()):
            fields.append(Field(f"eval:{name}", name, aliases=(name,), placeholder=_("tal eller JSON")))

    def submit(v: dict[str, Any], confirm: bool) -> Any:
        evaluation = (read_evaluation(form, v) if form is not None else
                      {k.split(":", 1)[1]: _json_or_text(val) for k, val in v.items()
                       if k.startswith("eval:") and val})
        participants = {p.name: v[f"took_part:{i}"] for i, p in enumerate(parties)
                        if v[f"took_part:{i}"]}
        return services.record_follow_up(collab.id, v["summary"], done_on=v["done_on"] or None,
                                         goals_met=v["goals_met"], evaluation=evaluation,
                                         participants=participants)

    lines = [f"{policy.measure} ({policy.source})"] if policy else []
    if parties:
        lines.append(_("Gemensam uppföljning: någon deltar för varje part, kommunen också."))
    if form is not None:
        lines.append(_("{title}: lämna tomt om inget utvärderas nu. Procent som 25, belopp i hela kronor.")
                     .format(title=form.title))
    return FormScreen(_("Uppföljning"), fields, submit, intro="\n".join(lines))


def evaluation_fields(form: Any) -> list[Field]:
    """The fields of an evaluation form: one per figure (a default shown as typed), then
    the rows (one empty row to start with)."""
    from samverkan.domain.evaluation import display

    fields = [Field(f"eval:{f.key}", f.label, value=display(f, f.default) if f.default is not None else None,
                    aliases=(f.key,), placeholder=f.help) for f in form.fields]
    if form.rows_key:
        columns = [Field(c.key, c.label, header=c.header, width=column_width(c), help=c.help)
                   for c in form.columns]
        fields.append(Field(f"rows:{form.rows_key}", form.row_label, "rows", columns=columns,
                            aliases=(form.rows_key,)))
    return fields


def read_evaluation(form: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The evaluation typed into the form's fields (empty when nothing of it was typed;
    a figure left at its default counts as not typed)."""
    from samverkan.domain.evaluation import display, read_form

    figures = {f.key: values[f"eval:{f.key}"] for f in form.fields}
    rows = values.get(f"rows:{form.rows_key}", []) if form.rows_key else []
    typed = [k for k, f in zip(figures, form.fields, strict=True)
             if figures[k] and not (f.default is not None and figures[k] == display(f, f.default))]
    if not typed and not any(any(r.values()) for r in rows):
        return {}
    return read_form(form, figures, rows)


def _json_or_text(value: str) -> Any:
    """An evaluation value: JSON when it parses (numbers, lists of outcomes), else the text."""
    import json

    try:
        return json.loads(value)
    except ValueError:
        return value


def document_form(services: Any, collab: Any) -> FormScreen:
    """Attach a document to the collaboration: a file read on this machine, a reference
    to the records system (diarienummer), or both; its kind and title.

    The file is read by the services (its size is checked before it is read); a refusal
    (no such file, too big, a closed collaboration) is shown in the form, which keeps
    what was typed.
    """
    from samverkan.services.documents import MAX_DOCUMENT_BYTES

    fields = [
        Field("kind", _("Slag av dokument"), "choice", required=True, value="agreement",
              choices=labels.choices(labels.DOCUMENT_KINDS)),
        Field("title", _("Titel (tomt: filens namn)")),
        Field("path", _("Fil"), placeholder=_("sökväg, t.ex. ~/protokoll.pdf")),
        Field("reference", _("Diarienummer (om dokumentet finns i diariet)"), placeholder=_("t.ex. AMN 2026/44")),
    ]

    def submit(v: dict[str, Any], confirm: bool) -> Any:
        path = str(Path(v["path"]).expanduser()) if v["path"] else None
        return services.attach_document(collab.id, v["kind"], v["title"], path=path, reference=v["reference"])

    intro = _("Filen läses på den dator där samverkan körs (relativ sökväg från {cwd}), högst {size} MB. "
              "Finns dokumentet i diariet räcker diarienumret.").format(
        cwd=Path.cwd(), size=MAX_DOCUMENT_BYTES // (1024 * 1024))
    return FormScreen(_("Bifoga dokument"), fields, submit, intro=intro)
