"""``samverkan org import`` / ``org export`` / ``collab export`` through the real click group."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BAD_CHECK_DIGIT = "802000-0000"


@pytest.fixture
def db(cli):
    """The CLI's database, initialised for Stockholm."""
    result = cli("init", "--municipality", "stockholm")
    assert result.exit_code == 0, result.output


def names(cli, db_path: Path | None = None) -> list[str]:
    kwargs = {"db_path": db_path} if db_path else {}
    return sorted(o["name"] for o in json.loads(cli("org", "list", "--json", **kwargs).stdout))


def test_good_file_exit_0_and_summary(cli, db, orgnr, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text(f"name;orgnr;legal_form;contact\nEtt;{orgnr(1)};;\nTvå;{orgnr(2)};stiftelse;t@x.se\n",
                    encoding="utf-8-sig")
    result = cli("org", "import", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout == "imported 2, skipped 0 (already registered), 0 invalid\n"
    assert result.stderr == ""  # not a terminal: no progress bar
    assert names(cli) == ["Ett", "Två"]

    again = cli("org", "import", str(path))
    assert again.exit_code == 0
    assert again.stdout == "imported 0, skipped 2 (already registered), 0 invalid\n"


def test_bad_rows_exit_1_with_line_numbers_and_the_good_rows_stored(cli, db, orgnr, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(f"name,orgnr\nEtt,{orgnr(1)}\n\nFel,{BAD_CHECK_DIGIT}\n,{orgnr(3)}\nTre,{orgnr(4)}\n",
                    encoding="utf-8")
    result = cli("org", "import", str(path))
    assert result.exit_code == 1
    assert result.stdout == "imported 2, skipped 0 (already registered), 2 invalid\n"
    assert result.stderr.splitlines() == [
        "line 4: invalid organisation number '802000-0000': the check digit is wrong",
        "line 5: name: must not be empty",
    ]
    assert names(cli) == ["Ett", "Tre"]


def test_dry_run_reports_and_stores_nothing(cli, db, orgnr, tmp_path):
    path = tmp_path / "orgs.json"
    path.write_text(json.dumps([{"name": "Ett", "orgnr": orgnr(1)}, {"name": "Fel", "orgnr": BAD_CHECK_DIGIT}]))
    result = cli("org", "import", str(path), "--dry-run")
    assert result.exit_code == 1
    assert result.stdout.startswith("dry run: would import 1, skip 0 (already registered), 1 invalid")
    assert result.stderr.startswith("line 1: invalid organisation number")
    assert names(cli) == []


@pytest.mark.parametrize(("name", "content", "fmt", "expected"), [
    ("missing.csv", None, None, "missing.csv: no such file"),
    ("broken.json", '[{"name": "A", }]', None, "broken.json: not valid JSON: Expecting property name"),
    ("orgs.csv", '{"name": "A"}', "json", "orgs.csv: not valid JSON: expected a list of objects"),
    ("latin1.csv", None, None, "latin1.csv: line 2 is not UTF-8 text"),
])
def test_unreadable_file_gives_one_line(cli, db, tmp_path, name, content, fmt, expected):
    path = tmp_path / name
    if name == "latin1.csv":
        path.write_bytes("name;orgnr\nGöteborgs IF;802000-0017\n".encode("cp1252"))
    elif content is not None:
        path.write_text(content)
    result = cli("org", "import", str(path), *(["--format", fmt] if fmt else []))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert expected in result.stderr and "Traceback" not in result.stderr


def test_export_and_import_round_trip_between_databases(cli, db, orgnr, tmp_path):
    for n, name in ((1, "Stadsmissionen"), (2, 'Förening "Citat"; med, komma'), (3, "[bold]Fet[/bold]")):
        assert cli("org", "add", name, "--orgnr", orgnr(n), "--contact", f"c{n}@x.se").exit_code == 0
    text = cli("org", "export")
    assert text.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(text.stdout)))
    assert [r["name"] for r in rows] == ['Förening "Citat"; med, komma', "Stadsmissionen", "[bold]Fet[/bold]"]
    assert list(rows[0]) == ["id", "name", "orgnr", "legal_form", "contact", "is_example"]

    out = tmp_path / "orgs.json"
    written = cli("org", "export", "-o", str(out))
    assert written.exit_code == 0 and written.stdout == ""
    assert written.stderr == f"3 row(s) written to {out}\n"
    assert [o["orgnr"] for o in json.loads(out.read_text())] == [orgnr(2), orgnr(1), orgnr(3)]

    other = tmp_path / "other.db"
    assert cli("init", "--municipality", "stockholm", db_path=other).exit_code == 0
    imported = cli("org", "import", str(out), db_path=other)
    assert imported.exit_code == 0 and imported.stdout.startswith("imported 3,")
    assert names(cli, other) == names(cli)


def test_export_format_option_wins_over_the_suffix(cli, db, orgnr, tmp_path):
    cli("org", "add", "Ett", "--orgnr", orgnr(1))
    out = tmp_path / "orgs.txt"
    assert cli("org", "export", "--format", "json", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text())[0]["name"] == "Ett"
    as_json = cli("org", "export", "--format", "json")
    assert json.loads(as_json.stdout)[0]["orgnr"] == orgnr(1)


def test_collab_export(cli, db, orgnr, tmp_path):
    cli("org", "add", "Förening", "--orgnr", orgnr(1))
    assert cli("collab", "add", "Språkcafé", "--form", "iop", "--org", orgnr(1), "--unit", "AMF").exit_code == 0
    assert cli("collab", "add", "Promenad", "--form", "informal", "--org", orgnr(1)).exit_code == 0
    assert cli("collab", "advance", "1", "--to", "preparation").exit_code == 0
    rows = list(csv.DictReader(io.StringIO(cli("collab", "export").stdout)))
    assert [(r["title"], r["stage"], r["organisations"]) for r in rows] == [
        ("Språkcafé", "preparation", "Förening"), ("Promenad", "initiative", "Förening")]
    only = json.loads(cli("collab", "export", "--format", "json", "--stage", "initiative").stdout)
    assert [r["title"] for r in only] == ["Promenad"] and only[0]["is_example"] is False
    out = tmp_path / "c.csv"
    assert cli("collab", "export", "--form", "iop", "-o", str(out)).exit_code == 0
    assert out.read_text().splitlines()[1].startswith("1,Språkcafé,iop,preparation,AMF,Förening")


def test_escape_sequences_in_a_file_never_reach_the_terminal(cli, db, orgnr, tmp_path):
    path = tmp_path / "evil.csv"
    path.write_text(f"name,orgnr\n\x1b]0;pwned\x07Förening\x1b[2J,{orgnr(1)}\nFel\x1b[31m,\x1b[2J{BAD_CHECK_DIGIT}\n",
                    encoding="utf-8")
    result = cli("org", "import", str(path))
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout and "\x1b" not in result.stderr
    assert "line 3: invalid organisation number '\\x1b[2J802000-0000'" in result.stderr  # shown quoted
    assert names(cli) == ["Förening"]
    assert "\x1b" not in cli("org", "export").stdout


def test_progress_bar_on_a_terminal(cli, db, orgnr, tmp_path):
    """Run the real command with stderr on a pseudo-terminal: click's bar reaches the total;
    stdout (a pipe) gets only the summary."""
    import pty

    path = tmp_path / "many.csv"
    path.write_text("name,orgnr\n" + "".join(f"F {n},{orgnr(n)}\n" for n in range(1, 301)), encoding="utf-8")
    master, slave = pty.openpty()
    env = {**os.environ, "SAMVERKAN_DB": str(tmp_path / "cli.db"), "TERM": "xterm", "COLUMNS": "100"}
    proc = subprocess.Popen([sys.executable, "-m", "samverkan", "org", "import", str(path)],
                            stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    stdout = proc.stdout.read().decode()
    assert proc.wait(timeout=60) == 0, seen
    bar = seen.decode(errors="replace")
    assert "importing many.csv" in bar and "300/300" in bar
    assert stdout == "imported 300, skipped 0 (already registered), 0 invalid\n"
