"""Evaluate a trained derainer on a fixed test set: per-image E_R, E_B, PSNR and examples."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import torch

from .data.images import write_png
from .metrics import decoupled_metrics, psnr
from .models import load_model


@torch.no_grad()
def derain(model: torch.nn.Module, rainy: np.ndarray, batch_size: int = 8) -> np.ndarray:
    """Run ``model`` on uint8 (N,H,W,3) images; returns uint8 outputs, rounded and clipped."""
    device = next(model.parameters()).device
    outputs = []
    for start in range(0, len(rainy), batch_size):
        batch = torch.from_numpy(rainy[start : start + batch_size]).to(device)
        batch = batch.permute(0, 3, 1, 2).float().div_(255.0)
        out = model(batch).clamp_(0, 1).mul_(255.0).round_()
        outputs.append(out.permute(0, 2, 3, 1).to(torch.uint8).cpu().numpy())
    return np.concatenate(outputs)


def metrics_table(
    derained: np.ndarray, test_set: dict, threshold: float, average: str = "region"
) -> pd.DataFrame:
    """One row per test image: its index and E_R, E_B, PSNR, rain left (``decoupled_metrics``
    with config ``metrics.average``)."""
    values = decoupled_metrics(
        derained, test_set["I"], test_set["B"], test_set["R"], threshold, average
    )
    table = pd.DataFrame({name: np.atleast_1d(v) for name, v in values.items()})
    table.insert(0, "image", np.arange(len(table)))
    return table


def reconstruction_table(model: torch.nn.Module, clean: np.ndarray, batch_size: int = 8):
    """One row per image: the PSNR of ``model`` run on the clean image itself. For an
    autoencoder (the content prior) it is the ceiling of every output it decodes."""
    output = derain(model, clean, batch_size)
    return pd.DataFrame({"image": np.arange(len(clean)), "PSNR": psnr(output, clean)})


def baselines_table(test_set: dict, threshold: float, average: str = "region") -> pd.DataFrame:
    """The two reference derainers: identity (output = rainy input) and perfect (output = B).

    An E_R only means something next to these: identity gives E_R = 0 and the E_B of the
    sub-threshold rain; perfect gives the largest meaningful E_R and E_B = 0.
    """
    tables = []
    for name, output in (("identity", test_set["I"]), ("perfect", test_set["B"])):
        table = metrics_table(output, test_set, threshold, average)
        table.insert(0, "baseline", name)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def write_examples(directory: Path, test_set: dict, derained: np.ndarray, count: int) -> None:
    """Save rainy | output | clean strips of the first ``count`` test images as PNGs."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for index in range(min(count, len(derained))):
        strip = np.concatenate(
            [test_set["I"][index], derained[index], test_set["B"][index]], axis=1
        )
        write_png(directory / f"{index:03d}.png", strip)


def evaluate_snapshots(
    snapshot_dir: Path,
    test_set: dict,
    threshold: float,
    batch_size: int,
    strip_image: int,
    device: str = "cpu",
    average: str = "region",
) -> tuple[pd.DataFrame, dict]:
    """Every snapshot of a run (``iter_*.pt``) on ``test_set``: per-image metrics with an
    ``iteration`` column, and the strip of Fig. 6b: the rainy and clean ``strip_image`` and the
    output at each iteration (``iterations``, ``outputs``)."""
    paths = sorted(Path(snapshot_dir).glob("iter_*.pt"))
    if not paths:
        raise FileNotFoundError(
            f"no snapshots in {snapshot_dir}: train with training.snapshot_every > 0"
        )
    if not 0 <= strip_image < len(test_set["I"]):
        raise ValueError(
            f"strip_image {strip_image} is not among the {len(test_set['I'])} test images"
        )
    tables, iterations, outputs = [], [], []
    for path in paths:
        iteration = int(path.stem.removeprefix("iter_"))
        derained = derain(load_model(path, device), test_set["I"], batch_size)
        table = metrics_table(derained, test_set, threshold, average)
        table.insert(0, "iteration", iteration)
        tables.append(table)
        iterations.append(iteration)
        outputs.append(derained[strip_image])
    strip = {
        "iterations": np.array(iterations),
        "outputs": np.stack(outputs),
        "rainy": test_set["I"][strip_image],
        "clean": test_set["B"][strip_image],
    }
    return pd.concat(tables, ignore_index=True), strip
