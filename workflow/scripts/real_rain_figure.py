"""Figs. 16 and 20: real rainy photographs through networks trained on synthetic rain."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)
import torch

from slacking.data.real_rain import load_photographs
from slacking.evaluation import derain
from slacking.models import load_model
from slacking.plotting.real_rain import real_rain_figure
from slacking.provenance import pdf_metadata

sys.stderr = open(snakemake.log[0], "w")
torch.set_num_threads(snakemake.threads)
params = snakemake.params
names, photos = load_photographs(snakemake.input.photographs, params.size, params.photographs)
outputs = [derain(load_model(path), photos) for path in snakemake.input.models]
labels = [f"{run['network']}, {run['n']} patches" for run in params.runs]
real_rain_figure(
    photos,
    outputs,
    labels,
    names,
    [snakemake.output.pdf, snakemake.output.png],
    pdf_metadata(params.provenance, f"{params.figure}: real rainy photographs"),
    title=f"{params.figure}: real rainy photographs (no ground truth)",
)
