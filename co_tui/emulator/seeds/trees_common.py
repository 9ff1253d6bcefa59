"""Pieces shared by the demo's file trees: AIND-style metadata, a capsule's code bundle, run
logs, an exploratory notebook and unit tables.

Tree builders (``trees_*.py``) return ``(files, generated_folders)``. Small files are inline and
real (valid JSON, notebooks, PNGs, gzip/zip archives); big ones are generated on demand, so a
multi-GB recording costs nothing until someone reads it.
"""

from __future__ import annotations

import calendar
import random

from co_tui.emulator.seed_model import SeedFile, SeedFolderGenerator
from co_tui.emulator.seeds import python_scripts
from co_tui.emulator.seeds import sample_files as fmt
from co_tui.emulator.seeds import templates as tpl

MiB = 1024 * 1024
GiB = 1024 * MiB

Tree = tuple[list[SeedFile], list[SeedFolderGenerator]]

REGIONS = ("VISp", "VISl", "CA1", "DG", "LGd", "LP", "MOs", "ACA", "PL", "CP", "SSp-bfd", "APN")


def seed_of(label: str) -> int:
    """A 32-bit generator seed derived from ``label``."""
    return int.from_bytes(fmt.pseudo_random(4, label), "big")


# --------------------------------------------------------------------------------------------
# Shared pieces


def metadata_files(
    name: str, subject: str, modality: str, date: str, *, level: str = "raw"
) -> list[SeedFile]:
    """AIND-style ``data_description.json``, ``subject.json`` and ``procedures.json``."""
    rng = random.Random(name)
    description = {
        "describedBy": "https://raw.githubusercontent.com/AllenNeuralDynamics/aind-data-schema/"
        "main/src/aind_data_schema/core/data_description.py",
        "schema_version": "1.0.0",
        "name": name,
        "creation_time": f"{date}T15:47:03+00:00",
        "institution": {"name": "Allen Institute for Neural Dynamics", "abbreviation": "AIND"},
        "funding_source": [
            {
                "funder": {"name": "National Institutes of Health", "abbreviation": "NIH"},
                "grant_number": "U19NS123714",
            }
        ],
        "data_level": level,
        "group": "ephys" if modality == "ecephys" else "MSMA",
        "investigators": [
            {"name": "Ada Lovelace", "abbreviation": "AL"},
            {"name": "Grace Hopper", "abbreviation": "GH"},
        ],
        "project_name": "Brain Computer Interface"
        if modality == "ecephys"
        else "Thalamus in the middle",
        "modality": [{"name": modality, "abbreviation": modality}],
        "subject_id": subject,
        "related_data": [],
        "data_summary": None,
    }
    subject_doc = {
        "schema_version": "1.0.0",
        "subject_id": subject,
        "sex": rng.choice(["Male", "Female"]),
        "date_of_birth": f"2022-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}",
        "genotype": rng.choice(["wt/wt", "Sst-IRES-Cre/wt;Ai14(RCL-tdT)/wt", "Pvalb-IRES-Cre/wt"]),
        "species": {"name": "Mus musculus", "registry_identifier": "NCBI:txid10090"},
        "background_strain": "C57BL/6J",
        "breeding_info": {
            "breeding_group": f"Sst-IRES-Cre;Ai14-{rng.randrange(100, 999)}",
            "maternal_genotype": "wt/wt",
            "paternal_genotype": "Sst-IRES-Cre/wt",
        },
        "housing": {
            "cage_id": f"{rng.randrange(10**6):06d}",
            "home_cage_enrichment": ["Running wheel"],
            "light_cycle": {"lights_on_time": "06:00:00", "lights_off_time": "18:00:00"},
        },
        "wellness_reports": [
            {
                "date": date,
                "weight_g": round(rng.uniform(19, 28), 1),
                "notes": "Healthy; headpost intact.",
            }
        ],
    }
    procedures = {
        "subject_id": subject,
        "subject_procedures": [
            {
                "procedure_type": "Surgery",
                "start_date": "2023-01-12",
                "experimenter_full_name": "Santiago Ramón y Cajal",
                "procedures": [
                    {"procedure_type": "Headframe", "headframe_type": "WHC NP"},
                    {
                        "procedure_type": "Craniotomy",
                        "craniotomy_size": 5.0,
                        "craniotomy_coordinates_reference": "Bregma",
                        "bregma_to_lambda_distance": round(rng.uniform(4.0, 4.4), 2),
                    },
                ],
            },
        ],
    }
    return [
        fmt.text_file("data_description.json", fmt.json_text(description)),
        fmt.text_file("subject.json", fmt.json_text(subject_doc)),
        fmt.text_file("procedures.json", fmt.json_text(procedures)),
    ]


def code_bundle(kind: str, title: str, *, r_script: str | None = None) -> list[SeedFile]:
    """The copy of the capsule's code and environment a result keeps for reproducibility."""
    packages = {
        "preprocess": ["spikeinterface[full]==0.101.2", "numpy==1.26.4", "probeinterface==0.2.24"],
        "sorting": ["spikeinterface[full]==0.101.2", "kilosort==4.0.16", "torch==2.3.1"],
        "qc": ["spikeinterface[full]==0.101.2", "pandas==2.2.2", "numpy==1.26.4"],
        "scanpy": ["scanpy==1.10.2", "anndata==0.10.8", "leidenalg==0.10.2", "igraph==0.11.6"],
        "segmentation": ["cellpose==3.0.10", "tifffile==2024.7.2", "numpy==1.26.4"],
        "registration": ["antspyx==0.4.2", "numpy==1.26.4", "SimpleITK==2.3.1"],
        "behavior": ["pandas==2.2.2", "numpy==1.26.4", "matplotlib==3.9.1"],
    }[kind]
    files = [
        fmt.text_file("code/run", tpl.run_sh()),
        fmt.text_file("code/run.py", python_scripts.run_py(kind)),
        fmt.text_file("environment/requirements.txt", tpl.requirements(sorted(packages))),
        fmt.text_file(
            "environment/Dockerfile",
            tpl.dockerfile(
                "registry.codeocean.com/codeocean/miniconda3:4.12.0-python3.9-ubuntu20.04"
            ),
        ),
        fmt.text_file("environment/postInstall", tpl.POST_INSTALL),
    ]
    if r_script is not None:
        files.append(fmt.text_file("code/analysis.R", r_script))
    return files


def run_log(date: str, label: str, lines: int = 120) -> SeedFile:
    """``logs/run_<date>.log`` of a capsule run."""
    messages = [
        "INFO run: starting reproducible run, CO_CPUS=16 CO_MEMORY=130996502528",
        "INFO run: inputs mounted: {n} files under /data",
        "INFO worker: processing chunk {i} ({pct}%)",
        "DEBUG worker: cache hit ratio {x:.1f}%",
        "WARNING worker: chunk {i} took {x:.1f} s (> 30 s budget)",
        "INFO worker: wrote /results/part_{n}.bin",
    ]
    y, m, d = (int(p) for p in date.split("-"))
    start = epoch(y, m, d) + 9 * 3600
    text = fmt.log_lines(start, messages, seed=label, lines=lines)
    text += text.splitlines()[-1][:23] + " INFO run: finished with exit code 0\n"
    return fmt.text_file(f"logs/run_{date}.log", text)


def epoch(y: int, m: int, d: int) -> int:
    """Epoch seconds of midnight UTC on that day."""
    return calendar.timegm((y, m, d, 0, 0, 0, 0, 0, 0))


def explore_notebook(title: str, csv_path: str, seed: int) -> str:
    """An exploratory notebook with markdown, code and outputs (text, table, figure)."""
    return fmt.notebook(
        [
            (
                "markdown",
                f"# {title}\n\nQuick look at the outputs of this run.\n\n"
                "- load the summary table\n- plot the distribution\n",
                None,
            ),
            (
                "code",
                "import pandas as pd\nimport matplotlib.pyplot as plt\n"
                f"df = pd.read_csv('{csv_path}')\ndf.shape",
                [fmt.result_output("(412, 9)")],
            ),
            (
                "code",
                "df.describe().T.head()",
                [
                    fmt.result_output(
                        "              count       mean        std\n"
                        "firing_rate   412.0   6.912   7.481\n"
                        "amplitude     412.0  98.314  41.207\npresence      412.0   0.913   0.142",
                        "<table><tr><th></th><th>count</th><th>mean</th></tr>"
                        "<tr><td>firing_rate</td><td>412.0</td><td>6.912</td></tr></table>",
                    )
                ],
            ),
            (
                "code",
                "fig, ax = plt.subplots(figsize=(5, 3))\n"
                "df.firing_rate.plot.hist(bins=50, ax=ax)\nax.set_xlabel('Hz')",
                [fmt.image_output(fmt.png(48, 32, seed))],
            ),
            (
                "code",
                'print(f"{(df.default_qc).mean():.1%} of units pass QC")',
                [fmt.stream_output("71.4% of units pass QC\n")],
            ),
            (
                "markdown",
                "## Notes\n\nUnits in **CA1** look over-split; check the merge "
                "suggestions before the next sorting run.",
                None,
            ),
        ]
    )


def unit_table(label: str, rows: int = 300, sep: str = ",") -> str:
    """A unit-metrics table."""
    return fmt.table(
        (
            "unit_id",
            "region",
            "firing_rate",
            "amplitude",
            "isi_violations_ratio",
            "amplitude_cutoff",
            "presence_ratio",
            "snr",
            "default_qc",
        ),
        rows,
        lambda r, i: (
            i,
            r.choice(REGIONS),
            round(r.lognormvariate(1.5, 0.9), 3),
            round(r.uniform(30, 250), 1),
            round(r.expovariate(4), 4),
            round(r.uniform(0, 0.3), 4),
            round(r.uniform(0.5, 1.0), 3),
            round(r.uniform(1.5, 14), 2),
            r.random() < 0.7,
        ),
        seed=label,
        sep=sep,
    )
