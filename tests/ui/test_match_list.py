"""MatchList grows while a walk goes on without laying the screen out again (a layout repaints
everything, each tick of the walk); a new needle starts over (Pilot, a one-widget app)."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult

from co_tui.api.models import FolderItem
from co_tui.widgets.file_search_list import MatchList


class ListApp(App[None]):
    CSS = "MatchList { height: 10; }"

    def compose(self) -> ComposeResult:
        yield MatchList(id="matches")


def _items(count: int) -> list[FolderItem]:
    return [FolderItem(name=f"face_{i:03}.png", path=f"cam/face_{i:03}.png", size=i)
            for i in range(count)]


def _spy_layouts(widget: MatchList) -> list[bool]:
    """Record, for each refresh of ``widget``, whether it asked for a layout."""
    calls: list[bool] = []
    original = widget.refresh

    def refresh(*regions: Any, layout: bool = False, **kwargs: Any) -> Any:
        calls.append(layout)
        return original(*regions, layout=layout, **kwargs)

    widget.refresh = refresh  # type: ignore[method-assign]
    return calls


def _row(widget: MatchList, y: int) -> str:
    return widget.render_line(y).text.rstrip()


async def test_growing_draws_the_new_rows_without_a_layout() -> None:
    app = ListApp()
    async with app.run_test(size=(60, 12)) as pilot:
        found = app.query_one(MatchList)
        items = _items(60)
        indices = [0, 1, 2]
        found.show(items, indices, "face")
        await pilot.pause()
        assert _row(found, 2).startswith("cam/face_002.png")
        assert _row(found, 3) == ""
        layouts = _spy_layouts(found)
        indices += [3, 4, 5]  # the walk found more: the same list, longer
        found.show(items, indices, "face")
        await pilot.pause()
        assert _row(found, 5).startswith("cam/face_005.png")
        assert found.virtual_size.height == 6
        assert layouts and not any(layouts)

        indices += list(range(6, 40))  # past the list's height: the scroll bar comes
        found.show(items, indices, "face")
        await pilot.pause()
        assert found.show_vertical_scrollbar
        assert found.vertical_scrollbar.window_virtual_size == 40

        del layouts[:]
        indices += list(range(40, 60))
        found.show(items, indices, "face")
        await pilot.pause()
        assert not any(layouts)  # the bar is there already: it is told the new height
        assert found.virtual_size.height == 60
        assert found.vertical_scrollbar.window_virtual_size == 60
        found.action_cursor(59)
        await pilot.pause()
        assert _row(found, found.size.height - 1).startswith("cam/face_059.png")


async def test_a_new_needle_starts_again_at_the_top() -> None:
    app = ListApp()
    async with app.run_test(size=(60, 12)) as pilot:
        found = app.query_one(MatchList)
        items = _items(60)
        found.show(items, list(range(60)), "face")
        found.action_cursor(30)
        await pilot.pause()
        found.show(items, [7, 9], "face_00")
        await pilot.pause()
        assert found.cursor == 0 and found.scroll_offset.y == 0
        assert _row(found, 0).startswith("cam/face_007.png")
        assert _row(found, 1).startswith("cam/face_009.png")
        assert _row(found, 2) == ""
        assert found.virtual_size.height == 2
