"""File trees of genomics and fMRI assets: 10x counts, Scanpy, bulk RNA-seq, BIDS, fMRIPrep."""

from __future__ import annotations

import random

from co_tui.emulator.seeds import sample_files as fmt
from co_tui.emulator.seeds import templates as tpl
from co_tui.emulator.seeds.trees_common import (
    MiB,
    Tree,
    code_bundle,
    epoch,
    explore_notebook,
    run_log,
    seed_of,
)


def scrna_counts(name: str) -> Tree:
    """Cell Ranger output with real gzip-compressed matrix files."""
    rng = random.Random(name)
    bases = fmt.pseudo_random(1200 * 16, name + "barcodes").translate(
        bytes(b"ACGT"[i & 3] for i in range(256))
    )
    barcodes = "".join(bases[i : i + 16].decode("ascii") + "-1\n" for i in range(0, len(bases), 16))
    genes = "".join(
        f"ENSG{rng.randrange(10**10):011d}\tGENE{i}\tGene Expression\n" for i in range(800)
    )
    entries = [
        (rng.randrange(1, 801), rng.randrange(1, 1201), rng.randrange(1, 40)) for _ in range(4000)
    ]
    mtx = "%%MatrixMarket matrix coordinate integer general\n%metadata_json: {}\n" + (
        f"800 1200 {len(entries)}\n" + "".join(f"{g} {c} {v}\n" for g, c, v in entries)
    )
    base = "outs/filtered_feature_bc_matrix"
    files = [
        fmt.bytes_file(f"{base}/barcodes.tsv.gz", fmt.gzip_bytes(barcodes)),
        fmt.bytes_file(f"{base}/features.tsv.gz", fmt.gzip_bytes(genes)),
        fmt.bytes_file(f"{base}/matrix.mtx.gz", fmt.gzip_bytes(mtx)),
        fmt.text_file(
            "outs/metrics_summary.csv",
            '"Estimated Number of Cells","Mean Reads per Cell","Median Genes per Cell",'
            '"Sequencing Saturation"\n"11,769","54,036","1,732","71.2%"\n',
        ),
        fmt.text_file(
            "outs/web_summary.html",
            "<!doctype html>\n<html><head><title>10k PBMCs</title></head><body>\n"
            "<h1>10k PBMCs from a healthy donor</h1>\n<p>Estimated cells: 11,769</p>\n"
            "</body></html>\n",
        ),
        fmt.bytes_file("outs/molecule_info.h5", fmt.hdf5_like(64 * 1024, name + "mol")),
        fmt.generated_file("outs/possorted_genome_bam.bam", 420 * MiB, seed=seed_of(name)),
        fmt.text_file(
            "metadata.json",
            fmt.json_text(
                {
                    "chemistry": "Single Cell 3' v3",
                    "reference": "GRCh38-2020-A",
                    "pipeline": {"name": "cellranger", "version": "7.1.0"},
                    "sample": {
                        "donor": "healthy",
                        "tissue": "peripheral blood",
                        "cells_loaded": 16000,
                    },
                }
            ),
        ),
    ]
    return files, []


def scrna_clusters(name: str, date: str) -> Tree:
    """Scanpy clustering results with a notebook."""
    files = [
        *code_bundle("scanpy", "clustering"),
        fmt.bytes_file("pbmc10k_clustered.h5ad", fmt.hdf5_like(80 * 1024, name)),
        fmt.text_file(
            "data/cluster_markers.csv",
            fmt.table(
                ("cluster", "gene", "logfoldchange", "pval_adj", "pct_in", "pct_out"),
                240,
                lambda r, i: (
                    i // 24,
                    r.choice(
                        (
                            "CD3E",
                            "MS4A1",
                            "NKG7",
                            "LYZ",
                            "CD14",
                            "FCGR3A",
                            "PPBP",
                            "CD8A",
                            "IL7R",
                            "GNLY",
                        )
                    ),
                    round(r.uniform(1, 6), 3),
                    f"{r.uniform(1e-300, 1e-5):.2e}",
                    round(r.uniform(0.4, 1), 3),
                    round(r.uniform(0, 0.4), 3),
                ),
                seed=name,
            ),
        ),
        fmt.text_file(
            "notebooks/explore.ipynb",
            explore_notebook("PBMC 10k clusters", "../data/cluster_markers.csv", 7),
        ),
        fmt.bytes_file("figures/umap_leiden.png", fmt.png(128, 128, 17)),
        run_log(date, name),
    ]
    return files, []


def rnaseq_fastq(name: str) -> Tree:
    """Bulk RNA-seq FASTQ files with a sample sheet."""
    rng = random.Random(name)
    samples = [
        f"HPC_{tp}_{sex}{rep}"
        for tp in ("P7", "P14", "P28", "P56")
        for sex in "MF"
        for rep in (1, 2)
    ]
    files = [
        fmt.text_file(
            "samplesheet.csv",
            "sample,fastq_1,fastq_2,strandedness,timepoint,sex\n"
            + "".join(
                f"{s},fastq/{s}_R1.fastq.gz,fastq/{s}_R2.fastq.gz,reverse,{s.split('_')[1]},"
                f"{s.split('_')[2][0]}\n"
                for s in samples
            ),
        ),
        fmt.text_file(
            "md5sums.txt",
            "".join(
                f"{rng.getrandbits(128):032x}  fastq/{s}_R{r}.fastq.gz\n"
                for s in samples
                for r in (1, 2)
            ),
        ),
    ]
    files += [
        fmt.generated_file(
            f"fastq/{s}_R{r}.fastq.gz", rng.randrange(900, 1900) * MiB, seed=seed_of(s + str(r))
        )
        for s in samples
        for r in (1, 2)
    ]
    return files, []


def rnaseq_results(name: str, date: str) -> Tree:
    """nf-core/rnaseq output plus a DESeq2 analysis in R."""
    files = [
        fmt.text_file("code/analysis.R", tpl.ANALYSIS_R_DESEQ),
        fmt.text_file("code/run", tpl.run_sh("Rscript analysis.R")),
        fmt.text_file(
            "star_salmon/salmon.merged.gene_counts.tsv",
            fmt.table(
                (
                    "gene_id",
                    "gene_name",
                    *(
                        f"HPC_{t}_{s}{r}"
                        for t in ("P7", "P14", "P28", "P56")
                        for s in "MF"
                        for r in (1, 2)
                    ),
                ),
                350,
                lambda r, i: (
                    f"ENSMUSG{i * 1301:011d}",
                    f"Gm{i}",
                    *(round(r.lognormvariate(5, 2), 2) for _ in range(16)),
                ),
                seed=name,
                sep="\t",
            ),
        ),
        fmt.text_file(
            "deseq2/deseq2_P28_vs_P7.csv",
            fmt.table(
                ("gene_id", "baseMean", "log2FoldChange", "lfcSE", "pvalue", "padj"),
                300,
                lambda r, i: (
                    f"ENSMUSG{i * 1301:011d}",
                    round(r.lognormvariate(5, 2), 2),
                    round(r.gauss(0, 1.5), 3),
                    round(r.uniform(0.05, 0.6), 3),
                    f"{r.uniform(0, 1) ** 4:.3e}",
                    f"{r.uniform(0, 1) ** 3:.3e}",
                ),
                seed=name + "de",
            ),
        ),
        fmt.bytes_file("deseq2/pca_timepoint.png", fmt.png(120, 80, 5)),
        fmt.text_file(
            "multiqc/multiqc_report.html",
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            "<title>MultiQC Report</title></head>\n<body><h1>MultiQC v1.21</h1>\n"
            "<p>16 samples, 0 failed.</p></body></html>\n",
        ),
        fmt.text_file(
            "pipeline_info/nextflow.log",
            fmt.log_lines(
                epoch(2025, 9, 2) + 3600,
                [
                    "INFO  nextflow.cli.Launcher - N E X T F L O W  ~  version 23.10.1",
                    "INFO  nextflow.Session - Session UUID: 5c0f1b8e-9c1d-4c8e-a0b4-3c1f0c5e7d21",
                    "INFO  nextflow.processor.TaskProcessor - [{n:x}/abc123] Submitted process > "
                    "NFCORE_RNASEQ:RNASEQ:FASTQ_QC_TRIM_FILTER_SETSTRANDEDNESS:FASTQC ({i})",
                    "INFO  nextflow.processor.TaskProcessor - [{n:x}/def456] Submitted process > "
                    "NFCORE_RNASEQ:RNASEQ:QUANTIFY_STAR_SALMON:SALMON_QUANT ({i})",
                    "DEBUG nextflow.executor.GridTaskHandler - Task completed in {x:.1f} s",
                ],
                seed=name,
                lines=150,
            ),
        ),
        fmt.bytes_file(
            "pipeline_info/software_versions.zip",
            fmt.zip_bytes(
                {
                    "software_versions.yml": (
                        "FASTQC:\n  fastqc: 0.12.1\nSALMON_QUANT:\n  salmon: 1.10.1\n"
                        "STAR_ALIGN:\n  star: 2.7.10a\n"
                    ),
                    "params.json": fmt.json_text(
                        {"aligner": "star_salmon", "genome": "GRCm39", "profile": "docker"}
                    ),
                }
            ),
        ),
        run_log(date, name),
    ]
    return files, []


# --------------------------------------------------------------------------------------------

# fMRI


def fmri_bids(name: str, subjects: int = 6) -> Tree:
    """A BIDS dataset."""
    files = [
        fmt.text_file(
            "dataset_description.json",
            fmt.json_text(
                {
                    "Name": name,
                    "BIDSVersion": "1.9.0",
                    "DatasetType": "raw",
                    "License": "CC0",
                    "Authors": ["Ada Lovelace", "Alan Turing"],
                }
            ),
        ),
        fmt.text_file(
            "participants.tsv",
            "participant_id\tage\tsex\tgroup\n"
            + "".join(
                f"sub-{i:02d}\t{20 + i * 3}\t{'MF'[i % 2]}\t{'control' if i % 3 else 'patient'}\n"
                for i in range(1, subjects + 1)
            ),
        ),
        fmt.text_file("README", f"{name}\n\nResting-state fMRI, 3T Siemens Prisma, TR=0.8 s.\n"),
        fmt.text_file(
            "CHANGES",
            "1.0.1 2025-06-02\n  - fixed sub-03 slice timing\n"
            "1.0.0 2025-05-20\n  - initial release\n",
        ),
        fmt.text_file(
            "task-rest_bold.json",
            fmt.json_text(
                {
                    "RepetitionTime": 0.8,
                    "TaskName": "rest",
                    "MultibandAccelerationFactor": 8,
                    "SliceTiming": [round(i * 0.0975 % 0.8, 4) for i in range(16)],
                }
            ),
        ),
    ]
    for i in range(1, subjects + 1):
        sub = f"sub-{i:02d}"
        files += [
            fmt.generated_file(f"{sub}/anat/{sub}_T1w.nii.gz", (14 + i) * MiB, seed=600 + i),
            fmt.generated_file(
                f"{sub}/func/{sub}_task-rest_bold.nii.gz", (180 + 7 * i) * MiB, seed=700 + i
            ),
            fmt.text_file(
                f"{sub}/func/{sub}_task-rest_events.tsv",
                "onset\tduration\ttrial_type\n0.0\t480.0\trest\n",
            ),
        ]
    return files, []


def fmri_derivatives(name: str, date: str) -> Tree:
    """fMRIPrep derivatives."""
    files = [
        fmt.text_file(
            "dataset_description.json",
            fmt.json_text(
                {
                    "Name": "fMRIPrep - fMRI PREProcessing workflow",
                    "BIDSVersion": "1.9.0",
                    "DatasetType": "derivative",
                    "GeneratedBy": [{"Name": "fMRIPrep", "Version": "23.2.1"}],
                }
            ),
        )
    ]
    for i in range(1, 4):
        sub = f"sub-{i:02d}"
        files += [
            fmt.text_file(
                f"{sub}/func/{sub}_task-rest_desc-confounds_timeseries.tsv",
                fmt.table(
                    (
                        "global_signal",
                        "csf",
                        "white_matter",
                        "framewise_displacement",
                        "trans_x",
                        "trans_y",
                        "trans_z",
                        "rot_x",
                        "rot_y",
                        "rot_z",
                    ),
                    200,
                    lambda r, _: tuple(round(r.gauss(0, 0.3), 5) for _ in range(10)),
                    seed=name + sub,
                    sep="\t",
                ),
            ),
            fmt.generated_file(
                f"{sub}/func/{sub}_task-rest_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz",
                (240 + i) * MiB,
                seed=800 + i,
            ),
            fmt.text_file(
                f"{sub}.html", f"<html><body><h1>{sub}</h1><p>No errors.</p></body></html>\n"
            ),
        ]
    files.append(run_log(date, name))
    return files, []
