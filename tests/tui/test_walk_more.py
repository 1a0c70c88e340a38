"""Linköping's IOP walked by keys only (see test_walk.py). A file of its own so the test
runner can run the long walks on both cores at once (it hands out whole files)."""

from __future__ import annotations

from test_walk import walk_an_iop


async def test_linkoping_iop_walks_through_every_stage(make_app, orgnr):
    await walk_an_iop(make_app, orgnr, "linkoping")
