"""Which keys the footer shows when they do not all fit: pure functions, no widgets.

Textual's ``Footer`` lays every key out in a row and cuts the row at the screen's edge, so at
80 columns the last keys (``? Help`` among them) came out as ``? He``. :func:`fit_keys` keeps the
keys that matter first and drops the least important ones until the row fits:

1. ``? Help`` and ``q Quit`` are always kept (they are how a user finds everything else);
2. then the way back (``esc``) and the screen's and its widgets' own keys, in the order the
   footer shows them (the focused widget's first, as Textual lists them);
3. then the app-wide extras (log in, downloads, the palette).

Within a rank, the keys further right go first. The kept keys stay in their original order.
:func:`key_cells` says how many cells one key takes, from the footer's own CSS (Textual's
``FooterKey`` padding and margins, compact or not).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len

__all__ = ["ALWAYS", "FooterItem", "fit_keys", "key_cells", "palette_cells", "rank"]

ALWAYS = frozenset({"help", "app.help", "quit", "app.quit"})
"""Actions the footer never drops."""

BACK = frozenset({"back", "close", "cancel", "leave_search"})
"""The way out of a screen or dialog: kept before the screen's other keys."""

EXTRAS = frozenset({"login", "app.login", "show_downloads", "app.show_downloads"})
"""App-wide keys that are useful only now and then: dropped first."""


@dataclass(frozen=True, slots=True)
class FooterItem:
    """One key as the footer would show it: ``key`` (as displayed), its description, its
    action, and where it sits in Textual's order (``index``)."""

    key: str
    description: str
    action: str
    index: int


def rank(item: FooterItem) -> int:
    """0 always kept, 1 the way back, 2 the screen's keys, 3 app-wide extras."""
    name = item.action.split("(", 1)[0]
    bare = name.rpartition(".")[2]
    if name in ALWAYS:
        return 0
    if bare in BACK:
        return 1
    if name in EXTRAS:
        return 3
    return 2


def key_cells(item: FooterItem, *, compact: bool) -> int:
    """Cells one key takes in the footer (Textual's ``FooterKey`` CSS): compact, ``k Desc``
    and a margin of one; otherwise `` k Desc `` with no margin."""
    text = cell_len(item.key) + (cell_len(item.description) + 1 if item.description else 0)
    return text + 1 if compact else text + 2


def palette_cells(key: str, description: str, *, compact: bool) -> int:
    """Cells of the palette key docked on the right (its left border included)."""
    text = cell_len(key) + 1 + cell_len(description)
    return text + 1 if compact else text + 2


def fit_keys(items: Sequence[FooterItem], width: int, *, compact: bool) -> list[FooterItem]:
    """The items to show in ``width`` cells (see the module docstring), in their order.
    The always-kept keys stay even when they alone overflow."""
    kept = list(items)
    used = sum(key_cells(item, compact=compact) for item in kept)
    victims = sorted((item for item in kept if rank(item) > 0),
                     key=lambda item: (-rank(item), -item.index))
    for victim in victims:
        if used <= width:
            break
        kept.remove(victim)
        used -= key_cells(victim, compact=compact)
    return kept
