"""The asset detail screen's actions in the command palette (``ctrl+p``)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

__all__ = ["DetailCommands"]


class DetailCommands(Provider):
    """The detail screen's actions in the command palette, with their keys."""

    def _commands(self) -> Iterable[tuple[str, str, str]]:
        for binding in getattr(self.screen, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.description:
                key = binding.key_display or binding.key.split(",")[0]
                yield binding.description, binding.action, key

    async def discover(self) -> Hits:
        for name, action, key in self._commands():
            yield DiscoveryHit(f"{name} ({key})", partial(self.screen.run_action, action),
                               help=f"Asset detail: {name.lower()}")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, key in self._commands():
            label = f"{name} ({key})"
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(self.screen.run_action, action),
                          help=f"Asset detail: {name.lower()}")
