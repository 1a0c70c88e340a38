"""The rest of the walks by keys only (see test_walk.py): Linköping's IOP and Stockholm's
informal collaboration. A file of their own so the test runner can run the long walks on
both cores at once (it hands out whole files)."""

from __future__ import annotations

import pytest
from test_walk import assert_audited, walk, walk_an_iop


async def test_linkoping_iop_walks_through_every_stage(make_app, orgnr):
    await walk_an_iop(make_app, orgnr, "linkoping")


@pytest.mark.parametrize("municipality", ["stockholm"])
async def test_informal_walks_through_every_stage(make_app, orgnr, municipality):
    app = make_app(municipality, user="anna")
    collab_id, stages = await walk(app, orgnr(12), "informal", "Promenadgrupp")
    assert stages == ["initiative", "preparation", "decided", "active", "ended"]
    d = app.services.detail(collab_id)
    assert d["agreement"] is None
    assert d["termination"].reason == "Ifyllt i test"
    assert_audited(app.services, collab_id, "anna")
