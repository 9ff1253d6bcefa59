"""Light-sheet imaging assets of the demo seed."""

from __future__ import annotations

from co_tui.emulator.seeds import demo_runs as runs
from co_tui.emulator.seeds import trees_imaging, trees_misc
from co_tui.emulator.seeds.common import (
    ADA,
    DAY,
    EMAILS,
    NOW,
    ROSALIND,
)
from co_tui.emulator.seeds.demo_base import (
    CCF,
    EXA,
    SPIM,
    SPIM693,
    SPIM695,
    STITCHED_695,
    Spec,
    cm,
    ts,
)


def specs() -> list[Spec]:
    """Light-sheet imaging: external raw data, the 20,000-tile stitched volume, derived results."""
    ada_email = EMAILS[ADA]
    prov = runs.provenance
    return [
        Spec(
            f"{SPIM695} raw",
            ts("2025-01-08", 11),
            None,
            kw=dict(
                mount=SPIM695,
                tags=["smartspim", "light-sheet", "raw", "external"],
                description=(
                    "Cleared whole brain, 3 channels (488/561/639 nm), 1.8 x 1.8 x 2 µm voxels.\n\n"
                    "Stays in s3://aind-open-data: files are not copied into Code Ocean."
                ),
                source_bucket={
                    "origin": "aws",
                    "bucket": "aind-open-data",
                    "prefix": SPIM695,
                    "external": True,
                },
                size_override=2_734_112_480_256,
                files_override=96_012,
                custom_metadata=cm(
                    SPIM,
                    modality="SmartSPIM",
                    subject_id="695464",
                    session_date=ts("2023-10-18", 0),
                    data_level="raw",
                    species="Mus musculus",
                    temperature_c=21.5,
                ),
                shared_groups=[("imaging-core", "viewer")],
            ),
        ),
        Spec(
            STITCHED_695,
            ts("2025-01-20", 15),
            trees_imaging.smartspim_stitched(SPIM695, "2025-01-20"),
            kw=dict(
                mount="SmartSPIM_695464_stitched",
                description="TeraStitcher output: 20,000 fused tiles plus OME-Zarr pyramids.",
                tags=["smartspim", "stitched", "ome-zarr"],
                favorite_of=(ADA,),
                custom_metadata=cm(
                    SPIM, modality="SmartSPIM", subject_id="695464", data_level="derived"
                ),
                shared_groups=[("imaging-core", "viewer")],
                last_used=NOW - 6 * DAY,
            ),
        ),
        Spec(
            "SmartSPIM_695464 cell segmentation (result)",
            ts("2025-02-02", 10),
            trees_imaging.smartspim_cells("SmartSPIM_695464", "2025-02-02"),
            kw=dict(
                type="result",
                mount="SmartSPIM_695464_cells",
                tags=["smartspim", "cellpose"],
                provenance=prov("segment", [STITCHED_695]),
                custom_metadata=cm(
                    SPIM,
                    modality="SmartSPIM",
                    subject_id="695464",
                    data_level="derived",
                    cell_count=1_873_402,
                ),
            ),
        ),
        Spec(
            "SmartSPIM_695464 CCF registration (result)",
            ts("2025-02-05", 14),
            trees_imaging.ccf_registration("SmartSPIM_695464", "2025-02-05"),
            kw=dict(
                type="result",
                mount="SmartSPIM_695464_ccf",
                tags=["smartspim", "registration", "ccf"],
                provenance=prov("register", [STITCHED_695, CCF]),
                favorite_of=(ADA,),
            ),
        ),
        Spec(
            CCF,
            ts("2025-01-02", 8),
            trees_imaging.ccf_atlas(),
            owner=ROSALIND,
            kw=dict(
                mount="allen_ccf_25um",
                tags=["reference", "atlas", "ccf"],
                everyone="viewer",
                favorite_of=(ADA, ROSALIND),
                custom_metadata=cm(
                    "Common resources",
                    data_level="reference",
                    species="Mus musculus",
                    institution="Allen Institute",
                ),
                description="Allen Mouse Brain CCFv3 (2017), 25 µm annotation and template.",
            ),
        ),
        Spec(
            "SmartSPIM_701772_2025-02-10 raw (uploading)",
            NOW - 2400,
            ([], []),
            kw=dict(
                state="draft",
                mount="SmartSPIM_701772_2025-02-10",
                tags=["smartspim", "raw"],
                description="",
            ),
        ),
        Spec(
            f"{EXA} raw",
            ts("2025-06-15", 9),
            None,
            kw=dict(
                mount=EXA,
                tags=["exaspim", "light-sheet", "raw", "external"],
                source_bucket={
                    "origin": "aws",
                    "bucket": "aind-open-data",
                    "prefix": EXA,
                    "external": True,
                },
                size_override=41_203_998_113_792,
                files_override=1_880,
                custom_metadata=cm(SPIM, modality="exaSPIM", subject_id="653158", data_level="raw"),
            ),
        ),
        Spec(
            "exaSPIM_653158 fusion (result)",
            ts("2025-06-20", 22),
            ([], []),
            kw=dict(
                type="result",
                state="failed",
                mount="exaSPIM_653158_fused",
                tags=["exaspim", "fusion"],
                provenance=prov("fusion-failed", [f"{EXA} raw"]),
                failure_reason=(
                    "Computation failed: the run was killed after exceeding its memory "
                    "limit (exit code 137) while fusing tile 412 of 1880."
                ),
            ),
        ),
        Spec(
            "SmartSPIM_695464 stitched v0 (bad alignment)",
            ts("2025-01-12", 10),
            trees_imaging.smartspim_stitched(SPIM695, "2025-01-12", tiles=300),
            kw=dict(
                mount="SmartSPIM_695464_stitched_v0",
                archived=True,
                tags=["smartspim", "stitched", "superseded"],
                description="Wrong overlap (5%); see the stitched asset for the fixed run.",
            ),
        ),
        Spec(
            f"{SPIM693} raw",
            ts("2024-12-02", 10),
            trees_imaging.smartspim_stitched(SPIM693, "2024-12-02", tiles=1_200),
            kw=dict(
                mount=SPIM693,
                tags=["smartspim", "raw"],
                custom_metadata=cm(
                    SPIM,
                    modality="SmartSPIM",
                    subject_id="693124",
                    data_level="raw",
                    temperature_c=21.0,
                ),
            ),
        ),
        Spec(
            "SmartSPIM_693124 cell segmentation (result)",
            ts("2024-12-20", 16),
            trees_imaging.smartspim_cells("SmartSPIM_693124", "2024-12-20"),
            kw=dict(
                type="result",
                mount="SmartSPIM_693124_cells",
                tags=["smartspim", "cellpose"],
                provenance=prov("segment", [f"{SPIM693} raw"]),
            ),
        ),
        Spec(
            "Cellpose nuclei SmartSPIM v2",
            ts("2025-11-05", 10),
            trees_misc.cellpose_model("cellpose-v2"),
            owner=ROSALIND,
            kw=dict(
                type="model",
                mount="cellpose_nuclei_smartspim_v2",
                tags=["model", "cellpose", "segmentation"],
                shared_groups=[("imaging-core", "owner")],
            ),
        ),
        Spec(
            "MERFISH mouse cortex section 12",
            ts("2025-08-14", 13),
            trees_imaging.smartspim_cells("MERFISH_s12", "2025-08-14"),
            owner=ROSALIND,
            kw=dict(
                mount="merfish_cortex_s12",
                tags=["merfish", "spatial-transcriptomics"],
                shared_users=[(ada_email, "viewer")],
                custom_metadata=cm(
                    SPIM, modality="MERFISH", species="Mus musculus", cell_count=84_211
                ),
            ),
        ),
        Spec(
            "light-sheet calibration beads 2025",
            ts("2025-04-01", 9),
            trees_imaging.smartspim_cells("beads", "2025-04-01"),
            owner=ROSALIND,
            kw=dict(
                mount="calibration_beads",
                tags=["smartspim", "calibration"],
                shared_groups=[("imaging-core", "viewer")],
            ),
        ),
        Spec(
            "exaSPIM tile overlap study",
            ts("2025-09-09", 9),
            trees_misc.lab_docs(),
            owner=ROSALIND,
            kw=dict(
                mount="exaspim_overlap",
                tags=["exaspim", "methods"],
                description="Draft methods study; ask Rosalind for access.",
                shared_groups=[("imaging-core", "discoverable")],
            ),
        ),
    ]
