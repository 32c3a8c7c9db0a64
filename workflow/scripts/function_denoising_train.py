"""Train the function-denoising network for one cosine order."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)
import torch

from slacking.atomic import save_torch
from slacking.function_denoising import train_from_config

sys.stderr = open(snakemake.log[0], "w")
torch.set_num_threads(snakemake.threads)
payload = train_from_config(
    snakemake.params.toy,
    int(snakemake.wildcards.order),
    snakemake.params.seed,
    snakemake.output.log,
)
save_torch(payload, snakemake.output.model)
