"""Reading and writing background images as uint8 RGB arrays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError


def to_rgb_uint8(image: np.ndarray) -> np.ndarray:
    """Normalise grayscale, boolean, float [0,1] and RGBA images to uint8 RGB (H,W,3)."""
    image = np.asarray(image)
    if image.dtype == bool:
        image = image.astype(np.uint8) * 255
    elif np.issubdtype(image.dtype, np.floating):
        image = np.clip(np.round(image * 255.0), 0, 255).astype(np.uint8)
    elif image.dtype != np.uint8:
        raise ValueError(f"unsupported image dtype {image.dtype}")
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=-1)
    if image.shape[-1] == 4:  # composite transparency onto white, as a viewer shows it
        alpha = image[..., 3:].astype(np.float32) / 255.0
        image = np.round(image[..., :3] * alpha + 255.0 * (1.0 - alpha)).astype(np.uint8)
    if image.ndim != 3 or image.shape[-1] != 3:
        raise ValueError(f"cannot make an RGB image from shape {image.shape}")
    return np.ascontiguousarray(image)


def read_image(path: str | Path) -> np.ndarray:
    """Read an image file as uint8 RGB; an unreadable or truncated file raises naming the file."""
    try:
        with Image.open(path) as handle:
            handle.load()  # decodes fully, so a truncated file fails here and not later
            return to_rgb_uint8(np.asarray(handle.convert("RGBA" if "A" in handle.mode else "RGB")))
    except (OSError, UnidentifiedImageError, SyntaxError) as error:
        raise ValueError(f"cannot read image {path}: {error}") from error


def write_png(path: str | Path, image: np.ndarray) -> None:
    Image.fromarray(to_rgb_uint8(image)).save(path, format="PNG")
