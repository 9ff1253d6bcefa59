"""Shared set-up for the asset detail tests: an app on the in-process emulator with a recording
transport, a way to open the detail screen, and a small hostile deployment.

(Named ``test_*`` so that it sits with the files this suite owns; it holds no tests.)
"""

from __future__ import annotations

import re
from typing import Any

from textual.pilot import Pilot

from co_tui.api import CodeOceanClient
from co_tui.app import CoTuiApp
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seed_model import (
    Content,
    SeedAsset,
    SeedCapsule,
    SeedData,
    SeedFile,
    SeedFolderGenerator,
    SeedUser,
)
from co_tui.launch import build_app
from co_tui.screens.asset_detail import AssetDetailScreen
from co_tui.widgets.file_tree import FileTree
from co_tui.widgets.files_pane import FilesPane
from co_tui.widgets.preview.file_preview import FilePreview

T0 = 1_700_000_000
MAIN_TOKEN = "tok-main"
OTHER_TOKEN = "tok-other"

# Hostile text: escape sequences, C1, bidi, markup that would run actions or make links.
HOSTILE = (
    "\x1b]0;PWNED_TITLE\x07\x1b]52;c;UFdORUQ=\x07\x1b[2J\x9b31m\u202eevil"
    "[@click=app.quit]x[/][link=https://evil.example]y[/link][/]\\"
)

HOSTILE_NAME = HOSTILE.replace("/", "")
"""The same, fit to be one path component."""


def aid(n: int) -> str:
    """A deterministic asset id."""
    return f"00000000-0000-4000-8000-{n:012d}"


def hostile_seed() -> SeedData:
    """A deployment whose names, tags, descriptions, file names and contents are hostile, plus
    a result whose inputs are missing or invisible, and a 100-file generated folder."""
    users = [
        SeedUser("u-main", "main@example.org", "Main", MAIN_TOKEN, groups=("lab",)),
        SeedUser("u-other", "other@example.org", "Other", OTHER_TOKEN),
    ]
    hostile_files = [
        SeedFile(f"{HOSTILE_NAME}.txt", Content.of(f"line one {HOSTILE}\nline two\t{HOSTILE}\n")),
        SeedFile("code/evil.py", Content.of(f"# {HOSTILE}\nprint('{HOSTILE}')\n")),
        SeedFile("table.csv", Content.of(f"name,value\n{HOSTILE},1\nok,2\n")),
        SeedFile("notes.md", Content.of(f"# {HOSTILE}\n\n[{HOSTILE}](https://evil.example)\n")),
        SeedFile(f"dir {HOSTILE_NAME}/inner.txt", Content.of("inner")),
    ]
    assets = [
        SeedAsset(
            id=aid(1), name=f"Hostile {HOSTILE}", owner="u-main", created=T0,
            description=f"first line\n{HOSTILE}\nlast", tags=[HOSTILE, "ok"], mount="hostile",
            custom_metadata={HOSTILE: HOSTILE}, files=hostile_files,
            generated_folders=[SeedFolderGenerator("many", 100, 10)],
        ),
        SeedAsset(
            id=aid(2), name="Orphan result", owner="u-main", created=T0 + 1, type="result",
            mount="orphan",
            provenance={"capsule": "c-gone", "computation": "comp-gone", "commit": "abc",
                        "run_script": "code/run", "docker_image": "img:1",
                        "data_assets": [aid(99), aid(3), aid(1)]},
            files=[SeedFile("out.txt", Content.of("out"))],
        ),
        SeedAsset(id=aid(3), name="Invisible input", owner="u-other", created=T0 + 2,
                  files=[SeedFile("x.txt", Content.of("x"))]),
        SeedAsset(id=aid(4), name="Shared with main as viewer", owner="u-other",
                  created=T0 + 3, shared_users=[("main@example.org", "viewer")],
                  files=[SeedFile("y.txt", Content.of("y"))]),
    ]
    capsules = [
        SeedCapsule("c-1", f"Capsule {HOSTILE}", "u-main", T0, "111", attached=[(aid(1), "h")]),
        SeedCapsule("p-1", "A pipeline", "u-main", T0, "222", kind="pipeline",
                    attached=[(aid(1), "h")]),
    ]
    return SeedData(users=users, assets=assets, capsules=capsules)


def make_app(emulator: Emulator, transport: Any = None, token: str | None = None) -> CoTuiApp:
    """The app against ``emulator`` (through ``transport`` if given), backoff not slept."""
    transport = transport or emulator.transport()

    async def no_sleep(_: float) -> None:
        return None

    client = CodeOceanClient(emulator.config.api_origin, token or emulator.main_token,
                             transport=transport, files_transport=transport, sleep=no_sleep)
    return build_app(client, demo=True)


def hostile_emulator(clock: Any) -> Emulator:
    """An emulator holding :func:`hostile_seed`."""
    return Emulator(EmulatorConfig(seed="empty", clock=clock), seed_data=hostile_seed())


async def settle(app: CoTuiApp, pilot: Pilot[None], rounds: int = 4) -> None:
    """Let workers finish and messages drain."""
    for _ in range(rounds):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def open_detail(app: CoTuiApp, pilot: Pilot[None], asset_id: str) -> AssetDetailScreen:
    """Push the detail screen for ``asset_id`` and wait for it to load."""
    await settle(app, pilot)
    assert app.client is not None
    screen = AssetDetailScreen(app.client, asset_id)
    await app.push_screen(screen)
    await settle(app, pilot)
    return screen


async def open_files(app: CoTuiApp, pilot: Pilot[None], screen: AssetDetailScreen) -> FilesPane:
    """Show the Files tab and wait for the root listing."""
    await pilot.press("2")
    await settle(app, pilot)
    return screen.files


def tree_rows(tree: FileTree) -> list[str]:
    """The plain text of every flattened row."""
    return [tree.row_text(i).strip() for i in range(tree.row_count)]


def find_row(tree: FileTree, name: str) -> int:
    """The index of the first row whose text starts with ``name`` (after the glyph)."""
    for index in range(tree.row_count):
        text = tree.row_text(index).strip().lstrip("▸▾ ")
        if text.startswith(name):
            return index
    raise AssertionError(f"no row {name!r} in {tree_rows(tree)[:20]}")


async def move_to(pilot: Pilot[None], tree: FileTree, name: str) -> None:
    """Put the tree's cursor on the row named ``name``."""
    tree.focus()
    tree._move_to(find_row(tree, name))
    await pilot.pause()


async def open_path(app: CoTuiApp, pilot: Pilot[None], tree: FileTree, path: str) -> None:
    """Expand each folder of ``path`` (``a/b``) in turn."""
    parts = path.split("/")
    for depth in range(len(parts)):
        folder = "/".join(parts[: depth + 1])
        if tree.folder_state(folder) != "loaded":
            tree.expand_path(folder)
            await settle(app, pilot)


async def preview_file(
    app: CoTuiApp, pilot: Pilot[None], pane: FilesPane, path: str
) -> FilePreview:
    """Open the folders leading to ``path``, highlight the file and wait for its preview."""
    tree = pane.file_tree
    folder, _, name = path.rpartition("/")
    if folder:
        await open_path(app, pilot, tree, folder)
    index = next(i for i in range(tree.row_count)
                 if (item := tree.row_item(i)) is not None and item.path == path)
    tree.focus()
    tree._move_to(index)
    for _ in range(200):  # the preview worker starts after the Highlighted message
        await pilot.pause()
        await app.workers.wait_for_complete()
        if pane.shown_preview is not None and pane.shown_preview.name == path:
            break
    await pilot.pause()
    assert pane.shown_preview is not None and pane.shown_preview.name == path, name
    return pane.preview


def preview_text(preview: FilePreview, limit: int = 400) -> str:
    """The preview document's text (first ``limit`` lines)."""
    return "\n".join(preview.document_text(limit))


def title_text(pane: FilesPane) -> str:
    """The preview header's text."""
    return str(pane.query_one("#preview-title").render())


_ESCAPE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def has_raw_controls(text: str) -> bool:
    """True when ``text`` holds a control or bidi character (it should all be escaped)."""
    return _ESCAPE.search(text) is not None
