"""Split patches of the sharpness pool into the papers' low/medium/high classes."""

import sys
from pathlib import Path

import _package  # noqa: F401  (puts src/ on sys.path)
import pandas as pd

from slacking.atomic import save_npy
from slacking.data.pools import read_manifest
from slacking.data.sharpness_split import split_by_sharpness

sys.stderr = open(snakemake.log[0], "w")
paths = [path for manifest in snakemake.input for path in read_manifest(manifest)]
sets, tallies = split_by_sharpness(
    paths,
    snakemake.params.size,
    snakemake.params.seed,
    "sharpness",
    snakemake.params.classes,
    snakemake.params.per_class,
    snakemake.params.max_candidates,
)
for path in snakemake.output.sets:
    save_npy(path, sets[Path(path).stem])
pd.DataFrame([tallies]).to_csv(snakemake.output.summary, index=False)
