"""``FileTree`` on its own: windows of huge folders, the filter, keys, messages, hostile names."""

from __future__ import annotations

import time

from textual.app import App, ComposeResult

from co_tui.api.models import FolderItem
from co_tui.widgets.file_tree import WINDOW, FileTree

HOSTILE = "\x1b]0;PWNED\x07\x9b31m\u202e[@click=app.quit]x[/]\x00"


def folder(path: str, count: int, *, prefix: str = "file_", folders: int = 0) -> list[FolderItem]:
    base = f"{path}/" if path else ""
    items = [FolderItem(name=f"dir_{i}", path=f"{base}dir_{i}", type="folder")
             for i in range(folders)]
    items += [FolderItem(name=f"{prefix}{i:06d}.dat", path=f"{base}{prefix}{i:06d}.dat",
                         type="file", size=1024 * i) for i in range(count)]
    return items


class TreeApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[tuple[str, object]] = []

    def compose(self) -> ComposeResult:
        yield FileTree(id="tree")

    def on_file_tree_folder_requested(self, message: FileTree.FolderRequested) -> None:
        self.messages.append(("requested", message.path))

    def on_file_tree_file_chosen(self, message: FileTree.FileChosen) -> None:
        self.messages.append(("chosen", message.item.path))

    def on_file_tree_highlighted(self, message: FileTree.Highlighted) -> None:
        self.messages.append(("highlighted", message.item.path if message.item else None))


def rows(tree: FileTree) -> list[str]:
    return [tree.row_text(i).strip() for i in range(tree.row_count)]


async def test_root_loads_and_shows_sizes_folders_first() -> None:
    app = TreeApp()
    async with app.run_test(size=(60, 20)) as pilot:
        tree = app.query_one(FileTree)
        assert rows(tree) == ["loading…"]
        tree.set_folder("", list(reversed(folder("", 3, folders=2))))
        await pilot.pause()
        assert rows(tree)[0].startswith("▸ dir_0/") and rows(tree)[1].startswith("▸ dir_1/")
        assert rows(tree)[3].startswith("file_000001.dat") and rows(tree)[3].endswith("1 KiB")
        assert tree.render_line(0).text.startswith("▸ dir_0/")
        assert tree.highlighted is not None and tree.highlighted.name == "dir_0"


async def test_expanding_requests_each_folder_once_and_collapses() -> None:
    app = TreeApp()
    async with app.run_test(size=(60, 20)) as pilot:
        tree = app.query_one(FileTree)
        tree.set_folder("", folder("", 1, folders=2))
        tree.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert ("requested", "dir_0") in app.messages
        assert rows(tree)[1] == "loading…"
        tree.set_folder("dir_0", folder("dir_0", 2))
        await pilot.pause()
        assert rows(tree)[0].startswith("▾ dir_0/") and "2 items" in rows(tree)[0]
        assert rows(tree)[1].startswith("file_000000.dat")
        await pilot.press("down", "left")  # to the parent folder
        assert tree.cursor == 0
        await pilot.press("left")  # closes it
        assert rows(tree)[1].startswith("▸ dir_1/")
        await pilot.press("right")  # opens it again from memory: no request
        assert [m for m in app.messages if m[0] == "requested"] == [("requested", "dir_0")]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert ("chosen", "dir_0/file_000000.dat") in app.messages


async def test_errors_show_a_retry_row() -> None:
    app = TreeApp()
    async with app.run_test(size=(60, 20)) as pilot:
        tree = app.query_one(FileTree)
        tree.set_folder_error("", "could not list this folder")
        await pilot.pause()
        assert "could not list this folder" in rows(tree)[0] and "retry" in rows(tree)[0]
        tree.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert ("requested", "") in app.messages and rows(tree) == ["loading…"]


async def test_a_folder_of_100k_files_shows_a_window_quickly() -> None:
    app = TreeApp()
    items = folder("big", 100_000)
    async with app.run_test(size=(80, 30)) as pilot:
        tree = app.query_one(FileTree)
        tree.set_folder("", [FolderItem(name="big", path="big", type="folder")])
        tree.expand_path("big")
        started = time.perf_counter()
        tree.set_folder("big", items)
        elapsed = time.perf_counter() - started
        await pilot.pause()
        assert tree.row_count == 1 + WINDOW + 1
        assert elapsed < 1.0  # generous: the bench measures; this guards against O(n) rows
        assert "99,000 more" in rows(tree)[-1]
        tree.focus()
        await pilot.press("end", "enter")
        assert "98,000 more" in rows(tree)[-1]
        assert tree.highlighted is not None and tree.highlighted.name == "file_001000.dat"
        # the filter scans all 100,000 names; extending it rescans only the matches
        assert tree.set_filter("file_0999") == 100
        assert tree.set_filter("file_09999") == 10
        assert rows(tree)[0].startswith("▾ big/")
        assert all("file_09999" in r for r in rows(tree)[1:])
        assert tree.set_filter("nothing-like-this") == 0
        assert rows(tree) == ["no loaded names match the filter"]
        assert tree.set_filter("") == 0 and tree.row_count > 1000


async def test_filter_keeps_matching_folders_and_their_parents() -> None:
    app = TreeApp()
    async with app.run_test(size=(80, 30)) as pilot:
        tree = app.query_one(FileTree)
        tree.set_folder("", folder("", 1, folders=2))
        tree.set_folder("dir_0", [FolderItem(name="deep", path="dir_0/deep", type="folder")])
        tree.set_folder("dir_0/deep", [FolderItem(name="needle.txt", path="dir_0/deep/needle.txt",
                                                  size=5)])
        assert tree.set_filter("NEEDLE") == 1
        await pilot.pause()
        assert [r.split()[0] for r in rows(tree)] == ["▾", "▾", "needle.txt"]
        assert "dir_1" not in " ".join(rows(tree))
        # a folder whose own name matches shows even when it is not loaded
        assert tree.set_filter("dir_1") == 1
        assert rows(tree)[0].startswith("▸ dir_1/")


async def test_hostile_names_are_escaped() -> None:
    app = TreeApp()
    async with app.run_test(size=(80, 10)) as pilot:
        tree = app.query_one(FileTree)
        tree.set_folder("", [FolderItem(name=HOSTILE, path=HOSTILE, size=1)])
        await pilot.pause()
        text = tree.render_line(0).text
        assert "\\x1b]0;PWNED\\x07" in text and "[@click=app.quit]" in text
        assert not any(c in text for c in "\x1b\x07\x9b\u202e\x00")
        for segment in tree.render_line(0):
            assert segment.style is None or "@click" not in (segment.style.meta or {})
        tree.set_filter("pwned")  # the match highlight never splits an escape
        await pilot.pause()
        assert "\x1b" not in tree.render_line(0).text
