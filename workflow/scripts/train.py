"""Train networks on patch subsets, one run or a stack (config training.stack_counts).

Each run resumes from its newest checkpoint. A run's degradation (rain range, noise or clean)
is its ``rain_range`` wildcard; the content prior's runs name their registry network and
starting weights (input ``prior``) in params.
"""

import sys
from pathlib import Path

import _package  # noqa: F401  (puts src/ on sys.path)
import torch

from slacking.degradations import degradation_from_config
from slacking.train_job import open_job_log, train_job
from slacking.training import settings_from_config

run_dirs = [Path(model).parent for model in snakemake.output]
sys.stderr = open_job_log(snakemake.log[0], run_dirs)
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
train_job(settings, [patches] if isinstance(patches, str) else patches, run_dirs)
