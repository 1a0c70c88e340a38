"""Retention periods (gallring) per record, supplied by the municipality plugins.

Each municipality states in ``[[retention]]`` how long each kind of record is kept and
what culling does then; the core reads them through ``view.retention()`` (the entries by
record) and ``view.retention_of(record)`` (the rule that governs a record, absence
meaning kept). Record-kind fields holding personal data are marked ``personal = true``.
The municipalities are pinned by registering their plugin objects in a registry of their
own, so the tests do not depend on which plugins are installed.
"""

from __future__ import annotations

import importlib
import tomllib

import pluggy
import pytest

from samverkan import hookimpl
from samverkan.domain.errors import ValidationError
from samverkan.domain.model import Source
from samverkan.domain.rules import RETAINED, RecordField, RecordKind, Retention
from samverkan.plugin import hookspecs
from samverkan.plugin.datapack import DataPack, load_pack
from samverkan.plugin.manager import MunicipalityView, Registry
from samverkan.plugin.quotes import quote_problems
from samverkan.plugin.schema import SchemaError

PACKAGES = {"stockholm": "samverkan_stockholm", "linkoping": "samverkan_linkoping"}
#: the periods both municipalities give the core's records: (years, after, cull, erasable)
DEFAULTS = {
    "contact": (2, "ended", "remove", True),
    "organisation": (None, "ended", "anonymise", False),
    "collaboration": (10, "ended", "anonymise", False),
    "decision": (None, "ended", "anonymise", False),
    "agreement": (None, "ended", "anonymise", False),
    "follow_up": (10, "ended", "anonymise", False),
    "document": (10, "ended", "anonymise", False),
    "record": (2, "ended", "anonymise", True),
    "user": (None, "ended", "anonymise", True),  # its e-mail only: the account name is a key
    "notification": (1, "created", "remove", True),
}


def registry_with(*plugins: tuple[object, str]) -> Registry:
    """A registry holding exactly ``plugins`` (object, name), nothing installed."""
    pm = pluggy.PluginManager("samverkan")
    pm.add_hookspecs(hookspecs)
    registry = Registry(pm)
    for plugin, name in plugins:
        status = registry.add(plugin, name)
        assert status.ok, status.error
    return registry


def view_of(key: str) -> MunicipalityView:
    """The view of municipality ``key``, its shipped plugin object registered explicitly."""
    plugin = importlib.import_module(f"{PACKAGES[key]}.plugin").plugin
    return registry_with((plugin, key)).view(key)


# -- the shipped data ----------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(PACKAGES))
def test_hook_register_retention(key):
    view = view_of(key)
    rules = view.retention()
    assert set(RETAINED) <= set(rules)
    assert all(isinstance(r, Retention) and r.record == k for k, r in rules.items())
    for record, expected in DEFAULTS.items():
        r = rules[record]
        assert (r.years, r.after, r.cull, r.erasable) == expected, record
    # the plugin's own record kinds may have entries of their own
    own = set(rules) - set(RETAINED)
    assert own and own <= set(view.record_kinds())
    assert not view.registry.problems


@pytest.mark.parametrize("key", sorted(PACKAGES))
def test_the_periods_are_the_programs_defaults_and_say_so(key):
    view = view_of(key)
    software = {d.source().document for d in view.municipality.documents if d.software}
    assert len(software) == 1
    for r in view.retention().values():
        assert r.source.level == "default" and r.source.document in software, r.record
        assert not r.source.quote, r.record
        # honest: the program's default, until the municipality's plan sets the period
        assert "Programmets standardval" in r.reason and "dokumenthanteringsplan" in r.reason, r.record
        assert "arkivlagen (1990:782)" in r.reason, r.record
    # the quote check passes: a default quotes nothing
    assert quote_problems(load_pack(PACKAGES[key])) == []


def test_retention_of_falls_back_to_record_then_keeps():
    view = view_of("stockholm")
    assert view.retention_of("consultation").years == 10  # its own entry
    funding = view.retention_of("organisation_funding")  # a record kind without one
    assert funding == view.retention()["record"]
    with pytest.raises(ValidationError, match="unknown record 'nothing'"):
        view.retention_of("nothing")

    class Silent:  # a municipality whose plan says nothing
        @hookimpl
        def municipality(self):
            from samverkan.domain.rules import Document, Municipality

            return Municipality("tystby", "Tystby kommun", "KS", (Document("r", "Riktlinjer"),))

    silent = registry_with((Silent(), "tystby")).view("tystby")
    assert silent.retention() == {}
    kept = silent.retention_of("contact")
    assert (kept.record, kept.years, kept.erasable) == ("contact", None, False)
    assert kept.reason and kept.source.level == "default"


def test_a_python_plugin_registering_a_refused_rule_is_reported():
    src = Source("Dokumenthanteringsplan", "s. 3", level="default")

    class Python:
        @hookimpl
        def municipality(self):
            from samverkan.domain.rules import Document, Municipality

            return Municipality("pyby", "Pyby kommun", "KS", (Document("r", "Riktlinjer"),))

        @hookimpl
        def register_retention(self, register):
            register(Retention("contact", 2, src, cull="remove", erasable=True))
            register(Retention("decision", 5, src, cull="remove", reason="x"))

    registry = registry_with((Python(), "pyby"))
    assert list(registry.view("pyby").retention()) == ["contact"]  # the refused rule is left out
    [problem] = registry.problems
    assert problem.plugin == "pyby" and problem.hook == "register_retention"
    assert "'decision' cannot be removed" in problem.error


# -- load errors name the file, the line and the key ------------------------------------------

HEAD = """\
[municipality]
key = "provby"
name = "Provby kommun"
organisation = "Kommunstyrelsen"

[[documents]]
key = "plan"
title = "Dokumenthanteringsplan"

[[documents]]
key = "samverkan"
title = "samverkan: programmets standardval"
software = true

[[record_kinds]]
key = "consultation"
label = "Samråd"
document = "plan"

[[record_kinds.fields]]
key = "by"
label = "Vem"
personal = true

[[record_kinds.fields]]
key = "topic"
label = "Fråga"
"""
FILE = "sv_provby/data/retention.toml"


def pack(extra: str) -> DataPack:
    text = HEAD + extra
    return DataPack("sv_provby", "data", [(FILE, text, tomllib.loads(text))])


def entry(record: str = "contact", **keys: object) -> str:
    """A ``[[retention]]`` entry at level default, with ``keys`` (None: left out)."""
    values = {"record": record, "years": 2, "erasable": True, "document": "samverkan", "level": "default", **keys}
    lines = ["", "[[retention]]"]
    for k, v in values.items():
        if v is not None:
            lines.append(f"{k} = {str(v).lower() if isinstance(v, bool) else repr(v).replace(chr(39), chr(34))}")
    return "\n".join(lines) + "\n"


def test_a_pack_builds_its_retention_and_the_personal_fields():
    p = pack(entry() + entry("consultation", years=10, erasable=None, reason="Underlag för beslutet.")
             + entry("decision", years=None, erasable=None, reason="Bevaras."))
    assert p.retention["contact"] == Retention("contact", 2, p.documents["samverkan"].source(level="default"),
                                               erasable=True)
    assert (p.retention["consultation"].years, p.retention["consultation"].erasable) == (10, False)
    assert p.retention["decision"].years is None
    [by, topic] = p.record_kinds["consultation"].fields
    assert (by.personal, topic.personal) == (True, False)


@pytest.mark.parametrize(("extra", "expected"), [
    (entry("contacts"), "retention[0].record: unknown record 'contacts'; expected one of contact, organisation"),
    (entry() + entry(), "retention[1].record: duplicate record 'contact' (first in sv_provby/data/retention.toml, "
                        "retention[0])"),
    (entry("collaboration", erasable=None, years=10),
     "retention[0]: a record that is not erasable says why it is kept"),
    (entry("collaboration", erasable=None, reason=""),
     "retention[0].reason: a record that is not erasable says why it is kept"),
    (entry("collaboration", cull="remove", reason="Allmän handling."),
     "retention[0].cull: 'collaboration' cannot be removed: the case's other records depend on it"),
    (entry(years=-1), "retention[0].years: a retention period is whole years, 0 or more"),
    (entry(years="2"), "retention[0].years: expected a int, got '2'"),
    (entry(after="decided"), "retention[0].after: expected one of ended, created, got 'decided'"),
    (entry(cull="shred"), "retention[0].cull: expected one of remove, anonymise, got 'shred'"),
    (entry(level=None), "retention[0]: missing required key 'level'"),
    (entry(document="plan", level="requirement"), "retention[0].quote: a rule quotes the sentence"),
    (entry(document="plan"), "retention[0].level: a default of the software's own cites no municipal document"),
])
def test_a_bad_retention_entry_is_a_load_error_naming_file_line_and_key(extra, expected):
    with pytest.raises(SchemaError) as caught:
        pack(extra)
    error = str(caught.value)
    assert error.startswith(f"{FILE}:"), error
    line, _, rest = error.removeprefix(f"{FILE}:").partition(": ")
    assert rest.startswith(expected), error
    text = (HEAD + extra).splitlines()
    assert text[int(line) - 1].startswith(("[[retention]]", f"{caught.value.path.rsplit('.', 1)[-1]} =")), error


def test_remove_is_refused_for_every_record_the_case_depends_on():
    for record in ("collaboration", "organisation", "decision", "agreement"):
        with pytest.raises(SchemaError, match=f"'{record}' cannot be removed"):
            pack(entry(record, cull="remove", erasable=None, reason="x"))
    assert pack(entry("contact", cull="remove")).retention["contact"].cull == "remove"


def test_personal_must_be_true_or_false():
    text = HEAD.replace('label = "Vem"\npersonal = true', 'label = "Vem"\npersonal = "ja"')
    with pytest.raises(SchemaError, match=r"retention\.toml:\d+: record_kinds\[0\]\.fields\[0\]\.personal: "
                                          r"expected a bool, got 'ja'"):
        DataPack("sv_provby", "data", [(FILE, text, tomllib.loads(text))])


# -- personal fields in the shipped plugins --------------------------------------------------


@pytest.mark.parametrize(("key", "personal"), [
    ("stockholm", {("consultation", "by"), ("follow_up_plan", "by"), ("ending_assessment", "dialogue")}),
    ("linkoping", {("legal_assessment", "assessed_by"), ("legal_assessment", "lawyer")}),
])
def test_the_fields_naming_people_are_personal(key, personal):
    kinds = view_of(key).record_kinds()
    assert all(isinstance(k, RecordKind) and all(isinstance(f, RecordField) for f in k.fields) for k in kinds.values())
    assert {(k.key, f.key) for k in kinds.values() for f in k.fields if f.personal} == personal
