"""Every rule quotes its source, and the quotes are checked against the sources' texts.

The plugins ship the text of the documents they cite (``text_file``); the kit's quote
check (:mod:`samverkan.plugin.quotes`, run by the plugin contract and ``samverkan plugin
check``) finds every quote verbatim in it. These tests run it over both municipalities
and the core's national rules, and show it failing on an altered quote.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from samverkan.plugin import national
from samverkan.plugin.datapack import load_pack
from samverkan.plugin.quotes import missing_fragment, quote_problems, quoted_items
from samverkan.scaffold.check import check_plugin

ROOT = Path(__file__).resolve().parents[2]
PACKS = {"stockholm": ("samverkan_stockholm", "data"), "linkoping": ("samverkan_linkoping", "data"),
         "national": ("samverkan", "plugin/data")}


@pytest.mark.parametrize("name", sorted(PACKS))
def test_every_quote_is_found_verbatim_in_its_document(name):
    pack = load_pack(*PACKS[name])
    quoted = [data for _item, data in quoted_items(pack) if data.get("quote")]
    assert quoted, "the pack quotes its sources"
    assert quote_problems(pack) == []


@pytest.mark.parametrize("name", sorted(PACKS))
def test_every_rule_states_its_level(name):
    pack = load_pack(*PACKS[name])
    rules = [*pack.checks, *pack.rules, *pack.forms, *(s for s, _forms in pack.sections)]
    assert rules and all(r.source.level for r in rules)


def test_the_check_fails_on_an_altered_quote():
    pack = load_pack("samverkan_stockholm")
    item, data = next((i, d) for i, d in quoted_items(pack) if d.get("quote") and i.path[0] == "gates")
    doc = pack.documents[data["document"]]
    text = (Path(__file__).resolve().parents[2] / "plugins/stockholm/src/samverkan_stockholm/data"
            / doc.text_file).read_text(encoding="utf-8")
    first = data["quote"].split("[…]")[0].split()[:3]
    words = " ".join(first)
    assert words in " ".join(text.split())
    altered = " ".join(text.split()).replace(words, words.upper())

    problems = quote_problems(pack, lambda d: altered if d.key == doc.key else " ".join(text.split()))
    assert any(item.get("id") in p and "not in" in p for p in problems), problems
    assert all(p.startswith("samverkan_stockholm/data/") for p in problems)


def test_a_quote_is_found_across_lines_markup_and_omissions():
    text = "Beredningsgruppen ska\ninför *projektansökan* rådfrågas. Mer text. Slutet här."
    assert missing_fragment("Beredningsgruppen ska inför projektansökan rådfrågas.", text) is None
    assert missing_fragment("Beredningsgruppen ska […] rådfrågas. […] Slutet här.", text) is None
    assert missing_fragment("Slutet här. […] Beredningsgruppen", text) == "Beredningsgruppen"  # order counts
    assert missing_fragment("Beredningsgruppen bör rådfrågas.", text) == "Beredningsgruppen bör rådfrågas."


def test_plugin_check_names_the_quote_not_found(tmp_path):
    data = tmp_path / "samverkan_linkoping" / "data"
    shutil.copytree(ROOT / "plugins/linkoping/src/samverkan_linkoping/data", data)
    for source in (data / "sources").iterdir():
        source.write_text(source.read_text(encoding="utf-8").replace("kommersiell marknad", "marknad"),
                          encoding="utf-8")
    result = check_plugin(data, import_python=False)
    found = [e for e in result.errors if "not in" in e]
    assert found and all("samverkan_linkoping/data/" in e and ".toml:" in e for e in found), result.errors


def test_the_democracy_conditions_apply_where_a_municipality_adopts_them():
    from samverkan.plugin.manager import get_plugin_manager

    registry = get_plugin_manager()
    sthlm = {c.id: c for c in registry.view("stockholm").checks()}
    lkpg = {c.id for c in registry.view("linkoping").checks()}
    democracy = {c.id for c in national.pack().checks_on(in_set="democracy")}
    assert democracy and democracy <= set(sthlm) and not democracy & lkpg
    # the law holds everywhere
    assert "national.competence" in sthlm and "national.competence" in lkpg
    # adopted at the level Stockholm's guidelines give them, citing SOU 2019:35
    assert {sthlm[c].source.level for c in democracy} == {"requirement"}
    assert all("SOU 2019:35" in str(sthlm[c].source) for c in democracy)
