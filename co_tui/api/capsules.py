"""Capsules, pipelines, computations and the custom-metadata schema: the parts of the API that
data-asset screens need (attach / detach, "attached to", provenance, a capsule's runs and their
result files for "create from a run", the edit form's schema)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from co_tui.api.codec import decode, encode
from co_tui.api.models import (
    Capsule,
    CapsuleSearchParams,
    CapsuleSearchResults,
    Computation,
    ComputationList,
    CustomMetadata,
    DataAssetAttachParams,
    DataAssetAttachResults,
    Folder,
)
from co_tui.api.paging import Pager
from co_tui.api.path_segment import seg
from co_tui.api.retry import OpKind

if TYPE_CHECKING:
    from co_tui.api.client import CodeOceanClient

__all__ = [
    "AttachTarget",
    "AttachedTo",
    "Capsules",
    "Computations",
    "CustomMetadataSchema",
    "Pipelines",
    "find_attached",
]


class AttachTarget:
    """Attach / detach on ``{route}/{id}/data_assets`` (capsules, pipelines, computations)."""

    def __init__(self, client: CodeOceanClient, route: str) -> None:
        self._client = client
        self._route = route
        self._noun = route.rstrip("s")

    async def attach_data_assets(
        self, target_id: str, attach_params: Sequence[DataAssetAttachParams]
    ) -> list[DataAssetAttachResults]:
        """Attach assets (optionally at a mount folder) to the capsule / pipeline / workstation."""
        return await self._client.request(  # type: ignore[return-value]
            f"attach_data_assets_to_{self._noun}", "POST",
            f"{self._route}/{seg(target_id)}/data_assets",
            kind=OpKind.WRITE, body=list(attach_params), result=list[DataAssetAttachResults],
        )

    async def detach_data_assets(self, target_id: str, data_assets: Sequence[str]) -> None:
        """Detach assets by id (``DELETE`` with a JSON body, trailing slash as the SDK sends it)."""
        await self._client.request(
            f"detach_data_assets_from_{self._noun}", "DELETE",
            f"{self._route}/{seg(target_id)}/data_assets/",
            kind=OpKind.WRITE, body=list(data_assets),
        )


class Capsules(AttachTarget):
    """``client.capsules``."""

    async def get_capsule(self, capsule_id: str) -> Capsule:
        """``GET /capsules/{id}``."""
        return await self._client.request(  # type: ignore[return-value]
            f"get_{self._noun}", "GET", f"{self._route}/{seg(capsule_id)}",
            kind=OpKind.READ, result=Capsule,
        )

    async def list_computations(self, capsule_id: str) -> ComputationList:
        """``GET /capsules/{id}/computations``: the capsule's runs, as the server orders them.

        A JSON list, read run by run: a run that cannot be read (no ``id``, not an object) is
        left out and counted in the answer's ``unreadable``; the others are read leniently like
        :meth:`Computations.get_computation`.
        """
        raw: list[Any] = await self._client.request(  # type: ignore[assignment]
            f"list_{self._noun}_computations", "GET",
            f"{self._route}/{seg(capsule_id)}/computations",
            kind=OpKind.READ, result=list[Any],
        )
        runs = ComputationList()
        for item in raw:
            try:
                runs.append(decode(encode(item), Computation))
            except ValueError:
                runs.unreadable += 1
        return runs

    async def search_capsules(self, search_params: CapsuleSearchParams) -> CapsuleSearchResults:
        """One page of ``POST /capsules/search``."""
        return await self._client.request(  # type: ignore[return-value]
            f"search_{self._route}", "POST", f"{self._route}/search",
            kind=OpKind.READ, body=search_params, result=CapsuleSearchResults,
        )

    async def search_capsules_iterator(
        self, search_params: CapsuleSearchParams
    ) -> AsyncIterator[Capsule]:
        """Every capsule matching a search, following ``next_token`` (or ``offset``) like
        :meth:`DataAssets.search_data_assets_pages`, with the same stop on a cursor that would
        not make progress."""
        params: CapsuleSearchParams | None = search_params
        pager = Pager(search_params, operation=f"search_{self._route}")
        while params is not None:
            page = await self.search_capsules(params)
            for capsule in page.results:
                yield capsule
            params = pager.advance(params, page)


class Pipelines(Capsules):
    """``client.pipelines``: the capsule endpoints under ``/pipelines`` (SDK names kept)."""

    async def get_pipeline(self, pipeline_id: str) -> Capsule:
        """``GET /pipelines/{id}``."""
        return await self.get_capsule(pipeline_id)

    async def search_pipelines(self, search_params: CapsuleSearchParams) -> CapsuleSearchResults:
        """One page of ``POST /pipelines/search``."""
        return await self.search_capsules(search_params)

    def search_pipelines_iterator(
        self, search_params: CapsuleSearchParams
    ) -> AsyncIterator[Capsule]:
        """Every pipeline matching a search."""
        return self.search_capsules_iterator(search_params)


class Computations(AttachTarget):
    """``client.computations``."""

    def __init__(self, client: CodeOceanClient) -> None:
        super().__init__(client, "computations")

    async def get_computation(self, computation_id: str) -> Computation:
        """``GET /computations/{id}``."""
        return await self._client.request(  # type: ignore[return-value]
            "get_computation", "GET", f"computations/{seg(computation_id)}",
            kind=OpKind.READ, result=Computation,
        )

    async def list_computation_results(self, computation_id: str, path: str = "") -> Folder:
        """``POST /computations/{id}/results`` ``{"path": ...}``: one level of the run's result
        files (``""`` is the ``/results`` folder itself); no paging, like an asset's folders."""
        return await self._client.request(  # type: ignore[return-value]
            "list_computation_results", "POST", f"computations/{seg(computation_id)}/results",
            kind=OpKind.READ, body={"path": path}, result=Folder,
        )


class CustomMetadataSchema:
    """``client.custom_metadata``."""

    def __init__(self, client: CodeOceanClient) -> None:
        self._client = client

    async def get_custom_metadata(self) -> CustomMetadata:
        """``GET /custom_metadata``: the deployment's field definitions for the edit form."""
        return await self._client.request(  # type: ignore[return-value]
            "get_custom_metadata", "GET", "custom_metadata",
            kind=OpKind.READ, result=CustomMetadata,
        )


@dataclass(frozen=True)
class AttachedTo:
    """The capsules and pipelines that have an asset attached, as far as search can tell."""

    capsules: list[Capsule]
    pipelines: list[Capsule]


async def find_attached(
    client: CodeOceanClient, data_asset_id: str, *, limit: int = 100
) -> AttachedTo:
    """Capsules and pipelines visible to the caller that use ``data_asset_id``.

    There is no endpoint for this; the web app searches capsules and pipelines for the asset id
    (reference 3.14), so results are a hint rather than a guarantee. Both searches run at once.
    """
    params = CapsuleSearchParams(query=data_asset_id, limit=limit)

    async def collect(resource: Capsules) -> list[Capsule]:
        return [capsule async for capsule in resource.search_capsules_iterator(params)]

    capsules, pipelines = await asyncio.gather(
        collect(client.capsules), collect(client.pipelines)
    )
    return AttachedTo(capsules=capsules, pipelines=pipelines)
