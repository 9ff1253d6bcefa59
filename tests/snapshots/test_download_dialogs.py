"""Snapshots of the download dialog, its overwrite confirmation and the downloads panel.

Deterministic: the free space comes from a stand-in ``disk_usage``, the panel reads a fixed
queue (speeds and ETAs as an engine with an injected clock would report them) and redraws only
when asked (no timer), and cursors do not blink.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.widgets import Footer

from co_tui.modals.download import DownloadDialog
from co_tui.transfer import DownloadTarget, ItemState, ItemView, TargetKind, TotalsView
from co_tui.widgets.downloads_panel import DownloadsPanel
from tests.snapshots.snapshots_helpers import settle, then

GIB, MIB = 2**30, 2**20
DEST = Path("/home/ada/downloads")


class Usage:
    free = 812 * GIB


class DialogHost(App[None]):
    def __init__(self, dialog: DownloadDialog) -> None:
        super().__init__()
        self.dialog = dialog

    def on_mount(self) -> None:
        self.push_screen(self.dialog)


def _dialog(kind: TargetKind, path: str, size: int | None, files: int | None,
            free: int = Usage.free) -> DialogHost:
    class Free:
        pass

    Free.free = free  # type: ignore[attr-defined]
    target = DownloadTarget("e3b9d066-0000-4000-8000-000000000001",
                            "ecephys_661398_2023-03-21_15-47-03 raw",
                            "ecephys_661398_2023-03-21_15-47-03", kind, path, size, files)
    return DialogHost(DownloadDialog(target, destination=DEST, env={},
                                     disk_usage=lambda _: Free()))


class FixedQueue:
    """A queue frozen mid-download: one of each state, a running file and a running archive."""

    ROWS: ClassVar[list[ItemView]] = [
        ItemView(1, "ecephys_661398/raw/ecephys/Record Node 101/continuous.dat",
                 ItemState.RUNNING, 700 * MIB, 1024 * MIB, 86.4 * MIB, 3.7),
        ItemView(2, "ecephys_661398/raw/acquisition_4GiB.log", ItemState.RUNNING, 1536 * MIB,
                 4 * GIB, 91.2 * MIB, 28.1),
        ItemView(3, "ecephys_661398/raw/behavior/videos/face_camera.mp4", ItemState.QUEUED, 0,
                 96 * MIB, None, None),
        ItemView(4, "ecephys_661398/raw/README.md", ItemState.DONE, 4_201, 4_201, None, None),
        ItemView(5, "ecephys_661398/raw/settings.xml", ItemState.SKIPPED, 0, 18_733, None, None),
        ItemView(6, "ecephys_661398/raw/sync\x1b[31m.h5", ItemState.FAILED, 0, 5 * MIB, None,
                 None, error="HTTP 503: the server answered 503"),
        ItemView(7, "ecephys_661398/raw/notes.txt", ItemState.CANCELLED, 0, 912, None, None),
        ItemView(8, "SmartSPIM_695464_stitched.zip", ItemState.RUNNING, 310 * MIB, 1_017 * MIB,
                 40.0 * MIB, 17.7, detail="file 12 of 20,011", is_zip=True),
    ]

    def __len__(self) -> int:
        return len(self.ROWS)

    def view(self, start: int = 0, count: int | None = None) -> list[ItemView]:
        return self.ROWS[start: None if count is None else start + count]

    def totals(self) -> TotalsView:
        counts = {state: sum(1 for r in self.ROWS if r.state is state) for state in ItemState}
        return TotalsView(len(self.ROWS), counts, 2_546 * MIB, 6_289 * MIB, 217.6 * MIB, 17.6,
                          messages=("exaSPIM raw: not enough free space: 3.1 TiB needed",))

    def cancel(self, item_id: int) -> bool:
        return True

    def retry(self, item_id: int) -> bool:
        return True

    def cancel_all(self) -> int:
        return 0


class PanelHost(App[None]):
    def compose(self) -> ComposeResult:
        yield DownloadsPanel(FixedQueue(), refresh_rate=0)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DownloadsPanel).focus()


async def _to_second_row(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("down")
    await settle(pilot)


def test_folder_dialog_120x36(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = _dialog(TargetKind.FOLDER, "raw/ecephys", 5_677_021_293, 18)
    assert snap_compare(app, terminal_size=(120, 36), run_before=settle)


def test_asset_as_zip_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = _dialog(TargetKind.ASSET, "", 5_677_021_293, 18)
    assert snap_compare(app, terminal_size=(80, 24),
                        run_before=then("down", "right", "down", "right"))


def test_not_enough_space_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = _dialog(TargetKind.FILE, "raw/acquisition_4GiB.log", 4 * GIB, None, free=GIB)
    assert snap_compare(app, terminal_size=(80, 24), run_before=then("enter"))


def test_overwrite_confirmation_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = _dialog(TargetKind.FOLDER, "raw", None, None)
    assert snap_compare(app, terminal_size=(80, 24),
                        run_before=then("down", "down", "left", "enter"))


def test_downloads_panel_120x36(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(PanelHost(), terminal_size=(120, 36), run_before=_to_second_row)


def test_downloads_panel_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(PanelHost(), terminal_size=(80, 24), run_before=_to_second_row)


def test_focused_row_in_16_colours_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = _dialog(TargetKind.FOLDER, "raw/ecephys", 5_677_021_293, 18)
    app.theme = "ansi-dark"  # the focus bar and bold label must show without true colour
    assert snap_compare(app, terminal_size=(80, 24), run_before=then("down"))
