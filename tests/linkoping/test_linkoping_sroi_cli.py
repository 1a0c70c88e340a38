"""SROI from the command line as an officer types it: ``--figure`` and ``--outcome``
(positional or key=value) or ``--outcomes-csv``; the result printed as a table, in
``collab follow-up`` and ``collab show``; a bad value refused naming the row and field,
nothing stored."""

from __future__ import annotations

import json

import pytest

FIGURES = ("--figure", "investment=400 000", "--figure", "years=3", "--figure", "discount_rate=3,5")
OUTCOME_A = "Deltagare i arbete;10;50000;20;10;25;50"
OUTCOME_B = ("name=Minskat försörjningsstöd;quantity=4;proxy=25000;deadweight=0;displacement=0;"
             "attribution=0;drop_off=0;duration=1")


@pytest.fixture
def lkpg_cli(cli):
    """The CLI on Linköping's demo data (collaboration 1: an active IOP)."""
    result = cli("demo", "-m", "linkoping")
    assert result.exit_code == 0, result.output

    def run(*args: str, code: int = 0):
        result = cli(*args)
        assert result.exit_code == code, result.output
        return result.output

    return run


def follow_ups(run) -> list[dict]:
    return json.loads(run("collab", "show", "1", "--json"))["follow_ups"]


def test_outcomes_as_options_give_the_hand_calculated_result(lkpg_cli):
    out = lkpg_cli("collab", "follow-up", "1", "--summary", "Första året", "--date", "2026-11-20", *FIGURES,
                   "--outcome", OUTCOME_A, "--outcome", OUTCOME_B)
    assert "follow-up recorded for collaboration 1 on 2026-11-20" in out
    lines = out.splitlines()
    for expected in ("Nuvärde (kr)", "544 393"), ("Nettonuvärde (kr)", "144 393"), ("SROI-kvot", "1.36"), \
            ("Deltagare i arbete", "447 775"), ("Minskat försörjningsstöd", "96 618"), ("Summa", "544 393"):
        assert any(all(part in line for part in expected) for line in lines), (expected, out)
    assert "{'" not in out and "discount_rate" not in out  # a table, not a dump
    [stored] = follow_ups(lkpg_cli)
    assert stored["evaluation"]["sroi"]["present_value"] == 544_393
    assert stored["evaluation"]["outcomes"][0]["deadweight"] == 0.2  # typed as 20 (%)
    shown = lkpg_cli("collab", "show", "1")
    assert "follow-up 2026-11-20: Första året" in shown and "544 393" in shown and "Per utfall" in shown
    # an active collaboration shows what its next follow-up's evaluation asks for
    assert "investment     Investering (kr)" in shown


def test_outcomes_from_a_csv_file_with_swedish_headings(lkpg_cli, tmp_path):
    path = tmp_path / "utfall.csv"
    path.write_text("\ufeffBeskrivning av utfallet;Antal personer;Värde per person och år (kr);Dödvikt (%);"
                    "Undanträngning (%);Tillskrivning (%);Avtagande per år (%);Varaktighet (år)\n"
                    "Deltagare i arbete;10;50 000;20;10;25;50;\n"
                    "Minskat försörjningsstöd;4;25 000;0;0;0;0;1\n", encoding="utf-8")
    out = lkpg_cli("collab", "follow-up", "1", "--summary", "Från fil", *FIGURES, "--outcomes-csv", str(path))
    assert "544 393" in out
    assert follow_ups(lkpg_cli)[0]["evaluation"]["sroi"]["ratio"] == 1.36


@pytest.mark.parametrize(("args", "message"), [
    (("--outcome", "Deltagare i arbete;8 deltagare;50000;20;10;25;50"),
     "Utfall 1, Antal personer: not a whole number: '8 deltagare'"),
    (("--outcome", OUTCOME_A, "--outcome", "Minskat;4;25000;0;0;0;120"),
     "Utfall 2, Avtagande per år (%): must be at most 100, got 120"),
    (("--outcome", OUTCOME_A + ";4"), "Utfall 1, Varaktighet (år): must be at most 3, got 4"),
    (("--outcome", "name=A;people=3"), "write every value as key=value, one of: name, quantity"),
    ((), "Utfall: give at least one row"),
])
def test_a_bad_value_is_refused_naming_row_and_field(lkpg_cli, args, message):
    out = lkpg_cli("collab", "follow-up", "1", "--summary", "Fel", *FIGURES, *args, code=1)
    assert message in out
    assert follow_ups(lkpg_cli) == []


def test_a_bad_csv_line_is_named(lkpg_cli, tmp_path):
    path = tmp_path / "utfall.csv"
    path.write_text("name,quantity,proxy,deadweight,displacement,attribution,drop_off\n"
                    "A,1,100,0,0,0,0\nB,x,1,1,1,1,1\n", encoding="utf-8")
    out = lkpg_cli("collab", "follow-up", "1", "--summary", "Fel", *FIGURES, "--outcomes-csv", str(path), code=1)
    assert f"{path}, line 3: Utfall 2, Antal personer: not a whole number: 'x'" in out
    path.write_text("name;weight\nA;1\n", encoding="utf-8")
    out = lkpg_cli("collab", "follow-up", "1", "--summary", "Fel", *FIGURES, "--outcomes-csv", str(path), code=1)
    assert "line 1: unknown column 'weight'" in out
    assert follow_ups(lkpg_cli) == []


def test_a_form_without_an_evaluation_form_and_mixed_options_are_refused(lkpg_cli):
    # collaboration 6 is a procurement: its follow-up has no evaluation form
    out = lkpg_cli("collab", "follow-up", "6", "--summary", "X", *FIGURES, "--outcome", OUTCOME_A, code=1)
    assert "has no evaluation form" in out
    out = lkpg_cli("collab", "follow-up", "1", "--summary", "X", "--evaluation", "{}", *FIGURES, code=2)
    assert "not both" in out


def test_the_help_documents_the_options_with_an_example(lkpg_cli):
    out = lkpg_cli("collab", "follow-up", "--help")
    for text in ("--figure KEY=VALUE", "--outcome ROW", "--outcomes-csv FILE", "25 for 25 %",
                 '--outcome "Deltagare i arbete;10;50000;20;10;25;50"', "name=Deltagare i arbete"):
        assert text in out
