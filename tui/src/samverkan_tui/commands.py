"""The command palette (ctrl+p): every action of the current screen and every screen.

Entries are labelled ``area: verb`` (as in posting); ``discover`` lists them all for
the empty query and ``search`` ranks them with the palette's matcher.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from samverkan_tui.i18n import _


class SamverkanCommands(Provider):
    """Screens and the actions bound on the screen the palette was opened from."""

    def _entries(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        app = self.app
        for key, name, help_text in app.screen_commands():
            yield (_("Gå till") + f": {name}", partial(app.goto, key), help_text)
        screen = self.screen
        area = getattr(screen, "area", "") or _("Allmänt")
        seen: set[tuple[str, str]] = set()
        for active in screen.active_bindings.values():
            b = active.binding
            if not b.description or not active.enabled or b.action == "command_palette":
                continue
            if (b.action, b.description) in seen:
                continue
            seen.add((b.action, b.description))
            node = active.node
            run = partial(app.call_later, node.run_action, b.action)
            yield (f"{area}: {b.description}", run, f"{app.get_key_display(b)} · {b.tooltip or b.id or ''}")

    async def discover(self) -> Hits:
        for label, run, help_text in self._entries():
            yield DiscoveryHit(label, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, run, help_text in self._entries():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), run, help=help_text)
