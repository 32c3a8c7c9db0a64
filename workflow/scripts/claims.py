"""results/claims.md and claims.csv: each claim of the papers with our statistic and verdict."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.claims import claims_frame, claims_markdown
from slacking.experiments import all_claims
from slacking.provenance import read_csv, write_csv, write_text

sys.stderr = open(snakemake.log[0], "w")
tables = {key: read_csv(path) for key, path in snakemake.input.items()}
frame = claims_frame(all_claims(tables, snakemake.params.config))
record = snakemake.params.provenance
write_csv(frame, snakemake.output.table, record)
write_text(claims_markdown(frame), snakemake.output.markdown, record)
