"""results/tables/run_validity.csv: the run table with each deraining run's validity record
(slacking.validity: plateau, final loss against the identity's, trained or not)."""

import sys
from pathlib import Path

import _package  # noqa: F401  (puts src/ on sys.path)
import pandas as pd

from slacking.experiments import run_table
from slacking.provenance import write_csv
from slacking.validity import model_records

sys.stderr = open(snakemake.log[0], "w")
config = snakemake.params.config
table = run_table(config)
results = Path(config["results_dir"])
tested = table[table["model"].str.startswith("models/")]
records = model_records([results / model for model in tested["model"]], config["validity"])
validity = pd.DataFrame(records, index=tested.index)
write_csv(table.join(validity), snakemake.output[0], snakemake.params.provenance)
