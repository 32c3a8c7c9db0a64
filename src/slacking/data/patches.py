"""Random square background patches, deterministic and nested.

Patch ``i`` of a stream depends only on (seed, stream, i), never on how many patches are drawn,
so the first n patches of a larger subset are exactly the smaller subset.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from pathlib import Path

import numpy as np
from tqdm import tqdm

from .images import read_image


def patch_rng(seed: int, stream: str, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(stream.encode()), index])


def sample_patches(
    paths: list[Path], count: int, size: int, seed: int, stream: str, start: int = 0
) -> np.ndarray:
    """Patches ``start .. start+count-1`` of ``stream`` as uint8 (count, size, size, 3).

    Each patch picks an image uniformly, then a uniform position inside it. Images are read once
    each, in order, so a pool much larger than memory still works.
    """
    if not paths:
        raise ValueError(f"stream {stream!r}: the image pool is empty")
    if size <= 0 or count < 0:
        raise ValueError(f"patch size must be positive and count non-negative, got {size}, {count}")
    wanted = defaultdict(list)  # image index -> [(patch slot, y fraction, x fraction)]
    for slot in range(count):
        rng = patch_rng(seed, stream, start + slot)
        image_index = int(rng.integers(len(paths)))
        y_frac, x_frac = rng.random(2)
        wanted[image_index].append((slot, y_frac, x_frac))

    patches = np.empty((count, size, size, 3), dtype=np.uint8)
    for image_index in tqdm(sorted(wanted), desc=f"patches {stream}", disable=count < 1000):
        image = read_image(paths[image_index])
        height, width = image.shape[:2]
        if height < size or width < size:
            raise ValueError(
                f"image {paths[image_index]} is {height}x{width}, "
                f"smaller than the patch size {size}"
            )
        for slot, y_frac, x_frac in wanted[image_index]:
            y = int(y_frac * (height - size + 1))
            x = int(x_frac * (width - size + 1))
            patches[slot] = image[y : y + size, x : x + size]
    return patches
