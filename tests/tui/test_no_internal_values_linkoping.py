"""Linköping's walk through every screen of the Swedish interface (see
test_no_internal_values.py): its own module, so the two municipalities' walks run at once."""

from __future__ import annotations

from test_no_internal_values import walk_everything


async def test_no_screen_of_linkoping_s_interface_shows_an_internal_value(make_services, orgnr, tmp_path,
                                                                        monkeypatch):
    # the forms that are the same in every municipality were seen in Stockholm's walk
    await walk_everything("linkoping", make_services, orgnr, tmp_path, monkeypatch, every_form=False)
