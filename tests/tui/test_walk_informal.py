"""Stockholm's informal collaboration walked by keys only (see test_walk.py), in a file of
its own so the long walks spread over both cores (the test runner hands out whole files)."""

from __future__ import annotations

import pytest
from test_walk import assert_audited, walk
from tuikit import TEXT


@pytest.mark.parametrize("municipality", ["stockholm"])
async def test_informal_walks_through_every_stage(make_app, orgnr, municipality):
    app = make_app(municipality, user="anna")
    collab_id, stages = await walk(app, orgnr(12), "informal", "Promenadgrupp")
    assert stages == ["initiative", "preparation", "decided", "active", "ended"]
    d = app.services.detail(collab_id)
    assert d["agreement"] is None
    assert d["termination"].reason == TEXT
    assert_audited(app.services, collab_id, "anna")
