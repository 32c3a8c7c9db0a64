"""Paired effects with bootstrap intervals: how the claims decide, rather than by eye.

A claim such as "E_R falls as n grows" compares two runs on the same test images (and the same
replicate seeds): the per-unit difference pairs out the images' own difficulty, which the
images' spread (the s.d. bands of a figure) does not. Units are (seed, image) pairs; the
interval is the percentile bootstrap of their mean, from a fixed seed so that a table gives
the same interval every time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DRAWS = 10_000
LEVEL = 0.95
BOOTSTRAP_SEED = 0


@dataclass(frozen=True)
class Effect:
    """The mean of paired differences, its bootstrap interval and the number of pairs."""

    mean: float
    low: float
    high: float
    pairs: int

    def above(self, value: float = 0.0) -> bool:
        """The whole interval lies above ``value``."""
        return bool(self.low > value)

    def below(self, value: float = 0.0) -> bool:
        return bool(self.high < value)

    def interval(self) -> str:
        return f"[{self.low:.3g}, {self.high:.3g}]" if self.pairs else ""


def bootstrap(units, statistic, draws: int = DRAWS, level: float = LEVEL,
              seed: int = BOOTSTRAP_SEED) -> Effect:  # fmt: skip
    """``Effect`` of ``statistic`` over ``units`` (rows; a 1-D array is one column), rows with a
    NaN left out: its value on all rows and the percentile bootstrap interval over resampled
    rows. ``statistic`` maps an array (..., rows, columns) to (...)."""
    units = np.asarray(units, dtype=float)
    units = units[:, None] if units.ndim == 1 else units
    units = units[np.isfinite(units).all(axis=1)]
    if len(units) == 0:
        return Effect(float("nan"), float("nan"), float("nan"), 0)
    rng = np.random.default_rng(seed)
    values = statistic(units[rng.integers(0, len(units), (draws, len(units)))])
    tail = (1 - level) / 2
    low, high = np.nanquantile(values, [tail, 1 - tail])
    return Effect(float(statistic(units[None])[0]), float(low), float(high), len(units))


def mean_interval(values) -> Effect:
    """``Effect`` of the mean of ``values`` (NaNs left out)."""
    return bootstrap(values, lambda units: units[..., 0].mean(axis=-1))


def paired_differences(runs: pd.DataFrame, metric: str, first, second, by: str = "n"):
    """Per (seed, image): ``metric`` of the run with ``by == first`` minus that of the run
    with ``by == second``, over the units both have. ``runs``: per-image model rows."""
    units = [key for key in ("seed", "image") if key in runs.columns]
    a = runs[runs[by] == first].set_index(units)[metric]
    b = runs[runs[by] == second].set_index(units)[metric]
    return (a - b).dropna()


def paired_effect(runs: pd.DataFrame, metric: str, first, second, by: str = "n") -> Effect:
    """``mean_interval`` of ``paired_differences``."""
    return mean_interval(paired_differences(runs, metric, first, second, by).to_numpy())
