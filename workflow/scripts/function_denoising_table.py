"""Gather every function-denoising network's test MSEs beside the paper's stated values."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.function_denoising_tables import function_denoising_markdown, function_denoising_table
from slacking.provenance import write_csv, write_text

sys.stderr = open(snakemake.log[0], "w")
table = function_denoising_table(
    snakemake.input, snakemake.params.paper_mse, snakemake.params.test_noises
)
write_csv(table, snakemake.output.table, snakemake.params.provenance)
write_text(
    function_denoising_markdown(table), snakemake.output.summary, snakemake.params.provenance
)
