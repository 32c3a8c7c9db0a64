"""Fig. 5: example patches of each sharpness class."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)
import numpy as np

from slacking.plotting.examples import PER_ROW, plot_grid, sharpness_grid
from slacking.provenance import pdf_metadata

sys.stderr = open(snakemake.log[0], "w")
sets = {
    name: np.load(path, mmap_mode="r")[:PER_ROW]
    for name, path in zip(snakemake.params.classes, snakemake.input, strict=True)
}
plot_grid(
    sharpness_grid(sets),
    [snakemake.output.pdf, snakemake.output.png],
    pdf_metadata(snakemake.params.provenance, "Fig. 5: patches per sharpness class"),
)
