"""samverkan: collaborations between Swedish municipalities and civil society.

Plugins write ``from samverkan import hookimpl``. Nothing else is imported here, so
that importing the package stays cheap (the TUI's start-up depends on it).
"""

from samverkan.plugin.hookspecs import hookimpl

__version__ = "0.1.0"
__all__ = ["hookimpl", "__version__"]
