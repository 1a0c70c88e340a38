"""The case's documents are listed on the collaboration's overview (issue 12, point 2)."""

from __future__ import annotations

from textual.widgets import Static
from tuikit import SIZE, settle

from samverkan_tui.screens.collaboration import CollaborationScreen


async def test_the_overview_lists_stored_and_referenced_documents(make_app, orgnr, tmp_path):
    app = make_app("stockholm")
    s = app.services
    org = s.register_organisation("Läxhjälpen", orgnr(31))
    c = s.register_initiative("Läxhjälp", "iop", [org.id])
    minutes = tmp_path / "protokoll.pdf"
    minutes.write_bytes(b"%PDF-1.4 protokoll")
    stored = s.attach_document(c.id, "minutes", "Protokoll 17 nov", path=minutes)
    s.attach_document(c.id, "agreement", "Överenskommelse [b]fet[/b]", reference="AMN 2026/44")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(CollaborationScreen(c.id))
        await settle(pilot)
        text = str(app.screen.query_one("#overview-text", Static).render())
    assert "Dokument" in text
    assert f"Protokoll: Protokoll 17 nov protokoll.pdf, 18 byte, sha256 {stored.sha256[:12]}…" in text
    assert "Överenskommelse: Överenskommelse [b]fet[/b] dnr AMN 2026/44" in text  # markup shown as written
