"""Render a category's fixed test set (B, R, I) once, so every model sees the same images."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.atomic import save_npz
from slacking.data.pools import read_manifest
from slacking.data.testsets import build_test_set

sys.stderr = open(snakemake.log[0], "w")
arrays = build_test_set(
    read_manifest(snakemake.input.backgrounds),
    snakemake.wildcards.category,
    snakemake.params.n_images,
    snakemake.params.size,
    snakemake.params.seed,
    snakemake.wildcards.rain,
    snakemake.params.rain,
    snakemake.input.get("rain100l"),
)
save_npz(snakemake.output[0], **arrays)
