"""Shared vocabulary of the demo seed: the asset spec record, timestamps, custom-metadata helpers
and the names of the assets that other parts of the demo (lineage, capsules, runs) refer to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from co_tui.emulator.seeds.common import ADA, stable_id
from co_tui.emulator.seeds.trees_common import Tree, epoch


def asset_id(name: str) -> str:
    """The id of the demo asset called ``name``."""
    return stable_id("asset", name)


def ts(date: str, hour: int = 10) -> int:
    """Epoch seconds of ``date`` (``YYYY-MM-DD``) at ``hour`` UTC."""
    y, m, d = (int(p) for p in date.split("-"))
    return epoch(y, m, d) + hour * 3600


@dataclass
class Spec:
    """One demo asset before its tree is built: ``kw`` holds the other ``SeedAsset`` fields, plus
    ``combined_of`` (names of the parts) for a combined asset."""

    name: str
    created: int
    tree: Tree | None = None
    owner: str = ADA
    kw: dict[str, Any] = field(default_factory=dict)


def cm(project: str, **fields: Any) -> dict[str, Any]:
    """Custom metadata with the schema's required ``project`` field."""
    return {"project": project, **fields}


EPHYS = "Brain Computer Interface"
SPIM = "Thalamus in the middle"
SCRNA = "Immune atlas"
FMRI = "Resting-state cohort A"

S661 = "ecephys_661398_2023-03-21_15-47-03"
S662 = "ecephys_662585_2023-04-11_14-02-55"
S670 = "ecephys_670342_2023-06-02_16-10-41"
S664 = "ecephys_664484_2023-05-09_13-21-07"
S667 = "ecephys_667825_2023-05-30_11-44-19"
SPIM695 = "SmartSPIM_695464_2023-10-18_20-52-55"
SPIM693 = "SmartSPIM_693124_2023-09-01_18-03-22"
EXA = "exaSPIM_653158_2023-06-01_21-08-12"

# Names that other modules (runs, tests, docs) refer to.
RAW_661 = f"{S661} raw"
PRE_661 = "ecephys_661398 preprocessed (result)"
SORT_661 = "spike sorting kilosort4 ecephys_661398 (result)"
QC_661 = "unit QC ecephys_661398 (result)"
COMBINED = "ecephys 2023 cohort (combined)"
STITCHED_695 = "SmartSPIM_695464 stitched"
CCF = "Allen CCF annotation volume 25um"
PBMC_COUNTS = "scRNA-seq PBMC 10k counts"
RNASEQ_FASTQ = "bulk RNA-seq hippocampus time course FASTQ"
SORT_664 = "spike sorting kilosort4 ecephys_664484 (result)"
THAL_COUNTS = "scRNA-seq thalamus 5k counts"
GRCM39 = "GRCm39 genome + GENCODE M33"
GRCH38 = "GRCh38 reference 2020-A (Cell Ranger)"


def ephys_md(subject: str, date: str, depth: float, level: str = "raw") -> dict[str, Any]:
    """Custom metadata of an electrophysiology session."""
    return cm(
        EPHYS,
        modality="ecephys",
        subject_id=subject,
        session_date=ts(date, 0),
        recording_depth_um=depth,
        temperature_c=36.8,
        species="Mus musculus",
        institution="Allen Institute",
        data_level=level,
    )
