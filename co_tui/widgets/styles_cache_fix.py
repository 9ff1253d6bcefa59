"""Stop Textual's caches from keeping removed widgets' rendered lines alive.

Textual's ``StylesCache.get_inner_outer`` is an ``lru_cache(1024)`` on a method that is meant to
be a class method but is not: each widget's ``StylesCache`` (with the strips it has rendered) is
part of the cache key, so the last 1024 widgets ever rendered stay in memory after they are
removed. Browsing replaces widgets all the time (a detail screen's tabs, footer keys, preview
parts), so a long session filled that cache with dead widgets' lines, megabytes of them.

:func:`install` swaps the method for one cached on the two colours only, which is all the
result depends on.

A removed widget also keeps its own ``StylesCache`` (its rendered lines, and each line's caches
of crops and divisions: thousands of objects for a detail screen). A widget is part of reference
cycles (parent, children, app), so once removed it is freed by the garbage collector's full
pass, which then has all those lines to walk and free as well: closing a detail screen left
about 60,000 such objects, and a full pass over a few closed screens held the event loop for
hundreds of milliseconds (:mod:`co_tui.heap`). :func:`install` also makes a widget drop its
lines when it is unmounted, as Textual already does for its other caches; they are freed at
once, by reference counting.
"""

from __future__ import annotations

import functools

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style
from textual.widget import Widget

__all__ = ["install"]


@functools.lru_cache(maxsize=1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    """The inner and outer background styles for a widget's colours (as Textual computes them)."""
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(
    self: StylesCache, base_background: Color, background: Color
) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


_widget_unmount = Widget._on_unmount


def _on_unmount(self: Widget) -> None:
    _widget_unmount(self)
    self._styles_cache.clear()


def install() -> None:
    """Replace ``StylesCache.get_inner_outer`` and ``Widget._on_unmount`` (idempotent)."""
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign, assignment]
    Widget._on_unmount = _on_unmount  # type: ignore[method-assign]
