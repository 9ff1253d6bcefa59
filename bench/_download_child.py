"""Child process of bench/download.py: stream one signed URL to a file with co-tui's client.

Prints JSON: elapsed seconds and how much the process's peak RSS grew during the download.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def main(url: str, dest: str) -> None:
    from co_tui.api import CodeOceanClient

    async with CodeOceanClient("http://127.0.0.1", "unused") as client:
        before = _peak_kib()
        start = time.perf_counter()
        with open(dest, "wb") as out:
            async with client.files.open_stream(url) as stream:
                async for chunk in stream.aiter_raw(1 << 20):
                    out.write(chunk)
        elapsed = time.perf_counter() - start
    print(json.dumps({"seconds": elapsed, "peak_rss_growth_kib": _peak_kib() - before}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
