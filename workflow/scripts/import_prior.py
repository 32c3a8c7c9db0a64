"""Turn a taming-transformers VQGAN checkpoint into the model.pt the fine-tuning starts from."""

import sys
from pathlib import Path

import _package  # noqa: F401  (puts src/ on sys.path)

from slacking.atomic import save_torch
from slacking.models import build, model_record
from slacking.models.vqgan import load_taming_checkpoint

sys.stderr = open(snakemake.log[0], "w")
kwargs = snakemake.params.network_kwargs
model = build("vqgan", **kwargs)
path = Path(snakemake.input[0]) / snakemake.params.checkpoint["path"]
report = load_taming_checkpoint(model, path)
print(
    f"loaded {len(report.loaded)} tensors from {path}; ignored {len(report.ignored)} "
    f"(loss.*); inert placeholders for {report.placeholders}",
    file=sys.stderr,
)
save_torch(model_record("vqgan", kwargs, model, 0), Path(snakemake.output[0]))
