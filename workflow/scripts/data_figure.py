"""Fig. 3: background patches per category, training rain per range, and the test rain."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)
import numpy as np

from slacking.plotting.examples import PER_ROW, data_grid, plot_grid
from slacking.provenance import pdf_metadata
from slacking.rain import rain_range_from_config

sys.stderr = open(snakemake.log[0], "w")
rain = snakemake.params.rain
rows = data_grid(
    {
        c: np.load(p, mmap_mode="r")[:PER_ROW]
        for c, p in zip(snakemake.params.categories, snakemake.input.patches, strict=True)
    },
    {name: rain_range_from_config(rain, name) for name in rain["ranges"]},
    np.load(snakemake.input.test_set)["R"],
    size=max(128, snakemake.params.size),
    seed=snakemake.params.seed,
)
plot_grid(
    rows,
    [snakemake.output.pdf, snakemake.output.png],
    pdf_metadata(snakemake.params.provenance, "Fig. 3: backgrounds, training rain, test rain"),
)
