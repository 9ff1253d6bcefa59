"""Copying text to the clipboard, with a visible fallback when the terminal may drop it.

:func:`copy_text` is the one way the app copies: it sanitises the text, hands it to Textual's
``App.copy_to_clipboard`` (an OSC 52 escape sequence, which the terminal may ignore: browser
terminals in capsules usually do) and says so in a notification, with no dialog in the way: the
notification names what was copied, says when
:func:`~co_tui.operations.clipboard.copy_policy` cannot trust the terminal to keep it, and that
the same key pressed again (the same text within :data:`AGAIN_SECONDS`) opens
:class:`CopyScreen`. The ``clipboard = "dialog"`` setting opens it on every copy. The dialog
shows the text in a read-only field, selected, so the user can copy it with the terminal's own
selection. The app never emits OSC 52 for anything but this deliberate action,
and only for text that went through :func:`~co_tui.safe_text.plain` (docs/reliability.md,
'Copying and links').
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, cast
from weakref import WeakKeyDictionary

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static, TextArea

from co_tui.modals.dialog import Dialog
from co_tui.operations.clipboard import ClipboardMode, CopyPolicy, copy_policy, ensure_no_secret
from co_tui.safe_text import display, join, plain

if TYPE_CHECKING:
    from textual.app import App

__all__ = ["AGAIN_SECONDS", "OSC52_NOTE", "CopyScreen", "copy_text"]

AGAIN_SECONDS = 30.0
"""Copying the same text again within this many seconds shows it in the dialog."""

_last_copy: WeakKeyDictionary[App[Any], tuple[str, float]] = WeakKeyDictionary()

OSC52_NOTE = (
    "The text was sent to your terminal's clipboard with OSC 52, which some terminals drop "
    "silently (browser terminals such as JupyterLab or VS Code in a capsule, tmux without "
    "set-clipboard, macOS Terminal). If pasting does not work, select the text above: "
    "drag with the mouse (hold Shift in most terminals to use the terminal's own selection)."
)


class CopyScreen(Dialog[None]):
    """Shows copied text, selected, in a read-only field; ``esc`` or ``enter`` closes.

    ``reason`` says why the dialog is shown (from the copy policy); ``note`` adds a line about
    the text itself (e.g. when a signed link expires).
    """

    CSS_PATH = "../styles/share.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "Close", priority=True),
    ]

    def __init__(self, label: str, text: str, *, reason: str = "", note: str = "") -> None:
        super().__init__()
        self.label = label
        # Sanitised once here, whatever the caller passed: this is what the user sees.
        self.text = plain(text)
        self.reason = reason
        self.note = note

    def compose(self) -> ComposeResult:
        title_content = join("Copy ", display(self.label, max_cells=60))
        notes = [self.note, self.reason, OSC52_NOTE]
        note_content = join(*(display(n, multiline=True) for n in notes if n), separator="\n")
        with Vertical(id="copy-dialog"):
            yield Static(title_content, id="copy-title")
            yield TextArea(plain(self.text), id="copy-text", read_only=True, soft_wrap=True,
                           show_cursor=False)
            yield Static(note_content, id="copy-note")
            yield Static(Content("enter / esc close"), id="copy-hint")

    def on_mount(self) -> None:
        area = self.query_one("#copy-text", TextArea)
        area.focus()
        area.select_all()

    def action_close(self) -> None:
        """Close the dialog."""
        self.dismiss(None)


def copy_text(
    app: App[Any],
    label: str,
    text: str,
    *,
    key: str = "",
    force_dialog: bool = False,
    mode: ClipboardMode | str = ClipboardMode.AUTO,
    note: str = "",
    env: Mapping[str, str] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> CopyPolicy:
    """Copy ``text`` (sanitised) with OSC 52 and notify what was copied; open
    :class:`CopyScreen` when ``force_dialog`` is set, the setting says so, or the same text is
    copied again within :data:`AGAIN_SECONDS` (``key`` names the key that copied, for the
    notification's "press y again").

    ``mode`` is the user's clipboard setting; ``note`` is shown in the dialog. Text that holds a
    credential is refused with an error notification. Returns the policy that was applied.
    """
    safe = plain(text)
    try:
        ensure_no_secret(safe)
    except ValueError as refused:
        app.notify(cast(str, display(str(refused))), severity="error")
        return CopyPolicy(False, str(refused))
    policy = copy_policy(env, mode=mode)
    app.copy_to_clipboard(safe)
    now = clock()
    last = _last_copy.get(app)
    again = last is not None and last[0] == safe and now - last[1] <= AGAIN_SECONDS
    _last_copy[app] = (safe, now)
    if force_dialog or policy.always_show or again:
        app.notify(cast(str, join("Copied ", display(label, max_cells=60),
                                  ": shown to select")), timeout=4)
        app.push_screen(CopyScreen(label, safe, reason=policy.reason, note=note))
        return policy
    press = f"Press {key} again" if key else "Copy it again"
    doubt = "" if policy.trust_osc52 else ": the terminal may drop it"
    app.notify(cast(str, join("Copied ", display(label, max_cells=60), doubt, ".\n", press,
                              ' to show it to select (clipboard = "dialog" always does).')),
               timeout=6)
    return policy
