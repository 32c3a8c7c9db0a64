"""Table II: the analogy between function denoising and image restoration, as run here."""

import sys

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.function_denoising_tables import analogy_markdown
from slacking.models import build
from slacking.provenance import write_text

sys.stderr = open(snakemake.log[0], "w")
toy = snakemake.params.toy
parameters = sum(p.numel() for p in build("toy1d", **toy["network"]).parameters())
write_text(analogy_markdown(toy, parameters), snakemake.output[0], snakemake.params.provenance)
