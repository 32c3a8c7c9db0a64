"""Point the workflow at a dataset placed by hand, or say exactly where to place it."""

import os
import sys
from pathlib import Path

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.data.download import require_placed

sys.stderr = open(snakemake.log[0], "w")
placed = Path(snakemake.params.placed)
require_placed(placed, snakemake.wildcards.dataset, snakemake.params.hint)
os.symlink(placed.resolve(), snakemake.output[0], target_is_directory=True)
