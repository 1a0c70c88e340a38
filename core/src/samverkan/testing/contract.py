"""The plugin contract: what every municipality plugin must satisfy, as plain functions.

Each check takes the loaded plugin registry, the municipality key and a folder for
scratch databases, and raises :class:`ContractError` saying what is wrong (or
:class:`Skipped` when it does not apply). :data:`CHECKS` lists them in order; the pytest
suite (:mod:`samverkan.testing.suite`) and ``samverkan plugin test`` run them alike.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path

from samverkan.domain.lifecycle import CORE_GATES, STAGES
from samverkan.domain.model import FORM_KEYS
from samverkan.plugin.manager import Registry
from samverkan.testing.scenarios import load_scenario, plugin_package, scenario_files

TODAY = dt.date(2026, 11, 22)
#: what a municipality plugin's own modules never import: the database (only the core's
#: store talks to SQLite, plugins reach it through the services) and the interface
FORBIDDEN_IMPORTS = ("sqlite3", "sqlite_utils", "samverkan.store", "textual", "rich", "samverkan_tui")


class ContractError(AssertionError):
    """A municipality plugin breaks the contract; the message says how."""


class Skipped(Exception):
    """A check does not apply to this plugin (the message says why)."""


def _require(condition: object, message: str) -> None:
    if not condition:
        raise ContractError(message)


def loads(registry: Registry, key: str, workdir: Path) -> None:
    """It loads through its entry point and speaks for the municipality named by it."""
    status = registry.statuses.get(key)
    _require(status is not None, f"no plugin is installed under the entry point {key!r} (group 'samverkan')")
    _require(status.ok, f"{key} failed to load: {status.error}")
    _require(status.municipality is not None, f"{key} does not declare a [municipality] (implement municipality())")


def identity(registry: Registry, key: str, workdir: Path) -> None:
    """It names the municipality, its organisation and its guideline documents, and its
    distribution has a name and a version."""
    muni = registry.municipalities()[key]
    _require(muni.key == key and muni.name and muni.organisation, f"{key}: name and organisation are required")
    _require(muni.documents, f"{key}: a municipality plugin names its guideline documents")
    _require(all(d.title and d.key for d in muni.documents), f"{key}: every document has a key and a title")
    _require(len({d.key for d in muni.documents}) == len(muni.documents), f"{key}: document keys repeat")
    status = registry.statuses[key]
    _require(status.distribution and status.version, f"{key}: its distribution has no name or version")


def hooks(registry: Registry, key: str, workdir: Path) -> None:
    """Every hook answers without raising, and what it registers is valid: forms under
    the core's keys, a note for a form not offered, a decision authority for every form."""
    view = registry.view(key)
    before = len(registry.problems)
    registry.probe()
    problems = [f"{p.plugin} in {p.hook}: {p.error}" for p in registry.problems[before:]]
    _require(not problems, "hooks raised or registered invalid objects:\n  " + "\n  ".join(problems))
    offers = view.forms()
    _require(offers and any(f.offered for f in offers), f"{key}: offers no collaboration form")
    for f in offers:
        _require(f.form in FORM_KEYS and f.name and str(f.source), f"{key}: form {f.form!r} lacks a name or source")
        _require(f.offered or f.note, f"{key}: form {f.form!r} is not offered and does not say where to turn")
    for form in FORM_KEYS:
        _require(view.decision_authority(form).kind in ("manager", "board", "delegation"),
                 f"{key}: authority for {form}")


def sources(registry: Registry, key: str, workdir: Path) -> None:
    """Its checks, gates and rules have ids starting with its key and cite a source; its
    rules answer known topics; its record kinds have fields and a source."""
    view = registry.view(key)
    prefix = f"{key}."
    local_checks = [c for c in view.checks() if not c.id.startswith("national.")]
    local_gates = view.gates()[len(CORE_GATES):]
    local_gates = [g for g in local_gates if not g.id.startswith("national.")]
    for item in [*local_checks, *local_gates, *view.rules()]:
        _require(item.id.startswith(prefix), f"{item.id} should start with {prefix}")
        _require(item.source.document.strip(), f"{item.id} cites no source document")
    for c in local_checks:
        _require(set(c.forms) <= set(FORM_KEYS) and c.text, f"{c.id}: unknown forms or no text")
    for g in local_gates:
        _require(set(g.to_stages) <= set(STAGES) and set(g.forms) <= set(FORM_KEYS), f"{g.id}: unknown stages or forms")
    topics = {t.key for t in view.topics()}
    for r in view.rules():
        _require(r.topic in topics, f"{r.id}: unknown topic {r.topic!r}")
    for kind in view.record_kinds().values():
        _require(kind.fields and str(kind.source), f"record kind {kind.key}: no fields or no source")
    for form in FORM_KEYS:
        for section in view.agreement_sections(form):
            _require(section.key and section.title and str(section.source), f"agreement section {section.key!r}")


def forms(registry: Registry, key: str, workdir: Path) -> None:
    """Every offered form can be registered on a real database, its gates run on a bare
    collaboration without raising, and such a collaboration cannot reach the end."""
    from samverkan.services import Services
    from samverkan.testing.runner import orgnr

    s = Services.open(workdir / f"{key}-contract.db", "kontrakt", "test", registry=registry, today=TODAY)
    before = len(registry.problems)
    try:
        s.set_municipality(key)
        org = s.register_organisation("Kontraktsföreningen", orgnr(11))
        for offer in s.view.forms():
            if not offer.offered:
                continue
            c = s.register_initiative(f"Kontrakt {offer.form}", offer.form, [org.id])
            steps = s.check(c.id, "ended")
            _require(steps[-1][1] == "ended", f"{offer.form}: no way to the end")
            _require(any(f.blocking for _, _, fs in steps for f in fs),
                     f"{offer.form}: a bare initiative could reach the end without a blocking finding")
        problems = [f"{p.plugin} in {p.hook}: {p.error}" for p in registry.problems[before:]]
        _require(not problems, "a gate raised on a collaboration without records:\n  " + "\n  ".join(problems))
        _require(s.verify_audit().ok, "the audit chain does not verify")
    finally:
        s.store.close()


def demo(registry: Registry, key: str, workdir: Path) -> None:
    """Its demo data, if it ships any, loads through the services."""
    from samverkan.services import Services
    from samverkan.services.demo import load_demo

    if not any(i.plugin_name == key for i in registry.pm.hook.load_demo.get_hookimpls()):
        raise Skipped(f"{key} ships no demo data")
    s = Services.open(workdir / f"{key}-demo.db", "demo", "test", registry=registry, today=TODAY)
    before = len(registry.problems)
    try:
        counts = load_demo(s, key)
        _require(counts["organisations"] > 0 and counts["collaborations"] > 0, "the demo data is empty")
        _require(s.verify_audit().ok, "the audit chain does not verify after the demo data")
        problems = [f"{p.plugin} in {p.hook}: {p.error}" for p in registry.problems[before:]]
        _require(not problems, "plugin problems while loading the demo:\n  " + "\n  ".join(problems))
    finally:
        s.store.close()


def python(registry: Registry, key: str, workdir: Path) -> None:
    """Every piece of Python its data names (``module:attr``) can be imported."""
    plugin = registry.pm.get_plugin(key)
    pack = getattr(plugin, "pack", None)
    if pack is None or not hasattr(pack, "check_references"):
        raise Skipped(f"{key} is written in Python, not as rule data")
    try:
        pack.check_references()
    except Exception as exc:
        raise ContractError(str(exc)) from exc


def package_files(package: str) -> list[Path]:
    """The Python files of the installed ``package``."""
    spec = importlib.util.find_spec(package)
    if spec is None:
        return []
    roots = list(spec.submodule_search_locations or [])
    if not roots and spec.origin:
        return [Path(spec.origin)]
    return sorted(p for root in roots for p in Path(root).rglob("*.py"))


def forbidden_imports(files: list[Path], forbidden: tuple[str, ...] = FORBIDDEN_IMPORTS) -> Iterator[str]:
    """``file:line: imports NAME`` for every direct import of a ``forbidden`` module."""
    def bad(name: str) -> bool:
        return any(name == f or name.startswith(f + ".") for f in forbidden)

    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            hit = next((n for n in names if bad(n)), None)
            if hit:
                yield f"{path}:{node.lineno}: imports {hit}"


def imports(registry: Registry, key: str, workdir: Path) -> None:
    """Its package imports neither SQLite, the store nor the interface (Textual, Rich, the
    TUI): it reaches the database through the services only."""
    package = plugin_package(key)
    _require(package, f"no entry point {key!r}")
    found = list(forbidden_imports(package_files(package)))
    _require(not found, "the plugin's modules import what a plugin must not:\n  " + "\n  ".join(found))


def scenarios(registry: Registry, key: str, workdir: Path) -> None:
    """Its scenario files load, and every gate it declares has a scenario that expects
    the gate's finding."""
    files = scenario_files(key)
    if not files:
        raise Skipped(f"{key} ships no scenario files ({plugin_package(key)}/scenarios/*.toml)")
    expected: set[str] = set()
    for name, path in files:
        expected |= load_scenario(path, key, name).expected_rules()
    gates = [g.id for g in registry.view(key).gates() if g.id.startswith(f"{key}.")]
    missing = [g for g in gates if g not in expected]
    _require(not missing, "gates no scenario expects a finding of: " + ", ".join(missing))


def importlinter_config(packages: list[str]) -> str:
    """An import-linter configuration (TOML) holding municipality ``packages`` to the
    plugin's layering: no Textual, Rich or TUI; no store; no SQLite; and a core that
    depends on none of them. Run it with ``lint-imports --config FILE``.
    """
    import tomli_w

    packages = sorted(set(packages))
    contracts = [
        {"name": "Municipality plugins never import Textual or the TUI", "type": "forbidden",
         "source_modules": packages, "forbidden_modules": ["textual", "samverkan_tui", "rich"]},
        {"name": "Municipality plugins stay off the store", "type": "forbidden", "source_modules": packages,
         "forbidden_modules": ["samverkan.store"], "allow_indirect_imports": True},
        {"name": "Municipality plugins do not talk to SQLite", "type": "forbidden", "source_modules": packages,
         "forbidden_modules": ["sqlite3", "sqlite_utils"], "allow_indirect_imports": True},
        {"name": "Core does not depend on any municipality", "type": "forbidden",
         "source_modules": ["samverkan"], "forbidden_modules": packages},
    ]
    return tomli_w.dumps({"tool": {"importlinter": {
        "root_packages": ["samverkan", *packages], "include_external_packages": True,
        "contracts": contracts}}})


def quotes(registry: Registry, key: str, workdir: Path) -> None:
    """Every rule, checklist item, gate, section, form and policy of its data states its
    obligation level and quotes its document, and every quote is found verbatim in the
    text of that document the plugin ships (and so do the core's national rules)."""
    from samverkan.plugin import national
    from samverkan.plugin.datapack import load_pack
    from samverkan.plugin.quotes import quote_problems
    from samverkan.plugin.schema import SchemaError

    try:
        pack = load_pack(plugin_package(key))
    except SchemaError as exc:
        raise Skipped(f"{key} is not a plugin of rule data ({exc})") from None
    problems = quote_problems(pack) + quote_problems(national.pack())
    _require(not problems, "quotes not found in their documents:\n  " + "\n  ".join(problems))


#: the contract, in the order it is checked
CHECKS: tuple[Callable[[Registry, str, Path], None], ...] = (
    loads, identity, hooks, sources, forms, demo, python, imports, scenarios, quotes)
