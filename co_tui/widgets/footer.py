"""``KeyFooter``: Textual's ``Footer`` that lets go of the key widgets it has replaced.

Textual's ``Footer`` rebuilds its keys whenever the active bindings change (every focus move,
every ``refresh_bindings``). Each key is data-bound to the footer's ``compact`` reactive, which
adds a watcher on the footer; Textual drops the watchers of removed keys only when ``compact``
itself changes, and it never does. A footer on a screen that stays open (My Data) so kept
every key it ever showed alive, with its styles and rendered strips: about 8 MB a minute of
browsing. This footer drops those watchers after each rebuild.
"""

from __future__ import annotations

from textual.widgets import Footer

from co_tui.widgets.watchers import drop_watchers

__all__ = ["KeyFooter"]


class KeyFooter(Footer):
    """A ``Footer`` whose replaced keys can be freed (see the module docstring)."""

    async def recompose(self) -> None:
        await super().recompose()
        drop_watchers(self)
