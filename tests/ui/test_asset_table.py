"""AssetTable: a virtual table that stays fast with 100,000 rows (Pilot tests)."""

from __future__ import annotations

import time

import pytest
from textual.app import App, ComposeResult
from textual.message import Message

from co_tui.api.models import DataAsset, SourceBucket
from co_tui.widgets.asset_columns import COLUMNS, layout_columns
from co_tui.widgets.asset_table import AssetTable


def make_assets(n: int, start: int = 0) -> list[DataAsset]:
    return [
        DataAsset(
            id=f"{i:08x}-0000-4000-8000-000000000000", created=1_700_000_000 + i * 60,
            name=f"asset {i:06d}", mount=f"m{i}", last_used=0 if i % 2 else 1_710_000_000,
            owner="u", owner_email="ada@example.org", state="failed" if i % 7 == 0 else "ready",
            type="dataset", files=i, size=i * 1024, tags=("raw", f"t{i % 5}"),
            source_bucket=SourceBucket(origin="local", external=False),
        )
        for i in range(start, start + n)
    ]


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield AssetTable()

    def on_asset_table_asset_highlighted(self, message: AssetTable.AssetHighlighted) -> None:
        self.messages.append(message)

    def on_asset_table_asset_chosen(self, message: AssetTable.AssetChosen) -> None:
        self.messages.append(message)

    def on_asset_table_end_neared(self, message: AssetTable.EndNeared) -> None:
        self.messages.append(message)

    def on_asset_table_selection_changed(self, message: AssetTable.SelectionChanged) -> None:
        self.messages.append(message)


def _lines(table: AssetTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


def test_layout_drops_columns_by_priority_and_keeps_the_name() -> None:
    wide = [c.key for c, _ in layout_columns(200)]
    assert wide == [c.key for c in COLUMNS]
    narrow = dict((c.key, w) for c, w in layout_columns(80))
    assert "name" in narrow and "tags" not in narrow and "last_used" not in narrow
    assert sum(narrow.values()) + len(narrow) - 1 <= 80
    tiny = [c.key for c, _ in layout_columns(20)]
    assert tiny == ["name"]


async def test_hundred_thousand_rows_render_only_what_is_visible() -> None:
    app = TableApp()
    async with app.run_test(size=(120, 36)) as pilot:
        table = app.query_one(AssetTable)
        assets = make_assets(100_000)
        started = time.perf_counter()
        table.set_assets(assets)
        await pilot.pause()
        assert time.perf_counter() - started < 5  # generous: a regression to DataTable takes ~12 s
        lines = _lines(table)
        assert lines[0].startswith("★ Name")
        assert "asset 000000" in lines[1] and "asset 000034" in lines[35]
        assert len(table._cache) <= 100  # only visible rows were drawn


async def test_keys_move_the_cursor_and_report(monkeypatch: pytest.MonkeyPatch) -> None:
    app = TableApp()
    async with app.run_test(size=(120, 20)) as pilot:
        table = app.query_one(AssetTable)
        table.set_assets(make_assets(200))
        table.focus()
        await pilot.pause()
        await pilot.press("j", "j", "down")
        assert table.cursor == 3
        await pilot.press("k")
        assert table.cursor == 2
        await pilot.press("G")
        assert table.cursor == 199 and "asset 000199" in _lines(table)[-1]
        await pilot.press("g")
        assert table.cursor == 0 and int(table.scroll_offset.y) == 0
        await pilot.press("pagedown")
        assert table.cursor == 19
        await pilot.press("enter")
        await pilot.pause()
        chosen = [m for m in app.messages if isinstance(m, AssetTable.AssetChosen)]
        assert chosen and chosen[-1].asset.name == "asset 000019"
        highlighted = [m for m in app.messages if isinstance(m, AssetTable.AssetHighlighted)]
        assert highlighted[-1].asset is not None and highlighted[-1].asset.name == "asset 000019"


async def test_end_neared_once_per_page_and_appends_keep_the_cursor() -> None:
    app = TableApp()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(AssetTable)
        table.set_assets(make_assets(100))
        table.focus()
        await pilot.press("G")
        await pilot.press("k", "k")
        await pilot.pause()
        ends = [m for m in app.messages if isinstance(m, AssetTable.EndNeared)]
        assert [m.loaded for m in ends] == [100]
        cursor_asset = table.highlighted
        table.append_assets(make_assets(100, start=100))
        await pilot.pause()
        assert table.highlighted == cursor_asset and len(table.assets) == 200
        await pilot.press("G")
        await pilot.pause()
        ends = [m for m in app.messages if isinstance(m, AssetTable.EndNeared)]
        assert [m.loaded for m in ends] == [100, 200]


async def test_selection() -> None:
    app = TableApp()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(AssetTable)
        table.set_assets(make_assets(10))
        table.focus()
        await pilot.press("space", "space")
        assert len(table.selected) == 2 and table.cursor == 2
        await pilot.press("ctrl+a")
        assert len(table.selected) == 10
        await pilot.press("ctrl+a")
        assert table.selected == frozenset()
        await pilot.press("g", "space", "space")
        assert len(table.selected) == 2 and table.cursor == 2
        table.set_assets(make_assets(1))  # rows gone: selection pruned, cursor falls back
        await pilot.pause()
        assert table.cursor == 0 and len(table.selected) == 1
        changes = [m for m in app.messages if isinstance(m, AssetTable.SelectionChanged)]
        assert len(changes[-1].selected) == 1


async def test_refresh_keeps_the_cursor_on_the_same_asset() -> None:
    app = TableApp()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(AssetTable)
        assets = make_assets(50)
        table.set_assets(assets)
        table.focus()
        await pilot.press("j", "j", "j")
        target = table.highlighted
        table.set_assets(list(reversed(assets)))
        await pilot.pause()
        assert table.highlighted == target and table.cursor == 46
        table.remove_asset(target.id)  # type: ignore[union-attr]
        assert target not in table.assets


async def test_hostile_names_are_inert() -> None:
    app = TableApp()
    async with app.run_test(size=(250, 10)) as pilot:
        table = app.query_one(AssetTable)
        evil = make_assets(1)[0]
        import msgspec

        evil = msgspec.structs.replace(
            evil, name="\x1b]52;c;cGF5bG9hZA==\x07[@click=app.quit]x[/]\u202e", tags=["\x9b2J"]
        )
        table.set_assets([evil])
        await pilot.pause()
        line = table.render_line(1)
        text = line.text
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text and "\u202e" not in text
        assert "[@click=app.quit]x[/]" in text
        assert all(not (seg.style and seg.style.meta.get("@click")) for seg in line)


@pytest.mark.slow
async def test_the_first_screen_is_drawn_from_its_own_cache_after_paging_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``g`` after paging three screens down paints no row afresh (the first screen's lines are
    kept apart from the two-screen cache); both caches stay bounded however far one pages."""
    app = TableApp()
    async with app.run_test(size=(120, 36)) as pilot:
        table = app.query_one(AssetTable)
        table.set_assets(make_assets(5_000))
        table.focus()
        await pilot.pause()
        for _ in range(3):
            await pilot.press("pagedown")
        await pilot.pause()
        assert table.cursor > 100
        painted: list[str] = []
        real = table._painter.row

        def row(asset: DataAsset, *args: object, **kwargs: object) -> object:
            painted.append(asset.name)
            return real(asset, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(table._painter, "row", row)
        await pilot.press("g")
        await pilot.pause()
        assert table.cursor == 0 and "asset 000000" in _lines(table)[1]
        assert painted == []
        for _ in range(60):
            await pilot.press("pagedown", "j", "k")
        for _ in range(40):
            await pilot.press("j")
        await pilot.press("g")
        for _ in range(40):
            await pilot.press("j")
        await pilot.pause()
        assert len(table._cache) <= table._cache_limit
        assert len(table._home) <= 4 * table._body_height
