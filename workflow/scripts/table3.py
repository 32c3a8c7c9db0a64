"""Table III: three networks per (patch count, training rain), beside the paper's values."""

import sys
from pathlib import Path

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.models import build
from slacking.provenance import read_csv, stamp, write_csv, write_text
from slacking.table3 import table3, table3_latex, table3_markdown

sys.stderr = open(snakemake.log[0], "w")
settings = snakemake.params.table3
table = table3(read_csv(snakemake.input[0]), settings)
write_csv(table, snakemake.output.csv, snakemake.params.provenance)


def parameters(network, **kwargs):
    return sum(p.numel() for p in build(network, **kwargs).parameters())


counts = {
    network: (parameters(network, **snakemake.params.networks[network]), parameters(network))
    for network in settings["networks"]
}
write_text(
    table3_markdown(table, counts, snakemake.params.tested_on),
    snakemake.output.md,
    snakemake.params.provenance,
)
Path(snakemake.output.tex).write_text(
    f"% {stamp(snakemake.params.provenance)}\n{table3_latex(table)}"
)
