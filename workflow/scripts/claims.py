"""results/claims.md and claims.csv: each claim of the papers with our statistic and verdict."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.claims import all_claims, claims_frame, claims_markdown
from slacking.provenance import read_csv, write_csv, write_text

sys.stderr = open(snakemake.log[0], "w")
tables = {key: read_csv(path) for key, path in snakemake.input.items()}
claims = all_claims(
    tables,
    snakemake.params.claims,
    snakemake.params.experiments,
    snakemake.params.train_noise,
    snakemake.params.sharpness_classes,
)
frame = claims_frame(claims)
record = snakemake.params.provenance
write_csv(frame, snakemake.output.table, record)
write_text(claims_markdown(frame), snakemake.output.markdown, record)
