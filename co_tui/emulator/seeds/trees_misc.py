"""File trees of behaviour sessions, trained models and lab documents."""

from __future__ import annotations

import random

from co_tui.emulator.seed_model import SeedFile
from co_tui.emulator.seeds import sample_files as fmt
from co_tui.emulator.seeds import templates as tpl
from co_tui.emulator.seeds.trees_common import (
    MiB,
    Tree,
    epoch,
    seed_of,
)


def behavior_sessions(name: str, subject: str) -> Tree:
    """Dynamic-foraging sessions, with the awkward file names and encodings real data has."""
    rng = random.Random(name)
    files: list[SeedFile] = [
        fmt.text_file(
            "notes (draft) – v2.md",
            "# Notes – foraging cohort\n\n* Subject *" + subject + "* lost weight on day 3, "
            "water increased to 1.2 mL.\n* Lick spout re-aligned (2 mm → 1.5 mm).\n",
        ),
        fmt.text_file(
            "données.csv",
            fmt.table(
                ("séance", "date", "essais", "récompenses", "poids_g"),
                30,
                lambda r, i: (
                    i + 1,
                    f"2025-03-{i % 28 + 1:02d}",
                    r.randrange(200, 700),
                    r.randrange(100, 400),
                    round(r.uniform(20, 26), 1),
                ),
                seed=name + "fr",
            ),
        ),
        fmt.bytes_file(
            "notes/protocole_souris_latin1.txt",
            (
                "Protocole expérimental — souris " + subject + "\n"
                "Température ambiante: 22 °C, hygrométrie 45 %\n"
                "Remarques: l'animal était très agité à la première séance.\n"
            )
            .replace("—", "-")
            .encode("latin-1"),
        ),
        fmt.text_file("sessions/.incomplete", ""),
        fmt.bytes_file(
            "exports/bonsai_workflows.zip",
            fmt.zip_bytes(
                {
                    "foraging.bonsai": '<?xml version="1.0" encoding="utf-8"?>\n<WorkflowBuilder '
                    'Version="2.8.1"><Workflow><Nodes/></Workflow></WorkflowBuilder>\n',
                    "README.txt": "Bonsai workflows used on rig 447 (v2.8.1).\n",
                }
            ),
        ),
        fmt.text_file(
            "behavior_summary.csv",
            fmt.table(
                ("session", "trials", "reward_rate", "median_latency_s", "bias_left"),
                40,
                lambda r, i: (
                    f"{subject}_2025-03-{i % 28 + 1:02d}",
                    r.randrange(200, 700),
                    round(r.uniform(0.3, 0.8), 3),
                    round(r.uniform(0.15, 0.6), 3),
                    round(r.gauss(0, 0.1), 3),
                ),
                seed=name,
            ),
        ),
    ]
    for i in range(8):
        day = f"2025-03-{17 + i:02d}"
        folder = f"sessions/{subject}_{day}"
        files += [
            fmt.generated_file(
                f"{folder}/events.jsonl",
                rng.randrange(1, 3) * MiB,
                kind="text",
                seed=seed_of(folder),
            ),
            fmt.generated_file(
                f"{folder}/video/side_camera.avi",
                rng.randrange(300, 600) * MiB,
                seed=seed_of(folder) + 1,
            ),
            fmt.text_file(
                f"{folder}/task_parameters.json",
                fmt.json_text(
                    {
                        "task": "Coupled Baiting",
                        "block_min": 20,
                        "block_max": 35,
                        "reward_probability": [[0.8, 0.2], [0.2, 0.8], [0.45, 0.45]][i % 3],
                        "delay_s": round(rng.uniform(0.5, 1.5), 2),
                        "auto_water": i < 2,
                    }
                ),
            ),
        ]
    return files, []


def dlc_model(name: str) -> Tree:
    """A DeepLabCut project snapshot."""
    files = [
        fmt.text_file(
            "config.yaml",
            "Task: pupil\nscorer: AL\ndate: Mar21\nmultianimalproject: false\n"
            "bodyparts:\n- pupil_top\n- pupil_bottom\n- pupil_left\n- pupil_right\n"
            "- eyelid_top\n- eyelid_bottom\nnumframes2pick: 40\npcutoff: 0.6\n"
            "default_net_type: resnet_50\nbatch_size: 8\ncropping: false\n",
        ),
        fmt.text_file(
            "dlc-models/iteration-3/pupilMar21-trainset95shuffle1/train/pose_cfg.yaml",
            "net_type: resnet_50\nglobal_scale: 0.8\nlocation_refinement: true\n"
            "max_input_size: 1500\nmultistep:\n- [0.005, 10000]\n- [0.02, 430000]\n",
        ),
        fmt.generated_file(
            "dlc-models/iteration-3/pupilMar21-trainset95shuffle1/train/snapshot-200000.data-00000-of-00001",
            98 * MiB,
            seed=seed_of(name),
        ),
        fmt.generated_file(
            "dlc-models/iteration-3/pupilMar21-trainset95shuffle1/train/snapshot-200000.index",
            24 * 1024,
            seed=seed_of(name) + 1,
        ),
        fmt.text_file(
            "evaluation-results/iteration-3/CombinedEvaluation-results.csv",
            ",Training iterations:,%Training dataset,Shuffle number,Train error(px),"
            "Test error(px),p-cutoff used\n0,200000,95,1,1.84,3.12,0.6\n",
        ),
    ]
    files += [
        fmt.bytes_file(
            f"labeled-data/eye_cam_{i:02d}/img{i * 113:04d}.png", fmt.png(64, 48, 300 + i)
        )
        for i in range(3)
    ]
    return files, []


def cellpose_model(name: str) -> Tree:
    """A fine-tuned Cellpose model."""
    files = [
        fmt.generated_file("models/cellpose_nuclei_smartspim_v2", 26 * MiB, seed=seed_of(name)),
        fmt.text_file(
            "training_log.txt",
            fmt.log_lines(
                epoch(2025, 11, 4) + 7200,
                [
                    "[cellpose.train] epoch {i}, train_loss={x:.4f}",
                    "[cellpose.train] saving model checkpoint",
                ],
                seed=name,
                lines=100,
            ),
        ),
        fmt.text_file(
            "README.md",
            tpl.readme(
                "Cellpose nuclei model fine-tuned on SmartSPIM",
                "Fine-tuned from `nuclei` on 212 hand-annotated crops (488 nm channel).",
                inputs=[("SmartSPIM crops", "hand annotations")],
                outputs=[("models/cellpose_nuclei_smartspim_v2", "PyTorch", "weights")],
                command="python -m cellpose --train --pretrained_model nuclei --n_epochs 500",
            ),
        ),
    ]
    return files, []


def lab_docs() -> Tree:
    """Protocols and SOPs: documents nested four levels deep, PDFs, an empty file."""
    files = [
        fmt.text_file(
            "README.md",
            "# Lab protocols\n\nCurrent SOPs, by area. Ask Ada before "
            "changing anything under `surgery/`.\n",
        ),
        fmt.bytes_file(
            "surgery/headframe/v3/2025-01 revision/headframe_SOP.pdf",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + fmt.pseudo_random(40_000, "sop-pdf") + b"\n%%EOF\n",
        ),
        fmt.text_file(
            "surgery/headframe/v3/2025-01 revision/checklist.md",
            "## Checklist\n\n- [x] sterilise tools\n- [x] ketoprofen 5 mg/kg\n- [ ] log weight\n",
        ),
        fmt.text_file("surgery/headframe/v2/DEPRECATED", ""),
        fmt.text_file(
            "imaging/smartspim/clearing_protocol.md",
            "# Tissue clearing (modified iDISCO+)\n\n| Step | Solution | Time |\n"
            "|---|---|---|\n| 1 | 20% MeOH | 1 h |\n| 2 | 40% MeOH | 1 h |\n"
            "| 3 | DCM | 3 h |\n| 4 | DBE | overnight |\n",
        ),
        fmt.bytes_file(
            "imaging/smartspim/clearing_timings.xlsx",
            b"PK\x03\x04" + fmt.pseudo_random(12_000, "xlsx"),
        ),
        fmt.text_file(
            "ephys/probe_insertion_guide.md",
            "# Probe insertion\n\n1. Lower at 5 µm/s.\n2. Wait 10 min before "
            "recording.\n\n```text\nmax depth: 3.8 mm\n```\n",
        ),
    ]
    return files, []
