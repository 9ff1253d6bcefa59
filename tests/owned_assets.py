"""Assets the demo's user created, for tests that act on them (archive, tag, delete ...)."""

from __future__ import annotations

from co_tui.api import CodeOceanClient
from co_tui.api.models import DataAsset, DataAssetSearchParams


async def owned(client: CodeOceanClient, n: int, *, archived: bool = False) -> list[DataAsset]:
    """``n`` ready assets the token's user created (active or archived), newest first."""
    params = DataAssetSearchParams(ownership="created", archived=archived, limit=100,
                                   sort_field="created", sort_order="desc")
    page = await client.data_assets.search_data_assets(params)
    found = [a for a in page.results if a.state == "ready"][:n]
    assert len(found) == n
    return found
