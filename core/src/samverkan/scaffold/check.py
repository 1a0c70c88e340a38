"""``samverkan plugin check PATH``: a plugin's data and scenarios checked, and what it declares.

PATH is a plugin's distribution (the folder with its pyproject.toml), its package or its
``data`` folder; nothing needs to be installed. The data is read and validated by the
core's own loader (:class:`samverkan.plugin.datapack.DataPack`), the Python it names is
imported from the plugin's ``src`` folder, the entry point is compared with the
municipality key, and every scenario file is read and its references (checklist items,
record kinds and their fields, agreement sections, rule ids) checked against the data.
Every problem is one line naming the file, the line and the key.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samverkan.domain.lifecycle import CORE_GATES
from samverkan.domain.model import FORM_KEYS
from samverkan.plugin.datapack import DataPack
from samverkan.plugin.schema import SchemaError, line_of, show
from samverkan.testing.scenarios import FOLDER, Scenario, parse

_PARTIES = ("kommunen", "kommun", "municipality")
_TOML_LINE = re.compile(r"at line (\d+)")


@dataclass
class Located:
    """Where a plugin's files are: its package name, data folder, src root and pyproject."""

    package: str
    data: Path
    src: Path | None = None
    pyproject: Path | None = None


@dataclass
class PluginCheck:
    """The outcome of checking a plugin: errors, warnings, and the data when it loaded."""

    where: Located | None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pack: DataPack | None = None
    scenarios: list[Scenario] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether nothing is wrong."""
        return not self.errors


def _shown(path: Path) -> str:
    """``path`` relative to the working folder where it lies below it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def locate(path: Path) -> Located:
    """Find the package, data folder and pyproject of the plugin at ``path``.

    :raises SchemaError: when ``path`` holds no plugin.
    """
    path = path.resolve()
    project = path / "pyproject.toml"
    if project.is_file():
        try:
            config = tomllib.loads(project.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SchemaError(_shown(project), "", f"not valid TOML: {exc}") from None
        eps = config.get("project", {}).get("entry-points", {}).get("samverkan", {})
        if not eps:
            raise SchemaError(_shown(project), "project.entry-points.samverkan",
                              "no entry point in the group 'samverkan' (KEY = \"samverkan_KEY.plugin:plugin\")",
                              line_of(project.read_text(encoding="utf-8"), ("project",)))
        package = next(iter(eps.values())).split(":")[0].split(".")[0]
        for src in (path / "src", path):
            if (src / package / "data").is_dir():
                return Located(package, src / package / "data", src, project)
        raise SchemaError(_shown(path), "", f"no data folder: expected src/{package}/data/*.toml")
    if (path / "data").is_dir():
        return Located(path.name, path / "data", path.parent)
    if path.is_dir() and path.name == "data":
        return Located(path.parent.name, path, path.parent.parent)
    raise SchemaError(_shown(path), "", "not a plugin: expected a folder with pyproject.toml, "
                                         "a package with data/, or a data/ folder")


def read_folder(folder: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, text, parsed) of every TOML file in ``folder``, by file name (as the loader reads them)."""
    out = []
    for path in sorted(folder.glob("*.toml")):
        name = _shown(path)
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise SchemaError(name, "", "not UTF-8 text") from None
        try:
            out.append((name, text, tomllib.loads(text)))
        except tomllib.TOMLDecodeError as exc:
            m = _TOML_LINE.search(str(exc))
            line = int(m.group(1)) if m else None
            raise SchemaError(name, "", f"not valid TOML: {exc}", line) from None
    return out


def check_plugin(path: Path, import_python: bool = True) -> PluginCheck:
    """Check the plugin at ``path``: its data, its entry point, its Python and its scenarios."""
    try:
        where = locate(path)
    except SchemaError as exc:
        return PluginCheck(None, [str(exc)])
    result = PluginCheck(where)
    try:
        result.pack = pack = DataPack(where.package, "data", read_folder(where.data))
    except SchemaError as exc:
        result.errors.append(str(exc))
        return result
    key = pack.municipality.key if pack.municipality else None
    if key is None:
        result.errors.append(f"{_shown(where.data)}: no [municipality]: a municipality plugin says who it speaks for")
        return result
    _check_entry_point(result, key)
    if import_python and where.src is not None:
        _check_python(result)
    _check_scenarios(result, key)
    _check_quotes(result)
    return result


def _check_quotes(result: PluginCheck) -> None:
    """Every quote of the data is found in the text of the document it cites (read from
    the plugin's data folder, installed or not)."""
    from samverkan.plugin.quotes import quote_problems

    where, pack = result.where, result.pack
    assert where is not None and pack is not None

    def text_of(doc: Any) -> str:
        if not doc.text_file:
            raise FileNotFoundError(f"document {doc.key!r} ships no text_file to find the quote in")
        return (where.data / doc.text_file).read_text(encoding="utf-8")

    result.errors.extend(quote_problems(pack, text_of))


def _check_entry_point(result: PluginCheck, key: str) -> None:
    where = result.where
    if where is None or where.pyproject is None:
        return
    text = where.pyproject.read_text(encoding="utf-8")
    eps = tomllib.loads(text)["project"]["entry-points"]["samverkan"]
    line = line_of(text, ("project.entry-points.samverkan",))
    if key not in eps:
        result.errors.append(f"{_shown(where.pyproject)}:{line}: project.entry-points.samverkan: no entry point "
                             f"named {key!r}; its name must equal [municipality] key (found: {', '.join(eps)})")
        return
    module = eps[key].split(":")[0]
    file = where.src / Path(*module.split(".")) if where.src else None
    if file is not None and not (file.with_suffix(".py").is_file() or (file / "__init__.py").is_file()):
        result.errors.append(f"{_shown(where.pyproject)}:{line}: project.entry-points.samverkan.{key}: "
                             f"no module {module} in {_shown(where.src)}")


def _check_python(result: PluginCheck) -> None:
    """Import what the data names, from the plugin's src folder."""
    where, pack = result.where, result.pack
    assert where is not None and pack is not None and where.src is not None
    before = set(sys.modules)
    sys.path.insert(0, str(where.src))
    try:
        pack.check_references()
    except SchemaError as exc:
        result.errors.append(str(exc))
    finally:
        sys.path.remove(str(where.src))
        if where.package not in before:  # not installed here: leave no trace of its modules
            for name in set(sys.modules) - before:
                if name == where.package or name.startswith(where.package + "."):
                    del sys.modules[name]


def _national() -> tuple[set[str], set[str]]:
    from samverkan.plugin import national

    pack = national.pack()
    return {c.id for c in pack.checks}, set(pack.gate_specs)


def _check_scenarios(result: PluginCheck, key: str) -> None:
    where, pack = result.where, result.pack
    assert where is not None and pack is not None
    folder = where.data.parent / FOLDER
    files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    if not files:
        result.warnings.append(f"{_shown(folder)}: no scenario files; every gate needs one (docs/writing-a-plugin.md)")
    national_checks, national_gates = _national()
    # the checklist gate reports under the ids of what it found (unanswered, not met,
    # no motivation), so a scenario may expect those
    rules = (set(pack.gate_specs) | {g.id for g in CORE_GATES} | national_gates
             | {"core.checks.answered", "core.checks.met", "core.checks.note"})
    checks = {c.id for c in pack.checks} | national_checks
    for path in files:
        name = _shown(path)
        text = path.read_text(encoding="utf-8")
        try:
            scenario = parse(name, text, key)
        except SchemaError as exc:
            result.errors.append(str(exc))
            continue
        result.scenarios.append(scenario)
        result.errors.extend(_references(scenario, text, pack, checks, rules))
    covered = {r for s in result.scenarios for r in s.expected_rules()}
    missing = [g for g in pack.gate_specs if g not in covered]
    if files and missing:
        result.warnings.append(f"{_shown(folder)}: gates no scenario expects a finding of: {', '.join(missing)}")


def _references(s: Scenario, text: str, pack: DataPack, checks: set[str], rules: set[str]) -> list[str]:
    """Problems with what scenario ``s`` names: checklist items, record kinds, fields,
    sections, parties and rule ids unknown to the plugin's data."""
    raw = tomllib.loads(text)
    problems = []

    def at(path: tuple[str | int, ...], message: str) -> None:
        problems.append(str(SchemaError(s.file, show(path), message, line_of(text, path))))

    for i, a in enumerate(raw.get("answers", [])):
        if a["check"] not in checks:
            at(("answers", i, "check"), f"unknown checklist item {a['check']!r}")
    for i, r in enumerate(raw.get("records", [])):
        kind = pack.record_kinds.get(r["kind"])
        if kind is None:
            at(("records", i, "kind"), f"unknown record kind {r['kind']!r} "
                                       f"(record kinds: {', '.join(pack.record_kinds) or 'none declared'})")
            continue
        fields = {f.key for f in kind.fields}
        for name in r:
            if name != "kind" and name not in fields:
                at(("records", i, name), f"{kind.key} has no field {name!r} (fields: {', '.join(sorted(fields))})")
    parties = {*_PARTIES, *(o["name"].casefold() for o in s.organisations or [{"name": "Föreningen"}])}
    for i, c in enumerate(raw.get("contributions", [])):
        if str(c["party"]).casefold() not in parties:
            at(("contributions", i, "party"), f"{c['party']!r} is no party: write kommunen or the name of "
                                              f"one of [[organisations]]")
    if s.form in FORM_KEYS and s.agreement is not None:
        known = {sec.key for sec in pack.agreement_sections(s.form)}
        for name in s.agreement.get("sections", {}):
            if name not in known:
                at(("agreement", "sections", name), f"no agreement section {name!r} for {s.form} "
                                                    f"(sections: {', '.join(sorted(known)) or 'none'})")
    for i, e in enumerate(raw.get("expect", [])):
        for j, f in enumerate(e.get("findings", [])):
            if f["rule"] not in rules:
                at(("expect", i, "findings", j, "rule"), f"no rule {f['rule']!r} among the plugin's gates "
                                                          f"and the core's")
    return problems


def _retained(rule: Any) -> str:
    """A retention rule in a few words: ``2 years after ended, remove, erasable``."""
    if rule.years is None:
        period = "kept"
    else:
        period = f"{rule.years} year{'' if rule.years == 1 else 's'} after {rule.after}, {rule.cull}"
    return period + (", erasable" if rule.erasable else "")


def declaration(result: PluginCheck) -> list[str]:
    """What a plugin that checked out declares, one line per kind of thing."""
    pack = result.pack
    if pack is None or pack.municipality is None:
        return []
    m = pack.municipality
    lines = [f"{m.key}: {m.name} ({m.organisation})",
             f"  documents: {', '.join(f'{d.key} ({d.title})' for d in m.documents)}"]
    forms = [f.form + ("" if f.offered else " (not offered)") for f in pack.forms]
    lines.append(f"  forms: {', '.join(forms) or 'none'}")
    lines.append(f"  checks: {len(pack.checks)}" + (f" ({', '.join(c.id for c in pack.checks)})" if pack.checks else ""))
    kinds = [f"{k.key} ({', '.join(f.key for f in k.fields)})" for k in pack.record_kinds.values()]
    lines.append(f"  record kinds: {', '.join(kinds) or 'none'}")
    kept = [f"{r.record} ({_retained(r)})" for r in pack.retention.values()]
    lines.append(f"  retention: {', '.join(kept) or 'none (every record kept)'}")
    for form in FORM_KEYS:
        sections = pack.agreement_sections(form)
        if sections:
            req = [s.key for s in sections if s.required]
            adv = [s.key for s in sections if not s.required and s.source.level != "guidance"]
            help_ = [s.key for s in sections if s.source.level == "guidance"]
            lines.append(f"  agreement sections ({form}): required {', '.join(req) or '-'}; "
                         f"advised {', '.join(adv) or '-'}" + (f"; guidance {', '.join(help_)}" if help_ else ""))
    for authority, forms_of in pack.authorities:
        lines.append(f"  decides ({', '.join(forms_of) or 'every form'}): {authority.kind}, {authority.body}")
    for item in pack.tables["follow_up_policy"]:
        months = item.get("interval_months")
        lines.append(f"  follow-up ({', '.join(item.get('forms', [])) or 'every form'}): "
                     + (f"every {months} months" if months else "no schedule"))
    lines.append(f"  rules: {len(pack.rules)}" + (f" (topics {', '.join(sorted({r.topic for r in pack.rules}))})"
                                                  if pack.rules else ""))
    if pack.topics:
        lines.append(f"  own topics: {', '.join(t.key for t in pack.topics)}")
    lines.append(f"  gates: {len(pack.gate_specs)}")
    for gid, item in pack.gate_specs.items():
        stages = ", ".join(item.get("stages", [])) or "every stage"
        forms = ", ".join(item.get("forms", [])) or "every form"
        severity = item.get("severity") or ("advisory" if item.get("level") == "recommendation" else "blocking")
        severity = severity if isinstance(severity, str) else ", ".join(f"{k} {v}" for k, v in severity.items())
        severity += f" ({item.get('level')})" if item.get("level") else ""
        lines.append(f"    {gid}: {item.get('kind')}; to {stages}; {forms}; {severity}")
    python = [f"report {r.get('key')}" for r in pack.tables["reports"]]
    python += ["notifications"] if pack.tables["notifications"] else []
    python += ["demo data"] if pack.tables["demo"] else []
    lines.append(f"  python: {', '.join(python) or 'none'}")
    lines.append(f"  scenarios: {len(result.scenarios)}")
    return lines
