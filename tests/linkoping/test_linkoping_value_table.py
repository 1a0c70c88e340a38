"""The value table from the demo data reproduces seed 003's tables to the krona."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from samverkan.domain.query import CollabQuery

# Seed 003, "Översikt IOP inom arbetsmarknadsnämnden": name, organisations, participants,
# target group, referral, value/year, AN cost/year, activity; then the computed partners'
# share and AN share (domain brief c).
IOPS = [
    ("Hoppfull framtid", "Linköpings Stadsmission", "25 st.",
     "Nyanlända, vuxna, som har eller löper risk för försörjningsstöd. >20h/v.", "AMC.",
     2_080_500, 1_100_000, "Arbetsträning i arbetsteam: 2nd hand (butik); Café (café); Von Dufva (restaurangkök)",
     980_500, "52.87"),
    ("Kompletterande språkträning", "Bilda", "54 st vuxna; 60 st barn", "Föräldralediga, nyanlända.",
     "Familjecentralerna; Eget initiativ.", 897_626, 590_000, "Öva svenska dagtid, med barnpassning.",
     307_626, "65.73"),
    ("Bromodellen – Vägen till anställningsbarhet", "Erikshjälpen och Bilda", "58 st (5 st vidare till jobb)",
     "Nyanlända, vuxna, som har eller löper risk för försörjningsstöd. >10h/v.", "AMC.",
     1_791_200, 1_150_000, "Bildande insatser. Arbetspraktik i verkstad, butik.", 641_200, "64.20"),
    ("Inkludering på lika villkor", "IKF", "80 (20 nya, 2 st till arbete, 10 st till annan insats t ex sfi)",
     "Vuxna nyanlända, f a kvinnor men alla är välkomna. <10h/v.", "Team utreda; Eget initiativ.",
     454_000, 230_000, "Hälsogrupper m gemensam yoga, lätt jympa. Utflykter i Linköping.", 224_000, "50.66"),
    ("Språkvänner", "Linköping södra Röda korsetkrets",
     "Nyanlända: 205st; Etablerade: 92st; Matchningar: 76st; Språkvänspår: 88st",
     "Etablerade i Sverige samt nyanlända. Alla åldrar.", "Eget initiativ.",
     1_077_600, 600_000, "Språkcaféer, pop-up-caféer, walk n' talk. Språkvänsmatchning.", 477_600, "55.68"),
]
KEYS = ("title", "organisations", "participants", "target_group", "referral", "value", "board_cost",
        "activity", "partner_share", "board_share")

# Seed 003, "Övriga samverkansprojekt": project, partner, participants, AN cost 2019 (2020), until, activity.
# Drivbänk's cell reads "ESF: 1 350 000 kr (1 350 000 kr) Personalrel.kst: 550 000 kr (550 000 kr)": the
# ESF money is the ESF project's external funding, not the board's contribution, so the board's cost is
# the staff-related 550 000 kr a year and the ESF money is in the column of external funding (EXTERNAL).
PROJECTS = [
    ("Arena Ryds Herrgård", "Kårservice i Östergötland AB", "6 st (projektet startade okt 2019).",
     "120 875 kr (290 100 kr)", 120_875, 290_100, "juli 2021", "Arbetsträning i Ryds Herrgård."),
    ("Drivbänk", "Samordningsförbundet Centrala Östergötland", "15 st",
     "Personalrel.kst: 550 000 kr (550 000 kr)", 550_000, 550_000,
     "juli 2021", "Utbildning och arbetsträning"),
    ("Linkstep", "AB Stångåstaden", "Ca 35 st", "1 600 000 kr (2 500 000 kr)", 1_600_000, 2_500_000,
     "december 2020", "Coachning av deltagare och hjälp med CV i syfte att hitta arbete."),
]
PROJECT_KEYS = ("title", "organisations", "participants", "board_cost", "cost_2019", "cost_2020", "until", "activity")
#: the external funding of each project (seed 003: Drivbänk's ESF money, 2019 and, in brackets, 2020)
EXTERNAL = {"Arena Ryds Herrgård": "", "Drivbänk": "ESF: 1 350 000 kr (1 350 000 kr)", "Linkstep": ""}
#: the board's cost of the three projects, 2019 and 2020 (ESF money excluded)
PROJECT_TOTALS = {"title": "Totalt", "cost_2019": 120_875 + 550_000 + 1_600_000,
                  "cost_2020": 290_100 + 550_000 + 2_500_000}


@pytest.fixture
def demo(lkpg):
    """A Linköping database with the demo data loaded through the services."""
    from samverkan.services.demo import load_demo

    counts = load_demo(lkpg, "linkoping")
    assert counts == {"organisations": 8, "collaborations": 8}
    assert lkpg.registry.problems == []
    return lkpg


def test_report_rows_equal_the_seed_table(demo):
    table = demo.report("value-table")
    got = [tuple(row[k] for k in KEYS) for row in table.rows]
    expected = [(*iop[:-1], Decimal(iop[-1])) for iop in IOPS]
    assert got == expected


def test_report_totals_equal_the_seed(demo):
    table = demo.report("value-table")
    assert table.totals["value"] == 6_300_926
    assert table.totals["board_cost"] == 3_670_000
    assert table.totals["partner_share"] == 2_630_926
    assert table.totals["board_share"] == Decimal("58.25")
    assert sum(r["value"] for r in table.rows) == 6_300_926
    assert sum(r["board_cost"] for r in table.rows) == 3_670_000


def test_report_flags_the_two_iops_outside_the_benchmark(demo):
    table = demo.report("value-table")
    assert {r["title"]: r["benchmark"] for r in table.rows} == {
        "Hoppfull framtid": "inom", "Kompletterande språkträning": "över",
        "Bromodellen – Vägen till anställningsbarhet": "över", "Inkludering på lika villkor": "inom",
        "Språkvänner": "inom"}
    assert table.totals["benchmark"] == "inom"
    flagged = [n for n in table.notes if "ligger över riktmärket" in n]
    assert [n.split(":")[0] for n in flagged] == ["Kompletterande språkträning",
                                                  "Bromodellen – Vägen till anställningsbarhet"]


def test_report_other_projects_equal_the_seed_table(demo):
    section = demo.report("value-table").sections[0]
    assert section.title == "Övriga samverkansprojekt"
    assert dict(section.columns)["board_cost"] == "ANs kostnad 2019 (2020)"
    assert [tuple(r[k] for k in PROJECT_KEYS) for r in section.rows] == PROJECTS
    assert {r["title"]: r["external_funding"] for r in section.rows} == EXTERNAL
    assert dict(section.columns)["external_funding"] == "Extern finansiering 2019 (2020)"
    assert section.totals == PROJECT_TOTALS == {"title": "Totalt", "cost_2019": 2_270_875, "cost_2020": 3_340_100}
    assert any("ingår inte i nämndens kostnad" in n for n in section.notes)


def test_demo_went_through_the_lifecycle_with_board_decisions(demo):
    rows = demo.collaborations(CollabQuery(limit=100))
    assert [r["stage"] for r in rows] == ["active"] * 8
    assert all(r["is_example"] for r in rows)
    for row in rows:
        d = demo.detail(row["id"])
        decision = d["decision"]
        if d["collaboration"].form == "iop":
            # seed 003 names no delegation rule: the delegation order (core default) accepts
            # the board's decisions, recorded with meeting date and paragraph
            assert decision.authority == "board" and decision.body == "enligt kommunens delegationsordning"
            assert decision.meeting_date is not None and decision.minute_paragraph.startswith("§ ")
            assert [r.kind for r in d["records"]] == ["legal_assessment"]
            assert {c.is_municipality for c in d["contributions"]} == {True, False}
        else:
            assert decision.authority == "manager"
            kinds = {"project_cost", "external_funding"} if d["collaboration"].title == "Drivbänk" else {"project_cost"}
            assert {r.kind for r in d["records"]} == kinds
        assert d["agreement"].end is not None
    bromo = demo.detail(rows[2]["id"])
    assert [(c.party, c.amount) for c in bromo["contributions"]] == [
        ("Arbetsmarknadsnämnden", 1_150_000), ("Erikshjälpen och Bilda", 641_200)]
    assert all(o.is_example for o in demo.organisations())
    assert demo.verify_audit().ok


def test_report_is_empty_but_valid_without_data(lkpg):
    table = lkpg.report("value-table")
    assert table.rows == [] and table.totals == {}
    assert table.sections[0].rows == []


def test_report_leaves_out_iops_not_yet_decided(lkpg, orgnr):
    org = lkpg.register_organisation("Förening", orgnr(1))
    lkpg.register_initiative("Nytt initiativ", "iop", [org.id])
    assert lkpg.report("value-table").rows == []


# -- the CLI -----------------------------------------------------------------------


@pytest.fixture
def cli_demo(cli):
    result = cli("demo", "--municipality", "linkoping")
    assert result.exit_code == 0, result.output
    assert "8 organisations, 8 collaborations" in result.output
    return cli


def test_cli_csv_reproduces_the_seed_figures(cli_demo):
    result = cli_demo("report", "value-table", "--format", "csv")
    assert result.exit_code == 0, result.output
    blocks = result.output.split("\n\n")
    iop_rows = list(csv.reader(io.StringIO(blocks[0])))
    assert iop_rows[0] == ["IOP inom arbetsmarknadsnämnden"]
    header = iop_rows[1]
    col = {h: i for i, h in enumerate(header)}
    body = iop_rows[2:]
    assert [r[col["IOP"]] for r in body] == [i[0] for i in IOPS] + ["Totalt"]
    for row, iop in zip(body, IOPS, strict=False):
        assert row[col["Förening"]] == iop[1]
        assert row[col["Värde/år (kr)"]] == str(iop[5])
        assert row[col["ANs kostnad/år (kr)"]] == str(iop[6])
        assert row[col["Idéburna parters andel/år (kr)"]] == str(iop[8])
        assert row[col["ANs andel (%)"]] == iop[9]
        assert row[col["Aktivitet"]] == iop[7]
    total = body[-1]
    assert (total[col["Värde/år (kr)"]], total[col["ANs kostnad/år (kr)"]],
            total[col["Idéburna parters andel/år (kr)"]], total[col["ANs andel (%)"]]) == (
        "6300926", "3670000", "2630926", "58.25")
    projects = list(csv.reader(io.StringIO(blocks[1])))
    assert projects[0] == ["Övriga samverkansprojekt"]
    assert projects[2][:6] == ["Arena Ryds Herrgård", "Kårservice i Östergötland AB",
                               "6 st (projektet startade okt 2019).", "120 875 kr (290 100 kr)", "120875", "290100"]
    assert projects[3][3] == "Personalrel.kst: 550 000 kr (550 000 kr)"
    assert projects[3][6] == "ESF: 1 350 000 kr (1 350 000 kr)"


def test_cli_markdown_reproduces_the_seed_figures(cli_demo):
    result = cli_demo("report", "value-table", "--format", "markdown")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "## IOP inom arbetsmarknadsnämnden" in out and "## Övriga samverkansprojekt" in out
    lines = out.splitlines()
    hoppfull = next(line for line in lines if line.startswith("| Hoppfull framtid |"))
    assert "| 2 080 500 | 1 100 000 | 980 500 | 52.87 | inom |" in hoppfull
    bromo = next(line for line in lines if line.startswith("| Bromodellen"))
    assert "| Erikshjälpen och Bilda |" in bromo and "| 1 791 200 | 1 150 000 | 641 200 | 64.20 | över |" in bromo
    total = next(line for line in lines if line.startswith("| Totalt |") and "6 300 926" in line)
    assert "| 6 300 926 | 3 670 000 | 2 630 926 | 58.25 | inom |" in total
    for _, _, _, _, _, value, cost, _, _, share in IOPS:
        assert f"| {value:,} | {cost:,} |".replace(",", " ") in out
        assert f"| {share} |" in out
    linkstep = next(line for line in lines if line.startswith("| Linkstep |"))
    assert [c.strip() for c in linkstep.strip("|").split("|")][:8] == [
        "Linkstep", "AB Stångåstaden", "Ca 35 st", "1 600 000 kr (2 500 000 kr)", "1 600 000", "2 500 000", "",
        "december 2020"]
    drivbank = next(line for line in lines if line.startswith("| Drivbänk |"))
    assert "| Personalrel.kst: 550 000 kr (550 000 kr) | 550 000 | 550 000 | ESF: 1 350 000 kr (1 350 000 kr) |" in drivbank


def test_cli_json_and_text(cli_demo):
    data = json.loads(cli_demo("report", "value-table", "--format", "json").output)
    assert [t["title"] for t in data] == ["IOP inom arbetsmarknadsnämnden", "Övriga samverkansprojekt"]
    assert data[0]["totals"]["value"] == 6_300_926 and data[0]["totals"]["board_share"] == "58.25"
    text = cli_demo("report", "value-table").output
    assert "6 300 926" in text and "58.25" in text
    assert cli_demo("audit", "verify").exit_code == 0
