"""The training and test rain parameters and their validation, without torch or OpenCV.

The config check (at every `snakemake` call, before planning) builds these to refuse a bad
value with the key that holds it; the renderers (``training``, ``testing``) take them.
"""

from __future__ import annotations

import math
from dataclasses import MISSING, dataclass, fields


def pair(name: str, value, kind: type) -> tuple:
    """``value`` as a two-element ``(low, high)`` tuple of ``kind``, or a ValueError naming it."""
    try:
        low, high = (kind(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a pair [low, high], got {value!r}") from None
    if not (math.isfinite(low) and math.isfinite(high)) or low > high:
        raise ValueError(f"{name}: expected finite low <= high, got {value!r}")
    return low, high


def streak_fields(params) -> dict:
    """The checked and normalised count, length, angle and intensity of ``params``."""
    count = pair("count", params.count, int)
    if count[0] < 0:
        raise ValueError(f"count: must be >= 0, got {params.count!r}")
    length = pair("length", params.length, float)
    if length[0] <= 0:
        raise ValueError(f"length: must be > 0, got {params.length!r}")
    angle = pair("angle", params.angle, float)
    if angle[0] < -90 or angle[1] > 90:
        raise ValueError(f"angle: degrees from vertical must lie in [-90, 90], got {angle}")
    intensity = pair("intensity", params.intensity, float)
    if intensity[0] < 0 or intensity[1] > 1:
        raise ValueError(f"intensity: must lie in [0, 1], got {params.intensity!r}")
    return {"count": count, "length": length, "angle": angle, "intensity": intensity}


def assign(params, values: dict) -> None:
    """Store normalised values on a frozen dataclass instance."""
    for name, value in values.items():
        object.__setattr__(params, name, value)


def from_mapping(cls, d: dict):
    """``cls(**d)`` for a config mapping, naming unknown and missing fields in the error."""
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(d) - names)
    if unknown:
        raise ValueError(f"{cls.__name__}: unknown field(s) {unknown}; expected {sorted(names)}")
    missing = [f.name for f in fields(cls) if f.name not in d and f.default is MISSING]
    if missing:
        raise ValueError(f"{cls.__name__}: missing field(s) {missing}")
    return cls(**d)


@dataclass(frozen=True)
class RainRange:
    """One row of the journal's Table I plus the constants the renderer shares across rows.

    ``count`` streaks per ``reference_size``**2 pixels (scaled by area for other sizes), odd
    ``widths`` (the Gaussian blur size w), ``length`` L in pixels (the streak's length at half
    its peak) and ``angle`` in degrees from vertical; ``intensity`` is the range of streak
    peaks on the [0, 1] scale.  The papers give neither the brightness nor the area the counts
    refer to, so both come from config (``rain.intensity``, ``rain.reference_size``), never
    from defaults here.
    """

    count: tuple[int, int]
    widths: tuple[int, ...]
    length: tuple[float, float]
    angle: tuple[float, float]
    intensity: tuple[float, float]
    reference_size: int

    def __post_init__(self):
        values = streak_fields(self)
        try:
            widths = tuple(int(w) for w in self.widths)
        except (TypeError, ValueError):
            raise ValueError(
                f"widths: expected a list of odd integers, got {self.widths!r}"
            ) from None
        if not widths or any(w < 1 or w % 2 == 0 for w in widths):
            raise ValueError(f"widths: expected positive odd integers, got {self.widths!r}")
        if not isinstance(self.reference_size, int) or self.reference_size < 1:
            raise ValueError(
                f"reference_size: must be an integer >= 1, got {self.reference_size!r}"
            )
        assign(self, {**values, "widths": widths})

    @classmethod
    def from_config(cls, d: dict) -> RainRange:
        """Build from a config mapping (lists from YAML are fine); bad fields raise ValueError."""
        return from_mapping(cls, d)

    def count_range(self, height: int, width: int) -> tuple[int, int]:
        """Streak-count bounds for an image of this size: the counts scaled by its area."""
        scale = height * width / self.reference_size**2
        return round(self.count[0] * scale), round(self.count[1] * scale)


def rain_range_from_config(rain_config: dict, name: str) -> RainRange:
    """A Table I row from config ``rain``, with the constants shared by all rows."""
    shared = {key: rain_config[key] for key in ("intensity", "reference_size")}
    return RainRange.from_config({**rain_config["ranges"][name], **shared})


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
