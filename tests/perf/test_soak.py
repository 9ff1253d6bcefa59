"""A long session stays small: seeded random navigation over the demo (list, search, open,
tabs, previews, back) must not leave widgets behind.

The count of live widgets after ``gc.collect()`` is measured instead of RSS: it is exact and
does not depend on the allocator. Before the footer and banner fixes, every round left about
forty footer keys alive (each with its styles and rendered lines), which is what made RSS grow
by megabytes a minute: this test then counted 208 live widgets after the warm-up and 452 at the
end. bench/soak.py measures RSS over 20 minutes.
"""

from __future__ import annotations

import gc
import time

import pytest
from textual.widget import Widget

from co_tui.widgets.footer import KeyFooter
from tests.soak_driver import demo_app

WARM_UP_ROUNDS = 2
SOAK_ROUNDS = 3
"""Rounds after the warm-up (each opens details, tabs and previews: 3-5 s here): the footer
leak above left ~40 widgets per round, far over :data:`MAX_NEW_WIDGETS` after one
(bench/soak.py is the 20-minute version)."""
MAX_NEW_WIDGETS = 10
"""Widgets that may be alive at the end and not after the warm-up (the list's footer may show
a few more keys than it did); a leak of one screen's worth or of footer keys is far above."""


def live_widgets() -> list[Widget]:
    gc.collect()
    return [o for o in gc.get_objects() if isinstance(o, Widget)]


@pytest.mark.slow
@pytest.mark.timeout(600)  # ~40 s here: a slower machine takes longer
async def test_random_navigation_leaves_no_widgets_behind() -> None:
    async with demo_app(seed=10) as navigator:
        for _ in range(WARM_UP_ROUNDS):
            await navigator.round()
        await navigator.settle()
        before = len(live_widgets())
        for _ in range(SOAK_ROUNDS):
            await navigator.round()
        await navigator._back_to_list()
        await navigator.settle()
        deadline = time.monotonic() + 10.0
        while True:  # removing a screen's widgets ends asynchronously: a leak never ends
            widgets = live_widgets()
            detached = [type(w).__name__ for w in widgets if not w.is_attached]
            if not detached or time.monotonic() > deadline:
                break
            del widgets
            await navigator.settle()
        counts = navigator.counts
        assert counts.rounds == WARM_UP_ROUNDS + SOAK_ROUNDS and counts.previews >= 5, counts
        assert counts.missed <= counts.rounds, counts  # it navigated; it did not just wait
        assert len(widgets) - before <= MAX_NEW_WIDGETS, (before, len(widgets), detached[:20])
        assert detached == [], detached[:20]
        assert navigator.app.screen.query(KeyFooter)
        assert navigator.app._exception is None
