"""Attaching a document from the collaboration screen (issue 12, point 2): d opens a form
(kind, title, file and/or diarienummer); the file is stored with its hash and listed on
the overview; a missing file, a file too big, no file nor reference and a collaboration
closed meanwhile are refused with one line in the form, and nothing typed is lost."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

from tuikit import SIZE, decide, fill_form, form_errors, satisfy, screen_name, settle

from samverkan_tui.screens.collaboration import CollaborationScreen


def documents(app: Any, collab_id: int) -> list[dict[str, Any]]:
    conn = sqlite3.connect(app.services.store.path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(
            "SELECT kind, title, filename, size, sha256, reference, recorded_by FROM documents "
            "WHERE collaboration_id = ? ORDER BY id", [collab_id])]
    finally:
        conn.close()


def error_under(form: Any, key: str) -> str:
    box = form.query_one(f"#err-{[f.key for f in form.fields].index(key)}")
    return str(box.render()) if box.display else ""


async def open_attach_form(pilot: Any, collab_id: int) -> Any:
    app = pilot.app
    await settle(pilot)
    app.push_screen(CollaborationScreen(collab_id))
    await settle(pilot)
    assert app.screen.check_action("attach", ())
    await pilot.press("d")
    await settle(pilot)
    assert screen_name(app) == "FormScreen"
    return app.screen


async def test_a_file_and_a_reference_are_attached_and_listed(make_app, orgnr, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative path starts here, as the form says
    minutes = tmp_path / "protokoll.pdf"
    minutes.write_bytes(b"%PDF-1.4 protokoll 17 nov")
    app = make_app("stockholm")
    s = app.services
    org = s.register_organisation("Läxhjälpen", orgnr(31))
    c = s.register_initiative("Läxhjälp", "iop", [org.id])
    async with app.run_test(size=SIZE) as pilot:
        form = await open_attach_form(pilot, c.id)
        assert [f.label for f in form.fields] == [
            "Slag av dokument", "Titel (tomt: filens namn)", "Fil", "Diarienummer (om dokumentet finns i diariet)"]
        assert str(tmp_path) in form.intro and "25 MB" in form.intro
        await fill_form(pilot, {"kind": "minutes", "path": "protokoll.pdf", "reference": "AMN 2026/44"})
        screen = app.screen
        assert screen_name(app) == "CollaborationScreen", form_errors(app)
        assert screen.query_one("TabbedContent").active == "overview"
        overview = str(screen.query_one("#overview-text").render())
        await pilot.press("d")  # a reference only, with a title
        await settle(pilot)
        await fill_form(pilot, {"kind": "agreement", "title": "Överenskommelse", "reference": "AMN 2026/45"})
        assert screen_name(app) == "CollaborationScreen", form_errors(app)
    digest = hashlib.sha256(minutes.read_bytes()).hexdigest()
    assert documents(app, c.id) == [
        {"kind": "minutes", "title": "protokoll.pdf", "filename": "protokoll.pdf", "size": 25, "sha256": digest,
         "reference": "AMN 2026/44", "recorded_by": "anna"},
        {"kind": "agreement", "title": "Överenskommelse", "filename": "", "size": None, "sha256": None,
         "reference": "AMN 2026/45", "recorded_by": "anna"}]
    assert f"Protokoll: protokoll.pdf protokoll.pdf, 25 byte, sha256 {digest[:12]}… · dnr AMN 2026/44" in overview
    events = s.events(entity="collaboration", entity_id=c.id, action_prefix="document.attach", newest_first=False)
    assert [e.after["sha256"] or "" for e in events] == [digest, ""]
    assert s.verify_audit().ok and s.verify_documents() == []


async def test_refusals_are_one_line_in_the_form_and_nothing_is_lost(make_app, orgnr, tmp_path):
    app = make_app("stockholm")
    s = app.services
    org = s.register_organisation("Läxhjälpen", orgnr(31))
    c = s.register_initiative("Läxhjälp", "iop", [org.id])
    big = tmp_path / "arkiv.zip"
    with big.open("wb") as fh:  # sparse: 26 MB without writing them
        fh.truncate(26 * 1024 * 1024)
    missing = tmp_path / "finns-inte.pdf"
    async with app.run_test(size=SIZE) as pilot:
        form = await open_attach_form(pilot, c.id)
        await fill_form(pilot, {"kind": "memo", "title": "Tjänsteutlåtande", "path": str(missing)})
        assert app.screen is form
        assert error_under(form, "path") == f"kan inte läsa {missing}: filen finns inte"
        await fill_form(pilot, {"path": str(big)})
        assert error_under(form, "path") == (
            "arkiv.zip är 27262976 byte; dokument på upp till 26214400 byte lagras "
            "(hänvisa till större med diarienummer)")
        await fill_form(pilot, {"path": ""})
        assert error_under(form, "reference").startswith("ett dokument är en fil eller en hänvisning till diariet")
        assert form.values() == {"kind": "memo", "title": "Tjänsteutlåtande", "path": "", "reference": ""}
        # the collaboration is declined meanwhile (by someone else): refused above the form
        s.advance(c.id, "preparation")
        s.decide(c.id, "decline", "Inte aktuellt", "Övervägt", confirm=True)
        await fill_form(pilot, {"reference": "AMN 2026/46"})
        assert app.screen is form
        assert form_errors(app) == [f"samverkan {c.id} är avböjd; den kan inte längre ändras"]
        assert form.values()["reference"] == "AMN 2026/46"
        await pilot.press("escape")
        await settle(pilot)
        screen = app.screen
        screen.reload()
        await settle(pilot)
        assert not screen.check_action("attach", ())  # closed: the key is no longer offered
    assert documents(app, c.id) == []


async def test_the_key_follows_the_allowed_actions(make_app, orgnr):
    """A reader may not attach; an ended collaboration takes no documents."""
    app = make_app("stockholm", user="anna")
    s = app.services
    org = s.register_organisation("Läxhjälpen", orgnr(31))
    c = s.register_initiative("Promenadgrupp", "informal", [org.id])
    s.advance(c.id, "preparation")
    satisfy(s, c.id, org.name)
    decide(s, c.id)
    s.advance(c.id, "active", confirm=True)
    assert "attach" in s.allowed_actions(c.id)
    s.add_user("anna", "admin,officer,manager")
    s.add_user("rut", "reader")
    reader = make_app("stockholm", user="rut")
    assert "attach" not in reader.services.allowed_actions(c.id)
    s.end(c.id, "Klart", kind="terminated", confirm=True)
    assert "attach" not in s.allowed_actions(c.id)
    assert Path(s.store.path).exists()
