"""Test rain: Rain100L-like streaks from a separate generator, and Rain100L's own streak maps.

The papers test on rain unlike the training rain.  This generator shares no code with the
training renderer: streaks are drawn one by one with OpenCV's anti-aliased lines (thin,
long, sparse, each with its own small tilt and brightness) instead of blurred impulses
convolved with one kernel per image.  Test sets are rendered once and stored, so speed is
secondary to looking like the real set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from .params import assign, from_mapping, streak_fields

#: Counts are streaks per REFERENCE_SIZE**2 pixels, scaled by image area like the training rain.
REFERENCE_SIZE = 128
_SUBPIXEL_BITS = 4  # cv2.line's ``shift``: endpoints on a 1/16-pixel grid


@dataclass(frozen=True)
class TestRainParams:
    """Rain100L-like light rain (config ``test_rain.embedded``).

    ``count`` streaks per 128x128 pixels, ``length`` in pixels, ``angle`` the range of each
    image's base direction in degrees from vertical (positive: the lower end leans right),
    ``jitter`` the largest per-streak deviation from it, ``intensity`` the peak brightness
    range on the [0,1] scale and ``blur`` the Gaussian sigma in pixels that softens the
    one-pixel lines.  The config gives sparse, thin, fairly long streaks that share a
    direction, as in Rain100L's light rain.
    """

    __test__ = False  # not a pytest test class despite the name

    count: tuple[int, int]
    length: tuple[float, float]
    angle: tuple[float, float]
    jitter: float
    intensity: tuple[float, float]
    blur: float

    def __post_init__(self):
        values = streak_fields(self)
        for name in ("jitter", "blur"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not 0 <= value < math.inf:
                raise ValueError(f"{name}: must be a finite number >= 0, got {value!r}")
            values[name] = float(value)
        assign(self, values)

    @classmethod
    def from_config(cls, d: dict) -> TestRainParams:
        """Build from a config mapping (lists from YAML are fine); bad fields raise ValueError."""
        return from_mapping(cls, d)


def unseen_parameters(params: TestRainParams, rain_range) -> list[str]:
    """The parameters in which test rain ``params`` lies wholly outside a training
    ``RainRange``: ``length`` (pixels in both) and ``angle`` (the base angle widened by the
    jitter, degrees from vertical in both). Empty: the range can render this rain, so for a
    network trained on it the test rain is seen rain."""
    angle = (params.angle[0] - params.jitter, params.angle[1] + params.jitter)
    outside = []
    for name, test, train in (
        ("length", params.length, rain_range.length),
        ("angle", angle, rain_range.angle),
    ):
        if test[0] > train[1] or test[1] < train[0]:
            outside.append(name)
    return outside


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
