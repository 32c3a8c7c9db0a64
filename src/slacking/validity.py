"""Whether a run is trained, judged from its training run alone, never from its test result.

A run is *trained* when (a) its training loss has plateaued: the mean L1 over the last 10 % of
iterations is within ``plateau_tolerance`` of the mean over iterations 60-75 % (a cosine
schedule flattens the very end of every run, so the reference is an earlier window), and
(b) its final loss (the mean over the last 10 %) is at most ``final_ratio_max`` times the
identity's L1 on its own training pairs: the mean |degraded - clean| of its training
degradation, rendered by the same renderer on its own patches and written with the run
(``training.json``, by ``identity_l1`` before the run trains). docs/decisions.md gives the
reasons and the calibration.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

RECORD = "training.json"
# Windows of the run's iterations, as fractions: the plateau reference and the final loss.
PLATEAU_WINDOW = (0.60, 0.75)
FINAL_WINDOW = (0.90, 1.00)


def identity_l1(patches: np.ndarray, degradation, seed: int, batches: int = 8, size: int = 16):
    """The L1 of the identity (output = input) on a run's training pairs: the mean
    |degrade(clean) - clean| over ``batches`` batches of ``size`` patches, from generators of
    their own (the run's training streams are untouched)."""
    import torch

    from .degradations import degrade

    if degradation is None:  # an autoencoder's input is its target
        return 0.0
    pick = torch.Generator().manual_seed(seed + 2)
    render = torch.Generator().manual_seed(seed + 3)
    images = torch.from_numpy(np.ascontiguousarray(patches)).permute(0, 3, 1, 2)
    total = 0.0
    for _ in range(batches):
        index = torch.randint(len(images), (size,), generator=pick)
        clean = images[index].float().div_(255.0)
        total += float((degrade(clean, degradation, render) - clean).abs().mean())
    return total / batches


def write_record(run_dir: str | Path, identity: float) -> None:
    """``training.json`` of a run: the identity's L1 on its training pairs."""
    from .atomic import atomic_path

    with atomic_path(Path(run_dir) / RECORD) as tmp:
        tmp.write_text(json.dumps({"identity_l1": identity}) + "\n")


def _window(losses: np.ndarray, window: tuple[float, float]) -> float:
    """The mean loss over a window of the run (fractions of its iterations), at least one
    iteration long even in a run of a few iterations."""
    start = min(int(round(window[0] * len(losses))), len(losses) - 1)
    stop = max(int(round(window[1] * len(losses))), start + 1)
    return float(np.mean(losses[start:stop]))


def loss_record(losses, identity: float) -> dict:
    """The numbers of the validity test from a run's per-iteration losses."""
    losses = np.asarray(losses, dtype=float)
    final = _window(losses, FINAL_WINDOW)
    plateau = _window(losses, PLATEAU_WINDOW)
    return {
        "initial_loss": float(losses[0]),
        "final_loss": final,
        "identity_l1": identity,
        # (a): the final window's change against the 60-75 % window, as a share of the latter
        "plateau_change": abs(final - plateau) / plateau if plateau > 0 else math.inf,
        # (b): the final loss as a share of the identity's
        "final_ratio": final / identity if identity > 0 else math.nan,
    }


def run_record(run_dir: str | Path, settings: dict) -> dict:
    """A trained run's validity numbers and verdict (``trained``), from its ``train.csv`` and
    ``training.json``; a run trained before runs wrote ``training.json`` is not trained."""
    run_dir = Path(run_dir)
    if not (run_dir / RECORD).exists():
        return {"trained": False}
    losses = pd.read_csv(run_dir / "train.csv")["loss"].to_numpy()
    identity = json.loads((run_dir / RECORD).read_text())["identity_l1"]
    record = loss_record(losses, identity)
    return {**record, "trained": trained(record, settings)}


def model_records(model_files: list, settings: dict) -> list[dict]:
    """``run_record`` of the run of each model.pt in ``model_files``."""
    return [run_record(Path(model).parent, settings) for model in model_files]


def trained(record: dict, settings: dict) -> bool:
    """The validity test on a ``loss_record`` with config ``validity`` thresholds."""
    plateaued = record["plateau_change"] <= settings["plateau_tolerance"]
    low = not record["final_ratio"] > settings["final_ratio_max"]  # NaN: an autoencoder
    return bool(plateaued and low)
