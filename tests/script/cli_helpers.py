"""Running ``co-tui CMD`` in a subprocess against an emulator served on loopback by this test
process (so a test can give it a hand-made seed or faults), and what the official SDK fetches."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import requests
from codeocean import CodeOcean

from co_tui.emulator.server import ServedEmulator

TOKEN = "cop_demo_ada_lovelace"
SORTED = "395f37dc-c2ed-5d04-a8e4-6e8532001cb4"
""""spike sorting kilosort4 ecephys_662585 (result)": 14 files, 28 MB, one of 22 MiB (resumed
in ranges) and one of 5 MiB; mount ``ecephys_662585_sorted``."""
SORTED_MOUNT = "ecephys_662585_sorted"


class Cli:
    """``co-tui`` as a user runs it, against ``served``, with Ada's token in the environment."""

    def __init__(self, served: ServedEmulator) -> None:
        self.served = served
        self.domain = served.domain

    def env(self, token: str = TOKEN, **extra: str) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items()
                if not k.startswith("CODEOCEAN_") and k != "CO_CAPSULE_ID"}
        return {**base, "CODEOCEAN_DOMAIN": self.domain, "CODEOCEAN_TOKEN": token, **extra}

    def run(self, *args: str, token: str = TOKEN, stdin: str | None = None,
            env: dict[str, str] | None = None, cwd: Path | None = None,
            prelude: str = "", timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run ``co-tui ARGS``; ``prelude`` is Python run first in the child (to point a
        module constant such as the capsule's data root at a test folder)."""
        command = [sys.executable, "-m", "co_tui.cli", *args]
        if prelude:
            command = [sys.executable, "-c",
                       f"{prelude}\nimport sys\nfrom co_tui.cli import main\n"
                       "sys.argv[0] = 'co-tui'\nsys.exit(main(sys.argv[1:]))", *args]
        return subprocess.run(command, env={**self.env(token), **(env or {})}, input=stdin,
                              cwd=cwd, capture_output=True, text=True, timeout=timeout)


def sdk_digests(domain: str, asset_id: str, token: str = TOKEN) -> dict[str, str]:
    """Every file of an asset, path -> sha256 of the bytes the official SDK's signed URL gives."""
    co = CodeOcean(domain=domain, token=token, agent_id="co-tui script tests")
    out: dict[str, str] = {}
    pending = [""]
    while pending:
        for item in co.data_assets.list_data_asset_files(asset_id, pending.pop()).items:
            if item.type == "folder":
                pending.append(item.path)
                continue
            url = co.data_assets.get_data_asset_file_urls(asset_id, item.path).download_url
            response = requests.get(url, timeout=60)
            response.raise_for_status()
            out[item.path] = hashlib.sha256(response.content).hexdigest()
    return out


def local_digests(root: Path) -> dict[str, str]:
    """Every file under ``root``, relative path -> sha256."""
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


def tree_state(root: Path, skip: Path) -> dict[str, str]:
    """Every file under ``root`` but not under ``skip``: path -> sha256 (to prove nothing else
    was written)."""
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in walk(root)
            if p.is_file() and not p.is_relative_to(skip)}


def walk(root: Path) -> Iterator[Path]:
    """Every path under ``root`` (symlinks not followed)."""
    for folder, dirs, names in os.walk(root):
        for name in [*dirs, *names]:
            yield Path(folder, name)
