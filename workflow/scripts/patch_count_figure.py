"""Fig. 4 (E_R) or Fig. 10 (E_B) against the number of training patches."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.plotting.patch_count import plot_metric_vs_count
from slacking.provenance import pdf_metadata, read_csv

sys.stderr = open(snakemake.log[0], "w")
metric = snakemake.params.metric
title = f"Fig. {snakemake.params.figure}: {metric} against the number of training patches"
plot_metric_vs_count(
    read_csv(snakemake.input[0]),
    metric,
    [snakemake.output.pdf, snakemake.output.png],
    pdf_metadata(snakemake.params.provenance, title),
)
