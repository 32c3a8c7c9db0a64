"""The papers' decoupled deraining metrics: rain removal E_R, background reconstruction E_B, PSNR,
and our signed companion of E_R, the rain left.

E_R measures how much a network changed the rainy pixels (higher = more rain removed); E_B measures
the error on the rain-free pixels against the clean background (lower = better). By default
(``average="region"``) E_R is a root mean over the rainy elements (M = 1) and E_B over the
rain-free ones (M = 0), pixel x channel: the papers' published numbers are impossible as means
over the whole image (docs/decisions.md). ``average="image"`` gives the whole-image means, masked
elements counted as zeros. An image without rainy (rain-free) elements has no E_R (E_B): NaN.

E_R rewards removing more than the rain (darkening a streak below the background counts as
removal), so each image also gets the *rain left*: sum over M of (output - B) / sum over M of
(I - B), 1 for the identity, 0 for the perfect derainer, below 0 when more than the rain went.
"""

from __future__ import annotations

import numpy as np

PEAK = 255.0
AVERAGES = ("region", "image")


def _as_float(array) -> np.ndarray:
    return np.asarray(array, dtype=np.float64)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0 (a scalar for one image)."""
    safe = np.where(denominator != 0, denominator, 1)
    return np.where(denominator != 0, numerator / safe, np.nan)[()]


def psnr(output, reference) -> np.ndarray:
    """PSNR (dB, peak 255) of ``output`` against ``reference``, per image for a batch."""
    output, reference = _as_float(output), _as_float(reference)
    mse = np.mean((output - reference) ** 2, axis=(-3, -2, -1))
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(PEAK**2 / mse)


def decoupled_metrics(derained, rainy, background, rain, threshold: float, average="region"):
    """Return ``{"E_R", "E_B", "PSNR", "rain_left"}`` for one image (H,W,C) or per image for a
    batch (N,H,W,C).

    All arrays are on the 0-255 scale; ``rain`` may lack the channel axis and is broadcast.
    The mask M is ``rain > threshold``; ``average`` is "region" or "image" (module docstring).
    """
    if average not in AVERAGES:
        raise ValueError(f"average must be one of {AVERAGES}, got {average!r}")
    derained, rainy, background = map(_as_float, (derained, rainy, background))
    if not derained.shape == rainy.shape == background.shape:
        raise ValueError(
            f"derained, rainy and background must share a shape, got "
            f"{derained.shape}, {rainy.shape}, {background.shape}"
        )
    if derained.ndim not in (3, 4):
        raise ValueError(f"expected (H,W,C) or (N,H,W,C) arrays, got shape {derained.shape}")
    rain = _as_float(rain)
    if rain.ndim == derained.ndim - 1:
        rain = rain[..., None]
    mask = np.broadcast_to(rain > threshold, derained.shape)

    axes = (-3, -2, -1)
    rain_sq = np.sum(np.where(mask, (derained - rainy) ** 2, 0.0), axis=axes)
    background_sq = np.sum(np.where(mask, 0.0, (derained - background) ** 2), axis=axes)
    if average == "region":
        rainy_count, clean_count = np.sum(mask, axis=axes), np.sum(~mask, axis=axes)
    else:
        rainy_count = clean_count = np.prod(derained.shape[-3:])
    left = np.sum(np.where(mask, derained - background, 0.0), axis=axes)
    added = np.sum(np.where(mask, rainy - background, 0.0), axis=axes)
    return {
        "E_R": np.sqrt(_ratio(rain_sq, np.asarray(rainy_count, dtype=float))),
        "E_B": np.sqrt(_ratio(background_sq, np.asarray(clean_count, dtype=float))),
        "PSNR": psnr(derained, background),
        "rain_left": _ratio(left, added),
    }
