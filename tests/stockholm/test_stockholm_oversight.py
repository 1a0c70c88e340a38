"""The auditors' questions (issue 13): a Stockholm database where each question has known
answers, the core's audit reports in the services and the CLI (text and JSON), and the
files officers hand on: Excel read back with openpyxl, the Excel-friendly CSV read back
as a Swedish spreadsheet would, the decision record's PDF read back with pypdf."""

from __future__ import annotations

import csv
import json

import openpyxl
import pytest
from pypdf import PdfReader
from sthlm_helpers import Walk

from samverkan.services import ConfirmationNeeded
from samverkan.services.oversight import AUDIT_REPORTS

CHALLENGE = "Långvarig arbetslöshet bland föräldralediga nyanlända."


def iop_running_since(walk: Walk, months: int, **fields) -> int:
    """An active IOP whose agreement started ``months`` ago."""
    cid = walk.new("iop", **fields)
    # the preparatory group and the pre-study come before the agreement is signed
    walk.consult(cid, on=walk.months_ago(months + 2))
    walk.s.add_record(cid, "prestudy", {"need": "Behov", "design": "Utformning", "shared_goals": "Mål",
                                        "date": walk.months_ago(months + 3).isoformat()})
    walk.answer_all(cid)
    walk.decide(cid, decided_on=walk.months_ago(months + 1))
    walk.contribute(cid)
    walk.agree(cid, signed_on=walk.months_ago(months), start=walk.months_ago(months))
    walk.s.advance(cid, "agreement")
    walk.s.advance(cid, "active")
    return cid


def everyone(walk: Walk, cid: int) -> dict[str, str]:
    return {p.name: "Någon för parten" for p in walk.s.parties(cid)}


@pytest.fixture
def audited(walk: Walk) -> dict[str, int]:
    """Collaborations with known answers to each audit question."""
    s = walk.s
    ids = {
        # documented and followed up jointly five months ago
        "good": iop_running_since(walk, 14, challenge=CHALLENGE),
        # no challenge documented; followed up, but only by the municipality
        "lonely": iop_running_since(walk, 14),
        # documented, never followed up although it started 14 months ago
        "never": iop_running_since(walk, 14, challenge=CHALLENGE),
        # documented, started two months ago: nothing is due yet
        "young": iop_running_since(walk, 2, challenge=CHALLENGE),
    }
    s.record_follow_up(ids["good"], "Gemensam uppföljning", done_on=walk.months_ago(5),
                       participants=everyone(walk, ids["good"]))
    municipality = s.parties(ids["lonely"])[0].name
    s.record_follow_up(ids["lonely"], "Bara förvaltningen", done_on=walk.months_ago(5),
                       participants={municipality: "Handläggaren"})
    # an informal collaboration decided without considerations (no gate asks for them there:
    # the checklist's answers and the decision are its documentation, AMF 2024 s. 7)
    ids["informal"] = walk.ready("informal", challenge=CHALLENGE)
    s.decide(ids["informal"], "start", "Ryms i uppdraget.", "")
    # an IOP declined without considerations in June 2024, before AMF's guidelines of
    # November 2024 required the basis of a decision to decline to be documented
    ids["declined"] = walk.ready("iop", challenge=CHALLENGE)
    s.decide(ids["declined"], "decline", "Behovet täcks redan.", "", decided_on="2024-06-03")
    # an IOP decided without a pre-study: advisory ("bör"), confirmed by the decider
    ids["advised"] = walk.new("iop", challenge=CHALLENGE)
    walk.consult(ids["advised"])
    walk.answer_all(ids["advised"])
    with pytest.raises(ConfirmationNeeded):
        s.decide(ids["advised"], "start", "Behovet är känt.", "Föreningens initiativ; ingen marknad.")
    s.decide(ids["advised"], "start", "Behovet är känt.", "Föreningens initiativ; ingen marknad.", confirm=True)
    return ids


def report_ids(s, key: str) -> list[int]:
    return sorted(r["id"] for r in s.report(key).rows)


def test_each_audit_question_lists_exactly_the_collaborations_that_answer_it(walk, audited):
    s = walk.s
    # (a) the IOP without a documented challenge (declined ones are not the portfolio)
    assert report_ids(s, "audit-links") == [audited["lonely"]]
    links = s.report("audit-links")
    assert str(links.rows[0]["missing"]) == "societal challenge"
    assert links.sections[0].rows == [{"form": "Idéburet offentligt partnerskap (IOP)",
                                       "unit": "-", "count": 1}]
    # (b) both decisions without considerations, with who decided and when
    rows = {r["id"]: r for r in s.report("audit-considerations").rows}
    assert sorted(rows) == sorted([audited["informal"], audited["declined"]])
    assert rows[audited["declined"]]["decided_by"] == s.actor
    assert str(rows[audited["declined"]]["missing"]) == "considerations"
    # (c) never followed up, and followed up but not jointly; the young one is not due yet
    follow = {r["id"]: str(r["status"]) for r in s.report("audit-follow-up").rows}
    assert follow == {audited["lonely"]: "never followed up jointly",
                      audited["never"]: "never followed up"}
    # (d) the decision that went ahead past its advisory finding, with the finding's rule
    (advised,) = s.report("audit-advisories").rows
    assert advised["id"] == audited["advised"] and advised["confirmed_by"] == s.actor
    assert "stockholm.iop.prestudy" in advised["findings"]


def test_the_cli_prints_the_reports_as_text_and_json(walk, audited, cli):
    db = walk.s.database
    listing = cli("report", db_path=db)
    assert all(key in listing.output for key in AUDIT_REPORTS)
    text = cli("report", "audit-follow-up", db_path=db)
    assert text.exit_code == 0 and "never followed up jointly" in text.output
    data = json.loads(cli("report", "audit-follow-up", "--format", "json", db_path=db).output)
    assert sorted(r["id"] for r in data[0]["rows"]) == sorted([audited["lonely"], audited["never"]])
    refused = cli("report", "audit-links", "--format", "xlsx", db_path=db)
    assert refused.exit_code != 0 and "give -o FILE" in refused.output


def test_excel_workbook_and_excel_csv_read_back(walk, audited, tmp_path):
    s = walk.s
    book = tmp_path / "links.xlsx"
    assert s.export_report("audit-links", book) == [book]
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Societal challenge and policy l", "Per form and unit"]
    sheet = wb.worksheets[0]
    assert [c.value for c in sheet[3]] == ["Id", "Title", "Form", "Unit", "Stage", "Not documented"]
    assert sheet.cell(4, 1).value == audited["lonely"] and sheet.cell(4, 1).data_type == "n"
    assert wb.worksheets[1].cell(4, 3).value == 1
    # CSV for Excel: semicolons, UTF-8 with a byte-order mark, one table per file
    written = s.export_report("audit-links", tmp_path / "links.csv", "csv-excel")
    assert [p.name for p in written] == ["links.csv", "links-2.csv"]
    raw = written[1].read_bytes()
    assert raw.startswith("\ufeff".encode())
    with written[1].open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh, delimiter=";"))
    assert table == [["Form", "Unit", "Count"], ["Idéburet offentligt partnerskap (IOP)", "-", "1"]]


def test_the_decision_record_pdf_holds_the_findings_considerations_and_head_hash(walk, audited, tmp_path):
    s = walk.s
    # an IOP decided with considerations but no policy link: an advisory finding, confirmed
    cid = walk.ready("iop", challenge=CHALLENGE, policy_link="")
    with pytest.raises(ConfirmationNeeded) as refused:
        s.decide(cid, "start", "Behovet är utrett.", "Vägt mot upphandling; ingen annan aktör finns.")
    s.decide(cid, "start", "Behovet är utrett.", "Vägt mot upphandling; ingen annan aktör finns.", confirm=True)
    findings = refused.value.findings
    assert findings
    pdf = tmp_path / "beslutsunderlag.pdf"
    s.export_record(cid, pdf)
    flat = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    joined = flat.replace(" ", "")
    for f in findings:  # every finding at the decision, with its rule and its source
        assert f.rule_id in joined, f.rule_id
        assert str(f.source).split(" (")[0].replace(" ", "") in joined, f.source
    assert "Vägt mot upphandling; ingen annan aktör finns." in flat  # the considerations
    assert "Behovet är utrett." in flat  # the motivation
    _, head = s.store.audit_head()
    assert head[:16] in joined  # the footer's head hash (it may wrap)


def test_list_exports_write_real_workbooks_and_excel_csv(walk, audited, cli, tmp_path):
    db = walk.s.database
    book = tmp_path / "samverkan.xlsx"
    done = cli("collab", "export", "-o", str(book), db_path=db)
    assert done.exit_code == 0, done.output
    sheet = openpyxl.load_workbook(book).worksheets[0]
    assert [c.value for c in sheet[3]][:4] == ["id", "title", "form", "stage"]
    ids = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert sorted(ids) == sorted(audited.values()) and all(isinstance(i, int) for i in ids)
    walk.s.register_organisation("Åsa och Ängens förening", "802479-9986")
    sheet_csv = tmp_path / "organisationer.csv"
    assert cli("org", "export", "--format", "csv-excel", "-o", str(sheet_csv), db_path=db).exit_code == 0
    raw = sheet_csv.read_bytes()
    assert raw.startswith("\ufeff".encode()) and b"\r\n" in raw
    with sheet_csv.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0][:3] == ["id", "name", "orgnr"] and rows[1][1] == "Förening 1"
    assert "Åsa och Ängens förening" in {r[1] for r in rows}  # å, ä and ö read back
