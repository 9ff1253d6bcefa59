"""Electrophysiology assets of the demo seed."""

from __future__ import annotations

from co_tui.emulator.seeds import demo_runs as runs
from co_tui.emulator.seeds import sample_files as fmt
from co_tui.emulator.seeds import trees_ephys
from co_tui.emulator.seeds.common import (
    ADA,
    ALAN,
    DAY,
    EMAILS,
    GRACE,
    NOW,
)
from co_tui.emulator.seeds.demo_base import (
    COMBINED,
    EPHYS,
    PRE_661,
    QC_661,
    RAW_661,
    S661,
    S662,
    S664,
    S667,
    S670,
    SORT_661,
    SORT_664,
    Spec,
    cm,
    ephys_md,
    ts,
)


def specs() -> list[Spec]:
    """Electrophysiology: the lineage chain raw -> preprocessed -> sorted -> QC, and more."""
    grace = EMAILS[GRACE]
    alan = EMAILS[ALAN]
    prov = runs.provenance
    return [
        Spec(
            RAW_661,
            ts("2025-03-21", 16),
            trees_ephys.ecephys_raw(S661, "661398", "2023-03-21", benchmark_files=True),
            kw=dict(
                mount=S661,
                description=(
                    "Neuropixels 1.0 recording from VISp and LGd, 90 min: receptive-field mapping "
                    "followed by optotagging (473 nm).\n\n"
                    "The raw/ folder also holds a 1 GiB binary and a 4 GiB acquisition log, kept "
                    "for I/O benchmarks.\n\nProbe B was not recorded (broken shank 3)."
                ),
                tags=["ecephys", "neuropixels", "raw", "visp", "optotagging"],
                custom_metadata=ephys_md("661398", "2023-03-21", 3800),
                favorite_of=(ADA, GRACE),
                shared_users=[(alan, "viewer")],
                shared_groups=[("neuro-lab", "viewer")],
                last_used=NOW - 2 * DAY,
            ),
        ),
        Spec(
            PRE_661,
            ts("2025-03-22", 9),
            trees_ephys.ecephys_preprocessed(S661, "2025-03-22"),
            kw=dict(
                type="result",
                mount="ecephys_661398_preprocessed",
                description="",
                tags=["ecephys", "preprocessed", "spikeinterface"],
                provenance=prov("preprocess", [RAW_661]),
                custom_metadata=ephys_md("661398", "2023-03-21", 3800, "derived"),
                app_parameters=[
                    {"name": "stream", "value": "ProbeA-AP"},
                    {"name": "freq_min", "value": "300"},
                ],
                shared_groups=[("neuro-lab", "viewer")],
                last_used=NOW - 9 * DAY,
            ),
        ),
        Spec(
            SORT_661,
            ts("2025-03-24", 15),
            trees_ephys.ecephys_sorted(S661, "2025-03-24"),
            kw=dict(
                type="result",
                mount="ecephys_661398_sorted",
                description=(
                    "Kilosort 4.0.16 via the AIND ephys pipeline. 420 units, 231 labelled good."
                ),
                tags=["ecephys", "spike-sorting", "kilosort4"],
                provenance=prov("ephys-pipeline-661398", [PRE_661]),
                nextflow_profile="aws_batch",
                custom_metadata=ephys_md("661398", "2023-03-21", 3800, "derived"),
                favorite_of=(ADA,),
                shared_users=[(grace, "owner"), (alan, "viewer")],
                last_used=NOW - DAY,
            ),
        ),
        Spec(
            QC_661,
            ts("2025-03-26", 11),
            trees_ephys.ecephys_qc(S661, "2025-03-26"),
            kw=dict(
                type="result",
                mount="ecephys_661398_qc",
                description=(
                    "Quality metrics and default curation for every unit.\n\n"
                    "Thresholds: ISI violations < 0.5, amplitude cutoff < 0.1, presence > 0.8."
                ),
                tags=["ecephys", "qc", "curation"],
                provenance=prov("qc", [SORT_661, RAW_661]),
                app_parameters=[{"name": "min_spikes", "value": "100"}],
                custom_metadata=ephys_md("661398", "2023-03-21", 3800, "derived"),
                last_used=NOW - 3 * DAY,
            ),
        ),
        Spec(
            f"{S662} raw",
            ts("2025-04-11", 18),
            trees_ephys.ecephys_raw(S662, "662585", "2023-04-11"),
            kw=dict(
                mount=S662,
                tags=["ecephys", "neuropixels", "raw", "lgd"],
                description="Neuropixels recording, LGd and LP. Noisy first 5 minutes.",
                custom_metadata=ephys_md("662585", "2023-04-11", 3450),
                shared_groups=[("neuro-lab", "viewer")],
                last_used=NOW - 40 * DAY,
            ),
        ),
        Spec(
            "spike sorting kilosort4 ecephys_662585 (result)",
            ts("2025-04-14", 8),
            trees_ephys.ecephys_sorted(S662, "2025-04-14"),
            kw=dict(
                type="result",
                mount="ecephys_662585_sorted",
                tags=["ecephys", "spike-sorting"],
                provenance=prov("sort", [f"{S662} raw"]),
                app_parameters=[
                    {"name": "th_universal", "value": "9"},
                    {"name": "th_learned", "value": "8"},
                ],
            ),
        ),
        Spec(
            f"{S670} raw",
            ts("2025-06-02", 19),
            trees_ephys.ecephys_raw(S670, "670342", "2023-06-02"),
            kw=dict(
                mount=S670,
                tags=["ecephys", "neuropixels", "raw"],
                custom_metadata=ephys_md("670342", "2023-06-02", 4100),
                last_used=NOW - 60 * DAY,
            ),
        ),
        Spec(
            "ecephys_670342 preprocessed (result)",
            NOW - 180,
            ([], []),
            kw=dict(
                type="result",
                state="draft",
                mount="ecephys_670342_preprocessed",
                tags=["ecephys", "preprocessed"],
                provenance=prov("preprocess", [f"{S670} raw"]),
                description="Capture of this morning's preprocessing run (still being created).",
            ),
        ),
        Spec(
            COMBINED,
            ts("2025-07-01", 12),
            None,
            kw=dict(
                type="combined",
                mount="ecephys_2023_cohort",
                description="The three 2023 VISp/LGd sessions, for cross-session analyses.",
                tags=["ecephys", "cohort", "combined"],
                favorite_of=(ADA,),
                combined_of=[RAW_661, f"{S662} raw", f"{S670} raw"],
                custom_metadata=cm(EPHYS, modality="ecephys", data_level="raw"),
            ),
        ),
        Spec(
            f"{S664} raw",
            ts("2025-05-09", 14),
            trees_ephys.ecephys_raw(S664, "664484", "2023-05-09"),
            kw=dict(
                mount=S664,
                tags=["ecephys", "neuropixels", "raw", "optotagging"],
                custom_metadata=ephys_md("664484", "2023-05-09", 3900),
            ),
        ),
        Spec(
            SORT_664,
            ts("2025-05-12", 9),
            trees_ephys.ecephys_sorted(S664, "2025-05-12"),
            kw=dict(
                type="result",
                mount="ecephys_664484_sorted",
                tags=["ecephys", "spike-sorting"],
                provenance=prov("sort-664484", [f"{S664} raw"]),
                last_used=NOW - 5 * DAY,
            ),
        ),
        Spec(
            "optotagging analysis ecephys_664484 (result)",
            ts("2025-05-20", 16),
            trees_ephys.ecephys_qc(S664, "2025-05-20"),
            kw=dict(
                type="result",
                mount="ecephys_664484_optotagging",
                description="Light-evoked responses; SST+ units identified by latency < 6 ms.",
                tags=["ecephys", "optotagging", "sst"],
                provenance=prov("qc", [SORT_664]),
                custom_metadata=ephys_md("664484", "2023-05-09", 3900, "derived"),
            ),
        ),
        Spec(
            f"{S667} raw",
            ts("2025-05-30", 17),
            trees_ephys.ecephys_raw(S667, "667825", "2023-05-30"),
            kw=dict(
                mount=S667,
                tags=["ecephys", "neuropixels", "raw"],
                custom_metadata=ephys_md("667825", "2023-05-30", 3600),
            ),
        ),
        Spec(
            "spike sorting kilosort2.5 ecephys_661398 (superseded)",
            ts("2025-03-23", 10),
            trees_ephys.ecephys_sorted(S661, "2025-03-23", sorter="kilosort2_5"),
            kw=dict(
                type="result",
                mount="ecephys_661398_sorted_ks25",
                archived=True,
                tags=["ecephys", "spike-sorting", "kilosort2-5", "superseded"],
                provenance=prov("sort", [PRE_661]),
                description="Superseded by the Kilosort 4 run; kept for the comparison figure.",
            ),
        ),
        Spec(
            "ecephys_658734 pilot (test upload)",
            ts("2025-02-03", 13),
            trees_ephys.ecephys_raw("ecephys_658734_2023-02-01_10-00-00", "658734", "2023-02-01"),
            kw=dict(
                mount="ecephys_658734_pilot",
                archived=True,
                tags=["ecephys", "test"],
                description="test upload, do not use",
            ),
        ),
        Spec(
            "Neuropixels probe maps and channel geometry",
            ts("2025-01-15", 9),
            (
                [
                    fmt.text_file(
                        "NP1.0_probe_map.json",
                        fmt.json_text(
                            {
                                "probe": "Neuropixels 1.0",
                                "channels": [
                                    {"id": c, "x_um": (c % 4) * 16 + 11, "y_um": (c // 2) * 20}
                                    for c in range(384)
                                ],
                            }
                        ),
                    ),
                    fmt.text_file(
                        "NP2.0_probe_map.csv",
                        fmt.table(
                            ("channel", "shank", "x_um", "y_um"),
                            384,
                            lambda r, i: (i, i // 96, (i % 2) * 32, (i % 96) * 15),
                            seed="np2",
                        ),
                    ),
                ],
                [],
            ),
            kw=dict(
                mount="probe_maps",
                tags=["ecephys", "reference", "neuropixels"],
                everyone="viewer",
                description="Channel geometry for NP1.0 and NP2.0.",
            ),
        ),
    ]
