"""``KeyFooter``: Textual's ``Footer``, fitted to the screen's width, that lets go of the key
widgets it has replaced.

Fitting: Textual's footer shows every key in a row and cuts it at the edge (``? He`` at 80
columns). This one keeps the keys that matter and drops the least important until they fit
(:func:`co_tui.widgets.footer_fit.fit_keys`; ``? Help`` and ``q Quit`` always stay), and fits
again when the screen is resized. A key whose action is disabled (the screen's
``check_action`` returns None) is shown dimmed, as Textual does; the app-wide log-in and
downloads keys, listed always in the help and the palette, take footer room only while they
apply.

Memory: Textual's ``Footer`` rebuilds its keys whenever the active bindings change (every focus
move, every ``refresh_bindings``). Each key is data-bound to the footer's ``compact`` reactive,
which adds a watcher on the footer; Textual drops the watchers of removed keys only when
``compact`` itself changes, and it never does. A footer on a screen that stays open (My Data) so
kept every key it ever showed alive, with its styles and rendered strips: about 8 MB a minute of
browsing. This footer drops those watchers after each rebuild.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.events import Resize
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from co_tui.widgets.footer_fit import FooterItem, fit_keys, key_cells, palette_cells, rank
from co_tui.widgets.watchers import drop_watchers

__all__ = ["FOOTER_ONLY_WHEN_ENABLED", "KeyFooter"]

FOOTER_ONLY_WHEN_ENABLED = frozenset({"login", "show_downloads"})
"""App actions shown in the footer only while they apply (help and palette list them always,
disabled with the reason)."""


class KeyFooter(Footer):
    """A ``Footer`` fitted to its width whose replaced keys can be freed (see the module
    docstring)."""

    def __init__(self, *, compact: bool = False, id: str | None = None) -> None:
        super().__init__(compact=compact, id=id)
        self._fitted_width = 0

    def _entries(self) -> list[tuple[FooterItem, Binding, bool, str]]:
        """The keys the footer would show before fitting, in Textual's order, one per action."""
        entries: dict[str, tuple[FooterItem, Binding, bool, str]] = {}
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in entries:
                continue
            if binding.action in FOOTER_ONLY_WHEN_ENABLED and not enabled:
                continue
            item = FooterItem(self.app.get_key_display(binding), binding.description,
                              binding.action, len(entries))
            entries[binding.action] = (item, binding, enabled, tooltip)
        return list(entries.values())

    def shown_keys(self) -> list[FooterItem]:
        """The keys shown now, fitted to the footer's width (for tests and the help)."""
        return [item for item, *_ in self._fitted()[0]]

    def _fitted(self) -> tuple[list[tuple[FooterItem, Binding, bool, str]], ActiveBinding | None]:
        """The keys that fit, and the palette key (None when even it does not fit)."""
        width = self.size.width or self.screen.size.width or self.app.size.width
        self._fitted_width = width
        entries = self._entries()
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        room = width
        if palette is not None:
            cells = palette_cells(self.app.get_key_display(palette[1]), palette[1].description,
                                  compact=self.compact)
            always = sum(key_cells(item, compact=self.compact)
                         for item, *_ in entries if rank(item) == 0)
            if always + cells <= width:
                room -= cells
            else:
                palette = None
        kept = {item.action for item in fit_keys([e[0] for e in entries], room,
                                                 compact=self.compact)}
        return [e for e in entries if e[0].action in kept], palette

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        entries, palette = self._fitted()
        for item, binding, enabled, tooltip in entries:
            yield FooterKey(
                binding.key, item.key, binding.description, binding.action,
                disabled=not enabled, tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        if palette is not None:
            _node, binding, enabled, _tooltip = palette
            yield FooterKey(
                binding.key, self.app.get_key_display(binding), binding.description,
                binding.action, classes="-command-palette", disabled=not enabled,
                tooltip=binding.tooltip or binding.description,
            )

    async def recompose(self) -> None:
        await super().recompose()
        drop_watchers(self)

    def on_resize(self, event: Resize) -> None:
        """Fit the keys again when the width changed."""
        if self._bindings_ready and event.size.width != self._fitted_width:
            self.call_after_refresh(self.recompose)
