"""Identity and perfect derainers on a test set: the scale every E_R and E_B is read against."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.evaluation import baselines_table
from slacking.integrity import load_array

sys.stderr = open(snakemake.log[0], "w")
test_set = dict(load_array(snakemake.input[0]))
baselines_table(test_set, **snakemake.params.metrics).to_csv(snakemake.output[0], index=False)
