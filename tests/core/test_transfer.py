"""Importing and exporting organisations (issue: long work shows progress; bad input
gets a clear message and loses nothing already stored). Real files, real databases."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from samverkan.domain.errors import PermissionDenied, StoreError, ValidationError
from samverkan.services.transfer import (
    COLLAB_EXPORT_FIELDS,
    ORG_EXPORT_FIELDS,
    contact_text,
    export_to_file,
    org_export_fields,
    read_organisations,
    write_rows,
)

BAD_CHECK_DIGIT = "802000-0000"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def stored(services) -> list[tuple[str, str, str, str]]:
    """(orgnr, name, legal_form, contact) of every organisation, by number; the contact is
    its first contact person as text, as a CSV export writes it."""
    out = []
    for o in services.organisations(limit=100_000):
        people = services.contacts(o.id)
        out.append((o.orgnr, o.name, o.legal_form, contact_text(people[0] if people else None)))
    return sorted(out)


def people(services) -> list[tuple[str, str, str, str, str]]:
    """(orgnr, name, role, email, phone) of every contact person, by number and as added."""
    return [(o.orgnr, c.name, c.role, c.email, c.phone) for o in sorted(
        services.organisations(limit=100_000), key=lambda o: o.orgnr) for c in services.contacts(o.id)]


def org_events(services) -> list:
    return services.store.events(action_prefix="organisation.", limit=100_000)


# -- reading the formats ---------------------------------------------------------------


def test_csv_with_commas(make_services, orgnr, tmp_path):
    s = make_services()
    path = write(tmp_path / "orgs.csv",
                 "name,orgnr,legal_form,contact\n"
                 f"Stadsmissionen,{orgnr(1)},stiftelse,info@example.org\n"
                 f'"Förening, med komma",{orgnr(2)},,\n')
    result = s.import_organisations(read_organisations(path))
    assert (result.imported, result.skipped, result.errors) == (2, [], [])
    assert stored(s) == [(orgnr(1), "Stadsmissionen", "stiftelse", "info@example.org"),
                         (orgnr(2), "Förening, med komma", "ideell förening", "")]
    assert len(org_events(s)) == 2  # one audited event per organisation, as registering one


def test_csv_from_swedish_excel_semicolons_bom_crlf(make_services, orgnr, tmp_path):
    """Excel's "CSV UTF-8" in a Swedish locale: BOM, semicolons, CRLF, Swedish headings."""
    s = make_services()
    path = write(tmp_path / "excel.csv",
                 "Namn;Organisationsnummer;Juridisk form;Kontakt\r\n"
                 f"Idrottsföreningen Kula;{orgnr(1)};ekonomisk förening;kula@example.se\r\n"
                 f"Läxhjälpen;{orgnr(2).replace('-', '')};;\r\n", "utf-8-sig")
    rows = read_organisations(path)
    assert [r.line for r in rows] == [2, 3]
    result = s.import_organisations(rows)
    assert result.imported == 2 and result.ok
    assert stored(s) == [(orgnr(1), "Idrottsföreningen Kula", "ekonomisk förening", "kula@example.se"),
                         (orgnr(2), "Läxhjälpen", "ideell förening", "")]  # number normalised


def test_csv_with_bom_and_commas(make_services, orgnr, tmp_path):
    s = make_services()
    path = write(tmp_path / "bom.csv", f"name,orgnr\nÅkersberga IF,{orgnr(3)}\n", "utf-8-sig")
    assert s.import_organisations(read_organisations(path)).imported == 1
    assert stored(s)[0][:2] == (orgnr(3), "Åkersberga IF")  # the BOM is not part of "name"


def test_json_list_of_objects(make_services, orgnr, tmp_path):
    s = make_services()
    path = write(tmp_path / "orgs.json", json.dumps([
        {"name": "Röda Korset", "orgnr": orgnr(1), "legal_form": "ideell förening", "contact": "a@b.se"},
        {"name": "Naturskyddet", "orgnr": orgnr(2)},
    ], ensure_ascii=False, indent=2))
    rows = read_organisations(path)
    assert [r.line for r in rows] == [2, 8]  # the line each object starts on
    result = s.import_organisations(rows)
    assert result.imported == 2 and result.ok
    assert [o[1] for o in stored(s)] == ["Röda Korset", "Naturskyddet"]


def test_format_given_explicitly_overrides_the_suffix(make_services, orgnr, tmp_path):
    s = make_services()
    path = write(tmp_path / "orgs.txt", json.dumps([{"name": "A", "orgnr": orgnr(1)}]))
    assert s.import_organisations(read_organisations(path, "json")).imported == 1


# -- invalid rows, duplicates ------------------------------------------------------------


def test_invalid_rows_reported_with_their_line_and_valid_rows_stored(make_services, orgnr, tmp_path):
    s = make_services()
    path = write(tmp_path / "mixed.csv",
                 "name;orgnr;legal_form;contact\n"
                 f"Ett;{orgnr(1)};;\n"                      # line 2
                 "\n"                                         # line 3: blank, skipped
                 f"Fel siffra;{BAD_CHECK_DIGIT};;\n"          # line 4
                 f'"Två\nrader";{orgnr(2)};;\n'               # lines 5-6
                 f";{orgnr(3)};;\n"                           # line 7: no name
                 f"För;många;fält;{orgnr(4)};x\n"             # line 8
                 f"Tre;{orgnr(5)};;\n")                       # line 9
    before = s.store.count_events()
    result = s.import_organisations(read_organisations(path))
    assert result.imported == 3 and not result.ok
    lines = {line: message for line, message in result.errors}
    assert sorted(lines) == [4, 7, 8]
    assert "802000-0000" in lines[4] and "check digit" in lines[4]
    assert "name" in lines[7] and "empty" in lines[7]
    assert "5 fields but the header has 4" in lines[8]
    assert [o[1] for o in stored(s)] == ["Ett", "Två\nrader", "Tre"]
    assert s.store.count_events() == before + 3


def test_already_registered_numbers_are_skipped_not_errors(make_services, orgnr, tmp_path):
    s = make_services()
    s.register_organisation("Redan här", orgnr(2))
    path = write(tmp_path / "dup.csv",
                 f"name,orgnr\nNy,{orgnr(1)}\nSamma nummer,{orgnr(2)}\nIgen i filen,{orgnr(1)}\n")
    result = s.import_organisations(read_organisations(path))
    assert result.imported == 1
    assert result.skipped == [(3, orgnr(2))]
    assert result.errors == [(4, f"organisation number {orgnr(1)} is already given on line 2 of this file")]
    assert s.organisation(orgnr(2)).name == "Redan här"  # not overwritten
    assert result.summary() == "imported 1, skipped 1 (already registered), 1 invalid"


def test_dry_run_stores_nothing_and_writes_no_audit_event(make_services, orgnr, tmp_path):
    s = make_services()
    s.register_organisation("Redan här", orgnr(1))
    path = write(tmp_path / "dry.csv",
                 f"name,orgnr\nRedan här,{orgnr(1)}\nNy,{orgnr(2)}\nFel,{BAD_CHECK_DIGIT}\n")
    events, orgs = s.store.count_events(), stored(s)
    result = s.import_organisations(read_organisations(path), dry_run=True)
    assert (result.imported, result.skipped, [line for line, _m in result.errors]) == (1, [(2, orgnr(1))], [4])
    assert result.dry_run and "nothing was stored" in result.summary()
    assert s.store.count_events() == events and stored(s) == orgs
    assert s.verify_audit().ok


def test_progress_counts_increase_to_the_total(make_services, orgnr, tmp_path):
    s = make_services()
    rows = [{"name": f"Förening {n}", "orgnr": orgnr(n)} for n in range(1, 31)]
    rows[11]["orgnr"] = BAD_CHECK_DIGIT
    calls: list[tuple[int, int]] = []
    result = s.import_organisations(rows, progress=lambda done, total: calls.append((done, total)),
                                    batch_size=7)
    assert calls == [(0, 30), (7, 30), (14, 30), (21, 30), (28, 30), (30, 30)]
    assert result.imported == 29 and result.errors[0][0] == 12  # plain mappings are numbered from 1


def test_progress_in_a_dry_run_too(make_services, orgnr):
    s = make_services()
    calls: list[int] = []
    s.import_organisations([{"name": "A", "orgnr": orgnr(1)}], progress=lambda d, t: calls.append(d),
                           dry_run=True)
    assert calls == [0, 1]


def test_batches_already_stored_stay_when_the_database_stays_busy(make_services, orgnr, tmp_path):
    """Another session holds the write lock after the first batch: that batch stays stored,
    the message says so, and importing the file again completes it."""
    s = make_services()
    path = write(tmp_path / "busy.csv", "name,orgnr\n" + "".join(f"F {n},{orgnr(n)}\n" for n in range(1, 11)))
    rows = read_organisations(path)
    s.store.conn.execute("PRAGMA busy_timeout = 20")  # fail fast instead of waiting 5 s per try
    blocker = sqlite3.connect(s.store.path, isolation_level=None)

    def progress(done: int, total: int) -> None:
        if done == 4:
            blocker.execute("BEGIN IMMEDIATE")  # a colleague's long write starts

    try:
        with pytest.raises(StoreError, match=r"busy.*\(4 organisation\(s\) of earlier batches were stored"):
            s.import_organisations(rows, progress=progress, batch_size=4)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert len(stored(s)) == 4
    again = s.import_organisations(rows)
    assert (again.imported, len(again.skipped)) == (6, 4)
    assert len(stored(s)) == 10 and s.verify_audit().ok


# -- export and round trip ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_into_a_fresh_database(make_services, orgnr, tmp_path, fmt):
    s = make_services(db=tmp_path / "first.db")
    s.register_organisation("Stadsmissionen", orgnr(1), "stiftelse", "info@example.org")
    s.register_organisation('Förening "Citat"; med, skiljetecken', orgnr(2))
    s.register_organisation("Två\nrader [bold]markup[/bold]", orgnr(3), "ekonomisk förening", "Tel: 08-123")
    s.add_contact(orgnr(1), "Anna Svensson", role="ordförande", email="anna@example.org", phone="070-123 45 67")
    out = tmp_path / f"orgs.{fmt}"
    assert export_to_file(s.export_organisations(), org_export_fields(fmt), fmt, out) == 3

    fresh = make_services(db=tmp_path / "second.db")
    result = fresh.import_organisations(read_organisations(out))
    assert result.imported == 3 and result.ok
    assert stored(fresh) == stored(s)
    if fmt == "json":  # every contact person with every field
        assert people(fresh) == people(s) and len(people(s)) == 3
    else:  # the first contact person of each, without the role
        assert people(fresh) == [p for p in people(s) if p[1] != "Anna Svensson"]


def test_a_contact_is_parsed_into_its_fields_and_a_bad_contacts_list_refuses_the_row(make_services, orgnr,
                                                                                       tmp_path):
    s = make_services()
    objects = [
        {"name": "Ett", "orgnr": orgnr(1), "contact": "Anna Svensson, anna@example.se, 070-123 45 67"},
        {"name": "Två", "orgnr": orgnr(2), "contacts": [{"name": "Bo", "role": "kassör", "phone": "08-123 45 67"}]},
        {"name": "Tre", "orgnr": orgnr(3), "contacts": [{"name": "Cecilia", "email": "inte en adress"}]},
        {"name": "Fyra", "orgnr": orgnr(4), "contacts": "Dag"},
    ]
    path = write(tmp_path / "c.json", "[\n" + ",\n".join(json.dumps(o, ensure_ascii=False) for o in objects) + "\n]")
    result = s.import_organisations(read_organisations(path))
    assert result.imported == 2
    assert people(s) == [(orgnr(1), "Anna Svensson", "", "anna@example.se", "070-123 45 67"),
                         (orgnr(2), "Bo", "kassör", "", "08-123 45 67")]
    assert [(line, message.split(":")[0]) for line, message in result.errors] == [(4, "email"), (5, "contacts")]
    assert s.verify_audit().ok


def test_export_of_collaborations(make_services, orgnr, tmp_path):
    s = make_services()
    org = s.register_organisation("Förening", orgnr(1))
    s.register_initiative("Språkcafé", "iop", [org.id], unit="Arbetsmarknad")
    s.register_initiative("Promenad", "informal", [org.id])
    from samverkan.domain.query import CollabQuery

    rows = list(s.export_collaborations(CollabQuery(form="iop", limit=1)))
    assert [r["title"] for r in rows] == ["Språkcafé"]
    assert rows[0]["organisations"] == "Förening" and rows[0]["unit"] == "Arbetsmarknad"
    assert len(list(s.export_collaborations())) == 2  # every row, whatever the query's limit
    out = tmp_path / "c.json"
    export_to_file(s.export_collaborations(), COLLAB_EXPORT_FIELDS, "json", out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [d["title"] for d in data] == ["Språkcafé", "Promenad"] and list(data[0]) == list(COLLAB_EXPORT_FIELDS)


def test_export_pages_through_many_rows(make_services, orgnr, tmp_path):
    s = make_services()
    s.import_organisations([{"name": f"F {n:04d}", "orgnr": orgnr(n)} for n in range(1, 2502)])
    rows = list(s.export_organisations())
    assert len(rows) == 2501 and len({r["orgnr"] for r in rows}) == 2501


def test_failed_export_leaves_the_earlier_file(make_services, orgnr, tmp_path):
    out = write(tmp_path / "keep.csv", "earlier export\n")

    def rows():
        yield {"name": "A"}
        raise StoreError("the database went away")

    with pytest.raises(StoreError):
        export_to_file(rows(), ORG_EXPORT_FIELDS, "csv", out)
    assert out.read_text() == "earlier export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.csv"]  # no temporary file left


def test_empty_export_is_still_a_valid_file(make_services, tmp_path):
    import io

    s = make_services()
    buf = io.StringIO()
    write_rows(s.export_organisations(), ORG_EXPORT_FIELDS, "json", buf)
    assert json.loads(buf.getvalue()) == []
    path = write(tmp_path / "empty.json", buf.getvalue())
    assert read_organisations(path) == []


# -- who may import; text from files -----------------------------------------------------


def test_reader_is_refused_before_anything_is_stored(make_services, orgnr, tmp_path):
    admin = make_services(user="root")
    admin.add_user("root", "admin,officer")
    admin.add_user("rut", "reader")
    reader = make_services(user="rut")
    path = write(tmp_path / "orgs.csv", f"name,orgnr\nEtt,{orgnr(1)}\n")
    calls = []
    for dry_run in (False, True):
        with pytest.raises(PermissionDenied, match="organisation.register"):
            reader.import_organisations(read_organisations(path), progress=lambda d, t: calls.append(d),
                                        dry_run=dry_run)
    assert stored(admin) == [] and calls == []
    refusals = admin.store.events(action_prefix="permission.refused")
    assert len(refusals) == 2 and refusals[0].actor == "rut"


def test_a_user_who_may_not_import_cannot_read_a_file_through_the_import(make_services, tmp_path):
    """Over SSH the path is on the server; a bad header would be quoted back to the user."""
    admin = make_services(user="root")
    admin.add_user("root", "admin,officer")
    admin.add_user("rut", "reader")
    secret = write(tmp_path / "secret.toml", 'password = "hemligt"\n')
    with pytest.raises(PermissionDenied, match="organisation.register") as refused:
        make_services(user="rut").read_import_file(secret)
    assert "hemligt" not in str(refused.value)
    with pytest.raises(ValidationError, match="hemligt"):  # the officer sees what is wrong
        admin.read_import_file(secret, "csv")


def test_markup_stays_literal_and_escape_sequences_are_removed(make_services, orgnr, tmp_path):
    s = make_services()
    path = write(tmp_path / "text.json", json.dumps([
        {"name": "[bold]Fet[/bold] förening", "orgnr": orgnr(1), "contact": "[link=x]y[/link]"},
        {"name": "\x1b[31mRöd\x1b]0;titel\x07 förening\x07", "orgnr": orgnr(2)},
        {"name": "Okänd nyckel", "orgnr": orgnr(3), "\x1b[2Jevil": "x"},
    ]))
    result = s.import_organisations(read_organisations(path))
    assert result.imported == 2
    assert s.organisation(orgnr(1)).name == "[bold]Fet[/bold] förening"
    assert [c.name for c in s.contacts(orgnr(1))] == ["[link=x]y[/link]"]
    assert s.organisation(orgnr(2)).name == "Röd förening"
    (line, message), = result.errors
    assert "unknown field" in message and "\x1b" not in message  # quoted, never sent raw to a terminal


def test_json_values_must_be_text(make_services, orgnr, tmp_path):
    s = make_services()
    path = write(tmp_path / "n.json", '[{"name": "Nummer", "orgnr": 8020000017}, ["a"],\n {"name": 5, "orgnr": "x"}]')
    result = s.import_organisations(read_organisations(path))
    assert result.imported == 0
    assert result.errors == [(1, "orgnr: expected text, got int"),
                             (1, "expected an object with name, orgnr, legal_form, contact, got list"),
                             (2, "name: expected text, got int")]


# -- files that cannot be read: one clear message, nothing stored ------------------------------


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("missing.csv", None, "missing.csv: no such file"),
    ("latin1.csv", "name;orgnr\nGöteborg;1\n".encode("cp1252"), "line 2 is not UTF-8 text"),
    ("empty.csv", b"", "the file is empty"),
    ("noheader.csv", "Förening,802000-0017\n".encode(), "must be a header naming the columns"),
    ("unknown.csv", b"name,orgnr,telefon\n", "unknown column(s) 'telefon'"),
    ("twice.csv", b"name,orgnr,name\n", "named twice: name"),
    ("broken.json", b'[{"name": "A",\n  "orgnr" "x"}]', "not valid JSON: Expecting ':' delimiter (line 2, column 11)"),
    ("object.json", b'{"name": "A"}', "expected a list of objects"),
    ("trailing.json", b'[]\n[]', "extra data after the list"),
    ("empty.json", b"  \n", "the file is empty"),
])
def test_unreadable_files_give_one_clear_message(tmp_path, name, content, expected):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ValidationError) as info:
        read_organisations(path)
    message = str(info.value)
    assert expected in message and str(path) in message and "\n" not in message


def test_directory_and_unknown_format(tmp_path):
    with pytest.raises(ValidationError, match="is a directory"):
        read_organisations(tmp_path)
    with pytest.raises(ValidationError, match="unknown format 'xml'"):
        read_organisations(tmp_path / "x.xml", "xml")


def test_an_export_reads_one_snapshot_while_another_session_writes(make_services, orgnr, tmp_path):
    """Rows another officer adds mid-export neither shift the pages nor appear half-way."""
    s = make_services()
    s.import_organisations([{"name": f"F {n:02d}", "orgnr": orgnr(n)} for n in range(1, 31)])
    other = make_services(db=tmp_path / "stockholm.db", user="bertil")
    exported = s.export_organisations(page=10)
    first_page = [next(exported) for _ in range(10)]
    # sorted by name, "A …" would land on the first page and push the rest one row on
    for n in range(31, 36):
        other.register_organisation(f"A {n}", orgnr(n))
    rest = list(exported)
    numbers = [r["orgnr"] for r in first_page + rest]
    assert len(numbers) == 30 and len(set(numbers)) == 30
    assert not any(r["name"].startswith("A ") for r in rest)
    assert len(list(s.export_organisations(page=10))) == 35  # the next export sees them


def test_a_csv_export_keeps_formula_like_text_text_and_imports_back_unchanged(make_services, orgnr, tmp_path):
    """CSV injection: a cell starting with = + - @ would be a formula in a spreadsheet."""
    s = make_services(db=tmp_path / "first.db")
    names = ['=HYPERLINK("http://example.org","klicka")', "+46 Förening", "-Minus", "@Snabel", "'Citerad"]
    for n, name in enumerate(names, 1):
        s.register_organisation(name, orgnr(n), contact="=1+1" if n == 1 else "")
    out = tmp_path / "orgs.csv"
    export_to_file(s.export_organisations(), ORG_EXPORT_FIELDS, "csv", out)
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in text and "'=1+1" in text and "'+46 Förening" in text
    assert "'-Minus" in text and "'@Snabel" in text
    assert ",'Citerad," in text  # an apostrophe before ordinary text is left as it is

    fresh = make_services(db=tmp_path / "second.db")
    assert fresh.import_organisations(read_organisations(out)).imported == len(names)
    assert stored(fresh) == stored(s)
