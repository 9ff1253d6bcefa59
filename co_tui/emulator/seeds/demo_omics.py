"""Genomics assets of the demo seed."""

from __future__ import annotations

from co_tui.emulator.seeds import demo_runs as runs
from co_tui.emulator.seeds import sample_files as fmt
from co_tui.emulator.seeds import trees_misc, trees_omics
from co_tui.emulator.seeds.common import (
    ADA,
    ADMIN,
    ALAN,
    DAY,
    EMAILS,
    GRACE,
    NOW,
)
from co_tui.emulator.seeds.demo_base import (
    GRCH38,
    GRCM39,
    PBMC_COUNTS,
    RNASEQ_FASTQ,
    SCRNA,
    THAL_COUNTS,
    Spec,
    cm,
    ts,
)


def specs() -> list[Spec]:
    """Genomics: 10x counts and clustering, bulk RNA-seq, references, private and discoverable
    assets."""
    grace = EMAILS[GRACE]
    ada_email = EMAILS[ADA]
    prov = runs.provenance
    return [
        Spec(
            PBMC_COUNTS,
            ts("2025-02-14", 10),
            trees_omics.scrna_counts("pbmc10k"),
            owner=GRACE,
            kw=dict(
                mount="pbmc10k_counts",
                tags=["scrna-seq", "10x", "pbmc", "counts"],
                description="10x Chromium 3' v3, 10k PBMCs from a healthy donor.",
                shared_users=[(ada_email, "viewer")],
                shared_groups=[("genomics", "viewer")],
                custom_metadata=cm(
                    SCRNA,
                    modality="scRNA-seq",
                    species="Homo sapiens",
                    cell_count=11_769,
                    data_level="raw",
                ),
            ),
        ),
        Spec(
            "scRNA-seq PBMC 10k clustering (result)",
            ts("2025-02-18", 15),
            trees_omics.scrna_clusters("pbmc10k", "2025-02-18"),
            kw=dict(
                type="result",
                mount="pbmc10k_clusters",
                tags=["scrna-seq", "scanpy", "leiden"],
                provenance=prov("scanpy", [PBMC_COUNTS]),
                favorite_of=(ADA,),
                app_parameters=[
                    {"name": "resolution", "value": "0.8"},
                    {"name": "n_neighbors", "value": "15"},
                ],
                custom_metadata=cm(
                    SCRNA, modality="scRNA-seq", cell_count=11_204, data_level="derived"
                ),
                shared_users=[(grace, "viewer")],
                last_used=NOW - 12 * DAY,
            ),
        ),
        Spec(
            "scRNA-seq PBMC 3k tutorial",
            ts("2025-01-05", 16),
            trees_omics.scrna_counts("pbmc3k"),
            kw=dict(mount="pbmc3k", archived=True, tags=["scrna-seq", "tutorial"]),
        ),
        Spec(
            THAL_COUNTS,
            ts("2025-10-01", 10),
            trees_omics.scrna_counts("thal5k"),
            kw=dict(
                mount="thalamus5k_counts",
                tags=["scrna-seq", "thalamus", "10x"],
                custom_metadata=cm(
                    SCRNA,
                    modality="scRNA-seq",
                    species="Mus musculus",
                    genotype="wt/wt",
                    cell_count=5_120,
                ),
            ),
        ),
        Spec(
            "scRNA-seq thalamus 5k clustering (result)",
            ts("2025-10-03", 11),
            trees_omics.scrna_clusters("thal5k", "2025-10-03"),
            kw=dict(
                type="result",
                mount="thalamus5k_clusters",
                tags=["scrna-seq", "scanpy"],
                provenance=prov("scanpy-thal", [THAL_COUNTS]),
                app_parameters=[
                    {"name": "resolution", "value": "1.2"},
                    {"name": "n_neighbors", "value": "30"},
                ],
            ),
        ),
        Spec(
            "scRNA-seq cortex pilot (failed import)",
            ts("2025-11-20", 17),
            ([], []),
            kw=dict(
                state="failed",
                mount="scrna_cortex_pilot",
                tags=["scrna-seq", "pilot"],
                failure_reason=(
                    "Access denied to s3://aind-scratch-data/scrna_pilot/: the Code Ocean "
                    "role is not allowed s3:ListBucket on this bucket."
                ),
            ),
        ),
        Spec(
            RNASEQ_FASTQ,
            ts("2025-08-28", 12),
            trees_omics.rnaseq_fastq("hpc-timecourse"),
            owner=GRACE,
            kw=dict(
                mount="hpc_timecourse_fastq",
                tags=["rna-seq", "fastq", "hippocampus"],
                shared_users=[(ada_email, "owner")],
                custom_metadata=cm(
                    "Hippocampal development",
                    modality="bulk RNA-seq",
                    species="Mus musculus",
                    data_level="raw",
                ),
            ),
        ),
        Spec(
            "bulk RNA-seq hippocampus nf-core/rnaseq (result)",
            ts("2025-09-03", 8),
            trees_omics.rnaseq_results("hpc-timecourse", "2025-09-02"),
            owner=GRACE,
            kw=dict(
                type="result",
                mount="hpc_timecourse_rnaseq",
                tags=["rna-seq", "nf-core", "deseq2"],
                nextflow_profile="docker",
                provenance=prov("rnaseq", [RNASEQ_FASTQ, GRCM39]),
                shared_groups=[("neuro-lab", "viewer")],
            ),
        ),
        Spec(
            GRCH38,
            ts("2024-11-04", 9),
            (
                [
                    fmt.generated_file(f"refdata-gex-GRCh38-2020-A/{p}", size, seed=900 + i)
                    for i, (p, size) in enumerate(
                        (
                            ("fasta/genome.fa", 3_150_000_000),
                            ("genes/genes.gtf", 1_460_000_000),
                            ("star/SA", 22_400_000_000),
                            ("star/Genome", 3_300_000_000),
                        )
                    )
                ]
                + [
                    fmt.text_file(
                        "refdata-gex-GRCh38-2020-A/reference.json",
                        fmt.json_text(
                            {
                                "genomes": ["GRCh38"],
                                "mkref_version": "cellranger-7.1.0",
                                "input_fasta_files": [
                                    "Homo_sapiens.GRCh38.dna.primary_assembly.fa"
                                ],
                            }
                        ),
                    )
                ],
                [],
            ),
            owner=ADMIN,
            kw=dict(
                mount="GRCh38-2020-A",
                tags=["reference", "genome", "human"],
                everyone="viewer",
                custom_metadata=cm(
                    "Common resources", data_level="reference", species="Homo sapiens"
                ),
            ),
        ),
        Spec(
            GRCM39,
            ts("2024-11-05", 9),
            (
                [
                    fmt.generated_file(p, size, seed=950 + i)
                    for i, (p, size) in enumerate(
                        (
                            ("GRCm39.primary_assembly.genome.fa.gz", 810_000_000),
                            ("gencode.vM33.annotation.gtf.gz", 31_000_000),
                        )
                    )
                ],
                [],
            ),
            owner=ADMIN,
            kw=dict(mount="GRCm39", tags=["reference", "genome", "mouse"], everyone="viewer"),
        ),
        Spec(
            "ATAC-seq cortex nuclei peaks",
            ts("2025-07-22", 15),
            trees_misc.lab_docs(),
            owner=ALAN,
            kw=dict(
                mount="atac_cortex_peaks",
                tags=["atac-seq", "chromatin"],
                everyone="discoverable",
                description="MACS2 peaks for 12 cortical cell types. Request access.",
            ),
        ),
        Spec(
            "Visium mouse brain section A1",
            ts("2025-12-01", 10),
            trees_omics.scrna_counts("visium"),
            owner=GRACE,
            kw=dict(mount="visium_a1", tags=["visium", "spatial-transcriptomics"]),
        ),
        Spec(
            "Turing pattern simulations 2D",
            ts("2025-10-10", 12),
            trees_misc.lab_docs(),
            owner=ALAN,
            kw=dict(mount="turing_patterns", tags=["simulation", "morphogenesis"]),
        ),
    ]
