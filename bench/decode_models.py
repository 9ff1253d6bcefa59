"""Decode a 1,000-asset search page: msgspec (what co_tui.api uses) vs pydantic v2 vs plain json.

Why: issue 2 asks for the model library to be chosen by measurement. Prints a table and writes
bench/results/decode_models.json. Run: python bench/decode_models.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import write_results

from co_tui.api.codec import decode
from co_tui.api.models import DataAssetSearchResults


def make_page(n: int = 1000) -> bytes:
    """A realistic search page: every DataAsset field used by some rows."""
    results: list[dict[str, Any]] = []
    for i in range(n):
        asset: dict[str, Any] = {
            "id": f"{i:08x}-5b1c-4f5e-9a55-0c2a3b4d5e6f", "created": 1_700_000_000 + i,
            "name": f"ecephys_{600000 + i}_2024-03-{i % 28 + 1:02d} raw", "mount": f"ecephys_{i}",
            "last_used": 1_710_000_000 + i, "owner": "6c1e8d1a-0000-4000-8000-00000000000a",
            "state": "ready", "type": "dataset" if i % 3 else "result", "files": i * 7,
            "size": str(i * 1_048_576) if i % 10 == 0 else i * 1_048_576,
            "description": "Neuropixels recording, probe A and B, 384 channels." * (i % 3),
            "owner_email": "ada@example.org", "tags": ["ecephys", "raw", f"subject-{i % 50}"],
            "source_bucket": {"origin": "local", "bucket": "", "prefix": "", "external": False},
            "custom_metadata": {"modality": "ecephys", "subject_id": str(600000 + i)},
        }
        if i % 3 == 0:
            asset["provenance"] = {
                "capsule": "c0ffee00-0000-4000-8000-000000000001", "commit": "a" * 40,
                "run_script": "code/run", "docker_image": "registry/x:1",
                "data_assets": [f"{i - 1:08x}-5b1c-4f5e-9a55-0c2a3b4d5e6f"],
            }
        results.append(asset)
    return json.dumps({"has_more": True, "next_token": "abc", "results": results}).encode()


def _pydantic_decoder() -> Any:
    from pydantic import BaseModel, ConfigDict

    class Loose(BaseModel):
        model_config = ConfigDict(extra="ignore")

    class Provenance(Loose):
        commit: str | None = None
        run_script: str | None = None
        docker_image: str | None = None
        capsule: str | None = None
        data_assets: list[str] | None = None
        computation: str | None = None

    class SourceBucket(Loose):
        origin: str = ""
        bucket: str | None = None
        prefix: str | None = None
        external: bool | None = None

    class DataAsset(Loose):
        id: str
        created: int = 0
        name: str = ""
        mount: str = ""
        last_used: int = 0
        owner: str = ""
        state: str = ""
        type: str = ""
        files: int | None = None
        size: int | None = None
        description: str | None = None
        owner_email: str | None = None
        tags: list[str] | None = None
        provenance: Provenance | None = None
        source_bucket: SourceBucket | None = None
        custom_metadata: dict[str, Any] | None = None

    class Page(Loose):
        has_more: bool = False
        results: list[DataAsset] = []  # noqa: RUF012 - pydantic copies defaults
        next_token: str | None = None

    return Page.model_validate_json


def _time(fn: Any, data: bytes, runs: int) -> float:
    fn(data)  # warm up (decoder construction, caches)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(data)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--tiny", action="store_true", help="2 runs (the CI test)")
    parser.add_argument("--name", default="decode_models")
    args = parser.parse_args()
    if args.tiny:
        args.runs = 2
    page = make_page()
    rows = {"msgspec (co_tui.api.models)": _time(lambda d: decode(d, DataAssetSearchResults), page, args.runs)}
    try:  # pydantic is a dev extra (pip install -e ".[dev]"), not a test dependency
        rows["pydantic v2 model_validate_json"] = _time(_pydantic_decoder(), page, args.runs)
    except ImportError:
        print("pydantic is not installed: its row is left out")
    rows["json.loads (dicts, no validation)"] = _time(json.loads, page, args.runs)
    base = rows["msgspec (co_tui.api.models)"]
    print(f"decode one 1,000-asset page ({len(page) / 1024:.0f} KiB), median of {args.runs}")
    print(f"{'decoder':38} {'ms':>8} {'x msgspec':>10}")
    for name, seconds in rows.items():
        print(f"{name:38} {seconds * 1000:8.2f} {seconds / base:10.2f}")
    write_results(args.name, {"runs": args.runs, "page_bytes": len(page),
                                    "median_seconds": rows})


if __name__ == "__main__":
    main()
