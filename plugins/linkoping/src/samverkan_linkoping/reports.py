"""The value table: the board's overview of its IOPs and other collaboration projects.

Modelled on the tables of seed 003 ("Översikt IOP inom arbetsmarknadsnämnden" and
"Övriga samverkansprojekt"): per IOP the organisations, participants, target group,
referral, value per year, the board's cost per year and the activity, plus the computed
partners' share and the board's share in percent against the "about half" benchmark;
then the other projects with the board's cost per year and, apart from it, the money a
project has from an external funder (Drivbänk's ESF money: the project's funding, not the
board's cost). Everything is read through the
:class:`~samverkan.domain.reading.ReadSession` the report is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from samverkan.domain.errors import ValidationError
from samverkan.domain.gate_kinds import percent_text
from samverkan.domain.money import format_kronor, parse_kronor
from samverkan.domain.query import CollabQuery
from samverkan.domain.rules import ReportTable
from samverkan_linkoping import data
from samverkan_linkoping.valuation import POSITION_TEXT, add, benchmark_position, value_of

if TYPE_CHECKING:
    from samverkan.domain.reading import ReadSession

#: Collaborations the board runs: decided, under agreement or active.
CURRENT_STAGES = ("decided", "agreement", "active")
#: Forms shown as "other collaboration projects" (informal ones have no cost to report).
PROJECT_FORMS = ("grant", "procurement", "external", "employer")
PAGE = 200

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december")


def _current(services: ReadSession, form: str) -> Iterator[dict[str, Any]]:
    """Detail of every collaboration of ``form`` in a current stage, oldest first (paged)."""
    offset = 0
    while True:
        rows = services.collaborations(CollabQuery(form=form, sort="id", limit=PAGE, offset=offset))
        for row in rows:
            if row["stage"] in CURRENT_STAGES:
                yield services.detail(row["id"])
        if len(rows) < PAGE:
            return
        offset += PAGE


def _org_names(detail: dict[str, Any]) -> str:
    return " och ".join(o.name for o in detail["organisations"])


def _month(day: dt.date | None) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}" if day else ""


def _iop_table(services: ReadSession) -> ReportTable:
    tol = percent_text(data.benchmark_tolerance())
    target = percent_text(data.benchmark_share())
    rows, valuations, notes = [], [], []
    for d in _current(services, "iop"):
        c = d["collaboration"]
        v = value_of(d["contributions"])
        valuations.append(v)
        position = benchmark_position(v)
        rows.append({
            "id": c.id, "title": c.title, "organisations": _org_names(d),
            "participants": c.participants, "target_group": c.target_group, "referral": c.referral,
            "value": v.value, "board_cost": v.municipality, "partner_share": v.partners,
            "board_share": v.municipal_percent,
            "benchmark": POSITION_TEXT.get(position or "", ""),
            "activity": c.activity,
        })
        if position in ("above", "below"):
            notes.append(f"{c.title}: nämndens andel {v.municipal_percent} % ligger "
                         f"{POSITION_TEXT[position]} riktmärket {target} % ± {tol} procentenheter.")
    total = add(valuations)
    totals = {"title": "Totalt", "value": total.value, "board_cost": total.municipality,
              "partner_share": total.partners, "board_share": total.municipal_percent,
              "benchmark": POSITION_TEXT.get(benchmark_position(total) or "", "")} if rows else {}
    notes.insert(0, "Värde/år = alla parters insatser per år (personal, lokaler, administration, material, "
                    f"pengar), {data.value_source()}. ANs andel = nämndens kostnad ÷ värdet; riktmärke cirka "
                    f"{target} % ± {tol} procentenheter ({data.benchmark_source()}).")
    return ReportTable(
        title=f"IOP inom {data.municipality().organisation.lower()}",
        columns=[
            ("title", "IOP"), ("organisations", "Förening"), ("participants", "Antal deltagare"),
            ("target_group", "Målgrupp"), ("referral", "Anvisning"), ("value", "Värde/år (kr)"),
            ("board_cost", "ANs kostnad/år (kr)"), ("partner_share", "Idéburna parters andel/år (kr)"),
            ("board_share", "ANs andel (%)"), ("benchmark", f"Riktmärke {target} % ± {tol}"),
            ("activity", "Aktivitet"),
        ],
        rows=rows, totals=totals, notes=notes,
    )


def _costs(detail: dict[str, Any], problems: list[str], kind: str = data.PROJECT_COST,
           item_field: str = "item") -> dict[str, dict[str, int]]:
    """The amounts of the project's records of ``kind`` as {item: {year: amount}} (items in
    the order entered): the board's costs, or with ``kind`` external_funding and
    ``item_field`` "funder" the money from external funders."""
    costs: dict[str, dict[str, int]] = {}
    for r in detail["records"]:
        if r.kind != kind:
            continue
        year, item = str(r.data.get("year") or "").strip(), r.data.get(item_field) or ""
        try:
            if not (len(year) == 4 and year.isdigit()):
                raise ValidationError(f"year: not a year (ÅÅÅÅ): {year!r}", "year")
            amount = parse_kronor(r.data.get("amount"), "amount")
        except ValidationError as exc:
            what = "kostnadsposten" if kind == data.PROJECT_COST else "den externa finansieringen"
            problems.append(f"{detail['collaboration'].title}: {what} kunde inte läsas ({exc}); den är utelämnad.")
            continue
        per_year = costs.setdefault(item, {})
        per_year[year] = per_year.get(year, 0) + amount
    return costs


def _cost_text(costs: dict[str, dict[str, int]], years: list[str]) -> str:
    parts = []
    for item, per_year in costs.items():
        amounts = [format_kronor(per_year[y]) if y in per_year else "–" for y in years]
        text = amounts[0] + (f" ({', '.join(amounts[1:])})" if amounts[1:] else "")
        parts.append(f"{item}: {text}" if item else text)
    return "; ".join(parts)


def _projects_table(services: ReadSession) -> ReportTable:
    found, problems = [], []
    for form in PROJECT_FORMS:
        for d in _current(services, form):
            found.append((d, _costs(d, problems), _costs(d, problems, data.EXTERNAL_FUNDING, "funder")))
    found.sort(key=lambda entry: entry[0]["collaboration"].id)
    years = sorted({y for _, costs, funding in found for amounts in (costs, funding)
                    for per_year in amounts.values() for y in per_year})
    rows, totals = [], {f"cost_{y}": 0 for y in years}
    for d, costs, funding in found:
        c, agreement = d["collaboration"], d["agreement"]
        row = {"id": c.id, "title": c.title, "organisations": _org_names(d), "participants": c.participants,
               "board_cost": _cost_text(costs, years), "external_funding": _cost_text(funding, years),
               "until": _month((agreement and agreement.end) or c.end), "activity": c.activity}
        for y in years:
            amount = sum(per_year.get(y, 0) for per_year in costs.values())
            row[f"cost_{y}"] = amount
            totals[f"cost_{y}"] += amount
        rows.append(row)
    when = (f" {years[0]}" if years else "") + (f" ({', '.join(years[1:])})" if years[1:] else "")
    notes = list(problems)
    if any(funding for _, _, funding in found):
        notes.insert(0, "Extern finansiering (till exempel ESF) är pengar projektet får från en extern "
                        "finansiär; den ingår inte i nämndens kostnad.")
    return ReportTable(
        title="Övriga samverkansprojekt",
        columns=[("title", "Projekt"), ("organisations", "Samverkanspart"), ("participants", "Antal deltagare"),
                 ("board_cost", "ANs kostnad" + when), *((f"cost_{y}", f"ANs kostnad {y} (kr)") for y in years),
                 ("external_funding", "Extern finansiering" + when),
                 ("until", "Till och med"), ("activity", "Aktivitet")],
        rows=rows, totals={"title": "Totalt", **totals} if rows and years else {},
        notes=notes,
    )


def value_table(services: ReadSession) -> ReportTable:
    """Build the value table: the IOP overview with a section for the other projects."""
    table = _iop_table(services)
    table.sections.append(_projects_table(services))
    return table
