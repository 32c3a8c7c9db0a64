"""Fig. 2: one test image's synthesis and the error maps behind E_R and E_B."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)
import torch

from slacking.evaluation import derain
from slacking.integrity import load_array
from slacking.models import load_model
from slacking.plotting.synthesis import synthesis_figure
from slacking.provenance import pdf_metadata

sys.stderr = open(snakemake.log[0], "w")
torch.set_num_threads(snakemake.threads)
test_set = load_array(snakemake.input.test_set)
i = snakemake.params.image
B, R, I = test_set["B"][i], test_set["R"][i], test_set["I"][i]  # noqa: E741  (the paper's names)
derained = derain(load_model(snakemake.input.model), I[None])[0]
synthesis_figure(
    B,
    R,
    I,
    derained,
    snakemake.params.metrics,
    [snakemake.output.pdf, snakemake.output.png],
    pdf_metadata(snakemake.params.provenance, "Fig. 2: rainy-image synthesis and E_R / E_B"),
)
