"""Images bundled with scikit-image and matplotlib: the offline default background pools.

A source spec names one bundled image (``skimage:brick``, ``matplotlib:grace_hopper.jpg``) or a
slice of scikit-image's LFW face crops (``lfw:0:150``), which are upscaled to a usable size.
"""

from __future__ import annotations

import numpy as np

from .images import to_rgb_uint8

# (height, width) of each bundled image the shipped presets name, so that the config check
# (at every `snakemake` call) knows a pool's capacity without loading scikit-image, OpenCV or
# matplotlib; tests/test_embedded.py checks it against the images. Others are loaded.
SHAPES = {
    "matplotlib:grace_hopper.jpg": (600, 512),
    "skimage:astronaut": (512, 512),
    "skimage:brick": (512, 512),
    "skimage:camera": (512, 512),
    "skimage:checkerboard": (200, 200),
    "skimage:chelsea": (300, 451),
    "skimage:clock": (300, 400),
    "skimage:coffee": (400, 600),
    "skimage:coins": (303, 384),
    "skimage:grass": (512, 512),
    "skimage:gravel": (512, 512),
    "skimage:horse": (328, 400),
    "skimage:hubble_deep_field": (872, 1000),
    "skimage:logo": (500, 500),
    "skimage:moon": (512, 512),
    "skimage:page": (191, 384),
    "skimage:rocket": (427, 640),
    "skimage:shepp_logan_phantom": (400, 400),
    "skimage:stereo_motorcycle": (500, 741),
    "skimage:text": (172, 448),
}
LFW_FACES = 200  # scikit-image's lfw_subset


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


def _lfw_slice(bounds: str) -> slice:
    start, stop = (int(part) for part in bounds.split(":"))
    return slice(start, stop)


def _lfw(bounds: str, size: int) -> list[np.ndarray]:
    import cv2
    import skimage.data

    faces = skimage.data.lfw_subset()[_lfw_slice(bounds)]
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


def image_shapes(spec: str, lfw_size: int) -> list[tuple[int, int]]:
    """(height, width) of each image of one source spec: from SHAPES where known, else loaded."""
    provider, _, key = spec.partition(":")
    if provider == "lfw":
        return [(lfw_size, lfw_size)] * len(range(LFW_FACES)[_lfw_slice(key)])
    if spec in SHAPES:
        return [SHAPES[spec]]
    return [image.shape[:2] for image in load_embedded(spec, lfw_size)]


def pool_capacity(specs: list[str], lfw_size: int, size: int) -> int:
    """Patch positions at half-patch stride over a pool: how many subsets can differ in content."""
    stride = max(size // 2, 1)
    capacity = 0
    for spec in specs:
        for height, width in image_shapes(spec, lfw_size):
            if height >= size and width >= size:
                capacity += ((height - size) // stride + 1) * ((width - size) // stride + 1)
    return capacity
