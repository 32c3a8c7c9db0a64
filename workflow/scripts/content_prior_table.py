"""Sec. VI's table: every model of the content-prior experiment on each of its test sets."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.content_prior import content_prior_markdown
from slacking.plotting.style import NETWORK_LABELS
from slacking.provenance import read_csv, write_csv, write_text
from slacking.tables import runs_table
from slacking.validity import model_records

sys.stderr = open(snakemake.log[0], "w")
table = runs_table(
    snakemake.params.runs,
    snakemake.input.metrics,
    snakemake.input.baselines,
    snakemake.params.baseline_tests,
    model_records(snakemake.input.models, snakemake.params.validity),
)
record = snakemake.params.provenance
write_csv(table, snakemake.output.table, record)
write_text(
    content_prior_markdown(
        table, snakemake.params.rain, NETWORK_LABELS, read_csv(snakemake.input.prior)
    ),
    snakemake.output.markdown,
    record,
)
