"""List a category's split of an extracted real dataset."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.data.pools import write_real_pool

sys.stderr = open(snakemake.log[0], "w")
spec = snakemake.params.spec
write_real_pool(snakemake.input[0], spec["glob"], spec.get("slice"), snakemake.output[0])
