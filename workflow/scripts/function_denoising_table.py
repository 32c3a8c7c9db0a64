"""Gather every function-denoising network's test MSEs beside the paper's stated values."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.function_denoising_tables import function_denoising_markdown, function_denoising_table

sys.stderr = open(snakemake.log[0], "w")
table = function_denoising_table(
    snakemake.input, snakemake.params.paper_mse, snakemake.params.test_noises
)
table.to_csv(snakemake.output.table, index=False)
with open(snakemake.output.summary, "w") as handle:
    handle.write(function_denoising_markdown(table))
