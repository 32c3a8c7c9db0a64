"""Fig. 9: normalised E_R per category against the patch count, and category complexity."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.plotting.complexity import plot_complexity
from slacking.provenance import pdf_metadata, read_csv

sys.stderr = open(snakemake.log[0], "w")
title = "Fig. 9: normalised E_R against the patch count, and category complexity"
plot_complexity(
    read_csv(snakemake.input.table),
    read_csv(snakemake.input.complexity),
    snakemake.params.network,
    [snakemake.output.pdf, snakemake.output.png],
    pdf_metadata(snakemake.params.provenance, title),
)
