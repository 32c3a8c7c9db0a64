import numpy as np
import pytest

from slacking.data.images import write_png
from slacking.data.sharpness_split import split_by_sharpness
from slacking.sharpness import laplacian_variance, sharpness_class

CLASSES = {"low": [0, 50], "medium": [500, 1000], "high": [5000, None]}


def test_laplacian_variance_of_flat_and_striped_images():
    assert laplacian_variance(np.full((16, 16), 128.0)) == 0.0
    stripes = np.zeros((16, 16))
    stripes[:, ::2] = 100.0
    # 3x3 aperture Laplacian (cv2 ksize=1 kernel [0,1,0;1,-4,1;0,1,0]): interior values +-200.
    assert laplacian_variance(stripes) == pytest.approx(200.0**2, rel=0.05)


def test_rgb_is_converted_to_gray():
    gray = np.random.default_rng(0).uniform(0, 255, (16, 16))
    rgb = np.repeat(gray[..., None], 3, -1).astype(np.float32)
    assert laplacian_variance(rgb) == pytest.approx(laplacian_variance(gray), rel=1e-4)


@pytest.mark.parametrize(
    ("variance", "name"), [(0, "low"), (49.9, "low"), (50, None), (700, "medium"), (1e4, "high")]
)
def test_classes_follow_the_papers_bounds(variance, name):
    assert sharpness_class(variance, CLASSES) == name


def test_split_fills_classes_and_reports_shortfall(tmp_path):
    rng = np.random.default_rng(0)
    flat = tmp_path / "flat.png"
    noisy = tmp_path / "noisy.png"
    write_png(flat, np.full((64, 64, 3), 90, dtype=np.uint8))
    write_png(noisy, rng.integers(0, 256, (64, 64, 3), dtype=np.uint8))
    sets, tallies = split_by_sharpness(
        [flat, noisy], 16, 0, "s", {"low": [0, 50], "high": [5000, None]}, 4, 1000
    )
    assert sets["low"].shape == (4, 16, 16, 3) and sets["high"].shape == (4, 16, 16, 3)
    assert all(laplacian_variance(p) < 50 for p in sets["low"])
    assert all(laplacian_variance(p) >= 5000 for p in sets["high"])
    with pytest.raises(ValueError, match=r"sharpness.count=4 .*'medium': 0"):
        split_by_sharpness([flat, noisy], 16, 0, "s", CLASSES, 4, 300)
