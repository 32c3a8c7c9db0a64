"""Train one derainer on one patch subset; resumes from its newest checkpoint."""

import sys
from pathlib import Path

import _package  # noqa: F401  (puts src/ on sys.path)
import numpy as np
import torch

from slacking.training import Trainer, rain_range_from_config, settings_from_config

sys.stderr = open(snakemake.log[0], "w")
torch.set_num_threads(snakemake.threads)
wc = snakemake.wildcards
settings = settings_from_config(
    wc.network,
    snakemake.params.network_kwargs,
    snakemake.params.training,
    rain_range_from_config(snakemake.params.rain, wc.rain_range),
    snakemake.params.seed,
)
out_dir = Path(snakemake.output[0]).parent
Trainer(np.load(snakemake.input[0]), settings, out_dir).run()
