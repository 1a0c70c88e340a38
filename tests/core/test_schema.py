"""The rule-data schema: a plugin's TOML read and validated by the core.

Errors name the file, the line and the key path, on one line, and the plugin is listed
as failed while the others keep working; the schema reference in
docs/writing-a-plugin.md names every table, key and gate kind; plugins may declare
comparison topics of their own, and rule values are checked against each topic's
vocabulary.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
from corekit import install_distribution

from samverkan.domain.topics import TOPICS, Topic, Values, value_error
from samverkan.plugin import national
from samverkan.plugin.datapack import DataPack, load_pack, read_files
from samverkan.plugin.dataplugin import DataPlugin
from samverkan.plugin.manager import get_plugin_manager, reset_plugin_manager
from samverkan.plugin.schema import CONDITION_KEYS, GATE_KINDS, TABLES, SchemaError, line_of

DOC = Path(__file__).resolve().parents[2] / "docs" / "writing-a-plugin.md"

MINIMAL = """\
[municipality]
key = "{key}"
name = "Provby kommun"
organisation = "Kommunstyrelsen"

[[documents]]
key = "riktlinjer"
title = "Riktlinjer för samverkan i Provby"

[[forms]]
form = "iop"
name = "IOP"
description = "Partnerskap."
document = "riktlinjer"
section = "s. 1"
level = "requirement"
quote = "Citerad mening ur riktlinjerna."

[[record_kinds]]
key = "consultation"
label = "Samråd"
document = "riktlinjer"
section = "s. 2"

[[record_kinds.fields]]
key = "date"
label = "Datum"
kind = "date"
"""


@pytest.fixture
def provby(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Factory: a data-only municipality ``key`` from ``files`` (name -> TOML) on sys.path."""
    site = tmp_path / "site"
    site.mkdir()
    made: list[str] = []

    def install(files: dict[str, str], key: str = "provby") -> Path:
        package = f"sv_throwaway_{key}"
        root = tmp_path / "src" / package
        (root / "data").mkdir(parents=True, exist_ok=True)
        (root / "__init__.py").write_text(
            f"from samverkan.plugin.dataplugin import DataPlugin\n\nplugin = DataPlugin({package!r})\n")
        for name, text in files.items():  # *.py files go next to __init__.py
            target = root / name if name.endswith(".py") else root / "data" / name
            target.write_text(textwrap.dedent(text).replace("{key}", key), encoding="utf-8")
        install_distribution(site, f"samverkan-{key}", "0.1.0", {key: f"{package}:plugin"},
                             packages={package: root})
        made.append(package)
        return root

    monkeypatch.syspath_prepend(str(site))
    load_pack.cache_clear()
    reset_plugin_manager()
    yield install
    reset_plugin_manager()
    load_pack.cache_clear()
    for name in [m for m in sys.modules if m.startswith(tuple(made))]:
        del sys.modules[name]


def error_of(install, files: dict[str, str]) -> str:
    """The one-line error the plugin is listed with."""
    install(files)
    status = get_plugin_manager().statuses["provby"]
    assert not status.ok
    assert "\n" not in status.error and "Traceback" not in status.error
    return status.error


# -- loading and errors ------------------------------------------------------------------


def test_a_data_plugin_loads_and_the_others_keep_working(provby):
    provby({"a.toml": MINIMAL})
    registry = get_plugin_manager()
    assert registry.statuses["provby"].ok
    assert {"provby", "stockholm", "linkoping"} <= set(registry.municipalities())
    view = registry.view("provby")
    assert [f.form for f in view.forms()] == ["iop"]
    assert list(view.record_kinds()) == ["consultation"]
    assert view.decision_authority("iop").kind == "delegation"  # none declared: the core's default
    assert view.follow_up_policy("iop") is None


def test_a_toml_syntax_error_names_file_and_line(provby):
    error = error_of(provby, {"a.toml": MINIMAL + "\n[[checks]]\nid = provby.x\n"})
    assert error.startswith("SchemaError: sv_throwaway_provby/data/a.toml:31: not valid TOML:")


@pytest.mark.parametrize(("extra", "expected"), [
    ("[[check]]\nid = 'provby.x'\n", "a.toml:30: check: unknown table; expected one of municipality, documents"),
    ("[[checks]]\nid = 'provby.x'\ntext = 'Fråga'\ndocument = 'riktlinjer'\nneeds_notes = true\nlevel = 'requirement'\nquote = 'x'\n",
     "a.toml:34: checks[0].needs_notes: unknown key; expected one of id, text, group"),
    ("[[checks]]\nid = 'provby.x'\ntext = 'Fråga'\ndocument = 'riktlinjer'\nforms = ['iop', 'iopp']\nlevel = 'requirement'\nquote = 'x'\n",
     "a.toml:34: checks[0].forms: unknown forms 'iopp'; expected one of informal, grant"),
    ("[[checks]]\nid = 'provby.x'\ntext = 'Fråga'\ndocument = 'riktlinjerna'\nlevel = 'requirement'\nquote = 'x'\n",
     "a.toml:33: checks[0].document: unknown document 'riktlinjerna' (documents: riktlinjer)"),
    ("[[checks]]\nid = 'x'\ntext = 'Fråga'\ndocument = 'riktlinjer'\nlevel = 'requirement'\nquote = 'x'\n",
     "a.toml:31: checks[0].id: ids start with the municipality key: provby."),
    ("[[checks]]\ntext = 'Fråga'\ndocument = 'riktlinjer'\nlevel = 'requirement'\nquote = 'x'\n",
     "a.toml:30: checks[0]: missing required key 'id'"),
    ("[[forms]]\nform = 'grant'\nname = 'Bidrag'\ndescription = 'x'\noffered = false\ndocument = 'riktlinjer'\nlevel = 'requirement'\nquote = 'x'\n",
     "a.toml:30: forms[1]: a form not offered needs a 'note'"),
    ("[[forms]]\nform = 'iop'\nname = 'IOP igen'\ndescription = 'x'\ndocument = 'riktlinjer'\nlevel = 'requirement'\nquote = 'x'\n",
     "a.toml:31: forms[1].form: duplicate form 'iop' (first in sv_throwaway_provby/data/a.toml, forms[0])"),
    ("[[rules]]\nid = 'provby.split'\ntopic = 'cost_split'\ntext = 'Hälften.'\nvalue = 'half'\n"
     "document = 'riktlinjer'\nlevel = 'requirement'\nquote = 'x'\n",
     "a.toml:34: rules[0].value: value 'half' is not a value of topic 'cost_split' "
     "(expected 'comparable'; a share from 0 to 1)"),
    ("[[rules]]\nid = 'provby.x'\ntopic = 'public_benefit'\ntext = 'x'\ndocument = 'riktlinjer'\nlevel = 'requirement'\nquote = 'x'\n",
     "a.toml:32: rules[0].topic: unknown topic 'public_benefit'; expected a core topic"),
    ("[[follow_up_policy]]\ninterval_months = 12\nmeasure = 'x'\nevaluate = 'nomodule'\ndocument = 'riktlinjer'\nlevel = 'requirement'\nquote = 'x'\n",
     "a.toml:33: follow_up_policy[0].evaluate: expected 'package.module:attribute', got 'nomodule'"),
    ("[decision_authority]\nkind = 'board'\n", "a.toml:30: decision_authority: expected [[decision_authority]] entries"),
])
def test_a_schema_error_is_one_line_naming_file_line_and_key(provby, extra, expected):
    error = error_of(provby, {"a.toml": MINIMAL + "\n" + extra})
    assert error.startswith(f"SchemaError: sv_throwaway_provby/data/{expected}"), error


GATE = """
[[gates]]
id = "provby.iop.consultation"
kind = "{kind}"
description = "Samråd före avtal"
stages = ["agreement"]
forms = ["iop"]
severity = "blocking"
message = "Inget samråd."
document = "riktlinjer"
level = "requirement"
quote = "Citerad mening ur riktlinjerna."
"""


@pytest.mark.parametrize(("kind", "extra", "expected"), [
    ("consultation", "", "a.toml:32: gates[0].kind: unknown gate kind 'consultation'; expected one of initiator"),
    ("record", "record = 'samråd'\n", "a.toml:41: gates[0].record: unknown record kind 'samråd' (record kinds: consultation)"),
    ("record", "record = 'consultation'\ndate_field = 'held_on'\n",
     "a.toml:42: gates[0].date_field: consultation has no field 'held_on' (fields: date)"),
    ("record", "record = 'consultation'\nnot_after = ['agreement.signed']\n",
     "a.toml:42: gates[0].not_after[0]: agreement has no field 'signed' (fields: collaboration_id, signed_on"),
    ("record", "record = 'consultation'\nconditions = [{ field = 'date', before = 'today', message = 'x' }]\n",
     "a.toml:42: gates[0].conditions[0].before: unknown key; expected one of field, equals"),
    ("fact", "field = 'collaboration.paid'\nequals = false\n",
     "a.toml:41: gates[0].field: collaboration has no field 'paid'"),
    ("initiator", "initiator = 'kommunen'\n",
     "a.toml:41: gates[0].initiator: expected one of organisation, municipality, got 'kommunen'"),
    ("share", "benchmark = 50\ntolerance = 0.1\nabove = 'mer'\nbelow = 'mindre'\n",
     "a.toml:41: gates[0].benchmark: expected a share from 0 to 1, got 50"),
    ("check", "check = 'provby.nope'\n", "a.toml:41: gates[0].check: unknown checklist item 'provby.nope'"),
    ("python", "python = 'sv_nowhere.gates:consulted'\n",
     "a.toml:41: gates[0].python: cannot load 'sv_nowhere.gates:consulted': ModuleNotFoundError"),
])
def test_gate_errors_name_the_key(provby, kind, extra, expected):
    provby({"a.toml": MINIMAL + GATE.replace("{kind}", kind) + extra})
    registry = get_plugin_manager()
    status = registry.statuses["provby"]
    if kind == "python":  # Python is imported when the gates are first asked for
        assert status.ok
        registry.view("provby").gates()
        error = registry.problems[0].error
    else:
        error = status.error
    assert f"SchemaError: sv_throwaway_provby/data/{expected}" in error, error


def test_severity_by_stage_must_cover_the_gates_stages(provby):
    gate = GATE.replace("{kind}", "record").replace('severity = "blocking"',
                                                     'severity = { decided = "advisory" }')
    error = error_of(provby, {"a.toml": MINIMAL + gate + "record = 'consultation'\n"})
    assert "gates[0].severity: stage 'decided' is not one of the gate's stages" in error


def test_a_table_may_be_declared_once_and_files_may_split_the_rest(provby):
    checks = "[[checks]]\nid = 'provby.x'\ntext = 'Fråga'\ndocument = 'riktlinjer'\nlevel = 'requirement'\nquote = 'x'\n"
    root = provby({"a.toml": MINIMAL, "b.toml": checks})
    assert [c.id for c in load_pack(root.name).checks] == ["provby.x"]
    load_pack.cache_clear()
    reset_plugin_manager()
    sys.modules.pop(root.name, None)
    error = error_of(provby, {"a.toml": MINIMAL, "b.toml": '[municipality]\nkey = "provby"\nname = "x"\n'
                                                           'organisation = "y"\n'})
    assert "b.toml:1: municipality: [municipality] is declared twice (first in sv_throwaway_provby/data/a.toml)" \
        in error


def test_the_reported_error_has_no_traceback_location(provby, cli):
    provby({"a.toml": MINIMAL + "\n[[check]]\n"})
    lines = cli("plugins", db_path=None).stdout.splitlines()
    [line] = [x for x in lines if x.startswith("provby\t")]
    assert line == ("provby\t-\t0.1.0\terror: SchemaError: sv_throwaway_provby/data/a.toml:30: check: "
                    "unknown table; expected one of " + ", ".join(TABLES))
    assert any(x.startswith("stockholm\t") and x.endswith("\tok") for x in lines)


def test_line_of_follows_headers_and_keys():
    text = "[a]\nx = 1\n\n[[g]]\nk = 1\n\n[[g]]\nk = 2\nm = 3\n\n[[g.c]]\nf = 1\n"
    assert line_of(text, ("a", "x")) == 2
    assert line_of(text, ("g", 1, "m")) == 9
    assert line_of(text, ("g", 1, "c", 0, "f")) == 12
    assert line_of(text, ("g", 0, "missing")) == 4  # the entry's header


# -- the shipped data ------------------------------------------------------------------


@pytest.mark.parametrize("package", ["samverkan_stockholm", "samverkan_linkoping"])
def test_the_shipped_plugins_are_data_and_name_python_that_exists(package):
    pack = load_pack(package)
    pack.check_references()
    assert pack.municipality is not None and pack.gates()
    assert all(g.quote for g in pack.gates()), "every declared gate quotes its source"
    assert not [g for g in pack.gate_specs.values() if g.get("kind") == "python"]


def test_the_national_rules_are_data_in_the_same_schema():
    pack = national.pack()
    assert isinstance(pack, DataPack) and pack.municipality is None
    assert {c.id for c in pack.checks} >= {"national.competence", "national.state_aid"}
    assert national.documents()["sou_2019_35"].number == "SOU 2019:35"


def test_linkopings_cost_split_rule_text_states_the_gates_benchmark():
    from samverkan_linkoping import data

    rule = next(r for r in load_pack("samverkan_linkoping").rules if r.topic == "cost_split")
    tolerance, share = data.benchmark_tolerance() * 100, data.benchmark_share() * 100
    assert f"±{tolerance.normalize():f} procentenheter från {share.normalize():f} %" in rule.text


def test_read_files_refuses_a_missing_folder():
    with pytest.raises(SchemaError, match="samverkan_stockholm/nowhere: no such data folder"):
        read_files("samverkan_stockholm", "nowhere")


# -- the schema reference ----------------------------------------------------------------


def test_every_table_key_and_gate_kind_is_in_the_reference():
    text = DOC.read_text(encoding="utf-8")
    for table in TABLES.values():
        head = f"[[{table.name}]]" if table.many else f"[{table.name}]"
        assert f"### `{head}`" in text, head
        for child in table.children.values():
            assert f"`[[{child.name}]]`" in text, child.name
        for key in [*table.keys, *(k for c in table.children.values() for k in c.keys)]:
            assert f"| `{key}` |" in text, f"{table.name}.{key}"
    for kind, keys in GATE_KINDS.items():
        assert f"### `{kind}`" in text, kind
        for key in keys:
            assert f"| `{key}` |" in text, f"{kind}.{key}"
    for key in CONDITION_KEYS:
        assert f"`{key}`" in text, key
    for t in TOPICS:
        assert f"| `{t.key}` | {t.label} |" in text, t.key


# -- comparison topics -------------------------------------------------------------------


def test_every_core_topic_with_values_accepts_what_the_plugins_give():
    assert Values(boolean=True).accepts(False) and not Values(boolean=True).accepts("no")
    split = next(t for t in TOPICS if t.key == "cost_split")
    assert split.values.accepts(0.5) and split.values.accepts("comparable") and not split.values.accepts(2)
    follow = next(t for t in TOPICS if t.key == "follow_up")
    assert follow.values.accepts({"interval": "yearly", "method": "sroi"})
    assert not follow.values.accepts({"interval": "yearly", "method": "guesswork"})
    text = next(t for t in TOPICS if t.key == "legal_checks")
    assert value_error(text, None) is None and "compared by text" in value_error(text, "LOU")


def test_a_python_plugin_registering_a_value_outside_the_vocabulary_is_reported(registry):
    from samverkan import hookimpl
    from samverkan.domain.model import Source
    from samverkan.domain.rules import Municipality, RuleText

    class Loose:
        __name__ = "loose"

        @hookimpl
        def municipality(self):
            return Municipality("loose", "Loose kommun", "KS")

        @hookimpl
        def register_rules(self, register):
            register(RuleText("loose.decision", "decision", "Alla beslutar.", Source("R", "§ 1"), "everyone"))

    assert registry.add(Loose(), "loose").ok
    assert registry.view("loose").rules() == []
    assert "value 'everyone' is not a value of topic 'decision'" in registry.problems[0].error


def test_hook_register_topics(provby, cli):
    topics = """
    [[topics]]
    key = "public_benefit"
    label = "Allmännytta"
    explanation = "Att verksamheten är allmännyttig."
    values = [true, false]

    [[rules]]
    id = "provby.public_benefit"
    topic = "public_benefit"
    value = true
    text = "Verksamheten ska vara allmännyttig."
    document = "riktlinjer"
    section = "s. 3"
    level = "requirement"
    quote = "Verksamheten ska vara allmännyttig."
    """
    provby({"a.toml": MINIMAL, "b.toml": topics})
    status = get_plugin_manager().statuses["provby"]
    assert status.ok, status.error
    view = get_plugin_manager().view("provby")
    assert view.topics()[-1] == Topic("public_benefit", "Allmännytta", "Att verksamheten är allmännyttig.",
                                      Values(choices=(True, False)))
    assert [r.id for r in view.rules()] == ["provby.public_benefit"]
    shown = cli("rules", "compare", "provby", "linkoping", db_path=None).stdout
    assert "public_benefit (Allmännytta): only_a" in shown
    assert "initiative (Vem tar initiativet): only_b" in shown


def test_a_topic_may_not_redeclare_a_core_topic(provby):
    topics = "[[topics]]\nkey = 'initiative'\nlabel = 'x'\nexplanation = 'y'\n"
    error = error_of(provby, {"a.toml": MINIMAL + "\n" + topics})
    assert "topics[0].key: topic 'initiative' is a core topic" in error


def test_a_subclass_adds_a_hook_the_data_cannot_express(provby):
    root = provby({"a.toml": MINIMAL})
    from samverkan import hookimpl

    class WithCommands(DataPlugin):
        @hookimpl
        def register_commands(self, cli):
            cli.add_command(lambda: None, "noop")

    plugin = WithCommands(root.name)
    names = set(dir(plugin))
    assert {"register_commands", "register_forms", "municipality"} <= names
    assert not {"load_demo", "register_gates", "register_reports"} & names


def test_a_municipality_without_documents_or_for_a_newer_schema_is_refused(provby):
    no_docs = MINIMAL[:MINIMAL.index("[[documents]]")]
    assert "a.toml:1: municipality: a municipality names its guideline documents" in error_of(
        provby, {"a.toml": no_docs})
    load_pack.cache_clear()
    reset_plugin_manager()
    sys.modules.pop("sv_throwaway_provby", None)
    newer = MINIMAL.replace('organisation = "Kommunstyrelsen"', 'organisation = "Kommunstyrelsen"\nschema = 2')
    assert "a.toml:5: municipality.schema: written for schema 2; this samverkan reads schema 1" in error_of(
        provby, {"a.toml": newer})


def test_a_python_gate_is_named_from_the_data(provby):
    rules = """
    def consulted(ctx):
        if not ctx.records_of("consultation"):
            yield "Inget samråd."
    """
    gate = GATE.replace("{kind}", "python").replace('severity = "blocking"',
                                                    'severity = { agreement = "advisory" }').replace(
        'level = "requirement"', 'level = "recommendation"')
    provby({"a.toml": MINIMAL + gate + "python = 'sv_throwaway_provby.rules:consulted'\n", "rules.py": rules})
    [declared] = [g for g in get_plugin_manager().view("provby").gates() if g.id == "provby.iop.consultation"]
    from samverkan.domain.lifecycle import GateContext
    from samverkan.domain.model import Collaboration

    c = Collaboration("Läger", "iop", [1], id=1, stage="decided")
    ctx = GateContext(collaboration=c, from_stage="decided", to_stage="agreement", actor="anna")
    assert [(f.rule_id, f.message, f.blocking) for f in declared.evaluate(ctx)] == [
        ("provby.iop.consultation", "Inget samråd.", False)]


@pytest.mark.parametrize(("condition", "expected"), [
    ("{ field = 'date', one_of = 'ab', message = 'x' }", "conditions[0].one_of: expected a list of values"),
    ("{ field = 'date', not_after = 'igår', message = 'x' }", "conditions[0].not_after: expected 'today', a field path"),
    ("{ field = 'date', not_after = 'agreement.signd_on', message = 'x' }",
     "conditions[0].not_after: agreement has no field 'signd_on'"),
    ("{ field = 'date', equals = 'x' }", "conditions[0]: missing required key 'message'"),
])
def test_record_conditions_are_checked(provby, condition, expected):
    gate = GATE.replace("{kind}", "record") + f"record = 'consultation'\nconditions = [{condition}]\n"
    assert expected in error_of(provby, {"a.toml": MINIMAL + gate})
