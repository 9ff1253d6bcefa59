"""The base of every model (see the package docstring for how decoding stays tolerant)."""

from __future__ import annotations

import msgspec


class _Model(msgspec.Struct, kw_only=True, omit_defaults=True, gc=False):
    """Base of every model: keyword-only fields, unset fields left off the wire.

    ``gc=False``: instances are plain data that never form reference cycles, so the garbage
    collector need not track them: with 100,000 assets loaded, a full collection over tracked
    instances stalled the event loop (bench/app_scale.py measures stalls); sequences inside
    assets are tuples for the same reason (CPython stops tracking tuples of untracked items).

    Treat instances as values: build changed copies with ``msgspec.structs.replace``.
    """
