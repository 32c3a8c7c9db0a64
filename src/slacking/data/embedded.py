"""Images bundled with scikit-image and matplotlib: the offline default background pools.

A source spec names one bundled image (``skimage:brick``, ``matplotlib:grace_hopper.jpg``) or a
slice of scikit-image's LFW face crops (``lfw:0:150``), which are upscaled to a usable size.
"""

from __future__ import annotations

import cv2
import numpy as np

from .images import to_rgb_uint8


def _skimage(name: str) -> list[np.ndarray]:
    import skimage.data

    loader = getattr(skimage.data, name, None)
    if loader is None or name.startswith("_"):
        raise ValueError(f"skimage.data has no image {name!r}")
    image = loader()
    if isinstance(image, tuple):  # stereo_motorcycle returns (left, right, disparity)
        image = image[0]
    return [to_rgb_uint8(image)]


def _matplotlib(name: str) -> list[np.ndarray]:
    import matplotlib.cbook
    import matplotlib.image

    with matplotlib.cbook.get_sample_data(name) as handle:
        return [to_rgb_uint8(matplotlib.image.imread(handle))]


def _lfw(bounds: str, size: int) -> list[np.ndarray]:
    import skimage.data

    start, stop = (int(part) for part in bounds.split(":"))
    faces = skimage.data.lfw_subset()[start:stop]
    resize = [cv2.resize(face, (size, size), interpolation=cv2.INTER_CUBIC) for face in faces]
    return [to_rgb_uint8(np.clip(face, 0.0, 1.0)) for face in resize]


def load_embedded(spec: str, lfw_size: int) -> list[np.ndarray]:
    """Images (uint8 RGB) for one source spec; unknown specs raise naming the spec."""
    provider, _, key = spec.partition(":")
    if provider == "skimage":
        return _skimage(key)
    if provider == "matplotlib":
        return _matplotlib(key)
    if provider == "lfw":
        return _lfw(key, lfw_size)
    raise ValueError(
        f"unknown embedded image source {spec!r}: "
        "use skimage:NAME, matplotlib:FILE or lfw:START:STOP"
    )


def pool_capacity(specs: list[str], lfw_size: int, size: int) -> int:
    """Patch positions at half-patch stride over a pool: how many subsets can differ in content."""
    stride = max(size // 2, 1)
    capacity = 0
    for spec in specs:
        for image in load_embedded(spec, lfw_size):
            height, width = image.shape[:2]
            if height >= size and width >= size:
                capacity += ((height - size) // stride + 1) * ((width - size) // stride + 1)
    return capacity
