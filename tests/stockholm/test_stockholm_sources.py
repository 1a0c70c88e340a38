"""Every rule, check, gate, record kind, agreement section and form names its source.

The source must be one of Stockholm's documents (documents.toml) or a national one, and
must point into it (a page or section). :func:`unsourced` lists what fails; the last
test shows that it does catch a plugin object citing an unknown document.
"""

from __future__ import annotations

from samverkan import hookimpl
from samverkan.domain.lifecycle import CORE_GATES, Gate
from samverkan.domain.model import FORM_KEYS, Source
from samverkan.domain.topics import TOPIC_KEYS
from samverkan.plugin import national


def allowed_documents(view) -> set[str]:
    """Source.document strings of Stockholm's and the national documents."""
    docs = [*view.municipality.documents, *national.documents().values()]
    return {d.source().document for d in docs}


def plugin_objects(view) -> list[tuple[str, str, Source | None]]:
    """(kind, id, source) of everything the plugins of ``view`` register, core gates aside."""
    core = {g.id for g in CORE_GATES}
    items: list[tuple[str, str, Source | None]] = []
    items += [("rule", r.id, r.source) for r in view.rules()]
    items += [("check", c.id, c.source) for c in view.checks()]
    items += [("gate", g.id, g.source) for g in view.gates() if g.id not in core]
    items += [("record kind", k.key, k.source) for k in view.record_kinds().values()]
    items += [("form", f.form, f.source) for f in view.forms()]
    items += [("report", r.key, r.source) for r in view.reports().values()]
    for form in FORM_KEYS:
        items += [("section", f"{form}:{s.key}", s.source) for s in view.agreement_sections(form)]
        policy = view.follow_up_policy(form)
        if policy:
            items.append(("follow-up", form, policy.source))
        items.append(("decision", form, view.decision_authority(form).source))
    return items


def unsourced(view) -> list[str]:
    """Objects whose source is missing, names no known document or points nowhere in it."""
    allowed = allowed_documents(view)
    bad = []
    for kind, ident, source in plugin_objects(view):
        if source is None or source.document not in allowed:
            bad.append(f"{kind} {ident}: {source}")
        elif not source.section.strip():
            bad.append(f"{kind} {ident}: no page or section in {source}")
    return bad


def test_every_stockholm_object_names_a_stockholm_or_national_document(sthlm):
    assert unsourced(sthlm.view) == []
    assert not sthlm.registry.problems


def test_the_plugin_registers_each_kind_of_object(sthlm):
    kinds = {kind for kind, _, _ in plugin_objects(sthlm.view)}
    assert kinds == {"rule", "check", "gate", "record kind", "form", "report", "section",
                     "follow-up", "decision"}
    stockholm_gates = [g.id for g in sthlm.view.gates() if g.id.startswith("stockholm.")]
    # the agreement's sections and goals are data (sections.toml), judged by the core's gate
    assert len(stockholm_gates) == 11


def test_every_document_with_a_text_is_cited_and_none_without(sthlm):
    # a quote is checked against its document's text: a document whose text is not
    # available (the city's IOP guidelines 2023, its democracy guidelines 2021) is listed
    # for reference, and what AMF's guidelines say of it is quoted from them instead
    cited = {source.document for _, _, source in plugin_objects(sthlm.view)}
    for doc in sthlm.view.municipality.documents:
        if doc.text_file:
            assert doc.source().document in cited, doc.key
        else:
            assert doc.source().document not in cited, doc.key
    assert {d.key for d in sthlm.view.municipality.documents if not d.text_file and not d.software} == {"iop_2023", "democracy_2021"}


def test_every_object_states_its_level_and_quote(sthlm):
    for kind, ident, source in plugin_objects(sthlm.view):
        if kind == "report" or ident.startswith("national."):
            continue
        assert source.level in ("requirement", "recommendation", "guidance"), (kind, ident)
        assert source.quote.strip(), (kind, ident)


def test_a_source_naming_an_unknown_document_is_caught(sthlm):
    class Rogue:
        __name__ = "rogue"

        @hookimpl
        def register_gates(self, register):
            register(Gate("rogue.gate", Source("Ett okänt dokument", "s. 1"), lambda ctx: ()))

    sthlm.registry.pm.register(Rogue(), name="rogue")
    try:
        sthlm._view = None  # a fresh view sees the new plugin
        assert unsourced(sthlm.view) == ["gate rogue.gate: Ett okänt dokument, s. 1"]
    finally:
        sthlm.registry.pm.unregister(name="rogue")
        sthlm._view = None


def test_rules_answer_stockholms_topics_with_the_shared_values(sthlm):
    rules = sthlm.view.rules()
    assert all(r.topic in TOPIC_KEYS and r.text.strip() for r in rules)
    values = {r.topic: r.value for r in rules if r.value is not None}
    assert values == {
        "initiative": "either", "open_call": False, "preparatory_body": True, "pre_study": True,
        "no_market": True, "democracy": True, "cost_split": "comparable", "decision": "delegation",
        "follow_up": {"interval": "yearly"},
    }
    # at most one valued rule per topic, so a comparison joins on topic unambiguously
    valued = [r.topic for r in rules if r.value is not None]
    assert len(valued) == len(set(valued))
    answered = {r.topic for r in rules}
    assert answered == set(TOPIC_KEYS)


def test_record_kinds_for_the_preparatory_group(sthlm):
    kinds = sthlm.view.record_kinds()
    assert [f.key for f in kinds["consultation"].fields] == ["topic", "advice", "recommendation", "by", "date"]
    assert [f.key for f in kinds["prestudy"].fields] == ["need", "design", "shared_goals", "date"]
    assert [f.key for f in kinds["follow_up_plan"].fields] == ["how", "by"]
    assert [f.key for f in kinds["organisation_funding"].fields] == ["funder", "granted_on", "controls"]
    assert [f.key for f in kinds["ending_assessment"].fields] == ["assessment", "dialogue", "date"]


def test_agreement_sections_fix_roles_budget_and_follow_up(sthlm):
    by_level = {}
    for s in sthlm.view.agreement_sections("iop"):
        by_level.setdefault(s.source.level, set()).add(s.key)
        assert s.required == (s.source.level == "requirement"), s.key
    assert by_level == {"requirement": {"roles", "budget", "follow_up"},
                        "recommendation": {"goals", "challenge"},
                        "guidance": {"termination", "contributions"}}
    assert {s.key for s in sthlm.view.agreement_sections("procurement")} == {
        "roles", "budget", "follow_up", "goals", "termination"}
