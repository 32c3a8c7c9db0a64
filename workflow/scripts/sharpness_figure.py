"""Fig. 6: one network per sharpness class, evaluated during training."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)
import numpy as np

from slacking.plotting.sharpness import plot_sharpness
from slacking.provenance import pdf_metadata, read_csv

sys.stderr = open(snakemake.log[0], "w")
strips = {
    sclass: dict(np.load(path))
    for sclass, path in zip(snakemake.params.classes, snakemake.input.strips, strict=True)
}
plot_sharpness(
    read_csv(snakemake.input.table),
    strips,
    snakemake.params.network,
    [snakemake.output.pdf, snakemake.output.png],
    pdf_metadata(snakemake.params.provenance, "Fig. 6: training on each sharpness class"),
)
