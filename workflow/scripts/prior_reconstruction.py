"""The content prior's own reconstruction PSNR on clean test images: its ceiling (Sec. VI)."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)
import torch

from slacking.evaluation import reconstruction_table
from slacking.integrity import load_array
from slacking.models import load_model

sys.stderr = open(snakemake.log[0], "w")
torch.set_num_threads(snakemake.threads)
clean = load_array(snakemake.input.test_set)["B"]
table = reconstruction_table(load_model(snakemake.input.model), clean, snakemake.params.batch_size)
table.to_csv(snakemake.output[0], index=False)
