"""Evaluate one trained model on a category's fixed test set (and save examples if asked)."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)
import torch

from slacking.evaluation import derain, metrics_table, write_examples
from slacking.integrity import load_array
from slacking.models import load_model

sys.stderr = open(snakemake.log[0], "w")
torch.set_num_threads(snakemake.threads)
test_set = dict(load_array(snakemake.input.test_set))
model = load_model(snakemake.input.model)
derained = derain(model, test_set["I"], snakemake.params.batch_size)
metrics_table(derained, test_set, **snakemake.params.metrics).to_csv(
    snakemake.output.metrics, index=False
)
write_examples(snakemake.output.examples, test_set, derained, snakemake.params.examples)
