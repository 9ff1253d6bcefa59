"""Capsules, pipelines and computations of the demo seed, and the provenance that points at them.

Provenance is written by name (``provenance("qc", [input asset names])``) while the assets are
declared; :func:`build` then creates the capsules and computations those names stand for, with
ids that match.
"""

from __future__ import annotations

import hashlib
from typing import Any

from co_tui.emulator.seed_model import SeedAsset, SeedCapsule, SeedComputation, SeedFile
from co_tui.emulator.seeds import demo_base as d
from co_tui.emulator.seeds import sample_files as fmt
from co_tui.emulator.seeds import trees_common, trees_ephys
from co_tui.emulator.seeds.common import (
    ADA,
    ALAN,
    DAY,
    EMAILS,
    GRACE,
    NOW,
    ROSALIND,
    stable_id,
)

# Provenance key -> the capsule that produced the result (capsule-sourced results) ...
_CAPSULE_SOURCES = {
    "preprocess": "pre",
    "qc": "qc",
    "sort": "sort",
    "segment": "seg",
    "register": "reg",
    "scanpy-thal": "scanpy",
}
# ... or -> (capsule/pipeline key, is a pipeline) for computation-sourced results.
_COMPUTATION_SOURCES = {
    "ephys-pipeline-661398": ("pipe-ephys", True),
    "sort-664484": ("sort", False),
    "fusion-failed": ("reg", False),
    "scanpy": ("scanpy", False),
    "rnaseq": ("pipe-rnaseq", True),
}


def capsule_id(key: str) -> str:
    """Id of the demo capsule or pipeline with this key."""
    return stable_id("capsule", key)


def computation_id(key: str) -> str:
    """Id of the demo computation with this key."""
    return stable_id("computation", key)


def _commit(key: str) -> str:
    return hashlib.sha1(f"commit:{key}".encode()).hexdigest()


def provenance(key: str, inputs: list[str]) -> dict[str, Any]:
    """The ``provenance`` of a result produced by run ``key`` from the named input assets."""
    doc: dict[str, Any] = {}
    if key in _CAPSULE_SOURCES:
        cap = _CAPSULE_SOURCES[key]
        doc["capsule"] = capsule_id(cap)
        run_script = "code/run"
    else:
        cap, is_pipeline = _COMPUTATION_SOURCES[key]
        doc["computation"] = computation_id(key)
        run_script = "main.nf" if is_pipeline else "code/run"
    commit = _commit(cap)
    doc.update(
        commit=commit,
        run_script=run_script,
        docker_image=f"registry.codeocean.com/capsule/{capsule_id(cap)}:{commit[:12]}",
        data_assets=[d.asset_id(n) for n in inputs],
    )
    return doc


def _attached(assets: dict[str, SeedAsset], *names: str) -> list[tuple[str, str]]:
    return [(assets[n].id, assets[n].mount) for n in names]


def _capsules(a: dict[str, SeedAsset]) -> list[SeedCapsule]:
    ada, grace, alan = EMAILS[ADA], EMAILS[GRACE], EMAILS[ALAN]
    day = DAY
    return [
        SeedCapsule(
            capsule_id("pre"),
            "Ephys preprocessing (SpikeInterface)",
            ADA,
            NOW - 420 * day,
            "4214318",
            status="release",
            description="Phase shift, high-pass filter, bad-channel detection and CMR.",
            tags=["ecephys", "spikeinterface", "preprocessing"],
            attached=_attached(a, d.RAW_661),
            shared_users=[(grace, "owner")],
        ),
        SeedCapsule(
            capsule_id("sort"),
            "Kilosort4 spike sorting",
            GRACE,
            NOW - 400 * day,
            "7751204",
            description="Kilosort 4 with SpikeInterface wrappers, GPU.",
            tags=["ecephys", "kilosort4", "spike-sorting"],
            attached=_attached(a, d.PRE_661),
            shared_users=[(ada, "owner")],
        ),
        SeedCapsule(
            capsule_id("qc"),
            "Unit QC and curation",
            ADA,
            NOW - 380 * day,
            "9023345",
            description="Quality metrics and default curation labels for sorted units.",
            tags=["ecephys", "qc"],
            attached=_attached(a, d.SORT_661, d.RAW_661),
            shared_users=[(alan, "viewer")],
        ),
        SeedCapsule(
            capsule_id("scanpy"),
            "Scanpy clustering (10x)",
            GRACE,
            NOW - 390 * day,
            "3368720",
            status="release",
            description="QC, normalisation, Leiden clustering and UMAP for 10x data.",
            tags=["scrna-seq", "scanpy"],
            attached=_attached(a, d.PBMC_COUNTS, d.GRCH38),
            shared_users=[(ada, "viewer"), (alan, "viewer")],
            everyone="viewer",
        ),
        SeedCapsule(
            capsule_id("seg"),
            "SmartSPIM cell segmentation (Cellpose)",
            ADA,
            NOW - 360 * day,
            "5580913",
            description="Nuclei segmentation of stitched light-sheet tiles.",
            tags=["smartspim", "cellpose"],
            attached=_attached(a, d.STITCHED_695, "Cellpose nuclei SmartSPIM v2"),
        ),
        SeedCapsule(
            capsule_id("reg"),
            "Light-sheet fusion and CCF registration (ANTs)",
            ROSALIND,
            NOW - 350 * day,
            "6102887",
            description="Fuses exaSPIM/SmartSPIM tiles and registers them to CCFv3.",
            tags=["light-sheet", "registration", "ccf"],
            attached=_attached(a, d.STITCHED_695, d.CCF),
            shared_users=[(ada, "owner")],
        ),
        SeedCapsule(
            capsule_id("pipe-ephys"),
            "AIND ephys pipeline (Kilosort4)",
            ADA,
            NOW - 370 * day,
            "8510735",
            kind="pipeline",
            status="release",
            description="Nextflow pipeline: preprocessing, sorting, postprocessing, QC.",
            tags=["ecephys", "pipeline", "nextflow"],
            attached=_attached(a, d.RAW_661, f"{d.S662} raw", f"{d.S670} raw"),
            shared_users=[(grace, "owner")],
        ),
        SeedCapsule(
            capsule_id("pipe-rnaseq"),
            "nf-core/rnaseq 3.14",
            GRACE,
            NOW - 300 * day,
            "2297456",
            kind="pipeline",
            description="nf-core/rnaseq 3.14.0 with STAR + Salmon.",
            tags=["rna-seq", "nf-core", "pipeline"],
            attached=_attached(a, d.RNASEQ_FASTQ, d.GRCM39),
            shared_users=[(ada, "viewer")],
        ),
    ]


def _param(name: str, value: str) -> dict[str, Any]:
    return {"name": name, "param_name": name, "value": value}


def _computations(a: dict[str, SeedAsset]) -> list[SeedComputation]:
    def inputs(*names: str) -> list[tuple[str, str]]:
        return _attached(a, *names)

    qc_files, _ = trees_ephys.ecephys_qc(d.S664, "2026-02-28")
    oom_log = fmt.text_file(
        "logs/run_2025-06-20.log",
        fmt.log_lines(
            trees_common.epoch(2025, 6, 20) + 20 * 3600,
            [
                "INFO fusion: loading tile {i} of 1880",
                "INFO fusion: blending with cosine weights, chunk {n}",
                "WARNING fusion: memory usage at {x:.0f}% of 244 GiB",
            ],
            seed="fusion",
            lines=60,
        )
        + "2025-06-21 07:12:44,118 ERROR run: process killed (signal 9, out of memory) "
        "while fusing tile 412\n",
    )
    workstation_files: list[SeedFile] = [
        fmt.text_file(
            "code/thalamus_subset.ipynb",
            trees_common.explore_notebook(
                "Thalamus subset", "../data/thalamus5k_counts/outs/metrics_summary.csv", 23
            ),
        ),
        fmt.bytes_file("results/thalamus_subset.h5ad", fmt.hdf5_like(40 * 1024, "ws-subset")),
        fmt.text_file(
            "results/marker_genes.csv",
            "gene,cluster,score\nTcf7l2,0,12.4\nPrkcd,1,9.8\nPvalb,2,8.1\n",
        ),
    ]
    return [
        SeedComputation(
            computation_id("ephys-pipeline-661398"),
            "Run 3 - AIND ephys pipeline",
            ADA,
            d.ts("2025-03-24", 8),
            pipeline_id=capsule_id("pipe-ephys"),
            run_time=6 * 3600 + 812,
            data_assets=inputs(d.PRE_661),
            parameters=[_param("sorter", "kilosort4"), _param("n_jobs", "16")],
            nextflow_profile="aws_batch",
            results=list(a[d.SORT_661].files),
        ),
        SeedComputation(
            computation_id("sort-664484"),
            "Run 12 - Kilosort4 spike sorting",
            ADA,
            d.ts("2025-05-12", 6),
            capsule_id=capsule_id("sort"),
            run_time=3 * 3600 + 95,
            data_assets=inputs(f"{d.S664} raw"),
            parameters=[_param("th_universal", "9"), _param("th_learned", "8")],
            results=list(a[d.SORT_664].files),
        ),
        SeedComputation(
            computation_id("fusion-failed"),
            "Run 4 - Light-sheet fusion",
            ADA,
            d.ts("2025-06-20", 20),
            capsule_id=capsule_id("reg"),
            run_time=11 * 3600 + 2404,
            state="failed",
            end_status="failed",
            exit_code=137,
            data_assets=inputs(f"{d.EXA} raw"),
            parameters=[_param("chunk_size", "512")],
            results=[oom_log],
        ),
        SeedComputation(
            computation_id("scanpy"),
            "Run 2 - Scanpy clustering (10x)",
            ADA,
            d.ts("2025-02-18", 13),
            capsule_id=capsule_id("scanpy"),
            run_time=1840,
            data_assets=inputs(d.PBMC_COUNTS),
            parameters=[
                _param("resolution", "0.8"),
                _param("n_neighbors", "15"),
                _param("n_top_genes", "2000"),
            ],
            results=list(a["scRNA-seq PBMC 10k clustering (result)"].files),
        ),
        SeedComputation(
            computation_id("rnaseq"),
            "Run 1 - nf-core/rnaseq 3.14",
            GRACE,
            d.ts("2025-09-02", 7),
            pipeline_id=capsule_id("pipe-rnaseq"),
            run_time=14 * 3600,
            data_assets=inputs(d.RNASEQ_FASTQ, d.GRCM39),
            parameters=[_param("aligner", "star_salmon"), _param("genome", "GRCm39")],
            nextflow_profile="docker",
            results=list(a["bulk RNA-seq hippocampus nf-core/rnaseq (result)"].files),
        ),
        SeedComputation(
            computation_id("qc-recent"),
            "Run 7 - Unit QC and curation",
            ADA,
            NOW - 2 * DAY,
            capsule_id=capsule_id("qc"),
            run_time=2710,
            data_assets=inputs(d.SORT_664),
            parameters=[_param("min_spikes", "100")],
            results=qc_files,
        ),
        SeedComputation(
            computation_id("sort-stopped"),
            "Run 13 - Kilosort4 spike sorting",
            ADA,
            NOW - 9 * DAY,
            capsule_id=capsule_id("sort"),
            run_time=611,
            end_status="stopped",
            exit_code=143,
            has_results=False,
            data_assets=inputs(f"{d.S667} raw"),
        ),
        SeedComputation(
            computation_id("sort-running"),
            "Run 14 - Kilosort4 spike sorting",
            ADA,
            NOW - 2 * 3600,
            capsule_id=capsule_id("sort"),
            run_time=2 * 3600,
            state="running",
            end_status=None,
            exit_code=None,
            has_results=False,
            data_assets=inputs(f"{d.S670} raw"),
            parameters=[_param("th_universal", "9"), _param("th_learned", "8")],
        ),
        SeedComputation(
            computation_id("workstation"),
            "Cloud Workstation - JupyterLab",
            ADA,
            NOW - 3 * 3600,
            capsule_id=capsule_id("scanpy"),
            run_time=3 * 3600,
            state="running",
            end_status=None,
            exit_code=None,
            has_results=False,
            cloud_workstation=True,
            data_assets=inputs(d.THAL_COUNTS),
            results=workstation_files,
        ),
    ]


def build(assets: list[SeedAsset]) -> tuple[list[SeedCapsule], list[SeedComputation]]:
    """The demo's capsules/pipelines and computations, attached to ``assets``."""
    by_name = {asset.name: asset for asset in assets}
    return _capsules(by_name), _computations(by_name)
