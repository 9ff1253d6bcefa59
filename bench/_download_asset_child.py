"""Child process of bench/download_asset.py: one download through co-tui's transfer engine.

Usage: _download_asset_child.py DOMAIN TOKEN ASSET_ID DEST [FILE_PATH FILE_SIZE]

Downloads the whole asset (or one file) into DEST exactly as the app would: listing, a signed
URL per file, up to 8 transfers in parallel (the default), temp file + fsync + rename, under the
app's garbage-collector policy (co_tui.heap: what start-up built is frozen, and full passes come
on the app's twice-a-second tick, as in the app once its first frame is on screen). Prints JSON:
elapsed seconds (listing included), the process's peak RSS, how much it grew during the download
and the connections opened to the file host.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from pathlib import Path

from co_tui.heap import CHECK_S, HeapKeeper


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def _tick(heap: HeapKeeper) -> None:
    """The app's heap tick (co_tui.app calls it every CHECK_S seconds)."""
    while True:
        await asyncio.sleep(CHECK_S)
        heap.tick()


async def main(domain: str, token: str, asset_id: str, dest: str, file_path: str | None,
               file_size: int | None) -> None:
    from co_tui.api import CodeOceanClient
    from co_tui.transfer import DownloadEngine, DownloadRequest, DownloadTarget, TargetKind

    if file_path:
        target = DownloadTarget(asset_id, "bench", "bench", TargetKind.FILE, file_path, file_size)
    else:
        target = DownloadTarget(asset_id, "bench", "bench", TargetKind.ASSET)
    async with CodeOceanClient(domain, token) as client:
        engine = DownloadEngine(client, env={})
        heap = HeapKeeper()
        heap.settle()
        ticks = asyncio.ensure_future(_tick(heap))
        before = _peak_kib()
        cpu_before = time.process_time()
        start = time.perf_counter()
        summary = await engine.submit(DownloadRequest(target, Path(dest))).wait()
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_before
        ticks.cancel()
        heap.restore()
        await engine.aclose()
        connections = client.files.pool.opened
    if summary.failed or summary.error or not summary.done:
        raise SystemExit(f"download failed: {summary.text}")
    peak = _peak_kib()
    print(json.dumps({"seconds": elapsed, "files": summary.done, "bytes": summary.bytes,
                      "peak_rss_kib": peak, "peak_rss_growth_kib": max(0, peak - before),
                      "connections": connections, "cpu_seconds": cpu}))


if __name__ == "__main__":
    extra = sys.argv[5:]
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4],
                     extra[0] if extra else None, int(extra[1]) if len(extra) > 1 else None))
