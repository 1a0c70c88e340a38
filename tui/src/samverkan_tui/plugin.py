"""Registers the TUI with the core as the interface ``samverkan`` opens by default."""

from __future__ import annotations

from collections.abc import Callable

from samverkan import hookimpl
from samverkan.domain.rules import Interface


def launch(settings) -> int:
    """Run the Textual app with ``settings`` (imports Textual only now)."""
    import sys

    from samverkan.domain.errors import SamverkanError

    try:
        from samverkan_tui.app import run

        return run(settings)
    except SamverkanError as exc:  # e.g. the database file cannot be opened
        print(f"Error: {exc}", file=sys.stderr)
        return 1


@hookimpl
def register_interfaces(register: Callable[[Interface], None]) -> None:
    """The Textual interface, key ``tui``."""
    register(Interface("tui", launch))
