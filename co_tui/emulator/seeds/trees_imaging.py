"""File trees of light-sheet imaging assets: stitched volumes, segmentation, CCF registration."""

from __future__ import annotations

import random

from co_tui.emulator.seed_model import SeedFolderGenerator
from co_tui.emulator.seeds import sample_files as fmt
from co_tui.emulator.seeds import templates as tpl
from co_tui.emulator.seeds.trees_common import (
    REGIONS,
    MiB,
    Tree,
    code_bundle,
    metadata_files,
    run_log,
    seed_of,
)


def smartspim_stitched(name: str, date: str, *, tiles: int = 20_000) -> Tree:
    """Stitched SmartSPIM volume: the 20,000-tile folder and a 300 KB one-line JSON."""
    rng = random.Random(name)
    positions = [
        {
            "tile": f"tile_{i:05d}.tif",
            "x": (i % 160) * 1730.4,
            "y": (i // 160 % 125) * 1730.4,
            "z": round(rng.uniform(0, 9000), 1),
            "channel": 488 if i % 2 else 639,
            "score": round(rng.uniform(0.6, 1.0), 4),
        }
        for i in range(min(2600, tiles))
    ]
    files = [
        *metadata_files(name, name.split("_")[1], "SmartSPIM", date, level="derived"),
        fmt.text_file("metadata/tile_positions.min.json", fmt.json_text(positions, indent=None)),
        fmt.text_file(
            "metadata/stitching_config.yaml",
            tpl.config_yaml(
                "terastitcher",
                {
                    "resolution_um": [1.8, 1.8, 2.0],
                    "overlap_pct": 10,
                    "channels": [488, 639],
                    "algorithm": "MIPNCC",
                },
                [name],
            ),
        ),
        fmt.bytes_file("preview/MIP_Ex_488_Em_525.png", fmt.png(160, 120, seed_of(name) % 101)),
        fmt.bytes_file("preview/MIP_Ex_639_Em_667.png", fmt.png(160, 120, seed_of(name) % 103)),
        fmt.generated_file("OMEZarr/Ex_488_Em_525.zarr/0/0.0.0", 40 * MiB, seed=seed_of(name)),
        fmt.text_file(
            "OMEZarr/Ex_488_Em_525.zarr/.zattrs",
            fmt.json_text(
                {
                    "multiscales": [
                        {
                            "version": "0.4",
                            "axes": [
                                {"name": a, "type": "space", "unit": "micrometer"}
                                for a in ("z", "y", "x")
                            ],
                            "datasets": [
                                {
                                    "path": str(i),
                                    "coordinateTransformations": [
                                        {
                                            "type": "scale",
                                            "scale": [2.0 * 2**i, 1.8 * 2**i, 1.8 * 2**i],
                                        }
                                    ],
                                }
                                for i in range(5)
                            ],
                        }
                    ]
                }
            ),
        ),
        fmt.bytes_file(
            "OMEZarr/Ex_488_Em_525.zarr/0/.zarray",
            fmt.json_text(
                {
                    "chunks": [128, 256, 256],
                    "dtype": "<u2",
                    "shape": [4512, 12288, 10240],
                    "compressor": {"id": "blosc", "cname": "zstd", "clevel": 1},
                }
            ).encode(),
        ),
        run_log(date, name),
    ]
    gens = [SeedFolderGenerator("tiles", tiles, 48 * 1024, "tile_{i:05d}.tif", "random")]
    return files, gens


def smartspim_cells(name: str, date: str) -> Tree:
    """Cell segmentation (Cellpose) of a stitched volume."""
    files = [
        *code_bundle("segmentation", "segmentation"),
        fmt.text_file(
            "data/cell_centroids.csv",
            fmt.table(
                ("cell_id", "x_um", "y_um", "z_um", "volume_um3", "channel", "region"),
                400,
                lambda r, i: (
                    i,
                    round(r.uniform(0, 11000), 1),
                    round(r.uniform(0, 8000), 1),
                    round(r.uniform(0, 9000), 1),
                    round(r.uniform(80, 900), 1),
                    r.choice((488, 639)),
                    r.choice(REGIONS),
                ),
                seed=name + "cells",
            ),
        ),
        fmt.bytes_file("data/cells.parquet", fmt.parquet_like(40 * 1024, name + "parquet")),
        fmt.bytes_file("figures/density_sagittal.png", fmt.png(128, 80, seed_of(name) % 83)),
        fmt.text_file(
            "config.yaml",
            tpl.config_yaml(
                "cellpose-segmentation",
                {"diameter": 12.0, "model": "nuclei", "gpu": True, "flow_threshold": 0.4},
                [name],
            ),
        ),
        run_log(date, name + "seg"),
    ]
    return files, []


def ccf_registration(name: str, date: str) -> Tree:
    """Registration of a stitched volume to the Allen CCF."""
    files = [
        *code_bundle("registration", "registration"),
        fmt.generated_file("registered_25um.nii.gz", 52 * MiB, seed=seed_of(name)),
        fmt.generated_file("transform_0.nii.gz", 210 * MiB, seed=seed_of(name) + 1),
        fmt.text_file(
            "transform_1.mat",
            "#Insight Transform File V1.0\n#Transform 0\n"
            "Transform: AffineTransform_double_3_3\nParameters: 0.998 0.012 -0.004 "
            "-0.011 1.002 0.021 0.003 -0.019 0.997 12.4 -8.1 3.3\n"
            "FixedParameters: 228 160 264\n",
        ),
        fmt.text_file(
            "registration_metrics.json",
            fmt.json_text(
                {
                    "dice_by_structure": {
                        r: round(random.Random(name + r).uniform(0.72, 0.95), 3) for r in REGIONS
                    },
                    "mattes_mi": -0.4412,
                }
            ),
        ),
        fmt.bytes_file("figures/overlay_coronal_z228.png", fmt.png(120, 90, seed_of(name) % 79)),
        run_log(date, name + "reg"),
    ]
    return files, []


def ccf_atlas() -> Tree:
    """The Allen CCF v3 reference volumes and structure tree."""
    files = [
        fmt.text_file(
            "README.md",
            tpl.readme(
                "Allen Mouse Brain Common Coordinate Framework v3 (25 µm)",
                "Annotation and average-template volumes at 25 µm isotropic resolution, with the "
                "structure ontology. Mount it at `/data/allen_ccf_25um`.",
                inputs=[("Allen Institute", "CCFv3 2017 release")],
                outputs=[
                    ("annotation_25.nrrd", "NRRD", "structure id per voxel"),
                    ("average_template_25.nii.gz", "NIfTI", "population average"),
                    ("structure_tree_safe_2017.csv", "CSV", "ontology"),
                ],
                command="aws s3 sync s3://allen-brain-atlas/ccf_2017/ ./ --no-sign-request",
            ),
        ),
        fmt.generated_file("annotation_25.nrrd", 308 * MiB, seed=251),
        fmt.generated_file("average_template_25.nii.gz", 33 * MiB, seed=252),
        fmt.text_file(
            "structure_tree_safe_2017.csv",
            fmt.table(
                ("id", "acronym", "name", "parent_structure_id", "depth", "color_hex_triplet"),
                300,
                lambda r, i: (
                    i + 1,
                    REGIONS[i % len(REGIONS)] + (str(i // len(REGIONS)) if i >= 12 else ""),
                    f"Structure {i + 1}",
                    max(0, i // 4),
                    i % 9,
                    f"{r.getrandbits(24):06X}",
                ),
                seed="ccf-tree",
            ),
        ),
    ]
    return files, []
