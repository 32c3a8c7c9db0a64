"""Figs. 18 and 19: the content prior against its ablation and the from-scratch networks."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.plotting.content_prior import fig18, fig19
from slacking.provenance import pdf_metadata

sys.stderr = open(snakemake.log[0], "w")
figure = snakemake.params.figure
params = snakemake.params
outs = [snakemake.output.pdf, snakemake.output.png]
if figure == "fig18":
    metadata = pdf_metadata(params.provenance, "Fig. 18: the content prior's no-VQ ablation")
    fig18(params.runs, snakemake.input.strips, snakemake.input.models, params.image, outs, metadata)
else:
    metadata = pdf_metadata(params.provenance, "Fig. 19: content prior against baselines")
    fig19(params.runs, snakemake.input.strips, params.image, outs, metadata)
