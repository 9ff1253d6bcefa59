"""Write screenshots/*.svg of the main screens, from the in-process demo emulator.

Run: python scripts/make_screenshots.py   (the README shows the results)
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "screenshots"


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(4):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.2)


async def shoot(name: str, size: tuple[int, int], keys: Sequence[str]) -> Path:
    """Open the demo app at ``size``, press ``keys`` (settling after each), save ``name``.svg."""
    from co_tui.api import CodeOceanClient
    from co_tui.app import CoTuiApp
    from co_tui.emulator import Emulator, EmulatorConfig

    emulator = Emulator(EmulatorConfig(seed="demo"))
    transport = emulator.transport()
    client = CodeOceanClient(emulator.config.api_origin, emulator.main_token,
                             transport=transport, files_transport=transport)
    app = CoTuiApp(client, demo=True)
    async with app.run_test(size=size) as pilot:
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            if len(key) > 1 or key in "2AD":  # named keys change screens: wait for them
                await _settle(pilot)
        await _settle(pilot)
        path = Path(app.save_screenshot(f"{name}.svg", str(OUT)))
    return path


UNIT_QC = ["slash", *"unit QC ecephys_661398", "enter", "enter"]
"""Open the unit QC result (tables, a notebook and PNG figures among its files)."""

SHOTS: list[tuple[str, tuple[int, int], list[str]]] = [
    ("my-data", (120, 36), ["j", "j"]),
    ("my-data-narrow-80x24", (80, 24), []),
    ("search", (120, 36), ["slash", *"tag:ecephys", "enter"]),
    ("archive-bin", (120, 36), ["A"]),
    ("detail-overview", (120, 36), ["slash", *"spike sorting kilosort4 ecephys_661398", "enter",
                                    "enter"]),
    ("detail-python-preview", (120, 36), ["slash", *"spike sorting kilosort4 ecephys_661398",
                                          "enter", "enter", "2", "enter", "j", "j"]),
    ("detail-narrow-80x24", (80, 24), ["slash", *"spike sorting kilosort4 ecephys_661398",
                                       "enter", "enter", "2"]),
    ("edit-dialog", (120, 36), ["j", "j", "e"]),
    ("share-dialog", (120, 36), ["j", "j", "p"]),
    ("tags-dialog", (120, 36), ["j", "space", "j", "space", "t"]),
    ("download-dialog", (120, 36), ["j", "j", "j", "j", "j", "j", "j", "D"]),
    ("downloads-panel", (120, 36), [*"jjjjjjjjjj", "space", "space", "space", "D", "enter"]),
    ("sort-menu", (120, 36), ["s"]),
    ("column-chooser", (120, 36), ["C"]),
    ("file-search", (120, 36), [*UNIT_QC, "2", "slash", *"png", "enter"]),
    ("image-preview", (120, 36), [*UNIT_QC, "2", "slash", *"drift", "enter", "enter"]),
]


async def main() -> None:
    os.environ["TZ"] = "UTC"
    time.tzset()
    OUT.mkdir(exist_ok=True)
    downloads = Path(tempfile.gettempdir()) / "co-tui-screenshots"  # the same path every run
    shutil.rmtree(downloads, ignore_errors=True)
    downloads.mkdir()
    os.chdir(downloads)  # the download dialog offers the current folder
    try:
        for name, size, keys in SHOTS:
            print(await shoot(name, size, keys))
    finally:
        os.chdir(OUT)
        shutil.rmtree(downloads, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
