"""samverkan_tui: the Textual interface of samverkan.

Importing this package imports no Textual (PEP 562 lazy attribute), so that the core's
plugin loading stays cheap; the app is imported when it is launched.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SamverkanApp"]


def __getattr__(name: str) -> Any:
    if name == "SamverkanApp":
        from samverkan_tui.app import SamverkanApp

        return SamverkanApp
    raise AttributeError(name)
