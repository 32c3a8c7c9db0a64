"""Unpack a downloaded archive atomically into its dataset directory."""

import sys
from pathlib import Path

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.data.archives import extract

sys.stderr = open(snakemake.log[0], "w")
extract(Path(snakemake.input[0]), Path(snakemake.output[0]))
