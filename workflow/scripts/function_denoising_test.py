"""Test one function-denoising network on every cosine order and test noise."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)
import pandas as pd
import torch

from slacking.atomic import save_npz
from slacking.function_denoising import evaluate_all_settings, load_denoiser
from slacking.integrity import load_torch

sys.stderr = open(snakemake.log[0], "w")
torch.set_num_threads(snakemake.threads)
model = load_denoiser(load_torch(snakemake.input[0]))
rows, curves = evaluate_all_settings(model, snakemake.params.toy, snakemake.params.seed)
table = pd.DataFrame(rows)
table.insert(0, "train_order", int(snakemake.wildcards.order))
table.to_csv(snakemake.output.mse, index=False)
save_npz(snakemake.output.curves, **curves)
