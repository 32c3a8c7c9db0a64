"""Gather the patch-count family's per-image metrics and the baselines into one table."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.provenance import write_csv, write_text
from slacking.tables import runs_table, summary_markdown

sys.stderr = open(snakemake.log[0], "w")
table = runs_table(snakemake.params.runs, snakemake.input.metrics, snakemake.input.baselines)
write_csv(table, snakemake.output.table, snakemake.params.provenance)
write_text(summary_markdown(table), snakemake.output.summary, snakemake.params.provenance)
