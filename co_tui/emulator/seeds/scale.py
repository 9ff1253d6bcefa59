"""The ``scale:ASSETS:FILES`` seed: many assets, each with a generated root folder of FILES files.

Built for benchmarks (100,000 assets, 100,000-file folders): assets vary in name, tags, type,
state, owner, size and creation time so that sorting and searching are meaningful, but no
per-file objects exist: each asset's files come from one shared :class:`SeedFolderGenerator`.
"""

from __future__ import annotations

import gc
import random
import re
from typing import Any

from co_tui.emulator.seed_model import SeedAsset, SeedCapsule, SeedData, SeedFolderGenerator
from co_tui.emulator.seeds.common import (
    ADA,
    ALAN,
    DAY,
    EMAILS,
    GRACE,
    MODALITIES,
    NOW,
    ROSALIND,
    SANTIAGO,
    buckets,
    custom_metadata_schema,
    stable_id,
    users,
)

MAX_ASSETS = 2_000_000
MAX_FILES = 10_000_000

_SCALE_RE = re.compile(r"scale:([0-9]{1,9}):([0-9]{1,9})")


def parse(name: str) -> tuple[int, int]:
    """``"scale:ASSETS:FILES"`` -> (ASSETS, FILES); :class:`ValueError` for anything else."""
    match = _SCALE_RE.fullmatch(name)
    if match is None:
        raise ValueError(
            f"bad scale seed {name!r}: expected 'scale:ASSETS:FILES' with two non-negative "
            "integers, e.g. 'scale:10000:5'"
        )
    assets, files = int(match.group(1)), int(match.group(2))
    if assets > MAX_ASSETS:
        raise ValueError(f"bad scale seed {name!r}: at most {MAX_ASSETS:,} assets")
    if files > MAX_FILES:
        raise ValueError(f"bad scale seed {name!r}: at most {MAX_FILES:,} files per asset")
    return assets, files


# (modality, custom-metadata modality, tags, file name template, typical file size)
_KINDS: tuple[tuple[str, str, tuple[str, ...], str, int], ...] = (
    (
        "ecephys",
        "ecephys",
        ("ecephys", "neuropixels", "raw", "visp", "lgd"),
        "chunk_{i:06d}.dat",
        64 * 1024 * 1024,
    ),
    (
        "SmartSPIM",
        "SmartSPIM",
        ("smartspim", "light-sheet", "stitched", "ome-zarr"),
        "tile_{i:06d}.tif",
        2 * 1024 * 1024,
    ),
    (
        "exaSPIM",
        "exaSPIM",
        ("exaspim", "light-sheet", "raw", "fusion"),
        "tile_{i:06d}.ims",
        512 * 1024 * 1024,
    ),
    (
        "behavior",
        "behavior",
        ("behavior", "dynamic-foraging", "video", "bonsai"),
        "session_{i:05d}.jsonl",
        3 * 1024 * 1024,
    ),
    (
        "scRNA-seq",
        "scRNA-seq",
        ("scrna-seq", "10x", "counts", "pbmc"),
        "part-{i:05d}.parquet",
        48 * 1024 * 1024,
    ),
    (
        "fMRI",
        "fMRI",
        ("fmri", "bids", "resting-state", "derivatives"),
        "sub-{i:04d}_bold.nii.gz",
        180 * 1024 * 1024,
    ),
    (
        "ophys",
        "two-photon",
        ("two-photon", "suite2p", "v1", "calcium"),
        "plane_{i:04d}.h5",
        900 * 1024 * 1024,
    ),
    (
        "MERFISH",
        "MERFISH",
        ("merfish", "spatial-transcriptomics", "cortex"),
        "fov_{i:05d}.dax",
        32 * 1024 * 1024,
    ),
)
assert {k[1] for k in _KINDS} <= set(MODALITIES)

_STAGES = (
    ("raw", "dataset"),
    ("raw", "dataset"),
    ("raw", "dataset"),
    ("processed", "result"),
    ("sorted", "result"),
    ("curated", "dataset"),
    ("analysis", "result"),
    ("qc", "result"),
)
_PROJECTS = (
    "Brain Computer Interface",
    "Thalamus in the middle",
    "Immune atlas",
    "Cell type atlas",
    "Learning and memory",
)
_OWNERS = (ADA, ADA, ADA, ADA, ADA, ADA, GRACE, GRACE, ROSALIND, SANTIAGO, ALAN, ADA, ADA)
_START = NOW - 7 * 365 * DAY  # early 2019


_UUID_MASK = ~((0xF << 76) | (0x3 << 62)) & ((1 << 128) - 1)
_UUID_BITS = (0x4 << 76) | (0x2 << 62)


def _uuid(bits: int) -> str:
    """A version-4-shaped UUID string from 128 random bits."""
    h = f"{(bits & _UUID_MASK) | _UUID_BITS:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _capsules() -> list[SeedCapsule]:
    return [
        SeedCapsule(
            stable_id("capsule", "scale-processing"),
            "Scale processing capsule",
            ADA,
            _START,
            "1000001",
            description="Produces the scale seed's results.",
            tags=["scale"],
        ),
        SeedCapsule(
            stable_id("capsule", "scale-pipeline"),
            "Scale pipeline",
            GRACE,
            _START,
            "1000002",
            kind="pipeline",
            shared_users=[(EMAILS[ADA], "viewer")],
        ),
    ]


def load(n_assets: int, n_files: int) -> SeedData:
    """``n_assets`` assets with ``n_files`` generated files each, plus the users."""
    # Hundreds of thousands of new containers would trigger many full collections for nothing:
    # everything built here stays alive, so pause the cyclic GC while building.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(n_assets, n_files)
    finally:
        if was_enabled:
            gc.enable()


def _build(n_assets: int, n_files: int) -> SeedData:
    rng = random.Random(f"scale:{n_assets}:{n_files}")
    getrandbits, rand = rng.getrandbits, rng.random
    capsules = _capsules()
    capsule_ids = [c.id for c in capsules]
    ada_email, grace_email = EMAILS[ADA], EMAILS[GRACE]
    span = NOW - _START
    generators: dict[tuple[str, int], SeedFolderGenerator] = {}
    sizes: list[int] = []
    assets: list[SeedAsset] = []
    append = assets.append
    for i in range(n_assets):
        mod, cm_mod, tag_pool, template, base_size = _KINDS[i % len(_KINDS)]
        stage, typ = _STAGES[(i // len(_KINDS)) % len(_STAGES)]
        bits = getrandbits(128)
        asset_id = _uuid(bits)
        subject = 600_000 + (bits >> 100) % 120_000
        created = _START + (bits >> 32) % span
        day = (bits >> 64) % 28 + 1
        month = (bits >> 72) % 12 + 1
        year = 2019 + (created - _START) * 7 // span
        name = f"{mod}_{subject}_{year}-{month:02d}-{day:02d} {stage}"
        if typ == "result":
            name += " (result)"
        r = rand()
        mount = name.split(" ")[0]
        if r < 0.01 and i > 2:
            typ = "combined"
            name = f"{mod} cohort {subject} (combined)"
            mount = f"{mod}_cohort_{subject}"
        elif r < 0.02:
            typ = "model"
            name = f"{mod} model {subject} v{(bits >> 8) % 9 + 1}"
            mount = f"{mod}_model_{subject}"
        n_tags = 2 + (bits & 3)
        tags = list(tag_pool[(bits >> 4) % 2 : (bits >> 4) % 2 + n_tags])
        if stage not in tags:
            tags.append(stage)
        file_size = max(1, base_size >> ((bits >> 12) % 6))
        key = (template, file_size)
        gen = generators.get(key)
        if gen is None:
            gen = generators[key] = SeedFolderGenerator("", n_files, file_size, template)
        owner = _OWNERS[(bits >> 16) % len(_OWNERS)]
        kw: dict[str, Any] = {}
        if owner != ADA:
            share = (bits >> 20) % 10
            if share < 4:
                kw["shared_users"] = [(ada_email, "viewer" if share else "owner")]
            elif share < 6:
                kw["shared_groups"] = [("neuro-lab", "viewer")]
            elif share < 8:
                kw["everyone"] = "viewer"
            elif share == 8:
                kw["everyone"] = "discoverable"
            # share == 9: private to its owner
        else:
            if (bits >> 20) % 7 == 0:
                kw["shared_users"] = [(grace_email, "viewer")]
        state = "ready"
        r2 = (bits >> 24) % 1000
        if r2 < 5:
            state = "draft"
        elif r2 < 10:
            state = "failed"
            kw["failure_reason"] = "Computation failed with exit code 137 (out of memory)."
        if (bits >> 36) % 100 < 3:
            kw["archived"] = True
        if (bits >> 44) % 50 == 0:
            kw["favorite_of"] = (ADA,)
        if i % 4 == 0:
            kw["custom_metadata"] = {
                "project": _PROJECTS[i % len(_PROJECTS)],
                "modality": cm_mod,
                "subject_id": str(subject),
            }
        if typ == "result" and i:
            kw["provenance"] = {
                "capsule": capsule_ids[i & 1],
                "commit": f"{bits:032x}{i:08x}"[-40:],
                "run_script": "code/run",
                "docker_image": f"registry.codeocean.com/capsule/{capsule_ids[i & 1]}:v{i % 7}",
                "data_assets": [assets[(bits >> 52) % i].id],
            }
        size = n_files * file_size
        if typ == "combined":
            picks = sorted({(bits >> 52) % i, (bits >> 84) % i})
            kw["contained_data_assets"] = [
                {"id": assets[j].id, "mount": assets[j].mount, "size": sizes[j]} for j in picks
            ]
            size = sum(sizes[j] for j in picks)
            kw["size_override"] = size
            kw["files_override"] = n_files * len(picks)
            gens: list[SeedFolderGenerator] = []
            source = {"origin": "local", "bucket": "", "prefix": "", "external": False}
        elif (bits >> 28) % 40 == 0:
            source = {
                "origin": "aws",
                "bucket": "aind-open-data",
                "prefix": name.split(" ")[0],
                "external": True,
            }
            kw["size_override"] = size
            kw["files_override"] = n_files
            gens = []
        else:
            source = {"origin": "local", "bucket": "", "prefix": "", "external": False}
            gens = [gen] if n_files and state == "ready" else []
            if state != "ready":
                size = 0
        sizes.append(size)
        used = (bits >> 40) % 5
        append(
            SeedAsset(
                id=asset_id,
                name=name,
                owner=owner,
                created=created,
                type=typ,
                state=state,
                mount=mount,
                description="" if used < 2 else f"{mod} data for subject {subject} ({stage}).",
                tags=tags,
                last_used=0 if used == 0 else min(NOW, created + used * 17 * DAY),
                generated_folders=gens,
                source_bucket=source,
                **kw,
            )
        )
    return SeedData(
        users=users(),
        assets=assets,
        capsules=capsules,
        custom_metadata=custom_metadata_schema(),
        buckets=buckets(),
    )
