"""Copying text to the clipboard, with a visible fallback when the terminal may drop it.

:func:`copy_text` is the one way the app copies: it sanitises the text, hands it to Textual's
``App.copy_to_clipboard`` (an OSC 52 escape sequence, which the terminal may ignore: browser
terminals in capsules usually do), says so in a notification, and opens :class:`CopyScreen`
when asked to or when :func:`~co_tui.operations.clipboard.copy_policy` cannot trust the terminal.
The dialog shows the text in a read-only field, selected, so the user can copy it with the
terminal's own selection. The app never emits OSC 52 for anything but this deliberate action,
and only for text that went through :func:`~co_tui.safe_text.plain` (docs/reliability.md,
'Copying and links').
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, cast

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

__all__ = ["OSC52_NOTE", "CopyScreen", "copy_text"]

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
    force_dialog: bool = False,
    mode: ClipboardMode | str = ClipboardMode.AUTO,
    note: str = "",
    env: Mapping[str, str] | None = None,
) -> CopyPolicy:
    """Copy ``text`` (sanitised) with OSC 52, notify "Copied <label>", and open
    :class:`CopyScreen` when ``force_dialog`` is set or the policy cannot trust the terminal.

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
    show = force_dialog or not policy.trust_osc52
    message = join("Copied ", display(label, max_cells=60),
                   " (also shown: the terminal may drop it)" if show else "")
    app.notify(cast(str, message), timeout=4)
    if show:
        app.push_screen(CopyScreen(label, safe, reason=policy.reason, note=note))
    return policy
