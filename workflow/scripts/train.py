"""Train derainers on patch subsets, one run or a stack (config training.stack_counts).

Each run resumes from its newest checkpoint.
"""

import sys
from pathlib import Path

import _package  # noqa: F401  (puts src/ on sys.path)
import numpy as np
import torch

from slacking.stacked import StackedTrainer
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
trainers = [
    Trainer(np.load(patches), settings, Path(model).parent)
    for patches, model in zip(snakemake.input, snakemake.output, strict=True)
]
if len(trainers) == 1:
    trainers[0].run()
else:
    StackedTrainer(trainers).run()
