"""Contract tests: what every municipality plugin installed through the entry-point group
must satisfy. New plugins in the workspace are picked up automatically; Testby always runs.
"""

from __future__ import annotations

from importlib import metadata

import pytest
from corekit import TODAY, orgnr

from samverkan.domain.lifecycle import CORE_GATES, STAGES
from samverkan.domain.model import FORM_KEYS
from samverkan.domain.topics import TOPIC_KEYS
from samverkan.plugin.manager import ENTRY_POINT_GROUP, get_plugin_manager, reset_plugin_manager
from samverkan.services import Services


def _municipality_entry_points() -> set[str]:
    """Entry points whose plugin speaks for a municipality (not always-on ones like the TUI)."""
    names = set()
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            plugin = ep.load()
        except Exception:
            names.add(ep.name)  # a broken plugin is kept, so that the contract reports it
            continue
        if hasattr(plugin, "municipality"):
            names.add(ep.name)
    return names


INSTALLED = sorted(_municipality_entry_points() | {"testby"})


@pytest.fixture
def loaded(testby_root, monkeypatch):
    """Every installed plugin plus Testby, loaded through their entry points."""
    monkeypatch.syspath_prepend(str(testby_root))
    reset_plugin_manager()
    yield get_plugin_manager()
    reset_plugin_manager()


@pytest.fixture
def municipality(request, loaded):
    key = request.param
    status = loaded.statuses[key]
    assert status.ok, f"{key} failed to load: {status.error}"
    assert status.municipality is not None, f"{key} does not implement municipality()"
    return key


pytestmark = pytest.mark.parametrize("municipality", INSTALLED, indirect=True)


def test_identity_and_documents(loaded, municipality):
    muni = loaded.municipalities()[municipality]
    assert muni.key == municipality and muni.name and muni.organisation
    assert muni.documents, "a municipality plugin names its guideline documents"
    assert all(d.title and d.key for d in muni.documents)
    assert len({d.key for d in muni.documents}) == len(muni.documents)
    status = loaded.statuses[municipality]
    assert status.distribution and status.version


def test_every_hook_answers_without_problems(loaded, municipality):
    view = loaded.view(municipality)
    loaded.probe()
    assert loaded.problems == []
    offers = view.forms()
    assert offers and any(f.offered for f in offers)
    assert all(f.form in FORM_KEYS and f.name and str(f.source) for f in offers)
    assert all(f.note for f in offers if not f.offered), "a form not offered says where to turn instead"
    for form in FORM_KEYS:
        assert view.decision_authority(form).kind in ("manager", "board")


def test_local_rules_are_namespaced_and_cite_their_source(loaded, municipality):
    view = loaded.view(municipality)
    prefix = f"{municipality}."
    local_checks = [c for c in view.checks() if not c.id.startswith("national.")]
    local_gates = view.gates()[len(CORE_GATES):]
    for item in [*local_checks, *local_gates, *view.rules()]:
        assert item.id.startswith(prefix), f"{item.id} should start with {prefix}"
        assert item.source.document.strip()
    for c in local_checks:
        assert set(c.forms) <= set(FORM_KEYS) and c.text
    for g in local_gates:
        assert set(g.to_stages) <= set(STAGES) and set(g.forms) <= set(FORM_KEYS)
    assert {r.topic for r in view.rules()} <= set(TOPIC_KEYS)
    for kind in view.record_kinds().values():
        assert kind.fields and str(kind.source)


def test_gates_run_on_a_bare_collaboration_of_every_offered_form(loaded, municipality, tmp_path):
    s = Services.open(tmp_path / "contract.db", "anna", "test", registry=loaded, today=TODAY)
    try:
        s.set_municipality(municipality)
        org = s.register_organisation("Kontraktsföreningen", orgnr(11))
        for offer in s.view.forms():
            if not offer.offered:
                continue
            c = s.register_initiative(f"Kontrakt {offer.form}", offer.form, [org.id])
            steps = s.check(c.id, "ended")
            assert steps[-1][1] == "ended"
            assert any(f.blocking for _, _, fs in steps for f in fs), "a bare initiative cannot reach the end"
        assert loaded.problems == [], "a gate raised on a collaboration without records"
        assert s.verify_audit().ok
    finally:
        s.store.close()


def test_demo_data_loads_through_the_services(loaded, municipality, tmp_path):
    from samverkan.services.demo import load_demo

    if not _implements_demo(loaded, municipality):
        pytest.skip(f"{municipality} ships no demo data")
    s = Services.open(tmp_path / "demo.db", "demo", "test", registry=loaded, today=TODAY)
    try:
        counts = load_demo(s, municipality)
        assert counts["organisations"] > 0 and counts["collaborations"] > 0
        assert s.verify_audit().ok and loaded.problems == []
    finally:
        s.store.close()


def _implements_demo(loaded, key: str) -> bool:
    return any(i.plugin_name == key for i in loaded.pm.hook.load_demo.get_hookimpls())
