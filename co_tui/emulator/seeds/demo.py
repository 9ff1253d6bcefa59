"""The ``demo`` seed: a neuroscience / genomics / imaging lab's Code Ocean deployment.

About 60 data assets owned by Ada Lovelace (the main demo user) and her colleagues: raw
recordings, results with provenance chains (raw -> preprocessed -> sorted -> QC), a combined
asset, external S3 assets, drafts, failures, archived assets, shares of every kind, favourites and
custom metadata, with realistic file trees (``trees_*.py``). Capsules, pipelines and computations
(``demo_runs.py``) tie them together.

Everything is deterministic: ids are ``uuid5`` of names and timestamps are fixed relative to
:data:`~co_tui.emulator.seeds.common.NOW`.
"""

from __future__ import annotations

from co_tui.emulator.seed_model import SeedAsset, SeedData
from co_tui.emulator.seeds import demo_ephys, demo_imaging, demo_misc, demo_omics
from co_tui.emulator.seeds import demo_runs as runs
from co_tui.emulator.seeds.common import (
    DAY,
    NOW,
    buckets,
    custom_metadata_schema,
    internal_bucket,
    users,
)
from co_tui.emulator.seeds.demo_base import Spec, asset_id
from co_tui.emulator.seeds.trees_common import Tree

__all__ = ["asset_id", "build_assets", "load"]


def _specs() -> list[Spec]:
    return [*demo_ephys.specs(), *demo_imaging.specs(), *demo_omics.specs(), *demo_misc.specs()]


def _tree_size(tree: Tree) -> tuple[int, int]:
    files, gens = tree
    size = sum(f.content.size for f in files) + sum(g.count * g.size for g in gens)
    return size, len(files) + sum(g.count for g in gens)


def build_assets() -> list[SeedAsset]:
    """Every demo asset."""
    specs = _specs()
    by_name: dict[str, SeedAsset] = {}
    sizes: dict[str, tuple[int, int]] = {}
    for spec in specs:
        kw = dict(spec.kw)
        combined_of: list[str] = kw.pop("combined_of", [])
        asset = SeedAsset(
            id=asset_id(spec.name), name=spec.name, owner=spec.owner, created=spec.created, **kw
        )
        files, gens = spec.tree if spec.tree is not None else ([], [])
        asset.files = list(files)
        asset.generated_folders = list(gens)
        if spec.tree is not None:
            sizes[spec.name] = _tree_size(spec.tree)
        if asset.source_bucket is None:
            asset.source_bucket = internal_bucket()
        if combined_of:
            parts = [by_name[n] for n in combined_of]
            asset.contained_data_assets = [
                {"id": p.id, "mount": p.mount, "size": sizes[p.name][0]} for p in parts
            ]
            asset.size_override = sum(sizes[p.name][0] for p in parts)
            asset.files_override = sum(sizes[p.name][1] for p in parts)
        if asset.last_used == 0 and asset.state == "ready" and not asset.archived:
            # Most assets were used some time after creation; a few were never used.
            offset = int(asset.id[:6], 16) % 90
            if offset > 10:
                asset.last_used = min(NOW - DAY, asset.created + offset * DAY)
        by_name[spec.name] = asset
    return list(by_name.values())


def load() -> SeedData:
    """The ``demo`` seed."""
    assets = build_assets()
    capsules, computations = runs.build(assets)
    return SeedData(
        users=users(),
        assets=assets,
        capsules=capsules,
        computations=computations,
        custom_metadata=custom_metadata_schema(),
        buckets=buckets(),
    )
