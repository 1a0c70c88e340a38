"""The rest of the walks by keys only (see test_walk.py): Linköping's IOP and Stockholm's
informal collaboration. A file of their own so the test runner can run the long walks on
both cores at once (it hands out whole files)."""

from __future__ import annotations

import pytest
from test_walk import IOP_PATH, assert_audited, walk


@pytest.mark.parametrize("municipality", ["linkoping"])
async def test_iop_walks_through_every_stage(make_app, orgnr, municipality):
    app = make_app(municipality, user="anna")
    collab_id, stages = await walk(app, orgnr(11), "iop", "Språkcafé")
    s = app.services
    assert stages == IOP_PATH
    d = s.detail(collab_id)
    assert d["collaboration"].stage == "ended" and d["decision"].decided_by == "anna"
    if s.form_rules("iop").authority.kind == "board":
        assert d["decision"].minute_paragraph == "paragraf 12"
    assert d["agreement"] is not None and d["agreement"].end.isoformat() == "2027-12-31"
    assert d["follow_ups"] and d["follow_ups"][0].summary == "Målen nås"
    assert d["termination"] is not None and d["termination"].decided_by == "anna"
    assert len(d["contributions"]) == 2
    assert_audited(s, collab_id, "anna")


@pytest.mark.parametrize("municipality", ["stockholm"])
async def test_informal_walks_through_every_stage(make_app, orgnr, municipality):
    app = make_app(municipality, user="anna")
    collab_id, stages = await walk(app, orgnr(12), "informal", "Promenadgrupp")
    assert stages == ["initiative", "preparation", "decided", "active", "ended"]
    d = app.services.detail(collab_id)
    assert d["agreement"] is None
    assert d["termination"].reason == "Ifyllt i test"
    assert_audited(app.services, collab_id, "anna")
