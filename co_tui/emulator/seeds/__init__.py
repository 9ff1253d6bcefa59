"""Seeds: the data an emulator starts with (``demo``, ``empty``, ``scale:ASSETS:FILES``)."""

from __future__ import annotations

from co_tui.emulator.seed_model import SeedData
from co_tui.emulator.seeds.common import (
    ADMIN_TOKEN,
    ALAN_TOKEN,
    DEMO_TOKEN,
    DEMO_TOKENS,
    GRACE_TOKEN,
    custom_metadata_schema,
    users,
)
from co_tui.emulator.seeds.common import buckets as _buckets

__all__ = [
    "ADMIN_TOKEN",
    "ALAN_TOKEN",
    "DEMO_TOKEN",
    "DEMO_TOKENS",
    "GRACE_TOKEN",
    "SEED_NAMES",
    "load_seed",
]

SEED_NAMES = ("demo", "empty", "scale:ASSETS:FILES")
"""The seed names :func:`load_seed` accepts (``ASSETS`` and ``FILES`` are counts)."""


def load_seed(name: str) -> SeedData:
    """Build the seed called ``name``: ``"demo"``, ``"empty"`` or ``"scale:ASSETS:FILES"``.

    Raises :class:`ValueError` with the accepted forms for any other name.
    """
    if name == "demo":
        from co_tui.emulator.seeds import demo

        return demo.load()
    if name == "empty":
        return SeedData(users=users(), custom_metadata=custom_metadata_schema(), buckets=_buckets())
    if name.startswith("scale:"):
        from co_tui.emulator.seeds import scale

        assets, files = scale.parse(name)
        return scale.load(assets, files)
    raise ValueError(
        f"unknown seed {name!r}: expected 'demo', 'empty' or 'scale:ASSETS:FILES' "
        "(e.g. 'scale:10000:5')"
    )
