"""``co-tui --debug``: a request log that says what happened and holds no secret (the token,
a signed URL's query), written 0600 in a 0700 folder."""

from __future__ import annotations

import logging
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from co_tui.api import CodeOceanClient, NotFoundError
from co_tui.api.models import DataAssetSearchParams
from co_tui.cli import main
from co_tui.debug_log import LOG_NAME, start_debug_log
from co_tui.emulator import Emulator, EmulatorConfig
from co_tui.session import paths


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    logger = logging.getLogger("co_tui")
    handlers, level = list(logger.handlers), logger.level
    yield
    for handler in logger.handlers[len(handlers):]:
        handler.close()
    logger.handlers[:] = handlers
    logger.setLevel(level)


async def test_the_log_says_what_was_sent_and_holds_no_secret(tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    token = f"cop_CANARY{secrets.token_hex(8)}"
    emulator = Emulator(EmulatorConfig(seed="demo", clock=clock, main_token=token))
    path, warnings = start_debug_log(tmp_path / "log")
    assert warnings == []
    transport = emulator.transport()
    client = CodeOceanClient(emulator.config.api_origin, token, transport=transport,
                             files_transport=transport)
    page = await client.data_assets.search_data_assets(DataAssetSearchParams(limit=5))
    asset = next(a for a in page.results if a.state == "ready" and a.files)
    listing = await client.data_assets.list_data_asset_files(asset.id)
    item = next(i for i in listing.items if not i.is_folder)
    urls = await client.data_assets.get_data_asset_file_urls(asset.id, item.path)
    await client.files.read_range(urls.view_url, 0, 1024)
    with pytest.raises(NotFoundError):
        await client.data_assets.get_data_asset("no-such-asset")
    await client.aclose()
    text = path.read_text(encoding="utf-8")
    api = emulator.config.api_origin
    assert f"search_data_assets POST {api}/api/v1/data_assets/search -> 200" in text
    assert f"get_data_asset GET {api}/api/v1/data_assets/no-such-asset -> 404" in text
    assert f"read {urls.view_url.split('?')[0]} bytes 0+1024 -> " in text
    assert token not in text
    query = urls.view_url.split("?", 1)[1]
    assert query and query not in text and "?" not in text.split("started", 1)[1]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_debug_flag_names_the_log_and_writes_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--debug"]) == 2  # no credentials: explained, and the log still named
    err = capsys.readouterr().err
    log = paths.log_dir() / LOG_NAME
    assert f"the debug log is {log}" in err and "co-tui login" in err
    assert "co-tui " in log.read_text(encoding="utf-8") and " started (pid " in log.read_text()
