"""results/runs.csv: every training run of the preset, once (slacking.experiments.run_table)."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.experiments import run_table
from slacking.provenance import write_csv

sys.stderr = open(snakemake.log[0], "w")
write_csv(run_table(snakemake.params.config), snakemake.output[0], snakemake.params.provenance)
