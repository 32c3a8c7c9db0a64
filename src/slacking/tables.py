"""Long tables of per-image metrics, the single input of every figure."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def patch_count_table(runs: list[dict], metric_files: list, baseline_files: list) -> pd.DataFrame:
    """Rows: kind ("model", "identity", "perfect"), network, category, rain_range, n, image,
    E_R, E_B, PSNR. ``runs[i]`` describes ``metric_files[i]``; baseline files are named by
    category."""
    frames = []
    for run, path in zip(runs, metric_files, strict=True):
        frame = pd.read_csv(path)
        for key in ("network", "category", "rain_range", "n"):
            frame.insert(0, key, run[key])
        frame.insert(0, "kind", "model")
        frames.append(frame)
    for path in baseline_files:
        frame = pd.read_csv(path).rename(columns={"baseline": "kind"})
        frame.insert(1, "category", Path(path).stem)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
