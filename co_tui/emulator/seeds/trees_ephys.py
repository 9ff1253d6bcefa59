"""File trees of electrophysiology assets: raw Neuropixels sessions, preprocessing, sorting, QC."""

from __future__ import annotations

from co_tui.emulator.seeds import sample_files as fmt
from co_tui.emulator.seeds import templates as tpl
from co_tui.emulator.seeds.trees_common import (
    GiB,
    MiB,
    Tree,
    code_bundle,
    explore_notebook,
    metadata_files,
    run_log,
    seed_of,
    unit_table,
)


def ecephys_raw(session: str, subject: str, date: str, *, benchmark_files: bool = False) -> Tree:
    """A Neuropixels session as the rig uploads it (Open Ephys layout)."""
    s = seed_of(session)
    node = "ecephys/ecephys_clipped/Record Node 104"
    rec = f"{node}/experiment1/recording1"
    zarr = "ecephys/ecephys_compressed/experiment1_Record Node 104#Neuropix-PXI-100.ProbeA-AP.zarr"
    oebin = {
        "GUI version": "0.6.4",
        "continuous": [
            {
                "folder_name": f"Neuropix-PXI-100.Probe{p}-{band}/",
                "sample_rate": rate,
                "source_processor_name": "Neuropix-PXI",
                "num_channels": 384,
                "channels": [
                    {"channel_name": f"CH{c}", "bit_volts": 0.195, "units": "uV"}
                    for c in range(1, 5)
                ],
            }
            for p in ("A", "B")
            for band, rate in (("AP", 30000.0), ("LFP", 2500.0))
        ],
        "events": [
            {
                "folder_name": "NI-DAQmx-103.PXIe-6341/TTL/",
                "channel_name": "PXIe-6341",
                "sample_rate": 30000.0,
            }
        ],
    }
    files = [
        *metadata_files(session, subject, "ecephys", date),
        fmt.text_file(
            "session.json",
            fmt.json_text(
                {
                    "session_start_time": f"{date}T15:47:03-07:00",
                    "rig_id": "327_NP3_20230301",
                    "stimulus_epochs": [
                        {"stimulus_name": "receptive field mapping", "duration_s": 1200},
                        {"stimulus_name": "optotagging 473 nm", "duration_s": 900},
                    ],
                    "data_streams": [
                        {
                            "stream_modalities": ["ecephys"],
                            "ephys_modules": [
                                {
                                    "assembly_name": "Neuropixels 1.0 A",
                                    "primary_targeted_structure": "VISp",
                                    "manipulator_coordinates": {
                                        "x": 7431.5,
                                        "y": 4982.0,
                                        "z": 3210.0,
                                    },
                                }
                            ],
                        }
                    ],
                }
            ),
        ),
        fmt.text_file(
            f"{node}/settings.xml",
            '<?xml version="1.0" encoding="UTF-8"?>\n<SETTINGS>\n  <INFO>\n'
            '    <VERSION>0.6.4</VERSION>\n    <MACHINE name="W10DT713943"/>\n'
            "  </INFO>\n  <SIGNALCHAIN>\n"
            '    <PROCESSOR name="Neuropix-PXI" nodeId="100"/>\n'
            '    <PROCESSOR name="Record Node" nodeId="104"/>\n'
            "  </SIGNALCHAIN>\n</SETTINGS>\n",
        ),
        fmt.text_file(f"{rec}/structure.oebin", fmt.json_text(oebin)),
        fmt.text_file(
            f"{rec}/sync_messages.txt",
            "Software Time (milliseconds since midnight Jan 1st 1970 UTC): 1679438823741\n"
            "Start Time for Neuropix-PXI (100) - ProbeA-AP @ 30000 Hz: 5211033\n",
        ),
        fmt.generated_file(
            f"{rec}/continuous/Neuropix-PXI-100.ProbeA-AP/continuous.dat", 96 * MiB, seed=s + 1
        ),
        fmt.generated_file(
            f"{rec}/continuous/Neuropix-PXI-100.ProbeA-LFP/continuous.dat", 8 * MiB, seed=s + 2
        ),
        fmt.bytes_file(
            f"{rec}/continuous/Neuropix-PXI-100.ProbeA-AP/sample_numbers.npy",
            fmt.npy((2048,), f"{session}-samples", "<i8"),
        ),
        fmt.bytes_file(
            f"{rec}/events/NI-DAQmx-103.PXIe-6341/TTL/states.npy",
            fmt.npy((1024,), f"{session}-states", "<i2"),
        ),
        fmt.text_file(
            f"{zarr}/.zarray",
            fmt.json_text(
                {
                    "chunks": [30000, 384],
                    "compressor": {"id": "wavpack", "level": 3},
                    "dtype": "<i2",
                    "shape": [54_012_345, 384],
                    "zarr_format": 2,
                }
            ),
        ),
        fmt.generated_file(
            f"{zarr}/0.0",
            7 * MiB,
            seed=s + 3,
        ),
        fmt.generated_file("behavior/videos/face_camera.mp4", 180 * MiB, seed=s + 4),
        fmt.generated_file(
            "ecephys/threshold_crossings_ProbeA.csv", 3 * MiB, kind="text", seed=s + 5
        ),
        run_log(date, session, lines=80),
    ]
    if benchmark_files:
        files += [
            fmt.generated_file("raw/recording_1GiB.bin", GiB, seed=s + 6),
            fmt.generated_file("raw/acquisition_4GiB.log", 4 * GiB, kind="text", seed=s + 7),
        ]
    return files, []


def ecephys_preprocessed(session: str, date: str) -> Tree:
    """SpikeInterface preprocessing output."""
    s = seed_of(session + "pre")
    files = [
        fmt.text_file(
            "README.md",
            tpl.readme(
                f"Preprocessed {session}",
                "Phase-shifted, high-pass filtered (300 Hz) and median-referenced AP band, with "
                "bad channels removed.",
                inputs=[(session, "raw Open Ephys recording")],
                outputs=[
                    ("preprocessed/ProbeA-AP/traces.raw", "int16 binary", "preprocessed traces"),
                    ("preprocessing_params.json", "JSON", "all parameters used"),
                    ("logs/", "text", "run logs"),
                ],
                command="cd code && ./run --stream ProbeA-AP --freq-min 300",
            ),
        ),
        *code_bundle("preprocess", "preprocessing"),
        fmt.text_file(
            "config.yaml",
            tpl.config_yaml(
                "ephys-preprocessing",
                {
                    "stream": "ProbeA-AP",
                    "freq_min": 300.0,
                    "cmr": "global",
                    "bad_channel_method": "coherence+psd",
                    "n_jobs": -1,
                },
                [session],
            ),
        ),
        fmt.text_file(
            "preprocessing_params.json",
            fmt.json_text(
                {
                    "phase_shift": {"margin_ms": 40.0},
                    "highpass_filter": {"freq_min": 300.0, "margin_ms": 5.0},
                    "detect_bad_channels": {
                        "method": "coherence+psd",
                        "dead_channel_threshold": -0.5,
                        "noisy_channel_threshold": 1.0,
                        "outside_channel_threshold": -0.3,
                    },
                    "common_reference": {"reference": "global", "operator": "median"},
                }
            ),
        ),
        fmt.generated_file("preprocessed/ProbeA-AP/traces.raw", 64 * MiB, seed=s),
        fmt.text_file(
            "preprocessed/ProbeA-AP/binary.json",
            fmt.json_text(
                {
                    "class": "spikeinterface.core.binaryrecordingextractor."
                    "BinaryRecordingExtractor",
                    "kwargs": {
                        "file_paths": ["traces.raw"],
                        "sampling_frequency": 30000.0,
                        "num_channels": 371,
                        "dtype": "<i2",
                    },
                }
            ),
        ),
        run_log(date, session + "pre"),
    ]
    return files, []


def ecephys_sorted(session: str, date: str, *, sorter: str = "kilosort4") -> Tree:
    """Spike-sorting output (Phy folder) plus curation tables."""
    s = seed_of(session + sorter)
    base = f"{sorter}/ProbeA"
    files = [
        *code_bundle("sorting", "sorting"),
        fmt.bytes_file(f"{base}/spike_times.npy", fmt.npy((4096,), f"{session}-st", "<i8")),
        fmt.bytes_file(f"{base}/spike_clusters.npy", fmt.npy((4096,), f"{session}-sc", "<i4")),
        fmt.generated_file(f"{base}/templates.npy", 22 * MiB, seed=s),
        fmt.generated_file(f"{base}/amplitudes.npy", 5 * MiB, seed=s + 1),
        fmt.text_file(
            f"{base}/params.py",
            "dat_path = '../../preprocessed/ProbeA-AP/traces.raw'\nn_channels_dat = 371\n"
            "dtype = 'int16'\noffset = 0\nsample_rate = 30000.\nhp_filtered = True\n",
        ),
        fmt.text_file(
            f"{base}/cluster_KSLabel.tsv",
            fmt.table(
                ("cluster_id", "KSLabel"),
                420,
                lambda r, i: (i, "good" if r.random() < 0.55 else "mua"),
                seed=session + "ks",
                sep="\t",
            ),
        ),
        fmt.text_file(
            f"{base}/cluster_group.tsv",
            fmt.table(
                ("cluster_id", "group"),
                420,
                lambda r, i: (i, r.choice(("good", "good", "mua", "noise"))),
                seed=session + "grp",
                sep="\t",
            ),
        ),
        fmt.text_file(
            "sorting_summary.json",
            fmt.json_text(
                {
                    "sorter": sorter,
                    "sorter_version": "4.0.16" if sorter == "kilosort4" else "2.5.2",
                    "streams": {"ProbeA-AP": {"n_units": 420, "n_spikes": 7_391_223, "good": 231}},
                    "duration_s": 5401.3,
                }
            ),
        ),
        run_log(date, session + sorter, lines=200),
    ]
    return files, []


def ecephys_qc(session: str, date: str) -> Tree:
    """Unit quality metrics, figures and an exploratory notebook."""
    files = [
        *code_bundle("qc", "quality control", r_script=tpl.ANALYSIS_R_PLOTS),
        fmt.text_file(
            "README.md",
            tpl.readme(
                f"Unit QC for {session}",
                "Quality metrics for every sorted unit and the default curation label "
                "(`default_qc`).",
                inputs=[
                    (f"spike sorting kilosort4 {session}", "Kilosort 4 output"),
                    (session, "raw recording for waveform extraction"),
                ],
                outputs=[
                    ("data/unit_metrics.csv", "CSV", "one row per unit"),
                    ("data/unit_metrics.tsv", "TSV", "same, tab-separated"),
                    ("figures/", "PNG", "drift maps and amplitude plots"),
                ],
                command="cd code && ./run --min-spikes 100",
                notes=["Thresholds follow the IBL defaults.", "Presence ratio uses 60 bins."],
            ),
        ),
        fmt.text_file("data/unit_metrics.csv", unit_table(session + "qc")),
        fmt.text_file("data/unit_metrics.tsv", unit_table(session + "qc", rows=300, sep="\t")),
        fmt.text_file(
            "notebooks/explore.ipynb",
            explore_notebook(
                f"Unit QC {session}", "../data/unit_metrics.csv", seed_of(session) % 1000
            ),
        ),
        fmt.bytes_file("figures/drift_map.png", fmt.png(128, 96, seed_of(session) % 97)),
        fmt.bytes_file("figures/amplitudes_ProbeA.png", fmt.png(96, 64, seed_of(session) % 89)),
        run_log(date, session + "qc"),
    ]
    return files, []
