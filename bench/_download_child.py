"""Child process of bench/download.py: stream one signed URL to a file with co-tui's client.

Prints JSON: elapsed seconds and how much the process's peak RSS grew during the download.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import time


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def main(url: str, dest: str) -> None:
    from co_tui.api import CodeOceanClient
    from co_tui.transfer.fetch import FdSink

    async with CodeOceanClient("http://127.0.0.1", "unused") as client:
        before = _peak_kib()
        start = time.perf_counter()
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            result = await client.files.download(url, FdSink(fd))
        finally:
            os.close(fd)
        elapsed = time.perf_counter() - start
        assert result.written == result.total_size
    print(json.dumps({"seconds": elapsed, "peak_rss_growth_kib": _peak_kib() - before}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
