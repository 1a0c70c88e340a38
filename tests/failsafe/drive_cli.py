"""Run CLI commands in one process and print what each did, as JSON.

Usage: python drive_cli.py DB COMMANDS.json

For the tests that need the database on a file system of its own (read-only, full):
they run this inside a private mount namespace. Each command runs in-process with
click's runner, exceptions caught and reported, so a traceback would show in the JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from click.testing import CliRunner

from samverkan.cli import make_cli


def main() -> None:
    db, spec = sys.argv[1], Path(sys.argv[2])
    out = []
    for args in json.loads(spec.read_text(encoding="utf-8")):
        r = CliRunner().invoke(make_cli(), ["--db", db, *args], env={"SAMVERKAN_LANG": "en"},
                               catch_exceptions=True)
        exc = "" if r.exception is None or isinstance(r.exception, SystemExit) else repr(r.exception)
        out.append({"args": args, "exit_code": r.exit_code, "stdout": r.stdout, "stderr": r.stderr,
                    "exception": exc})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
