"""Fig. 6a's numbers: every sharpness class's snapshots on the test set, with the baselines."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.provenance import write_csv
from slacking.tables import runs_table
from slacking.validity import model_records

sys.stderr = open(snakemake.log[0], "w")
# Every snapshot is judged by its run's final model (the validity test reads the whole run).
table = runs_table(
    snakemake.params.runs,
    snakemake.input.metrics,
    [snakemake.input.baselines],
    records=model_records(snakemake.input.models, snakemake.params.validity),
)
write_csv(table, snakemake.output[0], snakemake.params.provenance)
