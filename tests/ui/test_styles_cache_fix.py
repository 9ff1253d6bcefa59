"""Textual's inner/outer colour cache must not keep removed widgets' rendered lines alive."""

from __future__ import annotations

import gc
import weakref

from textual._styles_cache import StylesCache
from textual.color import Color

from co_tui.widgets import styles_cache_fix


def test_inner_outer_cache_keeps_no_styles_cache_alive() -> None:
    styles_cache_fix.install()
    base, background = Color(10, 20, 30), Color(200, 100, 50, 0.5)
    cache = StylesCache()
    inner, outer = cache.get_inner_outer(base, background)
    assert inner.background == base + background and outer.background == base
    assert (inner, outer) == StylesCache().get_inner_outer(base, background)
    gone = weakref.ref(cache)
    del cache
    gc.collect()
    assert gone() is None, "a StylesCache (and the strips it holds) outlived its widget"
