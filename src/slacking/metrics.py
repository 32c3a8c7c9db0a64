"""The papers' decoupled deraining metrics: rain removal E_R, background reconstruction E_B, PSNR.

E_R measures how much a network changed the rainy pixels (higher = more rain removed); E_B measures
the error on the rain-free pixels against the clean background (lower = better). Both means run over
all pixels and channels of an image, masked pixels included as zeros, as the papers' formulas read.
"""

from __future__ import annotations

import numpy as np

PEAK = 255.0


def _as_float(array) -> np.ndarray:
    return np.asarray(array, dtype=np.float64)


def decoupled_metrics(derained, rainy, background, rain, threshold: float) -> dict:
    """Return ``{"E_R", "E_B", "PSNR"}`` for one image (H,W,C) or per image for a batch (N,H,W,C).

    All arrays are on the 0-255 scale; ``rain`` may lack the channel axis and is broadcast.
    The mask is ``rain > threshold``.
    """
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

    image_axes = (-3, -2, -1)
    rain_error = np.where(mask, derained - rainy, 0.0)
    background_error = np.where(mask, 0.0, derained - background)
    mse = np.mean((derained - background) ** 2, axis=image_axes)
    with np.errstate(divide="ignore"):
        psnr = 10.0 * np.log10(PEAK**2 / mse)
    return {
        "E_R": np.sqrt(np.mean(rain_error**2, axis=image_axes)),
        "E_B": np.sqrt(np.mean(background_error**2, axis=image_axes)),
        "PSNR": psnr,
    }
