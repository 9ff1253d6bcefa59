"""Image previews in the Files tab: pictures in half blocks, fitted to the pane; "L" for an
image larger than the preview budget; corrupt images as an error and the hex view; decoding
off the event loop (Pilot, in-process emulator)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.emulator.seed_model import Content, SeedAsset, SeedData, SeedFile, SeedUser
from co_tui.preview import picture as picture_module
from co_tui.widgets import files_pane
from co_tui.widgets.preview.picture_part import PicturePart
from tests.conftest import RecordingTransport
from tests.preview.picture_samples import animated_gif, encode, noisy_png, scene
from tests.ui.test_asset_detail_helpers import (
    aid,
    make_app,
    open_detail,
    open_files,
    preview_file,
    preview_text,
    settle,
    title_text,
)

T0 = 1_700_000_000
BIG = noisy_png()


def picture_seed() -> SeedData:
    """One asset holding pictures of each kind, a big one, a corrupt one."""
    files = [
        SeedFile("scene.png", Content.of(encode(scene(), "PNG"))),
        SeedFile("scene.jpg", Content.of(encode(scene(), "JPEG"))),
        SeedFile("scene.tif", Content.of(encode(scene(), "TIFF"))),
        SeedFile("frames.gif", Content.of(animated_gif())),
        SeedFile("big.png", Content.of(BIG)),
        SeedFile("broken.png", Content.of(b"\x89PNG\r\n\x1a\n" + b"\x00" * 300)),
    ]
    users = [SeedUser("u-main", "main@example.org", "Main", "tok-main")]
    asset = SeedAsset(id=aid(1), name="Pictures", owner="u-main", created=T0, mount="pics",
                      files=files)
    return SeedData(users=users, assets=[asset])


@pytest.fixture
def pictures(clock: Any) -> Emulator:
    return Emulator(EmulatorConfig(seed="empty", clock=clock), seed_data=picture_seed())


@pytest.fixture(autouse=True)
def _no_preview_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files_pane, "PREVIEW_DELAY", 0.0)
    monkeypatch.delenv("CO_TUI_IMAGES", raising=False)


def _picture(preview: Any) -> PicturePart:
    parts = [p for p in preview.document.parts if isinstance(p, PicturePart)]
    assert len(parts) == 1, [type(p).__name__ for p in preview.document.parts]
    return parts[0]


@pytest.mark.parametrize(("path", "what"), [
    ("scene.png", "PNG · 160×100 px"),
    ("scene.jpg", "JPEG · 160×100 px"),
    ("scene.tif", "TIFF · 160×100 px"),
    ("frames.gif", "GIF · 40×30 px · first of 3 frames"),
])
async def test_pictures_are_drawn_in_half_blocks_fitted_to_the_pane(
        pictures: Emulator, path: str, what: str) -> None:
    app = make_app(pictures)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = await open_files(app, pilot, await open_detail(app, pilot, aid(1)))
        preview = await preview_file(app, pilot, pane, path)
        part = _picture(preview)
        text = preview_text(preview)
        assert what in text
        width = preview.scrollable_content_region.width
        rows = preview.scrollable_content_region.height
        lines = [preview.document.line(i, width) for i in range(part.height(width))]
        assert lines and all(set(line.plain) == {"▀"} for line in lines)
        assert part.height(width) <= rows - 1
        cols = lines[0].cell_length
        # the aspect ratio is kept (cells are twice as tall as wide)
        ratio = cols / (2 * len(lines))
        expected = part.picture.width / part.picture.height
        assert abs(ratio - expected) / expected < 0.1
        # a narrower pane re-fits the picture
        await pilot.resize_terminal(100, 28)
        await settle(app, pilot)
        narrower = preview.scrollable_content_region.width
        assert 0 < narrower < width
        assert preview.document.line(0, narrower).cell_length <= narrower
        assert part.height(narrower) <= preview.scrollable_content_region.height
    assert app._exception is None


async def test_an_image_larger_than_the_budget_says_so_and_L_loads_it(
        pictures: Emulator) -> None:
    recorder = RecordingTransport(pictures.transport())
    app = make_app(pictures, recorder)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = await open_files(app, pilot, await open_detail(app, pilot, aid(1)))
        preview = await preview_file(app, pilot, pane, "big.png")
        part = _picture(preview)
        assert part.picture.partial
        text = preview_text(preview)
        assert "is larger than the 256 KiB preview budget" in text
        assert "L loads the whole image" in text and "partial" in text
        assert "L loads more" in title_text(pane)
        await pilot.press("L")
        await settle(app, pilot)
        ranges = [r.headers["range"] for r in recorder.requests if "range" in r.headers]
        assert ranges[-1] == f"bytes=262144-{len(BIG) - 1}"
        whole = _picture(preview)
        assert not whole.picture.partial and whole is not part
        text = preview_text(preview)
        assert "preview budget" not in text and "partial" not in text
        assert "L loads more" not in title_text(pane)
        # the bottom of the picture arrived
        assert whole.picture.image.getpixel((10, whole.picture.image.height - 3)) != (0, 0, 0)
    assert app._exception is None


async def test_a_corrupt_image_shows_one_line_and_the_hex_view(pictures: Emulator) -> None:
    app = make_app(pictures)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = await open_files(app, pilot, await open_detail(app, pilot, aid(1)))
        preview = await preview_file(app, pilot, pane, "broken.png")
        text = preview_text(preview).splitlines()
        assert text[0].startswith("could not draw the picture: ")
        assert "hex view" in text
        assert any(line.startswith("00000000  89 50 4e 47") for line in text)
    assert app._exception is None


async def test_images_off_keeps_the_hex_view(
        pictures: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CO_TUI_IMAGES", "off")
    app = make_app(pictures)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = await open_files(app, pilot, await open_detail(app, pilot, aid(1)))
        preview = await preview_file(app, pilot, pane, "scene.png")
        assert not [p for p in preview.document.parts if isinstance(p, PicturePart)]
        assert "hex view" in preview_text(preview)
    assert app._exception is None


async def test_decoding_runs_off_the_event_loop(
        pictures: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """A decode made to take 0.6 s: the loop keeps ticking every ~10 ms meanwhile, and the
    decode ran on another thread."""
    real = picture_module.decode_picture
    threads: list[bool] = []

    def slow(data: bytes, **kwargs: Any) -> Any:
        threads.append(_on_loop_thread())
        time.sleep(0.6)
        return real(data, **kwargs)

    import threading

    loop_thread = threading.main_thread()

    def _on_loop_thread() -> bool:
        return threading.current_thread() is loop_thread

    from co_tui.widgets.preview import picture_part

    monkeypatch.setattr(picture_part, "decode_picture", slow)
    app = make_app(pictures)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = await open_files(app, pilot, await open_detail(app, pilot, aid(1)))
        gaps: list[float] = []
        stop = False

        async def sample() -> None:
            last = time.perf_counter()
            while not stop:
                await asyncio.sleep(0.01)
                now = time.perf_counter()
                gaps.append(now - last)
                last = now

        sampler = asyncio.create_task(sample())
        await preview_file(app, pilot, pane, "scene.png")
        stop = True
        await sampler
        assert threads and not any(threads)  # decoded, and never on the loop thread
        assert sum(gaps) >= 0.6 and max(gaps) < 0.25, max(gaps)
    assert app._exception is None
