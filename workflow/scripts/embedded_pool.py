"""Write a category's bundled images (train or test split) as PNGs plus a manifest."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.data.pools import write_embedded_pool

sys.stderr = open(snakemake.log[0], "w")
write_embedded_pool(
    snakemake.params.specs,
    snakemake.params.lfw_size,
    snakemake.output.images,
    snakemake.output.manifest,
)
