"""Inside a capsule, a previewed file of an asset mounted at /data/<mount> is read locally."""

from __future__ import annotations

from pathlib import Path

import pytest

from co_tui.api import CodeOceanClient, NotFoundError
from co_tui.api.models import DataAsset, FolderItem
from co_tui.operations.preview_io import fetch_preview
from co_tui.transfer import local as local_mount


async def test_preview_reads_the_local_mount_and_fetches_no_url(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, client: CodeOceanClient) -> None:
    monkeypatch.setenv("CO_CAPSULE_ID", "capsule-1")
    monkeypatch.setattr(local_mount, "DATA_ROOT", tmp_path)
    (tmp_path / "raw" / "code").mkdir(parents=True)
    body = b"print('local copy')\n" * 20_000  # 400 KB: more than one 256 KiB preview
    (tmp_path / "raw" / "code" / "run.py").write_bytes(body)
    asset = DataAsset(id="not-on-the-server", name="x", mount="raw")
    item = FolderItem(name="run.py", path="code/run.py", size=len(body))
    # the asset id is unknown to the server: any request would fail with a 404
    preview, urls = await fetch_preview(client, asset.id, item, asset=asset)
    assert urls is None and preview.resume is not None  # more than one screenful
    local = tmp_path / "raw" / "code" / "run.py"
    assert preview.notes[0] == f"read from this capsule's {local}, not the network"
    more, _ = await fetch_preview(client, asset.id, item, asset=asset, previous=preview)
    assert more is not None and more.notes[0] == preview.notes[0]
    # a size that differs from the listing means it is not the same file: go to the server
    other = FolderItem(name="run.py", path="code/run.py", size=len(body) + 1)
    with pytest.raises(NotFoundError):
        await fetch_preview(client, asset.id, other, asset=asset)
