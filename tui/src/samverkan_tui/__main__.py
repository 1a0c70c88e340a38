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
    from samverkan.runtime.config import resolve
    from samverkan_tui.plugin import launch

    return launch(resolve(args.db, args.lang))


if __name__ == "__main__":
    sys.exit(main())
