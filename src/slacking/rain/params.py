"""Validation shared by the training and test rain parameters (config values fail early)."""

from __future__ import annotations

import math
from dataclasses import MISSING, fields


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
