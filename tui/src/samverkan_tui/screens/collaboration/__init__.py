"""The collaboration screen: :class:`CollaborationScreen` (``screen``), what its tabs
show (``tabs``) and the contribution lines' actions (``lines``)."""

from samverkan_tui.screens.collaboration.lines import LINE_ACTIONS
from samverkan_tui.screens.collaboration.screen import TABS, CollaborationScreen

__all__ = ["LINE_ACTIONS", "TABS", "CollaborationScreen"]
