"""Fig. 6a's numbers: every sharpness class's snapshots on the test set, with the baselines."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.provenance import write_csv
from slacking.tables import runs_table

sys.stderr = open(snakemake.log[0], "w")
table = runs_table(snakemake.params.runs, snakemake.input.metrics, [snakemake.input.baselines])
write_csv(table, snakemake.output[0], snakemake.params.provenance)
