"""Every key binding of a screen as data, and the command-palette provider built on it.

:func:`screen_actions` reads the bindings in force on a screen (its widgets', its own and the
app's) straight from their ``BINDINGS``, so the help dialog (``?``) and the command palette
(``ctrl+p``) list exactly the keys that exist, and stay in sync when a screen gains one.

Which widgets count: the focused widget and its containers (as Textual resolves keys), plus every
co-tui widget on screen (not in a hidden tab) that declares bindings, so the table's keys are
listed even while the search bar has the focus. The editing keys of Textual's text inputs are
left out (they are not actions of the app); keys co-tui adds to an input are kept. A key bound
at several levels is attributed as Textual dispatches it: the innermost binding wins unless an
outer one has ``priority``.

The palette's second line explains each action in words written for users
(:mod:`co_tui.key_help`), not in the docstrings of the ``action_*`` methods.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.markup import escape
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea

from co_tui.key_help import disabled_reason, explanation
from co_tui.safe_text import display

__all__ = ["KeyAction", "ScreenActionsProvider", "screen_actions"]

PALETTE_SKIPPED = frozenset({"command_palette", "app.command_palette", "help_quit"})
"""Actions the palette does not offer (opening the palette from the palette)."""

SKIPPED = frozenset({"screen.copy_text", "copy_text"})
"""Textual's own actions that are about the mouse (copying a text selection), not the app."""

_HORIZONTAL = frozenset({"scroll_left", "scroll_right", "page_left", "page_right"})
_VERTICAL = frozenset({"scroll_up", "scroll_down", "page_up", "page_down"})

_DESCRIPTIONS = {
    "command_palette": "Command palette",
    "app.command_palette": "Command palette",
    "app.focus_next": "Next field",
    "app.focus_previous": "Previous field",
}
"""Better words for Textual's own bindings."""


@dataclass(frozen=True, slots=True)
class KeyAction:
    """One action and the keys bound to it, as the help and the palette show it.

    ``node`` is where the action runs (a widget, the screen or the app); ``group`` names that
    place for the user; ``enabled`` is False when the action exists but cannot run now.
    """

    keys: tuple[str, ...]
    description: str
    action: str
    node: DOMNode
    group: str
    enabled: bool = True
    reason: str | None = None
    """Why a disabled action cannot run (e.g. "You are a viewer of this asset ..."), if known."""

    @property
    def key_text(self) -> str:
        """The keys as one string, e.g. ``"↑ k"``."""
        return " ".join(self.keys)

    @property
    def explanation(self) -> str:
        """What the action does, in words for the user (:mod:`co_tui.key_help`); "" for
        Textual's own actions."""
        namespace, _, name = self.action.rpartition(".")
        target: DOMNode = self.node
        if namespace == "app":
            target = self.node.app
        elif namespace == "screen":
            target = self.node.screen if isinstance(self.node, Widget) else self.node
        return explanation(type(target), name)

    def run(self) -> Any:
        """Perform the action where it is bound (returns the awaitable from ``run_action``)."""
        return self.node.app.run_action(self.action, self.node)


def _words(name: str) -> str:
    """``AssetTable`` -> ``"Asset table"``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return spaced[:1].upper() + spaced[1:].lower()


def group_name(node: DOMNode) -> str:
    """How the help names where a binding lives: ``HELP_GROUP`` or ``LIST_NAME``, else the class."""
    for attribute in ("HELP_GROUP", "LIST_NAME"):
        explicit = getattr(node, attribute, None)
        if isinstance(explicit, str) and explicit:
            return explicit
    if isinstance(node, App):
        return "Everywhere"
    return _words(type(node).__name__.removesuffix("Screen") or "Screen")


def _is_text_input(node: DOMNode) -> bool:
    return isinstance(node, (Input, TextArea))


def _declares_bindings(widget: Widget) -> bool:
    """A co-tui widget with keys of its own (not only those inherited from Textual, such as the
    footer's scrolling keys)."""
    return any(
        cls.__module__.startswith("co_tui.") and cls.__dict__.get("BINDINGS")
        for cls in type(widget).__mro__
    )


def _displayed(widget: Widget) -> bool:
    """The widget and all its containers are displayed (not, say, in a hidden tab)."""
    return all(node.display for node in widget.ancestors_with_self if isinstance(node, Widget))


def _chain(screen: Screen[Any]) -> list[DOMNode]:
    """The nodes whose bindings apply on ``screen``, innermost first, app last."""
    nodes: list[DOMNode] = []
    focused = screen.focused
    if focused is not None:
        nodes.extend(
            node for node in focused.ancestors_with_self
            if isinstance(node, Widget) and not isinstance(node, Screen)
        )
    for widget in screen.query(Widget):
        if widget not in nodes and _declares_bindings(widget) and _displayed(widget):
            nodes.append(widget)
    nodes.extend([screen, screen.app])
    return nodes


def _bindings(node: DOMNode) -> Iterator[tuple[str, Binding]]:
    """``(key, binding)`` of ``node``; for a text input only those co-tui added to it."""
    if _is_text_input(node):
        own = [
            binding
            for cls in reversed(type(node).__mro__)
            if cls.__module__.startswith("co_tui.")
            for binding in cls.__dict__.get("BINDINGS", [])
        ]
        mapping = BindingsMap(own)
    else:
        # DOMNode._bindings: the node's BINDINGS merged along its class hierarchy (what Textual's
        # own dispatch and key panel read); keymap overrides are applied by the app separately.
        mapping = node._bindings
    for key, bindings in mapping.key_to_bindings.items():
        for binding in bindings:
            yield key, binding


def _applies(node: DOMNode, binding: Binding) -> bool:
    """False for keys that cannot do anything here: Textual's own mouse-selection copy, and
    scroll keys inherited by a widget that does not scroll that way (``overflow: hidden``)."""
    if binding.system or binding.action in SKIPPED:
        return False
    if isinstance(node, Widget):
        name = binding.action.split("(")[0]
        if name in _HORIZONTAL and node.styles.overflow_x == "hidden":
            return False
        if name in _VERTICAL and node.styles.overflow_y == "hidden":
            return False
    return True


def _description(binding: Binding) -> str:
    return (
        _DESCRIPTIONS.get(binding.action)
        or binding.description
        or binding.tooltip
        or _words(binding.action.rpartition(".")[2].split("(")[0]).replace("_", " ")
    )


def _state(node: DOMNode, action: str) -> bool | None:
    app = node.app
    try:
        return app._check_action_state(action, node)
    except Exception:  # an action naming a namespace that is not there now: not available
        return False


def screen_actions(screen: Screen[Any]) -> list[KeyAction]:
    """The actions reachable by a key on ``screen``, widgets first, then the screen, then the app.

    Keys that do the same thing are merged into one entry; actions whose ``check_action`` says
    False (not applicable here) are left out, ``None`` (applicable but not now) are kept with
    ``enabled=False``.
    """
    app = screen.app
    chain = _chain(screen)
    winners: dict[str, tuple[DOMNode, Binding]] = {}
    for node in chain:
        for key, binding in _bindings(node):
            if not _applies(node, binding):
                continue
            held = winners.get(key)
            if held is None or (binding.priority and not held[1].priority):
                winners[key] = (node, binding)
    order = {id(node): index for index, node in enumerate(chain)}
    merged: dict[tuple[int, str], tuple[DOMNode, Binding, list[str]]] = {}
    for node, binding in winners.values():
        slot = (id(node), binding.action)
        if slot not in merged:
            merged[slot] = (node, binding, [])
        display = app.get_key_display(binding)
        if display not in merged[slot][2]:
            merged[slot][2].append(display)
    actions: list[KeyAction] = []
    for node, binding, keys in merged.values():
        state = _state(node, binding.action)
        if state is False:
            continue
        actions.append(KeyAction(
            keys=tuple(keys),
            description=_description(binding),
            action=binding.action,
            node=node,
            group=group_name(node),
            enabled=bool(state),
            reason=disabled_reason(node, binding.action) if state is None else None,
        ))
    actions.sort(key=lambda a: order.get(id(a.node), len(order)))
    return actions


def palette_actions(screen: Screen[Any]) -> Iterable[KeyAction]:
    """The actions the palette offers on ``screen``, the palette itself excluded: the screen's
    and the app's first, then its widgets' (mostly cursor movement), then the disabled ones
    (listed with their reason, so ``log`` finds "Log in" before it applies)."""
    actions = [a for a in screen_actions(screen) if a.action not in PALETTE_SKIPPED]

    def rank(action: KeyAction) -> tuple[bool, bool, bool]:
        in_widget = isinstance(action.node, Widget) and not isinstance(action.node, Screen)
        return not action.enabled, in_widget, not action.explanation

    return sorted(actions, key=rank)


def _prompt(action: KeyAction, title: Content | None = None) -> Content:
    name = title or Content(action.description)
    if not action.enabled:
        return Content.assemble(name.stylize("dim"), ("  " + action.key_text + "  not now", "dim"))
    return Content.assemble(name, ("  " + action.key_text, "dim"))


def _help(action: KeyAction) -> str:
    """The palette's second line (a disabled action: why). The palette parses it as markup,
    hence the escape."""
    explanation = action.explanation
    if not action.enabled:
        explanation = f"unavailable: {action.reason or 'not now'}"
    return escape(f"{action.group} · {explanation}" if explanation else action.group)


def run_or_explain(action: KeyAction) -> Any:
    """Run ``action``; a disabled one only says why it cannot run (it would do nothing)."""
    if not action.enabled:
        reason = action.reason or "Not available now"
        message = display(f"{action.description}: {reason}")
        say = getattr(action.node.app, "say", None)
        if callable(say):  # co-tui's toast of sanitised text
            say(message, severity="warning", timeout=6)
        else:
            action.node.app.notify(cast(str, message), severity="warning", timeout=6)
        return None
    return action.run()


class ScreenActionsProvider(Provider):
    """Offers every key-bound action of the screen the palette was opened on, with its keys."""

    def _actions(self) -> list[KeyAction]:
        return list(palette_actions(self.screen))

    async def discover(self) -> Hits:
        """All the screen's actions, in the order the help lists them."""
        for action in self._actions():
            yield DiscoveryHit(
                _prompt(action),
                partial(run_or_explain, action),
                text=action.description,
                help=_help(action),
            )

    async def search(self, query: str) -> Hits:
        """The actions whose description (or group) matches ``query``."""
        matcher = self.matcher(query)
        for action in self._actions():
            target = f"{action.description} ({action.group})"
            score = matcher.match(target)
            if score > 0:
                yield Hit(
                    score,
                    _prompt(action, matcher.highlight(action.description)),
                    partial(run_or_explain, action),
                    text=action.description,
                    help=_help(action),
                )
