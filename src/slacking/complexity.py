"""Multiscale structural complexity (Bagrov et al., PNAS 2020), the journal's Fig. 9b measure.

An image is coarse-grained step by step: level k averages it over non-overlapping 2^k x 2^k
blocks (expanded back to full size), and the complexity sums how much each step changes it,
``C = sum_k 0.5 * mean((s_{k+1} - s_k)^2)``. Structure at many scales scores high; a flat
image scores 0, and a pattern that lives at one scale contributes only there.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd


def coarse_grained(gray: np.ndarray, block: int) -> np.ndarray:
    """``gray`` averaged over non-overlapping ``block`` x ``block`` blocks, at full size."""
    height, width = gray.shape
    means = gray.reshape(height // block, block, width // block, block).mean(axis=(1, 3))
    return np.repeat(np.repeat(means, block, axis=0), block, axis=1)


def structural_complexity(gray: np.ndarray, n_scales: int | None = None) -> float:
    """Complexity of a 2-D float image in [0, 1] over ``n_scales`` coarse-graining steps.

    The default, floor(log2(min side)) - 2 steps, stops when blocks are a quarter of the
    side. The image is cropped (bottom and right) to a multiple of the largest block.
    """
    gray = np.asarray(gray, dtype=np.float64)
    if gray.ndim != 2:
        raise ValueError(f"gray: expected a 2-D image, got shape {gray.shape}")
    if n_scales is None:
        n_scales = int(np.log2(min(gray.shape))) - 2
    if n_scales < 1 or 2**n_scales > min(gray.shape):
        raise ValueError(f"n_scales: {n_scales} does not fit an image of shape {gray.shape}")
    largest = 2**n_scales
    gray = gray[: gray.shape[0] // largest * largest, : gray.shape[1] // largest * largest]
    levels = [coarse_grained(gray, 2**k) for k in range(n_scales + 1)]
    return float(sum(0.5 * np.mean((fine - coarse) ** 2) for fine, coarse in pairwise(levels)))


def patch_complexities(patches: np.ndarray) -> np.ndarray:
    """Complexity of each uint8 RGB patch (N,H,W,3), on its grayscale (ITU-R 601 luma).

    One patch at a time in float64, so a paper-scale subset (30,000 patches of 128x128, read
    memory-mapped) needs no more memory than its own bytes as they are read."""
    weights = np.array([0.299, 0.587, 0.114])
    return np.array([structural_complexity(patch.astype(np.float64) @ weights / 255.0)
                     for patch in patches])  # fmt: skip


def complexity_table(patch_files: dict[str, str]) -> pd.DataFrame:
    """Per category: mean and s.d. of the complexity of its training patches (Fig. 9b)."""
    rows = []
    for category, path in patch_files.items():
        values = patch_complexities(np.load(path, mmap_mode="r"))
        rows.append(
            {
                "category": category,
                "mean": values.mean(),
                "std": values.std(),
                "patches": len(values),
            }
        )
    return pd.DataFrame(rows)
