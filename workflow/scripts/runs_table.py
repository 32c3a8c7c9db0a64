"""Gather one experiment family's per-image metrics and its test category's baselines, and
summarise them (means, rank correlations with the patch count, runs not trained)."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.provenance import write_csv, write_text
from slacking.tables import runs_table, summary_markdown
from slacking.validity import model_records

sys.stderr = open(snakemake.log[0], "w")
table = runs_table(
    snakemake.params.runs,
    snakemake.input.metrics,
    snakemake.input.baselines,
    records=model_records(snakemake.input.models, snakemake.params.validity),
)
write_csv(table, snakemake.output.table, snakemake.params.provenance)
write_text(summary_markdown(table), snakemake.output.summary, snakemake.params.provenance)
