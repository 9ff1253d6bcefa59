"""Pictures drawn with the Kitty graphics protocol (CO_TUI_IMAGES=kitty, Pilot, in-process
emulator): the pixels are written to the terminal once per picture, a resize sends only a new
placement, a repaint sends nothing, the image is deleted when the preview changes and when the
app closes, the lines are placeholder cells in the id's colour, and nothing from the file
reaches the terminal but base64 inside our own commands."""

from __future__ import annotations

import base64
import io
import re
from typing import Any

import pytest
from textual.drivers.headless_driver import HeadlessDriver
from textual.strip import Strip

from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.preview.kitty import DIACRITICS, PLACEHOLDER, id_colour
from co_tui.widgets.preview.kitty_part import KittyPicturePart
from co_tui.widgets.preview.picture_part import PicturePart
from tests.ui.test_asset_detail_helpers import (
    aid,
    make_app,
    open_detail,
    open_files,
    preview_file,
    settle,
)
from tests.ui.test_picture_preview import picture_seed

COMMAND = re.compile(
    r"\x1b_G[A-Za-z]=[A-Za-z0-9]+(?:,[A-Za-z]=[A-Za-z0-9]+)*(?:;[A-Za-z0-9+/=]*)?\x1b\\")
CELLS = {PLACEHOLDER, *DIACRITICS}
TEXTUAL_OWN = re.compile(r"\x1b\]22;[a-z-]+\x07")  # the pointer shape Textual sets itself


@pytest.fixture
def pictures(clock: Any) -> Emulator:
    return Emulator(EmulatorConfig(seed="empty", clock=clock), seed_data=picture_seed())


@pytest.fixture(autouse=True)
def _kitty(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from co_tui.widgets import files_pane

    monkeypatch.setattr(files_pane, "PREVIEW_DELAY", 0.0)
    monkeypatch.setenv("CO_TUI_IMAGES", "kitty")
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TMUX", raising=False)
    written: list[str] = []

    def capture(driver: HeadlessDriver, data: str) -> None:
        if not TEXTUAL_OWN.fullmatch(data):  # anything else is ours, checked below
            written.append(data)

    monkeypatch.setattr(HeadlessDriver, "write", capture)  # all the driver writes
    return written


def _keys(command: str) -> dict[str, str]:
    head = command[3:].split(";", 1)[0].removesuffix("\x1b\\")
    return dict(pair.split("=", 1) for pair in head.split(","))


def _commands(written: list[str]) -> list[dict[str, str]]:
    return [_keys(c) for c in written]


def _transmissions(written: list[str]) -> list[dict[str, str]]:
    return [k for k in _commands(written) if k.get("a") == "T"]


def _part(preview: Any) -> KittyPicturePart:
    parts = [p for p in preview.document.parts if isinstance(p, PicturePart)]
    assert len(parts) == 1 and isinstance(parts[0], KittyPicturePart)
    return parts[0]


def _shown_rows(preview: Any, rows: int) -> list[Strip]:
    return [preview.render_line(y) for y in range(rows)]


async def test_a_picture_is_sent_once_placed_per_size_and_deleted_when_the_preview_changes(
        pictures: Emulator, _kitty: list[str]) -> None:
    written = _kitty
    app = make_app(pictures)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = await open_files(app, pilot, await open_detail(app, pilot, aid(1)))
        preview = await preview_file(app, pilot, pane, "scene.png")
        part = _part(preview)
        image_id = part.image_id
        assert image_id is not None
        (sent,) = [k for k in _transmissions(written) if k["i"] == str(image_id)]
        # the file first under the cursor (big.png) was shown on the way, and freed since
        for earlier in _transmissions(written)[:-1]:
            assert {"a": "d", "d": "I", "i": earlier["i"], "q": "2"} in _commands(written)
        assert sent["i"] == str(image_id) and sent["U"] == "1" and sent["q"] == "2"
        # the chunks put together are the picture, as a PNG
        from PIL import Image

        start = next(i for i, c in enumerate(written) if f"a=T,U=1,f=100,t=d,i={image_id}," in c)
        chunks = [c.split(";", 1)[1][:-2] for c in written[start:]
                  if ";" in c and ("a=T" in c or c.startswith("\x1b_Gm="))]
        with Image.open(io.BytesIO(base64.standard_b64decode("".join(chunks)))) as png:
            assert png.format == "PNG" and png.size == (160, 100)

        # the lines are placeholder cells in the id's colour, one row diacritic per line
        width = preview.scrollable_content_region.width
        height = part.height(width)
        cols = part.line(0, width).cell_length
        placed = [k for k in _commands(written) if k.get("i") == str(image_id) and "c" in k]
        assert (placed[-1]["c"], placed[-1]["r"]) == (str(cols), str(height))
        strips = _shown_rows(preview, height)
        for row, strip in enumerate(strips):
            text = strip.text.rstrip(" ")
            assert set(text) <= CELLS and text.count(PLACEHOLDER) == cols
            assert text[1] == DIACRITICS[row] and text[2] == DIACRITICS[0]
            colours = {seg.style.color.triplet for seg in strip if seg.text.startswith(PLACEHOLDER)
                       and seg.style is not None and seg.style.color is not None}
            assert colours == {id_colour(image_id)}

        # repaints and scrolling send nothing
        count = len(written)
        preview.refresh()
        await pilot.pause()
        _shown_rows(preview, height)
        await settle(app, pilot)
        assert len(written) == count

        # a resize sends a new placement, not the pixels
        await pilot.resize_terminal(100, 28)
        await settle(app, pilot)
        _shown_rows(preview, 3)
        assert len(_transmissions(written[count:])) == 0
        new = [k for k in _commands(written[count:]) if k.get("a") == "p"]
        assert new and new[-1]["i"] == str(image_id)
        narrower = preview.scrollable_content_region.width
        assert new[-1]["c"] == str(part.line(0, narrower).cell_length)

        # another picture: the first one is deleted, the new one sent under a new id
        count = len(written)
        second = await preview_file(app, pilot, pane, "scene.jpg")
        second_id = _part(second).image_id
        assert second_id is not None and second_id != image_id
        after = _commands(written[count:])
        assert {"a": "d", "d": "I", "i": str(image_id), "q": "2"} in after
        assert [k["i"] for k in after if k.get("a") == "T"] == [str(second_id)]

        # something that is not a picture: the picture is deleted, nothing is sent
        count = len(written)
        await preview_file(app, pilot, pane, "broken.png")
        assert _commands(written[count:]) == [{"a": "d", "d": "I", "i": str(second_id), "q": "2"}]
        await preview_file(app, pilot, pane, "frames.gif")
        last_id = _part(preview).image_id
    assert app._exception is None
    # closing the app frees the last picture
    assert _commands(written)[-1] == {"a": "d", "d": "I", "i": str(last_id), "q": "2"}
    # every byte written is one of our commands: keys and base64, nothing from the file
    assert all(COMMAND.fullmatch(c) for c in written), [c[:60] for c in written
                                                        if not COMMAND.fullmatch(c)]


async def test_inside_tmux_the_commands_go_through_passthrough(
        pictures: Emulator, _kitty: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    app = make_app(pictures)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = await open_files(app, pilot, await open_detail(app, pilot, aid(1)))
        await preview_file(app, pilot, pane, "scene.png")
    assert app._exception is None
    assert _kitty and all(c.startswith("\x1bPtmux;\x1b\x1b_G") and c.endswith("\x1b\x1b\\\x1b\\")
                          for c in _kitty)
    unwrapped = [c[len("\x1bPtmux;"):-2].replace("\x1b\x1b", "\x1b") for c in _kitty]
    assert all(COMMAND.fullmatch(c) for c in unwrapped)


async def test_without_true_colour_pictures_stay_in_half_blocks(
        pictures: Emulator, _kitty: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(pictures)
    async with app.run_test(size=(120, 36)) as pilot:
        pane = await open_files(app, pilot, await open_detail(app, pilot, aid(1)))
        preview = await preview_file(app, pilot, pane, "scene.png")
        part = _part(preview)
        width = preview.scrollable_content_region.width
        assert part.image_id is None and set(part.line(0, width).plain) == {"▀"}
    assert app._exception is None
    assert _kitty == []
