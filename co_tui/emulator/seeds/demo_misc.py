"""fMRI, behaviour, model and document assets of the demo seed."""

from __future__ import annotations

from co_tui.emulator.seeds import demo_runs as runs
from co_tui.emulator.seeds import sample_files as fmt
from co_tui.emulator.seeds import trees_ephys, trees_imaging, trees_misc, trees_omics
from co_tui.emulator.seeds.common import (
    ADA,
    ADMIN,
    ALAN,
    DAY,
    EMAILS,
    GRACE,
    NOW,
    SANTIAGO,
)
from co_tui.emulator.seeds.demo_base import (
    EPHYS,
    FMRI,
    PRE_661,
    QC_661,
    SPIM,
    Spec,
    cm,
    ts,
)


def specs() -> list[Spec]:
    """fMRI, behaviour, models, documents and colleagues' shared assets."""
    alan = EMAILS[ALAN]
    prov = runs.provenance
    return [
        Spec(
            "fMRI resting-state cohort A (BIDS)",
            ts("2025-05-20", 10),
            trees_omics.fmri_bids("Resting-state cohort A"),
            kw=dict(
                mount="fmri_cohort_a",
                tags=["fmri", "bids", "resting-state"],
                description=(
                    "Six participants, 3T, multiband 8.\n\n"
                    "sub-03 was re-sliced after a slice-timing fix (see CHANGES)."
                ),
                custom_metadata=cm(FMRI, modality="fMRI", species="Homo sapiens", data_level="raw"),
                shared_users=[(alan, "viewer")],
            ),
        ),
        Spec(
            "fMRI cohort A fMRIPrep derivatives",
            ts("2025-06-01", 18),
            trees_omics.fmri_derivatives("cohort-a", "2025-06-01"),
            kw=dict(
                mount="fmri_cohort_a_fmriprep",
                tags=["fmri", "fmriprep", "derivatives"],
                custom_metadata=cm(FMRI, modality="fMRI", data_level="derived"),
                shared_users=[(alan, "viewer")],
            ),
        ),
        Spec(
            "behavior_661398 dynamic foraging",
            ts("2025-03-28", 10),
            trees_misc.behavior_sessions("behavior_661398", "661398"),
            kw=dict(
                mount="behavior_661398",
                tags=["behavior", "dynamic-foraging"],
                favorite_of=(ADA,),
                custom_metadata=cm(
                    EPHYS,
                    modality="behavior",
                    subject_id="661398",
                    session_date=ts("2025-03-17", 0),
                    temperature_c=22.0,
                ),
            ),
        ),
        Spec(
            "behavior_664484 dynamic foraging",
            ts("2025-05-15", 10),
            trees_misc.behavior_sessions("behavior_664484", "664484"),
            kw=dict(mount="behavior_664484", tags=["behavior", "dynamic-foraging"]),
        ),
        Spec(
            "behavior_667825 dynamic foraging",
            ts("2025-06-05", 10),
            trees_misc.behavior_sessions("behavior_667825", "667825"),
            kw=dict(mount="behavior_667825", archived=True, tags=["behavior", "dynamic-foraging"]),
        ),
        Spec(
            "behavior pilot 2024 week 1",
            ts("2024-10-07", 10),
            trees_misc.behavior_sessions("pilot2024", "650001"),
            kw=dict(mount="behavior_pilot_2024", archived=True, tags=["behavior", "pilot"]),
        ),
        Spec(
            "DLC pupil tracking model v3",
            ts("2025-04-22", 16),
            trees_misc.dlc_model("dlc-v3"),
            kw=dict(
                type="model",
                mount="dlc_pupil_v3",
                tags=["model", "deeplabcut", "pupil"],
                description="ResNet-50, 200k iterations; test error 3.1 px.",
                shared_groups=[("neuro-lab", "viewer")],
            ),
        ),
        Spec(
            "Lab protocols and SOPs",
            ts("2025-01-03", 9),
            trees_misc.lab_docs(),
            kw=dict(
                mount="lab_protocols",
                tags=["documentation", "protocols"],
                shared_groups=[("neuro-lab", "viewer"), ("imaging-core", "viewer")],
                last_used=NOW - 20 * DAY,
            ),
        ),
        Spec(
            "Golgi-stained cortex drawings (digitised)",
            ts("2025-02-25", 12),
            trees_imaging.smartspim_cells("golgi", "2025-02-25"),
            owner=SANTIAGO,
            kw=dict(
                mount="golgi_drawings",
                tags=["histology", "golgi", "archive"],
                everyone="viewer",
                description="Scans of the original drawings, 600 dpi. Public domain.",
            ),
        ),
        Spec(
            "two-photon V1 665102 suite2p output",
            ts("2025-07-08", 14),
            trees_ephys.ecephys_qc("ophys_665102", "2025-07-08"),
            owner=SANTIAGO,
            kw=dict(
                mount="ophys_665102_suite2p",
                tags=["two-photon", "suite2p", "v1"],
                shared_groups=[("neuro-lab", "viewer")],
                custom_metadata=cm(
                    EPHYS, modality="two-photon", subject_id="665102", recording_depth_um=175
                ),
            ),
        ),
        Spec(
            "Kilosort4 benchmarks (simulated)",
            ts("2025-04-30", 10),
            trees_ephys.ecephys_sorted("sim_mearec", "2025-04-30"),
            owner=GRACE,
            kw=dict(
                mount="ks4_benchmarks",
                tags=["ecephys", "benchmark", "simulation"],
                shared_groups=[("neuro-lab", "viewer")],
            ),
        ),
        Spec(
            "hybrid ground-truth recordings",
            ts("2025-03-02", 10),
            trees_ephys.ecephys_raw("hybrid_gt_2025-03-01_00-00-00", "0", "2025-03-01"),
            owner=GRACE,
            kw=dict(
                mount="hybrid_ground_truth", tags=["ecephys", "ground-truth"], everyone="viewer"
            ),
        ),
        Spec(
            "Allen Brain Observatory Visual Coding 2P (NWB)",
            ts("2024-11-20", 9),
            (
                [
                    fmt.text_file(
                        "manifest.json",
                        fmt.json_text(
                            {"manifest_version": "2.1.0", "experiments": 1518, "containers": 456}
                        ),
                    ),
                    fmt.bytes_file(
                        "ophys_experiment_data/501498760_excerpt.nwb",
                        fmt.hdf5_like(48 * 1024, "abo-excerpt"),
                    ),
                    *(
                        fmt.generated_file(f"ophys_experiment_data/{eid}.nwb", size, seed=eid % 997)
                        for eid, size in (
                            (501498760, 325_118_976),
                            (501574836, 310_378_496),
                            (502115959, 298_844_160),
                        )
                    ),
                ],
                [],
            ),
            owner=ADMIN,
            kw=dict(
                mount="allen_brain_observatory_2p",
                everyone="viewer",
                tags=["two-photon", "nwb", "open-data", "allen-brain-observatory"],
                description="Excerpt of the Allen Brain Observatory Visual Coding 2P release.",
            ),
        ),
        Spec(
            "ecephys_661398 LFP power spectra (result)",
            ts("2025-04-02", 14),
            trees_ephys.ecephys_qc("lfp_661398", "2025-04-02"),
            kw=dict(
                type="result",
                mount="ecephys_661398_lfp_spectra",
                tags=["ecephys", "lfp", "spectral-analysis"],
                provenance=prov("qc", [QC_661, PRE_661]),
                description="Welch power spectra per channel and depth, 1-300 Hz.",
            ),
        ),
        Spec(
            "CCF QC figures (scratch)",
            ts("2026-02-20", 17),
            trees_imaging.ccf_registration("scratch", "2026-02-20"),
            kw=dict(mount="ccf_qc_scratch", tags=["ccf", "scratch"], description=""),
        ),
        Spec(
            "exaSPIM_653158 crop for testing",
            ts("2025-06-18", 9),
            trees_imaging.smartspim_cells("exa-crop", "2025-06-18"),
            kw=dict(
                mount="exaSPIM_653158_crop",
                tags=["exaspim", "test"],
                custom_metadata=cm(SPIM, modality="exaSPIM", subject_id="653158"),
            ),
        ),
    ]
