"""Fig. 9b's numbers: the structural complexity of each category's training patches."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.complexity import complexity_table
from slacking.provenance import write_csv

sys.stderr = open(snakemake.log[0], "w")
files = dict(zip(snakemake.params.categories, snakemake.input, strict=True))
write_csv(complexity_table(files), snakemake.output[0], snakemake.params.provenance)
