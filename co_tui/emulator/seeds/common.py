"""What every seed shares: the users and their tokens, the custom-metadata schema, the S3 buckets
that create-from-S3 reads, and stable ids."""

from __future__ import annotations

import functools
import uuid
from typing import Any

from co_tui.emulator.seed_model import SeedFile, SeedUser
from co_tui.emulator.seeds import sample_files as fmt

DEMO_TOKEN = "cop_demo_ada_lovelace"
"""Token of the main demo user, Ada Lovelace (the first user of every seed)."""
GRACE_TOKEN = "cop_demo_grace_hopper"
"""Token of Grace Hopper, a colleague who owns several assets shared with Ada."""
ALAN_TOKEN = "cop_demo_alan_turing"
"""Token of Alan Turing, who mostly has viewer access."""
ADMIN_TOKEN = "cop_demo_admin"
"""Token of the deployment administrator (sees everything)."""

DEMO_TOKENS: dict[str, str] = {
    "ada@example.org": DEMO_TOKEN,
    "grace@example.org": GRACE_TOKEN,
    "alan@example.org": ALAN_TOKEN,
    "admin@example.org": ADMIN_TOKEN,
}
"""Every demo token by user e-mail."""

NOW = 1772452800
"""The demo's "now": 2026-03-02T12:00:00Z. Seeds never read the clock."""
DAY = 86400

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://co-tui.invalid/emulator/seeds")


def stable_id(kind: str, name: str) -> str:
    """A UUID string derived from (kind, name), the same on every run."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{name}"))


ADA = stable_id("user", "ada")
GRACE = stable_id("user", "grace")
ALAN = stable_id("user", "alan")
ADMIN = stable_id("user", "admin")
ROSALIND = stable_id("user", "rosalind")
SANTIAGO = stable_id("user", "santiago")

EMAILS = {
    ADA: "ada@example.org",
    GRACE: "grace@example.org",
    ALAN: "alan@example.org",
    ADMIN: "admin@example.org",
    ROSALIND: "rosalind@example.org",
    SANTIAGO: "santiago@example.org",
}


def users() -> list[SeedUser]:
    """The deployment's users; Ada (the main demo user) first."""
    return [
        SeedUser(ADA, EMAILS[ADA], "Ada Lovelace", DEMO_TOKEN, ("neuro-lab", "imaging-core")),
        SeedUser(GRACE, EMAILS[GRACE], "Grace Hopper", GRACE_TOKEN, ("neuro-lab", "genomics")),
        SeedUser(ALAN, EMAILS[ALAN], "Alan Turing", ALAN_TOKEN, ("genomics",)),
        SeedUser(ADMIN, EMAILS[ADMIN], "Site Admin", ADMIN_TOKEN, (), admin=True),
        # Colleagues nobody logs in as: they only appear as owners and sharees.
        SeedUser(ROSALIND, EMAILS[ROSALIND], "Rosalind Franklin", None, ("imaging-core",)),
        SeedUser(SANTIAGO, EMAILS[SANTIAGO], "Santiago Ramón y Cajal", None, ("neuro-lab",)),
    ]


MODALITIES = (
    "ecephys",
    "SmartSPIM",
    "exaSPIM",
    "scRNA-seq",
    "bulk RNA-seq",
    "behavior",
    "fMRI",
    "two-photon",
    "MERFISH",
)


def custom_metadata_schema() -> dict[str, Any]:
    """The ``GET /custom_metadata`` document."""
    return {
        "fields": [
            {"name": "project", "type": "string", "required": True, "category": "Administrative"},
            {
                "name": "data_level",
                "type": "string",
                "allowed_values": ["raw", "derived", "reference"],
                "category": "Administrative",
            },
            {
                "name": "institution",
                "type": "string",
                "allowed_values": ["Allen Institute", "Example University", "Instituto Cajal"],
                "category": "Administrative",
            },
            {
                "name": "modality",
                "type": "string",
                "allowed_values": list(MODALITIES),
                "category": "Acquisition",
            },
            {"name": "subject_id", "type": "string", "category": "Acquisition"},
            {"name": "session_date", "type": "date", "category": "Acquisition"},
            {
                "name": "temperature_c",
                "type": "number",
                "range": {"min": -80, "max": 40},
                "units": "°C",
                "category": "Acquisition",
            },
            {
                "name": "recording_depth_um",
                "type": "number",
                "range": {"min": 0, "max": 12000},
                "units": "µm",
                "category": "Acquisition",
            },
            {
                "name": "species",
                "type": "string",
                "allowed_values": ["Mus musculus", "Homo sapiens", "Macaca mulatta"],
                "category": "Biology",
            },
            {"name": "genotype", "type": "string", "category": "Biology"},
            {
                "name": "cell_count",
                "type": "number",
                "range": {"min": 0, "max": 100000000},
                "category": "Biology",
            },
        ],
        "categories": ["Administrative", "Acquisition", "Biology"],
    }


@functools.lru_cache(maxsize=1)
def _bucket_files() -> tuple[tuple[str, tuple[SeedFile, ...]], ...]:
    ephys = "ecephys_661398_2023-03-21_15-47-03"
    spim = "SmartSPIM_695464_2023-10-18_20-52-55"
    exa = "exaSPIM_653158_2023-06-01_21-08-12"
    aind = [
        fmt.text_file(
            f"{ephys}/data_description.json",
            fmt.json_text(
                {
                    "name": ephys,
                    "modality": [{"abbreviation": "ecephys"}],
                    "subject_id": "661398",
                    "data_level": "raw",
                }
            ),
        ),
        fmt.text_file(
            f"{ephys}/subject.json",
            fmt.json_text({"subject_id": "661398", "sex": "Female", "genotype": "wt/wt"}),
        ),
        fmt.generated_file(
            f"{ephys}/ecephys/ecephys_compressed/experiment1_Record Node 104#Neuropix-PXI-100."
            "ProbeA-AP.zarr/0.0",
            48 * 1024 * 1024,
            seed=11,
        ),
        fmt.generated_file(f"{ephys}/behavior/videos/face_camera.mp4", 96 * 1024 * 1024, seed=12),
        fmt.text_file(
            f"{spim}/acquisition.json",
            fmt.json_text(
                {
                    "instrument_id": "SmartSPIM2-1",
                    "chamber_immersion": {"medium": "Cargille oil", "refractive_index": 1.52},
                    "tiles": 480,
                    "axes": ["X", "Y", "Z"],
                }
            ),
        ),
        *(
            fmt.generated_file(
                f"{spim}/SmartSPIM/Ex_{ex}_Em_{em}/{x:06d}/{x:06d}_{y:06d}/00000.png",
                2 * 1024 * 1024,
                seed=20 + x + y,
            )
            for ex, em in (("488", "525"), ("639", "667"))
            for x in (0, 38460)
            for y in (0, 43010)
        ),
        fmt.text_file(
            f"{exa}/data_description.json", fmt.json_text({"name": exa, "modality": "exaSPIM"})
        ),
        fmt.generated_file(
            f"{exa}/exaSPIM/tile_x_0000_y_0000_z_0000_ch_488.ims", 512 * 1024 * 1024, seed=31
        ),
    ]
    public = [
        fmt.text_file(
            "examples/README.md",
            "# demo-public-bucket\n\n"
            "Small public examples for trying *create data asset from S3*.\n",
        ),
        fmt.text_file(
            "examples/iris.csv",
            fmt.table(
                ("sepal_length", "sepal_width", "petal_length", "petal_width", "species"),
                150,
                lambda r, i: (
                    round(r.uniform(4.3, 7.9), 1),
                    round(r.uniform(2.0, 4.4), 1),
                    round(r.uniform(1.0, 6.9), 1),
                    round(r.uniform(0.1, 2.5), 1),
                    ("setosa", "versicolor", "virginica")[i // 50],
                ),
                seed="iris",
            ),
        ),
        fmt.text_file("examples/config.yaml", "dataset: iris\nsplit: [0.8, 0.2]\nseed: 42\n"),
        fmt.text_file(
            "tutorials/rnaseq/counts.tsv",
            fmt.table(
                ("gene_id", "gene_name", "ctrl_1", "ctrl_2", "ko_1", "ko_2"),
                200,
                lambda r, i: (
                    f"ENSMUSG{100000 + i * 37:011d}",
                    f"Gm{1000 + i}",
                    *(r.randrange(0, 5000) for _ in range(4)),
                ),
                seed="tutorial-counts",
                sep="\t",
            ),
        ),
        fmt.generated_file("tutorials/rnaseq/reads_R1.fastq.gz", 24 * 1024 * 1024, seed=41),
        fmt.text_file("empty-prefix/.keep", ""),
    ]
    abo = [
        fmt.text_file(
            "visual-coding-2p/manifest.json",
            fmt.json_text({"manifest_version": "2.1.0", "experiments": 1518, "containers": 456}),
        ),
        fmt.generated_file(
            "visual-coding-2p/ophys_experiment_data/501498760.nwb", 310 * 1024 * 1024, seed=51
        ),
        fmt.generated_file(
            "visual-coding-2p/ophys_experiment_data/501574836.nwb", 296 * 1024 * 1024, seed=52
        ),
    ]
    return (
        ("aind-open-data", tuple(aind)),
        ("demo-public-bucket", tuple(public)),
        ("allen-brain-observatory", tuple(abo)),
    )


def buckets() -> dict[str, list[SeedFile]]:
    """The S3 buckets create-from-S3 can read, by name (keys are object paths)."""
    return {name: list(files) for name, files in _bucket_files()}


INTERNAL_BUCKET: dict[str, Any] = {"origin": "local", "bucket": "", "prefix": "", "external": False}
"""``source_bucket`` of an asset stored in Code Ocean (copy it before changing it)."""


def internal_bucket() -> dict[str, Any]:
    """A fresh ``source_bucket`` for an internal asset."""
    return dict(INTERNAL_BUCKET)
