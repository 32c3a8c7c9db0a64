"""Test rain: Rain100L-like streaks from a separate generator, and Rain100L's own streak maps.

The papers test on rain unlike the training rain.  This generator shares no code with the
training renderer: streaks are drawn one by one with OpenCV's anti-aliased lines (thin,
long, sparse, each with its own small tilt and brightness) instead of blurred impulses
convolved with one kernel per image.  Test sets are rendered once and stored, so speed is
secondary to looking like the real set.
"""

from __future__ import annotations

import cv2
import numpy as np

from .params import TestRainParams, unseen_parameters

__all__ = ["TestRainParams", "rain100l_streaks", "render_test_rain", "unseen_parameters"]

#: Counts are streaks per REFERENCE_SIZE**2 pixels, scaled by image area like the training rain.
REFERENCE_SIZE = 128
_SUBPIXEL_BITS = 4  # cv2.line's ``shift``: endpoints on a 1/16-pixel grid


def render_test_rain(
    n: int, height: int, width: int, params: TestRainParams, seed: int
) -> np.ndarray:
    """Render ``n`` test rain layers, uint8 (n,H,W) on the 0-255 scale, determined by ``seed``."""
    rng = np.random.default_rng(seed)
    scale = height * width / REFERENCE_SIZE**2
    low, high = (round(c * scale) for c in params.count)
    layers = np.empty((n, height, width), dtype=np.uint8)
    for i in range(n):
        count = int(rng.integers(low, high + 1))
        base = rng.uniform(*params.angle)
        theta = np.deg2rad(base + rng.uniform(-params.jitter, params.jitter, count))
        half = rng.uniform(*params.length, count) / 2
        centre_x = rng.uniform(0, width, count)
        centre_y = rng.uniform(0, height, count)
        level = rng.uniform(*params.intensity, count) * 255
        step_x, step_y = half * np.sin(theta), half * np.cos(theta)
        ends = np.stack(
            [centre_x - step_x, centre_y - step_y, centre_x + step_x, centre_y + step_y], axis=1
        )
        ends = np.rint(ends * (1 << _SUBPIXEL_BITS)).astype(np.int64)
        canvas = np.zeros((height, width), dtype=np.uint8)
        # Dimmest first: anti-aliased drawing blends towards the new colour, so a brighter
        # streak drawn later never darkens an earlier one where they cross.
        for k in np.argsort(level, kind="stable"):
            x0, y0, x1, y1 = (int(v) for v in ends[k])
            colour = float(level[k])
            cv2.line(canvas, (x0, y0), (x1, y1), colour, 1, cv2.LINE_AA, _SUBPIXEL_BITS)
        layer = canvas.astype(np.float32)
        if params.blur > 0:
            layer = cv2.GaussianBlur(layer, (0, 0), params.blur)
        layers[i] = np.clip(np.rint(layer), 0, 255).astype(np.uint8)
    return layers


def rain100l_streaks(rainy: np.ndarray, clean: np.ndarray) -> np.ndarray:
    """Streak map (H,W) uint8 of a Rain100L pair: per-pixel max over channels of rainy - clean.

    Rain100L is additive light rain, so the positive part of the difference is the rain layer;
    the max over channels keeps a streak that shows in any channel.
    """
    rainy, clean = np.asarray(rainy), np.asarray(clean)
    if rainy.shape != clean.shape or rainy.ndim not in (2, 3):
        raise ValueError(f"rainy {rainy.shape} and clean {clean.shape}: need equal (H,W[,C])")
    difference = np.clip(rainy.astype(np.int16) - clean.astype(np.int16), 0, 255)
    if difference.ndim == 3:
        difference = difference.max(axis=2)
    return difference.astype(np.uint8)
