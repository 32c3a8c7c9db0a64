"""Real rainy photographs (Figs. 16 and 20): a folder the user fills, since no licence lets the
pipeline download them. They have no ground truth, so they are only shown, never scored."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from .images import read_image

EXTENSIONS = (".jpg", ".jpeg", ".png")


def square_crop(image: np.ndarray, size: int) -> np.ndarray:
    """Resize so the short side is ``size`` (area averaging when shrinking), then centre-crop to
    ``size`` x ``size``: the networks see the whole scene at one scale, undistorted."""
    height, width = image.shape[:2]
    scale = size / min(height, width)
    new_height, new_width = max(size, round(height * scale)), max(size, round(width * scale))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    resized = cv2.resize(image, (new_width, new_height), interpolation=interpolation)
    top, left = (new_height - size) // 2, (new_width - size) // 2
    return np.ascontiguousarray(resized[top : top + size, left : left + size])


def load_photographs(folder: str | Path, size: int, count: int) -> tuple[list[str], np.ndarray]:
    """The first ``count`` photographs of ``folder`` by file name (.jpg, .jpeg, .png in any
    case), as their names and a uint8 RGB array (N, size, size, 3)."""
    folder = Path(folder)
    paths = sorted(
        (p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in EXTENSIONS),
        key=lambda p: p.name,
    ) if folder.is_dir() else []  # fmt: skip
    if not paths:
        raise FileNotFoundError(
            f"no rainy photographs in {folder}: place real rainy photographs there as "
            f"{', '.join(EXTENSIONS)} files (any case)"
        )
    paths = paths[:count]
    return [p.name for p in paths], np.stack([square_crop(read_image(p), size) for p in paths])
