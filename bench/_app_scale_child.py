"""The programs bench/app_scale.py runs in a pty: co-tui's My Data, or a plain DataTable app.

``app DOMAIN TOKEN REPORT``: co-tui on that deployment, as ``co-tui`` runs it, plus a task in
its event loop that records how late a 5 ms sleep wakes up (the longest stall) while the list
pages in, and when every asset is loaded. ``table DOMAIN TOKEN REPORT``: a bare Textual app
holding the same rows (the same search, paged with httpx) in a ``DataTable``, with ``j k g G``
bound like co-tui's keys and ``s`` sorting by name. Each writes JSON lines to REPORT; times
are ``time.monotonic()`` (CLOCK_MONOTONIC, the same clock in every process).

``--profile PATH`` dumps a cProfile of the whole run to PATH when the program exits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any, ClassVar

SEARCH = {"sort_field": "created", "sort_order": "desc", "archived": False}


class Report:
    """JSON lines appended to a file the parent reads."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)

    def write(self, **data: Any) -> None:
        with self.path.open("a") as out:
            out.write(json.dumps({"t": time.monotonic(), **data}) + "\n")


def rss_kib() -> int:
    """This process's resident memory, KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def watch_app(app: Any, report: Report) -> None:
    """Record the longest event-loop stall until every page is in, and when that was."""
    from co_tui.screens.asset_list import AssetListScreen
    from co_tui.widgets.asset_table import AssetTable

    worst = 0.0
    samples = 0
    first_rows = False
    first_at = 0.0
    stalls: list[tuple[float, float, int]] = []
    table: Any = None
    while True:
        start = time.perf_counter()
        await asyncio.sleep(0.005)
        late = time.perf_counter() - start - 0.005
        worst = max(worst, late)
        if late > 0.02 and first_rows:
            stalls.append((round(time.monotonic() - first_at, 3), round(late * 1000, 1),
                           len(table.assets)))
        samples += 1
        screen = app.screen if app.is_running else None
        if not isinstance(screen, AssetListScreen) or not screen.is_mounted:
            continue
        table = screen.query_one(AssetTable)
        if table.assets and not first_rows:  # stalls from here on are the paging's
            first_rows = True
            first_at = time.monotonic()
            report.write(event="first_rows", count=len(table.assets),
                         startup_stall_ms=worst * 1000, rss_kib=rss_kib())
            worst = 0.0
        if table.assets and screen._next is None and not screen._loading:
            report.write(event="loaded", count=len(table.assets), worst_stall_ms=worst * 1000,
                         stall_samples=samples, stalls=stalls[:50], rss_kib=rss_kib())
            return


class StallSampler:
    """With ``APP_SCALE_STALL_STACKS=PATH``: a thread that, while the event loop has not
    ticked for 20 ms, samples the main thread's stack every 5 ms and writes the samples to
    PATH at exit (which code the stalls are made of)."""

    def __init__(self, path: str) -> None:
        import threading

        self.path = path
        self.beat = time.perf_counter()
        self.samples: list[str] = []
        self.main = threading.main_thread().ident
        self.stopped = False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        import sys
        import traceback

        while not self.stopped:
            time.sleep(0.005)
            if time.perf_counter() - self.beat > 0.02:
                frame = sys._current_frames().get(self.main or 0)
                if frame is not None:
                    stack = traceback.extract_stack(frame)[-14:]
                    self.samples.append(" <- ".join(
                        f"{Path(f.filename).name}:{f.lineno}:{f.name}" for f in reversed(stack)))

    async def tick(self) -> None:
        while True:
            self.beat = time.perf_counter()
            await asyncio.sleep(0.002)

    def dump(self) -> None:
        self.stopped = True
        Path(self.path).write_text("\n".join(self.samples))


def run_app(domain: str, token: str, report: Report) -> None:
    from co_tui.api import CodeOceanClient
    from co_tui.launch import build_app
    from co_tui.session.config import Config, Settings

    # the search keystroke is timed as the list reloads behind the typing: search as you type
    settings = Settings(search_as_you_type=True)
    app = build_app(CodeOceanClient(domain, token), config=Config(settings=settings))

    async def main() -> None:
        if os.environ.get("APP_SCALE_SLOW_CALLBACKS"):  # name what stalls the loop
            import logging

            logging.basicConfig(filename=os.environ["APP_SCALE_SLOW_CALLBACKS"])
            loop = asyncio.get_running_loop()
            loop.set_debug(True)
            loop.slow_callback_duration = float(os.environ.get("APP_SCALE_SLOW_SECONDS", "0.03"))
        sampler = None
        if os.environ.get("APP_SCALE_STALL_STACKS"):
            sampler = StallSampler(os.environ["APP_SCALE_STALL_STACKS"])
            ticking = asyncio.create_task(sampler.tick())
        watcher = asyncio.create_task(watch_app(app, report))
        await app.run_async()
        watcher.cancel()
        if sampler is not None:
            ticking.cancel()
            sampler.dump()

    asyncio.run(main())


def fetch_rows(domain: str, token: str) -> list[tuple[str, ...]]:
    """The search's rows as the cells the DataTable shows (the same columns as co-tui's)."""
    import httpx

    from co_tui.formatting import format_count, format_date, format_size

    rows: list[tuple[str, ...]] = []
    body: dict[str, object] = {"limit": 1000, **SEARCH}
    with httpx.Client(auth=(token, "")) as client:
        while True:
            page = json.loads(client.post(f"{domain}/api/v1/data_assets/search",
                                          json=body).content)
            for a in page["results"]:
                rows.append((" ", a.get("name", ""), a.get("type", ""), a.get("state", ""),
                             format_size(a.get("size")), format_count(a.get("files")),
                             format_date(a.get("created")), format_date(a.get("last_used")),
                             a.get("owner", ""), ", ".join(a.get("tags") or [])))
            if not page["has_more"]:
                return rows
            body["next_token"] = page["next_token"]


def run_table(domain: str, token: str, report: Report) -> None:
    from textual.app import App, ComposeResult
    from textual.binding import Binding, BindingType
    from textual.widgets import DataTable

    rows = fetch_rows(domain, token)

    class Table(DataTable[str]):
        BINDINGS: ClassVar[list[BindingType]] = [
            Binding("j", "cursor_down", show=False), Binding("k", "cursor_up", show=False),
            Binding("g", "scroll_top", show=False), Binding("G", "scroll_bottom", show=False),
            Binding("s", "sort_name", show=False),
        ]

        def action_sort_name(self) -> None:
            self.sort("name", reverse=bool(getattr(self, "_reversed", False)))
            self._reversed = not getattr(self, "_reversed", False)

    class TableApp(App[None]):
        def compose(self) -> ComposeResult:
            yield Table(cursor_type="row")

        def on_mount(self) -> None:
            table = self.query_one(Table)
            for key in ("star", "name", "type", "state", "size", "files", "created",
                        "last used", "owner", "tags"):
                table.add_column(key, key=key)
            table.add_rows(rows)
            table.focus()
            self.call_after_refresh(lambda: report.write(event="loaded", count=len(rows)))

    TableApp().run()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("which", choices=("app", "table"))
    parser.add_argument("domain")
    parser.add_argument("token")
    parser.add_argument("report")
    parser.add_argument("--profile")
    args = parser.parse_args()
    report = Report(args.report)
    run = run_app if args.which == "app" else run_table
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        try:
            run(args.domain, args.token, report)
        finally:
            profiler.disable()
            profiler.dump_stats(args.profile)
    else:
        run(args.domain, args.token, report)


if __name__ == "__main__":
    main()
