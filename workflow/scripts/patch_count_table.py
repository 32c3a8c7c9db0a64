"""Gather the patch-count family's per-image metrics and the baselines into one table."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.tables import patch_count_table, summary_markdown

sys.stderr = open(snakemake.log[0], "w")
table = patch_count_table(snakemake.params.runs, snakemake.input.metrics, snakemake.input.baselines)
table.to_csv(snakemake.output.table, index=False)
with open(snakemake.output.summary, "w") as handle:
    handle.write(summary_markdown(table))
