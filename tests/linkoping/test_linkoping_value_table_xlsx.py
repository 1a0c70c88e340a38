"""The value table as an Excel workbook (issue 13): opened with openpyxl as a user's
program would, both sheets equal seed 003 to the krona and the share, as numbers."""

from __future__ import annotations

import openpyxl
from test_linkoping_value_table import IOPS, PROJECTS

from samverkan.services.demo import load_demo


def test_the_value_table_workbook_equals_seed_003(lkpg, tmp_path):
    load_demo(lkpg, "linkoping")
    book = tmp_path / "vardetabell.xlsx"
    assert lkpg.export_report("value-table", book) == [book]
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["IOP inom arbetsmarknadsnämnden", "Övriga samverkansprojekt"]

    iop = wb.worksheets[0]
    headings = [c.value for c in iop[3]]
    assert headings[:6] == ["IOP", "Förening", "Antal deltagare", "Målgrupp", "Anvisning", "Värde/år (kr)"]
    col = {h: i for i, h in enumerate(headings)}
    rows = {r[0]: r for r in iop.iter_rows(min_row=4, values_only=True) if r[0]}
    for title, org, _p, _t, _r, value, cost, _a, partners, share in IOPS:
        row = rows[title]
        assert row[col["Förening"]] == org
        assert row[col["Värde/år (kr)"]] == value and isinstance(row[col["Värde/år (kr)"]], int)
        assert row[col["ANs kostnad/år (kr)"]] == cost
        assert row[col["Idéburna parters andel/år (kr)"]] == partners
        assert f"{row[col['ANs andel (%)']]:.2f}" == share
    total = rows["Totalt"]
    assert (total[col["Värde/år (kr)"]], total[col["ANs kostnad/år (kr)"]]) == (6_300_926, 3_670_000)
    assert f"{total[col['ANs andel (%)']]:.2f}" == "58.25"
    assert iop.cell(4, col["Värde/år (kr)"] + 1).number_format == "#,##0"

    other = wb.worksheets[1]
    projects = {r[0]: r for r in other.iter_rows(min_row=4, values_only=True) if r[0]}
    for title, partner, _p, _cost, c2019, c2020, until, _a in PROJECTS:
        assert projects[title][1] == partner
        assert c2019 in projects[title] and c2020 in projects[title] and until in projects[title]
