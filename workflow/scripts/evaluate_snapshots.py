"""Evaluate the weights a run kept during training (Fig. 6): metrics and one image's outputs."""

import sys
from pathlib import Path

import _package  # noqa: F401  (puts src/ on sys.path)
import torch

from slacking.atomic import save_npz
from slacking.evaluation import evaluate_snapshots
from slacking.integrity import load_array

sys.stderr = open(snakemake.log[0], "w")
torch.set_num_threads(snakemake.threads)
table, strip = evaluate_snapshots(
    Path(snakemake.input.model).parent / "snapshots",
    dict(load_array(snakemake.input.test_set)),
    snakemake.params.metrics["threshold"],
    snakemake.params.batch_size,
    snakemake.params.strip_image,
    device="cuda" if torch.cuda.is_available() else "cpu",
    average=snakemake.params.metrics["average"],
)
table.to_csv(snakemake.output.metrics, index=False)
save_npz(snakemake.output.strip, **strip)
