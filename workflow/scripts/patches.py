"""Draw the first n training patches of a category (nested across n)."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.atomic import save_npy
from slacking.data.patches import sample_patches
from slacking.data.pools import read_manifest

sys.stderr = open(snakemake.log[0], "w")
category = snakemake.wildcards.category
patches = sample_patches(
    read_manifest(snakemake.input[0]),
    int(snakemake.wildcards.n),
    snakemake.params.size,
    snakemake.params.seed,
    stream=f"train/{category}",
)
save_npy(snakemake.output[0], patches)
