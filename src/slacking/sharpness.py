"""Image sharpness as the variance of the Laplacian, with the papers' three classes (Fig. 5)."""

from __future__ import annotations

import cv2
import numpy as np


def laplacian_variance(image: np.ndarray) -> float:
    """Variance of the Laplacian of the grayscale image on the 0-255 scale."""
    image = np.asarray(image)
    if image.ndim == 3:
        image = cv2.cvtColor(image.astype(np.float32), cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(image.astype(np.float64), cv2.CV_64F).var())


def sharpness_class(variance: float, classes: dict) -> str | None:
    """Name of the class whose ``[low, high)`` bounds contain ``variance``, or None.

    The papers' classes (config ``sharpness.classes``) leave gaps (50-500, 1000-5000), so a
    patch may belong to none; that keeps the classes well apart.
    """
    for name, (low, high) in classes.items():
        if low <= variance < (np.inf if high is None else high):
            return name
    return None
