"""The filters dialog (f) on My Data and in the archive bin, against the emulator (Pilot)."""

from __future__ import annotations

import pytest

from co_tui.api import CodeOceanClient
from co_tui.api.models import DataAssetSearchParams
from co_tui.emulator import Emulator
from co_tui.modals.filters import FiltersScreen
from co_tui.operations.search_filters import AssetFilters
from co_tui.screens.archive import ArchiveScreen
from co_tui.screens.asset_list import AssetListScreen
from co_tui.widgets.choice import Choice
from tests.ui.ui_helpers import _app, _expected, _ids, _settle, _status

# keys pressed in the dialog -> the search parameters they stand for -> words in the status line
CASES = [
    (["right", "right"], {"type": "result"}, "result"),
    (["left"], {"type": "model"}, "model"),
    (["down", "right"], {"ownership": "created"}, "created by me"),
    (["j", "l", "l"], {"ownership": "shared"}, "shared with me"),
    (["down", "down", "right", "right"], {"origin": "external"}, "external"),
    (["down", "down", "right"], {"origin": "internal"}, "internal"),
    (["down", "down", "down", "space"], {"favorite": True}, "favourites"),
    (["right", "down", "right"], {"type": "dataset", "ownership": "created"},
     "dataset, created by me"),
]


@pytest.mark.parametrize(("keys", "params", "words"), CASES)
async def test_each_filter_narrows_the_list_as_the_emulator_does(
    emulator: Emulator, client: CodeOceanClient, keys: list[str], params: dict[str, object],
    words: str,
) -> None:
    everything = await _expected(client)
    wanted = await _expected(client, **params)
    assert 0 < len(wanted) < len(everything)
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        assert _ids(app) == everything
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, FiltersScreen)
        await pilot.press(*keys, "enter")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, AssetListScreen)
        assert _ids(app) == wanted
        assert f"filters: {words}" in _status(app)
        assert screen.filters == AssetFilters(**params)  # type: ignore[arg-type]
    assert app._exception is None


async def test_escape_cancels_and_clear_resets(emulator: Emulator, client: CodeOceanClient) -> None:
    everything = await _expected(client)
    results = await _expected(client, type="result")
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        await pilot.press("f", "right", "right", "escape")
        await _settle(app, pilot)
        assert isinstance(app.screen, AssetListScreen)
        assert _ids(app) == everything and "filters" not in _status(app)
        await pilot.press("f", "right", "right", "enter")
        await _settle(app, pilot)
        assert _ids(app) == results
        # the dialog opens on the active filters
        await pilot.press("f")
        await pilot.pause()
        assert app.screen.query_one("#filter-type", Choice).value == "result"
        await pilot.press("x", "enter")
        await _settle(app, pilot)
        assert _ids(app) == everything and "filters" not in _status(app)
    assert app._exception is None


async def test_filters_in_the_archive_bin_keep_to_archived_assets(emulator: Emulator, client: CodeOceanClient) -> None:
    wanted = await _expected(client, archived=True, type="result")
    assert wanted
    app = _app(emulator)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        await pilot.press("A")
        await _settle(app, pilot)
        await pilot.press("f", "right", "right", "enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, ArchiveScreen)
        assert _ids(app) == wanted
        assert "filters: result" in _status(app)
    assert app._exception is None


async def test_a_filter_that_matches_nothing_says_so(emulator: Emulator) -> None:
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        await pilot.press("A")
        await _settle(app, pilot)
        await pilot.press("f", "down", "down", "down", "right", "enter")  # archived favourites
        await _settle(app, pilot)
        assert _ids(app) == []
        assert "no data assets match" in _status(app)
    assert app._exception is None


def test_filters_become_search_parameters() -> None:
    params = DataAssetSearchParams(query="x", archived=True)
    assert AssetFilters().apply_to(params) == params
    narrowed = AssetFilters(type="model", ownership="shared", origin="external",
                            favorite=True).apply_to(params)
    assert (narrowed.type, narrowed.ownership, narrowed.origin, narrowed.favorite) == (
        "model", "shared", "external", True)
    assert narrowed.query == "x" and narrowed.archived is True
    assert AssetFilters(favorite=False).apply_to(params).favorite is None
    assert not AssetFilters().active and AssetFilters(origin="internal").active


async def test_the_mouse_also_works(emulator: Emulator, client: CodeOceanClient) -> None:
    wanted = await _expected(client, type="result")
    app = _app(emulator)
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        choice = app.screen.query_one("#filter-type", Choice)
        start = next(s for s, _, i in choice._spans if choice.options[i][0] == "result")
        await pilot.click("#filter-type", offset=(start + 1, 0))
        await pilot.pause()
        assert choice.value == "result"
        await pilot.press("enter")
        await _settle(app, pilot)
        assert _ids(app) == wanted
    assert app._exception is None
