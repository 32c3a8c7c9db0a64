"""results/benchmarks/jobs.csv: one row per training and evaluation job of this config, from
its Snakemake benchmark (slacking.costs)."""

import sys
from pathlib import Path

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.costs import jobs_table
from slacking.provenance import write_csv

sys.stderr = open(snakemake.log[0], "w")
results = Path(snakemake.output[0]).parents[1]  # <results>/benchmarks/jobs.csv
write_csv(
    jobs_table(snakemake.params.jobs, results), snakemake.output[0], snakemake.params.provenance
)
