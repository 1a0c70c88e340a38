"""``python -m samverkan_tui [--db PATH] [--lang sv|en]``: open the TUI without the CLI.

The same as running ``samverkan`` without a command, minus building the click command
group; used by scripts/bench_tui.py to tell the TUI's own start-up from the CLI's.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    from samverkan.runtime.startup import pause_gc

    pause_gc()  # resumed once the first screen is drawn (see samverkan.runtime.startup)
    parser = argparse.ArgumentParser(prog="python -m samverkan_tui")
    parser.add_argument("--db", help="database file")
    parser.add_argument("--lang", choices=["sv", "en"], help="interface language")
    args = parser.parse_args(argv)
    from samverkan.domain.errors import SamverkanError
    from samverkan.runtime.config import check_database, may_create_interactively, resolve
    from samverkan_tui.plugin import launch

    settings = resolve(args.db, args.lang)
    settings.apply_audit_settings()  # the deployment's audit key signs this session's events too
    try:  # a mistyped --db creates nothing (as `samverkan` itself)
        check_database(settings, creates=may_create_interactively(settings))
    except SamverkanError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    return launch(settings)


if __name__ == "__main__":
    sys.exit(main())
