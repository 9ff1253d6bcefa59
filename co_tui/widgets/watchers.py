"""Letting go of watchers that Textual keeps after their widget is gone.

``widget.watch(obj, name, callback)`` (and ``data_bind``) adds ``(widget, callback)`` to a list
held by ``obj``. Textual drops the entries of removed widgets only the next time ``obj.name``
changes; a reactive that rarely or never changes (the app's connection state, a footer's
``compact``) therefore keeps every widget that ever watched it alive, with its styles and
rendered lines. Long sessions grew by megabytes a minute that way.
"""

from __future__ import annotations

__all__ = ["drop_watchers"]

_WATCHERS = "__watchers"
"""The attribute where Textual keeps the watchers of an object's reactives."""


def drop_watchers(target: object, node: object | None = None) -> None:
    """Forget ``target``'s watchers registered by ``node`` or by any widget being removed."""
    watchers: dict[str, list[tuple[object, object]]] = getattr(target, _WATCHERS, {})
    for name, registered in watchers.items():
        watchers[name] = [
            (owner, callback) for owner, callback in registered
            if owner is not node
            and not (getattr(owner, "_closing", False) or getattr(owner, "_closed", False))
        ]
