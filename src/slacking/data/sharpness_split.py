"""Patch sets of low, medium and high sharpness (papers' Fig. 5), drawn from one pool."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..sharpness import laplacian_variance, sharpness_class
from .patches import sample_patches

CHUNK = 256


def split_by_sharpness(
    paths: list[Path],
    size: int,
    seed: int,
    stream: str,
    classes: dict,
    count: int,
    max_candidates: int,
) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Draw candidate patches until every class holds ``count``; return the sets and tallies.

    Fails naming the short classes when ``max_candidates`` patches do not fill them, because a
    silently smaller class would change the experiment.
    """
    kept: dict[str, list[np.ndarray]] = {name: [] for name in classes}
    drawn = 0
    while drawn < max_candidates and any(len(v) < count for v in kept.values()):
        chunk = sample_patches(paths, min(CHUNK, max_candidates - drawn), size, seed, stream, drawn)
        drawn += len(chunk)
        for patch in chunk:
            name = sharpness_class(laplacian_variance(patch), classes)
            if name is not None and len(kept[name]) < count:
                kept[name].append(patch)
    tallies = {name: len(patches) for name, patches in kept.items()}
    short = {name: n for name, n in tallies.items() if n < count}
    if short:
        raise ValueError(
            f"sharpness.count={count} not reached after {drawn} candidate patches "
            f"(sharpness.max_candidates): found {short}; lower sharpness.count or use a "
            f"category whose images cover these classes"
        )
    sets = {name: np.stack(patches) for name, patches in kept.items()}
    return sets, {"candidates": drawn, **tallies}
