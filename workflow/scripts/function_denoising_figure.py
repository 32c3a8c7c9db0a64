"""Figs. 11-14: denoised cosines per training and test setting."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)
import numpy as np
import pandas as pd

from slacking.plotting.function_denoising import panel_specs, plot_panels

sys.stderr = open(snakemake.log[0], "w")
toy = snakemake.params.toy
train_noise = toy["test_noises"].index(toy["train_noise"])
specs, shape = panel_specs(
    snakemake.wildcards.figure,
    toy["orders"],
    len(toy["test_noises"]),
    train_noise,
    toy["four_panel"],
)
curves = {
    order: dict(np.load(path))
    for order, path in zip(toy["orders"], snakemake.input.curves, strict=True)
}
table = pd.read_csv(snakemake.input.table)
plot_panels(specs, shape, curves, table, toy["test_noises"], train_noise, snakemake.output[0])
