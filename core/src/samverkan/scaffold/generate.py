"""``samverkan plugin new``: a complete plugin distribution, ready to install and test.

:func:`new_plugin` writes, for municipality ``KEY``::

    samverkan-KEY/
    ├── pyproject.toml              the entry point KEY = "samverkan_KEY.plugin:plugin"
    ├── README.md                   what is where, how to check, test and publish
    ├── src/samverkan_KEY/
    │   ├── __init__.py
    │   ├── plugin.py               one line: plugin = DataPlugin("samverkan_KEY")
    │   ├── data/*.toml             every table of the schema, live or commented
    │   └── scenarios/*.toml        a passing IOP and one case per rule
    └── tests/test_samverkan.py     the kit's contract and scenarios

It installs and passes the test kit as written; the author then replaces the template's
words with the municipality's own. Inside a uv workspace the core is taken from the
workspace (``[tool.uv.sources]``); the workspace's own pyproject.toml, edited by people,
is left alone and the lines to add are returned instead.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from samverkan import __version__
from samverkan.domain.errors import ValidationError
from samverkan.i18n import msg
from samverkan.scaffold.scenarios import scenario_files
from samverkan.scaffold.template import data_files
from samverkan.scaffold.toml_text import pair

KEY = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
#: keys that name something else already
RESERVED = ("samverkan", "national", "core", "tui", "testing", "plugin", "plugins")


@dataclass
class NewPlugin:
    """What :func:`new_plugin` wrote, and what is left for the author to do."""

    root: Path
    key: str
    package: str
    files: list[Path] = field(default_factory=list)
    workspace: Path | None = None

    def workspace_lines(self) -> list[str]:
        """What to add to the workspace's pyproject.toml (nothing outside a workspace)."""
        if self.workspace is None:
            return []
        member = self.root.resolve().relative_to(self.workspace.resolve()).as_posix()
        return [f"[tool.uv.workspace] members: add {member!r}",
                f"[project] dependencies: add \"samverkan-{self.key}\"",
                f"[tool.uv.sources]: add samverkan-{self.key} = {{ workspace = true }}"]


def validate_key(key: str) -> str:
    """``key`` when it can name a municipality plugin; a ValidationError saying why not."""
    if not KEY.match(key or "") or key in RESERVED:
        raise ValidationError(msg(
            "{key!r} cannot be a municipality key: use 2–40 lower-case letters, digits or _, "
            "starting with a letter (not {reserved})", key=key, reserved=", ".join(RESERVED)), "key")
    return key


def find_workspace(start: Path) -> Path | None:
    """The root of the uv workspace ``start`` lies in, if any."""
    for folder in [start, *start.parents]:
        project = folder / "pyproject.toml"
        if project.is_file():
            try:
                config = tomllib.loads(project.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
            if "workspace" in config.get("tool", {}).get("uv", {}):
                return folder
    return None


def _minor_range() -> str:
    major, minor = (int(p) for p in __version__.split(".")[:2])
    return f"samverkan>={major}.{minor},<{major}.{minor + 1}"


def pyproject(key: str, name: str, in_workspace: bool) -> str:
    """The new distribution's pyproject.toml."""
    package = f"samverkan_{key}"
    lines = [
        "[project]",
        pair("name", f"samverkan-{key}"),
        pair("version", "0.1.0"),
        pair("description", f"samverkan plugin: the guidelines of {name}."),
        pair("readme", "README.md"),
        pair("requires-python", ">=3.11"),
        pair("dependencies", [_minor_range()]),
        "",
        "# The entry point's name is the municipality key; it must equal [municipality] key",
        "# in src/" + package + "/data/municipality.toml.",
        "[project.entry-points.samverkan]",
        pair(key, f"{package}.plugin:plugin"),
        "",
        "[dependency-groups]",
        pair("dev", ["pytest>=8"]),
        "",
        "[build-system]",
        pair("requires", ["hatchling"]),
        pair("build-backend", "hatchling.build"),
        "",
        "# The data and scenario files live in the package, so the wheel carries them.",
        "[tool.hatch.build.targets.wheel]",
        pair("packages", [f"src/{package}"]),
        "",
        "# tests/test_samverkan.py runs the samverkan test kit for this municipality.",
        "[tool.pytest.ini_options]",
        pair("testpaths", ["tests"]),
        pair("samverkan_municipalities", [key]),
    ]
    if in_workspace:
        lines += ["", "[tool.uv.sources]", "samverkan = { workspace = true }"]
    return "\n".join(lines) + "\n"


def readme(key: str, name: str) -> str:
    """The new distribution's README.md."""
    package = f"samverkan_{key}"
    return f"""# samverkan-{key}

{name} as a samverkan plugin: the municipality's
guidelines for collaboration with civil society, as data.

Generated by `samverkan plugin new {key}`. The data describes a small IOP guideline
(initiative, no market, both parties contribute, consultation before the agreement,
mandatory agreement points) that passes the test kit as it is; replace its words,
documents and rules with {name}'s own, and its scenarios with cases from your practice.

| file | what |
|---|---|
| `pyproject.toml` | the distribution; the entry point `{key} = "{package}.plugin:plugin"` |
| `src/{package}/plugin.py` | the plugin object: `DataPlugin("{package}")` |
| `src/{package}/data/municipality.toml` | who the plugin speaks for; the documents every rule cites |
| `src/{package}/data/forms.toml` | the forms offered, who decides, follow-up, the form guide |
| `src/{package}/data/checklist.toml` | checklist items, record kinds, agreement sections |
| `src/{package}/data/rules.toml` | answers to the comparison topics |
| `src/{package}/data/gates.toml` | the rules that guard the lifecycle (one example of every gate kind) |
| `src/{package}/data/python.toml` | Python that computes (reports, notifications, demo), all commented out |
| `src/{package}/scenarios/*.toml` | scenarios: the facts of a case in, the findings expected out |
| `tests/test_samverkan.py` | the samverkan test kit: the plugin contract and every scenario |

Every table and key is documented at the top of its table, and in docs/writing-a-plugin.md.

## Check, install, test

```sh
samverkan plugin check .          # the data against the schema; what it declares
uv pip install -e .               # or: pip install -e .
samverkan plugins                 # {key}  {name}  0.1.0  ok
samverkan plugin test {key}       # the contract and every scenario, without Python
uv run pytest                     # the same, as pytest tests
```

Every gate needs a scenario that expects its finding; write one for each rule you add,
with the case that breaks it and, where useful, the case that passes.

## Publish

Build with `uv build` and publish the wheel to your package index (`uv publish`); a
server running samverkan installs it with `pip install samverkan-{key}` and finds it
through its entry point. Then `samverkan init --municipality {key}`.
"""


def files_of(key: str, name: str, in_workspace: bool) -> dict[str, str]:
    """relative path -> text of every file of a new plugin."""
    package = f"samverkan_{key}"
    out = {
        "pyproject.toml": pyproject(key, name, in_workspace),
        "README.md": readme(key, name),
        ".gitignore": "__pycache__/\n*.db\n.venv/\ndist/\n",
        f"src/{package}/__init__.py": f'"""{name} as a samverkan plugin: the rules are data in data/*.toml."""\n',
        f"src/{package}/plugin.py": (
            f'"""The plugin object the entry point names; everything it serves is in data/*.toml."""\n\n'
            "from samverkan.plugin.dataplugin import DataPlugin\n\n"
            f'plugin = DataPlugin("{package}")\n'),
        "tests/test_samverkan.py": (
            f'"""The samverkan test kit for {key}: the plugin contract, and every scenario in\n'
            f'src/{package}/scenarios/ run on a real database through the services."""\n\n'
            "from samverkan.testing.suite import *  # noqa: F403\n"),
    }
    out.update({f"src/{package}/data/{n}": t for n, t in data_files(key, name).items()})
    out.update({f"src/{package}/scenarios/{n}": t for n, t in scenario_files(key).items()})
    return out


def new_plugin(key: str, name: str, root: Path) -> NewPlugin:
    """Write a new plugin distribution for municipality ``key`` named ``name`` into ``root``.

    :raises ValidationError: for a key that cannot name a plugin, an empty name, or a
        ``root`` that exists and is not empty.
    """
    validate_key(key)
    if not name.strip():
        raise ValidationError(msg("the municipality needs a name (--name)"), "name")
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ValidationError(msg("{path} exists and is not empty; choose another --dir", path=str(root)), "dir")
    workspace = find_workspace(root.resolve().parent)
    result = NewPlugin(root, key, f"samverkan_{key}", workspace=workspace)
    for rel, text in files_of(key, name.strip(), workspace is not None).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        result.files.append(path)
    return result
