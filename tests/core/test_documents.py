"""Documents of a case (issue 12, point 2): files stored once by SHA-256 with their hash in
the audit trail, references by diarienummer, and ``audit verify`` noticing a changed file
or document row."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from corekit import drive, new_collab

from samverkan.domain.errors import NotFound, ValidationError
from samverkan.services import documents as documents_module

MINUTES = b"%PDF-1.4\nProtokoll 2026-11-17 \xc2\xa7 4\n"


@pytest.fixture
def case(s, tmp_path):
    """An initiative and a minutes file on disk."""
    path = tmp_path / "protokoll.pdf"
    path.write_bytes(MINUTES)
    return new_collab(s, "iop"), path


@pytest.fixture
def run(cli, tmp_path):
    def invoke(*args: object, code: int = 0):
        result = cli(*map(str, args), db_path=tmp_path / "testby.db")
        assert result.exit_code == code, result.output
        return result
    return invoke


def test_a_file_is_stored_once_by_its_hash_and_audited_without_its_bytes(s, case):
    c, path = case
    first = s.attach_document(c.id, "minutes", "Protokoll", path=path)
    again = s.attach_document(c.id, "minutes", "Protokollet igen", path=path)
    digest = hashlib.sha256(MINUTES).hexdigest()
    assert (first.sha256, first.size, first.media_type) == (digest, len(MINUTES), "application/pdf")
    assert [d.id for d in s.documents(c.id)] == [first.id, again.id]
    assert s.store.conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 1  # content-addressed
    doc, content = s.document_file(c.id, first.id)
    assert content == MINUTES and doc.filename == "protokoll.pdf"
    [event, _] = s.events(action_prefix="document.attach", newest_first=False, limit=10)
    assert event.after["sha256"] == digest and event.after["size"] == len(MINUTES)
    assert "content" not in event.after
    assert s.verify_documents() == [] and s.verify_audit().ok


def test_a_reference_names_the_records_system_and_has_no_file(s, case):
    c, _ = case
    doc = s.attach_document(c.id, "agreement", "Överenskommelse", reference="AMN 2026/44")
    assert (doc.sha256, doc.size, doc.reference) == ("", None, "AMN 2026/44")
    with pytest.raises(NotFound, match="is a reference \\(AMN 2026/44\\)"):
        s.document_file(c.id, doc.id)
    assert s.verify_documents() == []


@pytest.mark.parametrize(("kwargs", "message"), [
    ({}, "a document is a file or a reference"),
    ({"path": "/nonexistent/protokoll.pdf"}, "cannot read /nonexistent/protokoll.pdf"),
    ({"reference": "X", "kind": "letter"}, "kind: 'letter' is not one of"),
])
def test_bad_documents_are_refused_and_nothing_is_stored(s, case, kwargs, message):
    c, _ = case
    kind = kwargs.pop("kind", "memo")
    before = s.store.count_events()
    with pytest.raises(ValidationError, match=message):
        s.attach_document(c.id, kind, "Tjänsteutlåtande", **kwargs)
    assert s.documents(c.id) == [] and s.store.count_events() == before


def test_a_file_over_the_limit_is_refused(s, case, monkeypatch):
    c, path = case
    monkeypatch.setattr(documents_module, "MAX_DOCUMENT_BYTES", 10)
    with pytest.raises(ValidationError, match="refer to larger ones by diarienummer"):
        s.attach_document(c.id, "minutes", path=path)


def test_a_closed_collaboration_takes_no_documents(s, case):
    c, path = case
    drive(s, c.id, "ended")
    with pytest.raises(ValidationError, match="can no longer be changed"):
        s.attach_document(c.id, "minutes", path=path)


@pytest.mark.parametrize(("tamper", "problem", "reported"), [
    ("UPDATE blobs SET content = X'00'", "no longer has that SHA-256", "no longer has that SHA-256"),
    # a document's row is a record the chain covers: the record check names it first
    ("UPDATE documents SET title = 'Förfalskat'", "title differs from what was recorded",
     "documents [1] was changed outside the services (column title)"),
    ("UPDATE documents SET sha256 = NULL, reference = 'X'", "sha256 differs",
     "documents [1] was changed outside the services (column reference, sha256)"),
])
def test_verify_notices_a_changed_file_or_document_row(s, case, tmp_path, run, tamper, problem, reported):
    c, path = case
    s.attach_document(c.id, "minutes", "Protokoll", path=path)
    with sqlite3.connect(tmp_path / "testby.db") as raw:  # behind the application's back
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute(tamper)
    assert any(problem in p for p in s.verify_documents())
    result = run("audit", "verify", code=1)
    assert "audit chain ok" in result.stdout and reported in result.stderr


def test_cli_attach_list_and_write_out(s, case, run, tmp_path):
    c, path = case
    assert len(run("collab", "documents", c.id).stdout.splitlines()) == 2  # the heading only
    out = run("collab", "attach", c.id, path, "--kind", "minutes").stdout
    assert out.startswith("document 1 attached") and hashlib.sha256(MINUTES).hexdigest()[:12] in out
    run("collab", "attach", c.id, "--kind", "agreement", "--title", "Avtal", "--reference", "AMN 2026/44")
    listed = run("collab", "documents", c.id).stdout
    assert "protokoll.pdf" in listed and "AMN 2026/44" in listed
    target = tmp_path / "ut.pdf"
    run("collab", "document", c.id, 1, "-o", target)
    assert target.read_bytes() == MINUTES
    again = run("collab", "document", c.id, 1, "-o", target, code=1)
    assert "already exists" in again.stderr and target.read_bytes() == MINUTES
    assert "documents ok" in run("audit", "verify").stdout
