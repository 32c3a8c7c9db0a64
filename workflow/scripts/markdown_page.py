"""An HTML page of a Markdown table, shown inline in the Snakemake report."""

import sys
from pathlib import Path

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.provenance import markdown_page

sys.stderr = open(snakemake.log[0], "w")
text = Path(snakemake.input[0]).read_text()
page = markdown_page(text, snakemake.params.provenance, snakemake.wildcards.name)
Path(snakemake.output[0]).write_text(page)
