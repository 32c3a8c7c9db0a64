"""Fig. 4 (E_R) or Fig. 10 (E_B) against the number of training patches."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)
import pandas as pd

from slacking.plotting.patch_count import plot_metric_vs_count

sys.stderr = open(snakemake.log[0], "w")
plot_metric_vs_count(pd.read_csv(snakemake.input[0]), snakemake.params.metric, snakemake.output[0])
