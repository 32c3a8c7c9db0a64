"""Figs. 1 and 15: several models' outputs on the same test image."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.plotting.examples import model_grid, plot_grid
from slacking.provenance import pdf_metadata

sys.stderr = open(snakemake.log[0], "w")
title = {"fig1": "Fig. 1", "fig15": "Fig. 15"}[snakemake.params.figure]
plot_grid(
    model_grid(snakemake.params.runs, snakemake.input, snakemake.params.image),
    [snakemake.output.pdf, snakemake.output.png],
    pdf_metadata(snakemake.params.provenance, f"{title}: derained outputs on one test image"),
)
