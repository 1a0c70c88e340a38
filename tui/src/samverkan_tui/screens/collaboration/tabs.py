"""What each tab of the collaboration screen shows, built from ``services.detail``.

Pure functions of the detail (and the tables they fill), so the screen only decides
when to show them. Every stored key is shown by its label: a stage, a form, a record's
field, an agreement section, an event; plugin texts and stored data literally.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import DataTable

from samverkan.domain.rules import ReportTable
from samverkan_tui import forms, labels
from samverkan_tui.i18n import N_, _, core_text
from samverkan_tui.widgets.facts import facts, heading, join
from samverkan_tui.widgets.paged_table import cell

#: a notification's delivery status, as the worker records it
DELIVERY = {"pending": N_("väntar"), "sending": N_("skickas"), "sent": N_("skickat"),
            "failed": N_("kunde inte skickas")}


def overview(d: dict[str, Any]) -> RenderableType:
    """The facts, contributions, records, documents, latest evaluation and messages."""
    c = d["collaboration"]
    nxt = ", ".join(labels.stage(s) for s in d["next_stages"]) or "–"
    pairs = [
        (_("Titel"), c.title),
        (_("Diarienummer"), c.case_number),
        (_("Steg"), labels.stage(c.stage)),
        (_("Nästa steg"), nxt),
        (_("Form"), d["form_name"]),
        (_("Organisationer"), "; ".join(f"{o.name} ({o.orgnr})" for o in d["organisations"])),
        (_("Initiativtagare"), _(labels.INITIATORS.get(c.initiator, c.initiator))),
        (_("Enhet"), c.unit),
        (_("Ansvarig chef"), c.manager),
        (_("Syfte"), c.purpose),
        (_("Samhällsutmaning"), c.challenge),
        (_("Politisk koppling"), c.policy_link),
        (_("Målgrupp"), c.target_group),
        (_("Verksamhet"), c.activity),
        (_("Deltagare"), c.participants),
        (_("Anvisning"), c.referral),
        (_("Period"), " – ".join(str(x) for x in (c.start, c.end) if x)),
    ]
    if c.form == "informal":  # the two facts informal collaboration depends on
        pairs += [(_("Ersättning utgår"), _("ja") if c.compensated else _("nej")),
                  (_("En org. särskiljs"), _("ja") if c.singles_out else _("nej"))]
    parts = [facts(pairs, width=19)]
    if d.get("form_answers"):  # what the questionnaire was told, shown to the decider
        parts.append(heading(_("Frågor om samverkansform")) + Text("".join(
            f"\n{core_text(q)} {core_text(a)}" for q, a in d["form_answers"])))
    if d["contributions"]:
        contrib = Text()
        for x in d["contributions"]:
            contrib.append(f"\n{x.party}: {_(labels.CATEGORIES.get(x.category, x.category))} "
                           f"{forms.kronor(x.amount)} kr")
        parts.append(heading(_("Bidrag per år")) + contrib)
    if d["records"]:
        parts.append(heading(_("Poster")) + records(d))
    if d.get("documents"):
        parts.append(heading(_("Dokument")) + documents(d["documents"]))
    if d["outbox"]:
        out = Text()
        for n in d["outbox"]:
            status = _(DELIVERY.get(n.get("status") or "", n.get("status") or ""))
            tries = n.get("attempts") or 0
            out.append(f"\n{n.get('recipient') or n.get('to', '')}: {n.get('subject', '')} · {status}"
                       + (_(" ({n} försök)").format(n=tries) if tries else ""))
        parts.append(heading(_("Meddelanden")) + out)
    text = join(*parts)
    latest = _latest_summary(d)
    if latest is None:
        return text
    return Group(text, Text(""), *latest)


def records(d: dict[str, Any]) -> Text:
    """The plugin records, each field by its label (a field the kind no longer has: its key)."""
    recs = Text()
    kinds = d["rules"].record_kinds
    for r in d["records"]:
        kind = kinds.get(r.kind)
        names = {f.key: f.label for f in kind.fields} if kind else {}
        label = kind.label if kind else r.kind
        values = ", ".join(f"{names.get(k, k)}: {labels.yes_no(v)}" for k, v in r.data.items()
                           if v not in (None, ""))
        recs.append(f"\n{label} ({r.recorded_by}, {r.recorded_at[:10]}): {values}")
    return recs


def documents(docs: list[Any]) -> Text:
    out = Text()
    for doc in docs:
        kind = _(labels.DOCUMENT_KINDS.get(doc.kind, doc.kind))
        where = (_("{name}, {size} byte, sha256 {digest}…").format(
            name=doc.filename or doc.title, size=doc.size, digest=doc.sha256[:12]) if doc.sha256 else "")
        ref = _("dnr {reference}").format(reference=doc.reference) if doc.reference else ""
        out.append(f"\n{kind}: {doc.title} " + " · ".join(p for p in (where, ref) if p))
    return out


def decision(d: dict[str, Any]) -> Text:
    dec = d["decision"]
    auth = d["rules"].authority
    who = facts([(_("Beslutas av"), auth.body or labels.authority(auth.kind)), (_("Källa"), str(auth.source))])
    if dec is None:
        body = Text(_("Inget beslut är registrerat."))
    else:
        body = facts([
            (_("Beslut"), _(labels.OUTCOMES.get(dec.outcome, dec.outcome))),
            (_("Beslutat av"), dec.decided_by),
            (_("Datum"), dec.decided_on),
            (_("Sammanträde"), dec.meeting_date),
            (_("Paragraf"), dec.minute_paragraph),
            (_("Motivering"), dec.motivation),
            (_("Överväganden"), dec.considerations),
            (_("Politiskt mål"), dec.policy_link),
        ])
    return join(who, body)


def agreement(d: dict[str, Any]) -> Text:
    c = d["collaboration"]
    if not forms.written_agreement(c.form):
        return Text(_("Informell samverkan har inget skriftligt avtal."))
    a = d["agreement"]
    titles = d.get("section_titles") or {s.key: s.title for s in d["rules"].sections}
    if a is None:
        body = Text(_("Inget avtal är registrerat."))
    else:
        body = facts([
            (_("Undertecknat"), a.signed_on), (_("Start"), a.start), (_("Slut"), a.end),
            (_("Mätbara mål"), a.goals), (_("Registrerat av"), a.signed_by),
        ])
        for key, value in a.sections.items():
            body.append(f"\n{titles.get(key, key)}: ", style="bold")
            body.append(value)
    sections = Text()
    for s in d["rules"].sections:
        mark = "*" if s.required else "·"
        sections.append(f"\n{mark} {s.title}")
    parts = [body]
    if sections:
        parts.append(heading(_("Avsnitt som avtalet ska innehålla")) + sections)
    return join(*parts)


def follow_ups(d: dict[str, Any]) -> RenderableType:
    """Each follow-up with who took part and its evaluation as the municipality's result
    table (else what was entered, labelled); then how the collaboration ended."""
    policy = d["rules"].follow_up
    parts: list[RenderableType] = []
    for f in d["follow_ups"]:
        tables = evaluation(policy, f.evaluation)
        raw = "" if tables is not None else ", ".join(f"{k}: {v}" for k, v in f.evaluation.items())
        body = facts([(_("Datum"), f.done_on), (_("Av"), f.recorded_by),
                      (_("Sammanfattning"), f.summary), (_("Måluppfyllelse"), f.goals_met),
                      (_("Gemensam"), _("ja") if f.joint else _("nej")),
                      (_("Utvärdering"), raw)])
        if f.participants:
            body.append("\n" + _("Deltog") + ":", style="bold")
            for party, who in f.participants.items():
                body.append(f"\n  {party}: {who}")
        if parts:
            parts.append(Text(""))
        parts.append(body)
        parts += tables or []
    t = d["termination"]
    if t is not None:
        if parts:
            parts.append(Text(""))
        parts.append(heading(_("Avslut")) + Text("\n") + facts([
            (_("Datum"), t.ended_on), (_("Typ"), _(labels.END_KINDS.get(t.kind, t.kind))),
            (_("Skäl"), t.reason), (_("Beslutat av"), t.decided_by),
            (_("Upphandlingsenheten"), _("ja") if t.procurement_unit_involved else _("nej")),
        ]))
    if not parts:
        parts.append(Text(_("Inga uppföljningar ännu.")))
    if all(isinstance(p, Text) for p in parts):  # no result table: one text
        return join(*[p for p in parts if p.plain])
    return Group(*parts)


def evaluation(policy: Any, data: dict[str, Any]) -> list[RenderableType] | None:
    """A stored evaluation as tables: the policy's summary (its key figures, then each
    section), else the entered values by their labels; None for a policy without a form
    or summary (the caller lists the data)."""
    from samverkan.domain.evaluation import entered, summarise

    if not data:
        return []
    summary = summarise(policy, data)
    if summary is not None:
        return [t for table in (summary, *summary.sections) for t in (Text(""), *report_table(table))]
    form = policy.evaluation_form if policy is not None else None
    if form is None:
        return None
    pairs, rows = entered(form, data)
    out: list[RenderableType] = [Text(""), facts(pairs, width=24)]
    if rows is not None:
        out += [Text(""), *report_table(rows)]
    return out


def _latest_summary(d: dict[str, Any]) -> list[RenderableType] | None:
    """The key figures of the latest evaluation with a summary, for the overview."""
    from samverkan.domain.evaluation import summarise

    policy = d["rules"].follow_up
    for f in reversed(d["follow_ups"]):
        summary = summarise(policy, f.evaluation)
        if summary is not None:
            title = _("Senaste utvärdering ({date})").format(date=f.done_on)
            return [heading(title), *report_table(ReportTable(summary.title, summary.columns, summary.rows))]
    return None


def report_table(table: ReportTable) -> list[RenderableType]:
    """A plugin's result table as the reports show it: its title, the rows (numbers
    right-aligned, with spaces between thousands), a totals row, and its notes."""
    from samverkan_tui.screens.reports import cell_text, numeric_columns

    numbers = numeric_columns(table)
    grid = Table(box=None, show_edge=False, pad_edge=False, padding=(0, 2, 0, 0), header_style="bold",
                 expand=False)
    for key, head in table.columns:
        grid.add_column(Text(head), justify="right" if key in numbers else "left", overflow="fold")
    for row in table.rows:
        grid.add_row(*[Text(cell_text(row.get(k))) for k, _h in table.columns])
    keys = {k for k, _h in table.columns}
    if any(k in keys and v not in (None, "") for k, v in table.totals.items()):
        grid.add_row(*[Text(cell_text(table.totals.get(k)), style="bold") for k, _h in table.columns])
    out: list[RenderableType] = [Text(table.title, style="bold"), grid]
    out += [Text(note, style="italic") for note in table.notes if note]
    return out


# -- the tables of the checklist, contributions and events tabs ----------------------------


def fill_checklist(table: DataTable, d: dict[str, Any]) -> None:
    row = table.cursor_row
    table.clear()
    answers = d["answers"]
    for item in d["checks"]:
        a = answers.get(item.id)
        text = Text(item.text)
        if a and a.note:
            text.append(f" – {a.note}", style="italic")
        table.add_row(cell(labels.answer(a.answer if a else None)), cell(labels.verb(item.source.level)),
                      text, key=item.id)
    if table.row_count:
        table.move_cursor(row=min(row, table.row_count - 1), animate=False)


def fill_contributions(table: DataTable, d: dict[str, Any], select: int | None) -> Text:
    """The lines, the cursor kept (or on line ``select``); returns the sum's sentence."""
    row = table.cursor_row
    table.clear()
    lines = d["contributions"]
    for x in lines:
        table.add_row(cell(str(x.id)), cell(x.party),
                      cell(_(labels.CATEGORIES.get(x.category, x.category))),
                      Text(forms.kronor(x.amount), justify="right"), key=str(x.id))
    if select is not None:
        row = next((i for i, x in enumerate(lines) if x.id == select), row)
    if table.row_count:
        table.move_cursor(row=min(row, table.row_count - 1), animate=False)
    if not lines:
        return Text(_("Inga bidrag är registrerade."))
    own = sum(x.amount for x in lines if x.is_municipality)
    total = sum(x.amount for x in lines)
    return Text(_("Summa per år: {total} kr, varav kommunen {own} kr.").format(
        total=forms.kronor(total), own=forms.kronor(own)))


def fill_events(table: DataTable, d: dict[str, Any]) -> None:
    kinds = {k: v.label for k, v in d["rules"].record_kinds.items()}
    table.clear()
    for e in d["events"]:
        table.add_row(cell(e.at[:19].replace("T", " ")), cell(e.actor), cell(labels.event(e.action, kinds)),
                      key=str(e.id))
