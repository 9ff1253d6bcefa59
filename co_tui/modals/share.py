"""``p``: who may see and change a data asset, edited as a list and saved as one diffed change.

:class:`ShareScreen` shows the users, groups and everyone with their roles. Keyboard only:
``↑↓`` pick an entry, ``←→`` (or ``r``) change its role, ``d`` remove it; ``a`` jumps to the add
line (choose user or group and a role, type the e-mail or group name, ``enter`` adds; the arrow
keys move the cursor there, and ``→`` at the end takes the grey completion from the people and
groups seen in permissions this session, see :mod:`co_tui.operations.people_seen`); the
roles offered are those of data assets (users viewer / owner, groups also discoverable; an
``editor`` already on the server is shown as it is). A checkbox sets ``share_assets``: also share
the attached assets with the people added. The pending change is always shown as a diff.
``ctrl+s`` saves: granting owner or opening the asset to everyone first asks again
(:class:`ShareConfirmScreen`). Saving runs in a worker; on failure
the dialog stays open with every edit kept and the error shown; after saving it shows the
permissions read back from the server. ``esc`` closes (twice when there are unsaved edits) and
the dialog dismisses with the saved :class:`~co_tui.api.models.Permissions`, or ``None`` when
nothing was saved.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.suggester import Suggester
from textual.widgets import Button, Checkbox, Input, OptionList, Static
from textual.widgets.option_list import Option

from co_tui.api.errors import ApiError
from co_tui.modals.dialog import Dialog
from co_tui.operations.people_seen import people_seen
from co_tui.operations.sharing import (
    EVERYONE_ROLES,
    GROUP_ROLES,
    USER_ROLES,
    Change,
    Entry,
    PermissionsDraft,
    SharingError,
    apply_permissions,
)
from co_tui.safe_text import display, is_safe, join
from co_tui.widgets.choice import Choice, TickBox
from co_tui.widgets.footer import KeyFooter
from co_tui.workers import worker

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient
    from co_tui.api.models import DataAsset, Permissions

__all__ = ["ShareConfirmScreen", "ShareScreen"]

NAME_CELLS = 32
DIFF_LINES = 5
"""Changes listed under the list; more are summed up in one line (the dialog fits 80x24)."""
_MARKS = {"added": ("+", "$success"), "removed": ("-", "$error"), "changed": ("~", "$warning")}


class _SeenSuggester(Suggester):
    """Completes from a list read at each keystroke (the people seen change while it is open).

    Only names free of control characters are offered: a suggestion is drawn as typed text.
    """

    def __init__(self, names: Callable[[], list[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self._names = names

    async def get_suggestion(self, value: str) -> str | None:
        """The first name seen that starts with ``value`` (already case-folded)."""
        if not value:
            return None
        return next((name for name in self._names()
                     if name.casefold().startswith(value) and len(name) > len(value)
                     and is_safe(name)), None)


HINT_LIST = "↑↓ entry  ←→ role  d remove  a add  ctrl+s save  esc close"
HINT_ADD = "type, → completes, enter adds  ←→ move  tab next  ctrl+s save  esc close"


class ShareConfirmScreen(Dialog[bool]):
    """The second confirmation for owner grants and opening to everyone: ``y`` saves,
    ``n`` / ``esc`` goes back (the default button is "Go back")."""

    CSS_PATH = "../styles/share.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Save anyway"),
        Binding("n,escape", "answer(False)", "Go back"),
    ]

    def __init__(self, reasons: list[str]) -> None:
        super().__init__()
        self.reasons = reasons

    def compose(self) -> ComposeResult:
        lines = [join("• ", display(reason, multiline=True)) for reason in self.reasons]
        reasons_content = join(*lines, separator="\n")
        with Vertical(id="confirm-dialog"):
            yield Static(Content("This change needs a second look"), id="confirm-title")
            yield Static(reasons_content, id="confirm-reasons")
            with Horizontal(id="confirm-buttons"):
                yield Button("Save anyway (y)", id="confirm-yes", variant="warning")
                yield Button("Go back (n)", id="confirm-no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """A button answers."""
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        """Answer with ``y`` (save) or ``n`` (go back)."""
        self.dismiss(yes)


class ShareScreen(Dialog["Permissions | None"]):
    """Edit the sharing of ``asset`` starting from ``permissions`` (as loaded by the caller)."""

    CSS_PATH = "../styles/share.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "close", "Close"),
        Binding("a", "focus_add", "Add"),
        Binding("d,delete", "remove", "Remove"),
        Binding("r,right", "role(1)", "Role", key_display="←→"),
        Binding("left", "role(-1)", "Role", show=False),
        Binding("s", "save", "Save", show=False),
    ]

    def __init__(self, client: CodeOceanClient, asset: DataAsset, permissions: Permissions) -> None:
        super().__init__()
        self.client = client
        self.asset = asset
        self.draft = PermissionsDraft(permissions, owner_email=asset.owner_email or None)
        self.seen = people_seen(client)
        self.seen.note(permissions)
        self.saved: Permissions | None = None
        self.saving = False
        self._discard_armed = False

    def shown_assets(self) -> dict[str, str]:
        """The asset being shared (the dialog closes if the server says it is gone)."""
        return {self.asset.id: self.asset.name}

    # --- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        title_content = join("Share  ", display(self.asset.name, max_cells=70))
        with Vertical(id="share-dialog"):
            yield Static(title_content, id="share-title")
            yield OptionList(id="share-entries")
            yield Choice("Everyone", [(r, r) for r in EVERYONE_ROLES], self.draft.everyone,
                         id="share-everyone")
            yield Choice("Add a", [("user", "user (e-mail)"), ("group", "group")], "user",
                         id="share-add-kind")
            yield Choice("with role", [(r, r) for r in USER_ROLES], "viewer",
                         id="share-add-role")
            yield Input(placeholder="e-mail address, then enter", id="share-add-name",
                        suggester=_SeenSuggester(self._completions))
            yield TickBox(Content.assemble("Also share the attached assets",
                                           (" with the people added", "dim")),
                          self.draft.share_assets, id="share-assets")
            yield Static(id="share-diff")
            yield Static(id="share-status")
            yield Static(Content(HINT_LIST), id="share-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._refresh()
        self.query_one("#share-entries", OptionList).focus()

    def _completions(self) -> list[str]:
        """What the add line completes from: addresses, or group names when adding a group."""
        group = self.query_one("#share-add-kind", Choice).value == "group"
        return self.seen.groups if group else self.seen.emails

    def on_descendant_focus(self) -> None:
        """The hint follows the focus: the add line's keys differ from the list's."""
        adding = self.focused is self.query_one("#share-add-name", Input)
        self.query_one("#share-hint", Static).update(Content(HINT_ADD if adding else HINT_LIST))

    # --- rendering ---------------------------------------------------------------------------

    def _entry_content(self, entry: Entry, change: Change | None) -> Content:
        who = "user " if entry.kind == "user" else "group"
        mark, style = _MARKS[change.action] if change is not None else (" ", "")
        owner = "asset owner" if self.draft.is_owner_entry(entry) else ""
        name = display(entry.name, max_cells=NAME_CELLS)
        pad = " " * max(1, NAME_CELLS + 2 - name.cell_length)
        return Content.assemble(
            (f"{mark} ", style), (f"{who}  ", "dim"), name, pad,
            (f"{entry.role:<14}", "bold"), (owner, "dim italic"),
        )

    def _refresh(self) -> None:
        """Redraw the list and the diff from the draft, keeping the highlighted row."""
        entries = self.query_one("#share-entries", OptionList)
        keep = entries.highlighted
        diff = self.draft.diff()
        changes = {(c.kind, c.name.lower() if c.kind == "user" else c.name): c
                   for c in diff.changes}
        options = []
        for index, entry in enumerate(self.draft.entries):
            row_content = self._entry_content(entry, changes.get(entry.key))
            options.append(Option(row_content, id=str(index)))
        entries.set_options(options)
        if options:
            entries.highlighted = min(keep or 0, len(options) - 1)
        self.query_one("#share-everyone", Choice).value = self.draft.everyone
        self.query_one("#share-assets", Checkbox).value = self.draft.share_assets
        self.query_one("#share-diff", Static).update(self._diff_content())

    def _diff_content(self) -> Content:
        diff = self.draft.diff()
        if diff.empty:
            return Content.styled("No changes to save.", "dim")
        parts: list[Content] = [Content.styled("Changes to save:", "bold")]
        shown = diff.changes if len(diff.changes) <= DIFF_LINES else diff.changes[:DIFF_LINES - 1]
        for change in shown:
            mark, style = _MARKS[change.action]
            line = join(Content.styled(f"\n {mark} ", style),
                        display(change.describe(), max_cells=80))
            if change.needs_confirmation:
                line = join(line, Content.styled("  (asks to confirm)", "$warning italic"))
            parts.append(line)
        if len(shown) < len(diff.changes):
            hidden = diff.changes[len(shown):]
            asks = " (some ask to confirm)" if any(c.needs_confirmation for c in hidden) else ""
            parts.append(Content.styled(f"\n   … and {len(hidden)} more changes{asks}", "dim"))
        return join(*parts)

    def _set_status(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#share-status", Static)
        status.set_class(error, "-error")
        status.update(display(message, multiline=True, max_chars=400))

    # --- editing -----------------------------------------------------------------------------

    def _highlighted(self) -> Entry | None:
        index = self.query_one("#share-entries", OptionList).highlighted
        if index is None or not 0 <= index < len(self.draft.entries):
            return None
        return self.draft.entries[index]

    def _edit_entry(self) -> Entry | None:
        """The highlighted entry when the list has focus (the keys mean something else
        elsewhere: ←→ change the choices)."""
        if self.focused is not self.query_one("#share-entries", OptionList):
            return None
        return self._highlighted()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("role", "remove"):
            return self._edit_entry() is not None
        return True

    def action_role(self, step: int) -> None:
        """Give the highlighted entry the next / previous role."""
        entry = self._edit_entry()
        if entry is None:
            return
        try:
            self.draft.cycle_role(entry, step)
        except SharingError as problem:
            self._set_status(problem.message, error=True)
            return
        self._edited()

    def action_remove(self) -> None:
        """Remove the highlighted entry (not the asset's owner)."""
        entry = self._edit_entry()
        if entry is None:
            return
        try:
            self.draft.remove(entry)
        except SharingError as problem:
            self._set_status(problem.message, error=True)
            return
        self._edited()

    def action_focus_add(self) -> None:
        """Jump to the e-mail / group name input."""
        self.query_one("#share-add-name", Input).focus()

    def on_choice_changed(self, event: Choice.Changed) -> None:
        """Everyone changed, or the kind of entry to add (which changes the roles offered)."""
        choice = event.choice
        if choice.id == "share-everyone":
            self.draft.set_everyone(str(choice.value))
            self._edited()
        elif choice.id == "share-add-kind":
            group = choice.value == "group"
            role = self.query_one("#share-add-role", Choice)
            current = role.value
            role.options = tuple((r, r) for r in (GROUP_ROLES if group else USER_ROLES))
            role.value = current if current in (GROUP_ROLES if group else USER_ROLES) else "viewer"
            role.refresh()
            name = self.query_one("#share-add-name", Input)
            name.placeholder = "group name, then enter" if group else "e-mail address, then enter"

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        """"Also share the attached assets" toggled (ignoring the redraw setting it back)."""
        event.stop()
        if event.value != self.draft.share_assets:
            self.draft.set_share_assets(event.value)
            self._edited()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """``enter`` in the add line adds the entry (validated first; nothing is sent yet)."""
        event.stop()
        group = self.query_one("#share-add-kind", Choice).value == "group"
        kind: Literal["user", "group"] = "group" if group else "user"
        role = str(self.query_one("#share-add-role", Choice).value)
        try:
            self.draft.add(kind, event.value, role)
        except SharingError as problem:
            self._set_status(problem.message, error=True)
            return
        event.input.value = ""
        self._edited()
        entries = self.query_one("#share-entries", OptionList)
        entries.highlighted = len(self.draft.entries) - 1

    def _edited(self) -> None:
        self._discard_armed = False
        self._refresh()
        self._set_status("")

    # --- saving ------------------------------------------------------------------------------

    def action_save(self) -> None:
        """Save the change (asking again first for owner grants and opening to everyone)."""
        if self.saving:
            return
        diff = self.draft.diff()
        if diff.empty:
            self._set_status("Nothing to save.")
            return
        reasons = diff.confirmation_reasons()
        if reasons:
            def answered(yes: bool | None) -> None:
                if yes:
                    self._save()
                else:
                    self._set_status("Not saved: your edits are still here.")

            self.app.push_screen(ShareConfirmScreen(reasons), answered)
            return
        self._save()

    def _save_raised(self, error: BaseException) -> None:
        """Saving failed in a way nobody foresaw; the change may have reached the server."""
        from co_tui.report import describe_error

        _, message = describe_error(error, "saving the sharing")
        self._set_status(message + " The sharing may have changed: reopen the dialog to see "
                         "it. Your edits are kept.", error=True)

    @worker("saving the sharing", group="share-save", exclusive=True, recover=_save_raised)
    async def _save(self) -> None:
        """Send the permissions and show what the server has afterwards."""
        from co_tui.report import describe_error

        self.saving = True
        self._set_status("Saving…")
        try:
            result = await apply_permissions(self.client, self.asset.id, self.draft)
        except ApiError as error:
            _, message = describe_error(error, "saving the sharing")
            self._set_status(message + " Your edits are kept.", error=True)
            return
        finally:
            self.saving = False
        self.saved = result.permissions
        self.seen.note(result.permissions)
        self.draft.rebase(result.permissions, keep_edits=not result.landed)
        self._refresh()
        self._set_status(result.message, error=not result.landed)

    def action_close(self) -> None:
        """Close; with unsaved edits, the first ``esc`` only warns. Not while saving: the
        outcome of a write cut short would be unknown."""
        if self.saving:
            self._set_status("Saving… wait for the server's answer before closing.")
            return
        if self.draft.dirty and not self._discard_armed:
            self._discard_armed = True
            self._set_status("Unsaved changes: press esc again to discard them, ctrl+s to save.",
                             error=True)
            return
        self.dismiss(self.saved)
