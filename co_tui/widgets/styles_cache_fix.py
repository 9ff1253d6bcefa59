"""Stop Textual's inner/outer colour cache from keeping every widget's rendered lines alive.

Textual's ``StylesCache.get_inner_outer`` is an ``lru_cache(1024)`` on a method that is meant to
be a class method but is not: each widget's ``StylesCache`` (with the strips it has rendered) is
part of the cache key, so the last 1024 widgets ever rendered stay in memory after they are
removed. Browsing replaces widgets all the time (a detail screen's tabs, footer keys, preview
parts), so a long session filled that cache with dead widgets' lines, megabytes of them.

:func:`install` swaps the method for one cached on the two colours only, which is all the
result depends on.
"""

from __future__ import annotations

import functools

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style

__all__ = ["install"]


@functools.lru_cache(maxsize=1024)
def _inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
    """The inner and outer background styles for a widget's colours (as Textual computes them)."""
    return Style(background=base_background + background), Style(background=base_background)


def _get_inner_outer(
    self: StylesCache, base_background: Color, background: Color
) -> tuple[Style, Style]:
    return _inner_outer(base_background, background)


def install() -> None:
    """Replace ``StylesCache.get_inner_outer`` (idempotent)."""
    StylesCache.get_inner_outer = _get_inner_outer  # type: ignore[method-assign, assignment]
