"""Fetch one dataset archive with retries and checksum verification."""

import sys
from pathlib import Path

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.data.download import fetch

sys.stderr = open(snakemake.log[0], "w")
fetch(
    snakemake.params.url,
    Path(snakemake.output[0]),
    snakemake.params.checksum,
    retries=snakemake.params.retries,
    progress=False,  # a progress bar would fill the log; the log says what was fetched
)
