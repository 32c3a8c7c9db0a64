"""results/bundle.tar.gz: what the figures, tables and claims read, with its manifest
(slacking.bundle)."""

import sys
from pathlib import Path

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.bundle import describe, export

sys.stderr = open(snakemake.log[0], "w")
manifest = export(
    snakemake.output[0],
    Path(snakemake.output[0]).parent,  # results_dir/bundle.tar.gz
    snakemake.params.contents,
    snakemake.params.provenance,
    snakemake.params.config,
)
for line in describe(manifest):
    print(line, file=sys.stderr)
