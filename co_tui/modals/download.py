"""``d`` / ``D``: the download dialog: where to, files or one zip, and existing files.

:class:`DownloadDialog` shows what is downloaded (a file, a folder or the whole asset, with what
is known of its size), a destination (default: :func:`~co_tui.transfer.default_destination`:
the current folder, or ``/results`` / ``/scratch`` inside a capsule) with the free space there,
"separate files" or "one zip archive", and the existing-file policy (skip / rename / overwrite).
``enter`` starts, ``esc`` cancels; choosing *overwrite* asks a second time. It dismisses with a
:class:`~co_tui.transfer.DownloadRequest` for the screen's
:class:`~co_tui.transfer.DownloadEngine`, or ``None``. It fits 80x24 and needs no mouse.

A destination the user changed is remembered: starting the download posts
:class:`DownloadDialog.DestinationChosen` to the app, which saves it as the ``download_dir``
setting, so the next dialog opens there. The focused row (destination or a choice) is marked by a
bar on its left and a brighter background, also in 16 colours.

Checking the free space is file-system I/O: it runs in a worker thread whenever the destination
changes, never on the event loop.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from co_tui.formatting import format_count, format_size
from co_tui.modals.confirm import ConfirmScreen
from co_tui.modals.dialog import Dialog
from co_tui.safe_text import display, join, plain
from co_tui.transfer import (
    DownloadRequest,
    DownloadTarget,
    ExistingPolicy,
    SpaceCheck,
    TargetKind,
    default_destination,
    mount_root,
    space_check,
)
from co_tui.transfer.localfs import DiskUsage
from co_tui.widgets.choice import Choice
from co_tui.widgets.footer import KeyFooter
from co_tui.workers import worker

__all__ = ["DownloadDialog"]

FORMATS: tuple[tuple[bool, str], ...] = ((False, "separate files"), (True, "one zip archive"))
POLICIES: tuple[tuple[ExistingPolicy, str], ...] = (
    (ExistingPolicy.SKIP, "skip"),
    (ExistingPolicy.RENAME, "rename (1)"),
    (ExistingPolicy.OVERWRITE, "overwrite"),
)
_WHAT = {TargetKind.FILE: "the file", TargetKind.FOLDER: "the folder",
         TargetKind.ASSET: "the whole asset"}


def _size_line(target: DownloadTarget) -> Content:
    parts: list[str] = []
    if target.size is not None:
        parts.append(format_size(target.size))
    if target.files is not None and target.kind is not TargetKind.FILE:
        parts.append(f"{format_count(target.files)} files")
    if not parts:
        return join("size known once the folder is listed")
    return join(", ".join(parts))


class DownloadDialog(Dialog["DownloadRequest | None"]):
    """Ask where and how to download ``target``; dismiss with a request or ``None``.

    ``destination`` overrides the default folder; ``env``, ``cwd`` and ``data_root`` decide the
    default and whether the capsule's ``/data`` mount will be read instead of the network;
    ``disk_usage`` is the free-space probe (tests pass a stand-in).
    """

    CSS_PATH = "../styles/downloads.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Download", priority=True),
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Move", key_display="↑↓"),
        Binding("up", "move(-1)", "Move", show=False),
    ]

    class DestinationChosen(Message):
        """A download starts into a folder the user typed (not the one the dialog offered)."""

        def __init__(self, folder: Path) -> None:
            super().__init__()
            self.folder = folder

    def __init__(
        self,
        target: DownloadTarget,
        *,
        destination: Path | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        data_root: Path | None = None,
        disk_usage: DiskUsage = shutil.disk_usage,
    ) -> None:
        super().__init__()
        self.target = target
        self._env = dict(os.environ) if env is None else dict(env)
        self._cwd = cwd if cwd is not None else Path.cwd()
        self._data_root = data_root
        self._disk_usage = disk_usage
        self.initial_destination = destination or default_destination(self._env, self._cwd)
        self.space: SpaceCheck | None = None
        """Free space at the destination, once checked (None while checking)."""
        self.from_mount = False
        """True when the capsule's ``/data`` mount holds the asset (a local copy)."""
        self.not_a_folder = False

    def shown_assets(self) -> dict[str, str]:
        """The asset to download from (the dialog closes if the server says it is gone)."""
        return {self.target.asset_id: self.target.asset_name}

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """What, from where, to where, how; then the keys."""
        target = self.target
        what = join(f"Download {_WHAT[target.kind]} ",
                    display(target.name, max_cells=48, style="bold"))
        with Vertical(id="download-dialog"):
            yield Static(join("Download"), id="download-title")
            yield Static(what, id="download-what")
            yield Static(join("from ", display(target.asset_name, max_cells=60)),
                         id="download-asset")
            yield Static(_size_line(target), id="download-size")
            with Horizontal(id="download-dest-row"):
                yield Static(join("Destination"), classes="download-label")
                yield Input(value=plain(str(self.initial_destination)), id="download-dest",
                            compact=True)
            yield Static(join("checking free space…"), id="download-space")
            yield Choice("As", FORMATS, False, id="download-format")
            yield Choice("Existing", POLICIES, ExistingPolicy.SKIP, id="download-policy")
            yield Static(id="download-error")
            yield Static(join("enter download   esc cancel   ↑↓ move   ←→ change"),
                         id="download-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Focus the destination and check its free space."""
        self.query_one("#download-dest", Input).focus()
        self._check_space(self.destination())

    # --- state ------------------------------------------------------------------------------

    def destination(self) -> Path:
        """The destination as typed (``~`` expanded, relative to the current folder)."""
        text = self.query_one("#download-dest", Input).value.strip()
        path = Path(text).expanduser() if text else self._cwd
        return path if path.is_absolute() else self._cwd / path

    def request(self) -> DownloadRequest:
        """The request the dialog would dismiss with now."""
        as_zip = self.query_one("#download-format", Choice).value
        policy = self.query_one("#download-policy", Choice).value
        return DownloadRequest(
            self.target, self.destination(), as_zip=bool(as_zip),
            policy=policy if isinstance(policy, ExistingPolicy) else ExistingPolicy.SKIP,
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        """A new destination: check its free space again (in a thread)."""
        event.stop()
        self._set_error("")
        self._check_space(self.destination())

    def _space_raised(self, error: BaseException, destination: Path) -> None:
        self.space = None
        self.query_one("#download-space", Static).update(
            Content("cannot check the free space (an unexpected error)"))

    @worker("checking the free space", group="download-space", exclusive=True,
            recover=_space_raised)
    async def _check_space(self, destination: Path) -> None:
        needed = self.target.size or 0
        target = self.target
        try:
            space = await asyncio.to_thread(space_check, str(destination), needed,
                                            self._disk_usage)
            mount = await asyncio.to_thread(mount_root, target.mount, env=self._env,
                                            data_root=self._data_root)
            self.not_a_folder = await asyncio.to_thread(
                lambda: destination.exists() and not destination.is_dir())
        except OSError as exc:
            self.space = None
            self.query_one("#download-space", Static).update(
                join("cannot check the free space: ", display(exc.strerror or str(exc))))
            return
        self.space = space
        self.from_mount = mount is not None
        self.query_one("#download-space", Static).update(self._space_content(space))

    def _space_content(self, space: SpaceCheck) -> Content:
        free = join(f"{format_size(space.free)} free")
        if self.target.size is not None and not space.ok:
            free = join(free, Content.styled(
                f" · not enough ({format_size(space.needed)} needed)", "$error"))
        if self.from_mount:
            free = join(free, Content.styled(" · copied from the capsule's /data mount",
                                             "$success"))
        return free

    def _set_error(self, message: str) -> None:
        self.query_one("#download-error", Static).update(
            Content.styled(message, "$error") if message else Content(""))

    # --- actions ----------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        """Move between the destination and the choices."""
        if delta > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def action_cancel(self) -> None:
        """Close without downloading."""
        self.dismiss(None)

    def action_start(self) -> None:
        """Check the choices and start (overwrite asks once more)."""
        if not self.query_one("#download-dest", Input).value.strip():
            self._set_error("type a destination folder")
            return
        destination = self.destination()
        if self.not_a_folder:
            self._set_error("the destination is a file, not a folder")
            return
        space = self.space
        if space is not None and self.target.size is not None and not space.ok:
            self._set_error(f"not enough free space (with a safety margin): free "
                            f"{format_size(space.shortfall)} more or choose another folder")
            return
        request = self.request()
        if request.policy is not ExistingPolicy.OVERWRITE:
            self._finish(request)
            return
        body = join("Files that already exist in ", display(plain(str(destination)),
                                                            max_cells=50),
                    " will be replaced by the downloaded ones. This cannot be undone.")

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._finish(request)

        self.app.push_screen(ConfirmScreen(join("Overwrite existing files?"), body,
                                           "Overwrite", danger=True), answered)

    def _finish(self, request: DownloadRequest) -> None:
        """Dismiss with ``request``; a destination the user changed goes to the app to keep."""
        if request.destination != self.initial_destination and not self.dismissed:
            self.app.post_message(self.DestinationChosen(request.destination))
        self.dismiss(request)
