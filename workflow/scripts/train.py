"""Train networks on patch subsets, one run or a stack (config training.stack_counts).

Each run resumes from its newest checkpoint. A run's degradation (rain range, noise or clean)
is its ``rain_range`` wildcard; the content prior's runs name their registry network and
starting weights (input ``prior``) in params.
"""

import sys
from pathlib import Path

import _package  # noqa: F401  (puts src/ on sys.path)
import numpy as np
import torch

from slacking.degradations import degradation_from_config
from slacking.stacked import StackedTrainer
from slacking.training import Trainer, settings_from_config

sys.stderr = open(snakemake.log[0], "w")
torch.set_num_threads(snakemake.threads)
wc = snakemake.wildcards
prior = snakemake.input.get("prior")
settings = settings_from_config(
    snakemake.params.get("network") or wc.network,
    snakemake.params.network_kwargs,
    {**snakemake.params.training, **({"init": prior} if prior else {})},
    degradation_from_config(snakemake.params.rain, snakemake.params.noise, wc.rain_range),
    snakemake.params.seed,
)
patches = snakemake.input.patches  # one path, or every count's when they train stacked
trainers = [
    Trainer(np.load(path), settings, Path(model).parent)
    for path, model in zip(
        [patches] if isinstance(patches, str) else patches, snakemake.output, strict=True
    )
]
if len(trainers) == 1:
    trainers[0].run()
else:
    StackedTrainer(trainers).run()
