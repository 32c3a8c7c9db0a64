"""Figs. 11-14: denoised cosines per training and test setting."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)
import numpy as np

from slacking.plotting.function_denoising import panel_specs, plot_panels
from slacking.provenance import pdf_metadata, read_csv

sys.stderr = open(snakemake.log[0], "w")
toy = snakemake.params.toy
train_noise = toy["test_noises"].index(toy["train_noise"])
specs, shape = panel_specs(
    snakemake.params.figure,
    toy["orders"],
    len(toy["test_noises"]),
    train_noise,
    toy["four_panel"],
)
curves = {
    order: dict(np.load(path))
    for order, path in zip(toy["orders"], snakemake.input.curves, strict=True)
}
table = read_csv(snakemake.input.table)
figure = snakemake.params.figure
plot_panels(
    specs,
    shape,
    curves,
    table,
    toy["test_noises"],
    train_noise,
    [snakemake.output.pdf, snakemake.output.png],
    pdf_metadata(snakemake.params.provenance, f"Fig. {figure}: function denoising"),
)
