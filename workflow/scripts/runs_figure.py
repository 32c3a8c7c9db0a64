"""Fig. 8 or NeurIPS Fig. 10: one family's runs against the patch count."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.plotting.runs import plot_runs
from slacking.provenance import pdf_metadata, read_csv

sys.stderr = open(snakemake.log[0], "w")
family = snakemake.params.family
plot_runs(
    read_csv(snakemake.input[0]),
    family,
    [snakemake.output.pdf, snakemake.output.png],
    pdf_metadata(snakemake.params.provenance, snakemake.params.title),
    drop_share=snakemake.params.drop_share if family == "rain_range" else None,
)
