"""The Python ``code/run.py`` of a demo capsule, one per kind of analysis (:data:`PYTHON_KINDS`).

Each script is a shared header (imports, the ``/data`` and ``/results`` folders, a logger), the
analysis' own function and a ``main`` that parses the App Panel's parameters and runs it over the
inputs, so that a preview shows code that reads like a real capsule's.
"""

from __future__ import annotations

_PY_HEADER = '''"""{title}

Reads inputs from /data, writes everything to /results. Parameters come from the command line
(the App Panel passes them as --name value pairs).
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

import numpy as np
{imports}
DATA = Path("../data")
RESULTS = Path("../results")
log = logging.getLogger("{logger}")

'''

_PY_BODIES: dict[str, str] = {
    "preprocess": '''
import spikeinterface.full as si


def preprocess_stream(recording_path: Path, args: argparse.Namespace) -> dict[str, object]:
    """Phase-shift, high-pass filter and common-median-reference one probe stream."""
    rec = si.read_openephys(recording_path, stream_name=args.stream)
    log.info("loaded %s: %d channels, %.1f s", args.stream, rec.get_num_channels(),
             rec.get_total_duration())
    rec = si.phase_shift(rec)
    rec = si.highpass_filter(rec, freq_min=args.freq_min)
    bad_ids, labels = si.detect_bad_channels(rec, method="coherence+psd")
    rec = rec.remove_channels(bad_ids)
    rec = si.common_reference(rec, operator="median", reference="global")
    out = RESULTS / "preprocessed" / args.stream
    rec.save(folder=out, n_jobs=args.n_jobs, chunk_duration="1s", progress_bar=False)
    return {"stream": args.stream, "bad_channels": [str(c) for c in bad_ids],
            "labels": dict(zip(map(str, rec.channel_ids), map(str, labels)))}
''',
    "sorting": '''
import spikeinterface.full as si
from kilosort import run_kilosort


def sort_stream(preprocessed: Path, args: argparse.Namespace) -> dict[str, object]:
    """Run Kilosort 4 on one preprocessed stream and export a Phy folder."""
    rec = si.load_extractor(preprocessed)
    settings = {"n_chan_bin": rec.get_num_channels(), "fs": rec.sampling_frequency,
                "Th_universal": args.th_universal, "Th_learned": args.th_learned,
                "nblocks": args.nblocks}
    log.info("kilosort4 settings: %s", json.dumps(settings))
    ops, st, clu, *_ = run_kilosort(settings=settings, filename=preprocessed / "traces.raw",
                                    results_dir=RESULTS / "kilosort4" / preprocessed.name)
    units, counts = np.unique(clu, return_counts=True)
    return {"stream": preprocessed.name, "n_units": int(units.size),
            "n_spikes": int(counts.sum()), "median_rate_hz": float(np.median(counts) / ops["Nt"])}
''',
    "qc": '''
import pandas as pd
import spikeinterface.full as si

THRESHOLDS = {"isi_violations_ratio": 0.5, "amplitude_cutoff": 0.1, "presence_ratio": 0.8}


def unit_metrics(sorting_folder: Path, args: argparse.Namespace) -> pd.DataFrame:
    """Quality metrics for every unit, with a pass/fail label per threshold."""
    analyzer = si.load_sorting_analyzer(sorting_folder)
    analyzer.compute(["random_spikes", "waveforms", "templates", "noise_levels",
                      "spike_amplitudes", "principal_components"])
    metrics = si.compute_quality_metrics(analyzer)
    for name, limit in THRESHOLDS.items():
        op = np.less if name != "presence_ratio" else np.greater_equal
        metrics[f"pass_{name}"] = op(metrics[name], limit)
    metrics["default_qc"] = metrics.filter(like="pass_").all(axis=1)
    return metrics
''',
    "scanpy": '''
import scanpy as sc


def cluster(counts_dir: Path, args: argparse.Namespace) -> dict[str, object]:
    """Standard Scanpy workflow: QC, normalise, HVGs, PCA, neighbours, Leiden, UMAP."""
    adata = sc.read_10x_mtx(counts_dir, var_names="gene_symbols", cache=False)
    adata.var["mt"] = adata.var_names.str.startswith("MT-")
    sc.pp.calculate_qc_metrics(adata, qc_vars=["mt"], inplace=True)
    adata = adata[(adata.obs.n_genes_by_counts < 2500) & (adata.obs.pct_counts_mt < 5)].copy()
    sc.pp.normalize_total(adata, target_sum=1e4)
    sc.pp.log1p(adata)
    sc.pp.highly_variable_genes(adata, n_top_genes=args.n_top_genes)
    sc.tl.pca(adata, n_comps=50)
    sc.pp.neighbors(adata, n_neighbors=args.n_neighbors)
    sc.tl.leiden(adata, resolution=args.resolution, flavor="igraph", n_iterations=2)
    sc.tl.umap(adata)
    adata.write_h5ad(RESULTS / "pbmc10k_clustered.h5ad", compression="gzip")
    return {"cells": adata.n_obs, "clusters": int(adata.obs.leiden.nunique())}
''',
    "segmentation": '''
import tifffile
from cellpose import models


def segment(tiles: Path, args: argparse.Namespace) -> dict[str, object]:
    """Cellpose nuclei segmentation of every stitched tile; one centroid table per channel."""
    model = models.CellposeModel(gpu=args.gpu, pretrained_model=args.model)
    rows = []
    for tile in sorted(tiles.glob("tile_*.tif")):
        img = tifffile.imread(tile)
        masks, *_ = model.eval(img, diameter=args.diameter, channels=[0, 0])
        ids = np.unique(masks)[1:]
        rows.extend({"tile": tile.stem, "cell": int(i)} for i in ids)
    (RESULTS / "cells.json").write_text(json.dumps(rows))
    return {"tiles": len(list(tiles.glob("tile_*.tif"))), "cells": len(rows)}
''',
    "registration": '''
import ants


def register(stitched: Path, args: argparse.Namespace) -> dict[str, object]:
    """Register the downsampled autofluorescence channel to the Allen CCF (25 µm)."""
    template = ants.image_read(str(DATA / "allen_ccf_25um" / "average_template_25.nii.gz"))
    moving = ants.image_read(str(stitched / "Ex_639_Em_667_downsampled_25um.nii.gz"))
    reg = ants.registration(fixed=template, moving=moving, type_of_transform="SyN",
                            reg_iterations=tuple(args.iterations))
    ants.image_write(reg["warpedmovout"], str(RESULTS / "registered_25um.nii.gz"))
    for i, path in enumerate(reg["fwdtransforms"]):
        Path(path).rename(RESULTS / f"transform_{i}{Path(path).suffix}")
    return {"metric": "mattes", "transforms": len(reg["fwdtransforms"])}
''',
    "behavior": '''
import pandas as pd


def summarise(session_dir: Path, args: argparse.Namespace) -> dict[str, object]:
    """Per-session foraging efficiency and lick latency from the Bonsai event log."""
    events = pd.read_json(session_dir / "events.jsonl", lines=True)
    trials = events.pivot_table(index="trial", columns="event", values="latency_s", aggfunc="first")
    rewarded = events[events.event == "reward"].trial.nunique()
    return {"session": session_dir.name, "trials": int(trials.shape[0]),
            "reward_rate": rewarded / max(1, trials.shape[0]),
            "median_latency_s": float(events.latency_s.median())}
''',
}

_PY_MAIN = """

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
{arguments}
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.time()
    summary = []
    for item in sorted(DATA.glob("{glob}")):
        log.info("processing %s", item)
        summary.append({func}(item, args))
    (RESULTS / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    log.info("finished %d inputs in %.1f s", len(summary), time.time() - started)


if __name__ == "__main__":
    main()
"""

_PY_SPECS: dict[str, tuple[str, str, str, str, list[tuple[str, str, str]]]] = {
    # kind: (title, logger, function, glob, [(flag, type, default)])
    "preprocess": (
        "Preprocess Neuropixels recordings with SpikeInterface.",
        "ephys.preprocess",
        "preprocess_stream",
        "ecephys_*/ecephys/ecephys_clipped",
        [
            ("--stream", "str", '"ProbeA-AP"'),
            ("--freq-min", "float", "300.0"),
            ("--n-jobs", "int", "-1"),
        ],
    ),
    "sorting": (
        "Spike sorting with Kilosort 4.",
        "ephys.sorting",
        "sort_stream",
        "*/preprocessed/*",
        [
            ("--th-universal", "float", "9.0"),
            ("--th-learned", "float", "8.0"),
            ("--nblocks", "int", "1"),
        ],
    ),
    "qc": (
        "Unit quality metrics and default curation labels.",
        "ephys.qc",
        "unit_metrics",
        "*/kilosort4/*",
        [("--min-spikes", "int", "100")],
    ),
    "scanpy": (
        "Cluster 10x scRNA-seq counts with Scanpy.",
        "scrna.cluster",
        "cluster",
        "*/filtered_feature_bc_matrix",
        [
            ("--resolution", "float", "0.8"),
            ("--n-neighbors", "int", "15"),
            ("--n-top-genes", "int", "2000"),
        ],
    ),
    "segmentation": (
        "Segment nuclei in stitched SmartSPIM tiles with Cellpose.",
        "spim.segment",
        "segment",
        "*/tiles",
        [
            ("--diameter", "float", "12.0"),
            ("--model", "str", '"nuclei"'),
            ("--gpu", "bool", "True"),
        ],
    ),
    "registration": (
        "Register stitched light-sheet volumes to the Allen CCF with ANTs.",
        "spim.register",
        "register",
        "SmartSPIM_*",
        [("--iterations", "int", "[100, 70, 50, 20]")],
    ),
    "behavior": (
        "Summarise dynamic-foraging behaviour sessions.",
        "behavior.summary",
        "summarise",
        "behavior_*/sessions/*",
        [("--min-trials", "int", "50")],
    ),
}

PYTHON_KINDS = tuple(_PY_SPECS)


def run_py(kind: str) -> str:
    """A capsule's ``code/run.py`` for one kind of analysis (see :data:`PYTHON_KINDS`)."""
    title, logger, func, glob, args = _PY_SPECS[kind]
    arguments = "\n".join(
        f'    parser.add_argument("{flag}", type={typ}, default={default})'
        if not default.startswith("[")
        else f'    parser.add_argument("{flag}", type=int, nargs="+", default={default})'
        for flag, typ, default in args
    )
    body = _PY_BODIES[kind].strip("\n").split("\n")
    # The body's own imports join the header's, so the module reads top-down like real code.
    n_imports = 0
    while n_imports < len(body) and body[n_imports].startswith(("import ", "from ")):
        n_imports += 1
    imports = "".join(line + "\n" for line in body[:n_imports])
    code = "\n".join(body[n_imports:]).lstrip("\n")
    return (
        _PY_HEADER.format(title=title, logger=logger, imports=imports)
        + "\n"
        + code
        + "\n"
        + _PY_MAIN.format(arguments=arguments, glob=glob, func=func)
    )
