"""Hand-computed cases of the decoupled metrics (slacking.metrics)."""

import math

import numpy as np
import pytest

from slacking.metrics import decoupled_metrics

THRESHOLD = 10


@pytest.fixture
def scene():
    """A 4x4 RGB background with rain on 4 of 16 pixels (values 100 > threshold)."""
    background = np.full((4, 4, 3), 50.0)
    rain = np.zeros((4, 4))
    rain[0, :] = 100.0
    rain[1, 0] = 5.0  # below the threshold: counts as background
    rainy = np.clip(background + rain[..., None], 0, 255)
    return background, rain, rainy


def test_perfect_derainer(scene):
    background, rain, rainy = scene
    m = decoupled_metrics(background, rainy, background, rain, THRESHOLD)
    # Region means: the 4 rainy pixels changed by 100 each, so E_R = 100; whole-image: 50.
    assert m["E_R"] == pytest.approx(100.0)
    assert m["E_B"] == pytest.approx(0.0)
    assert m["PSNR"] == np.inf
    assert m["rain_left"] == pytest.approx(0.0)
    whole = decoupled_metrics(background, rainy, background, rain, THRESHOLD, average="image")
    assert whole["E_R"] == pytest.approx(np.sqrt(4 * 100**2 / 16))


def test_identity_derainer(scene):
    background, rain, rainy = scene
    m = decoupled_metrics(rainy, rainy, background, rain, THRESHOLD)
    assert m["E_R"] == pytest.approx(0.0)
    # The sub-threshold streak pixel (5) is one of the 12 rain-free pixels: sqrt(5^2 / 12).
    assert m["E_B"] == pytest.approx(np.sqrt(25 / 12))
    mse = (4 * 100**2 + 25) / 16
    assert m["PSNR"] == pytest.approx(10 * np.log10(255**2 / mse))
    assert m["rain_left"] == pytest.approx(1.0)
    whole = decoupled_metrics(rainy, rainy, background, rain, THRESHOLD, average="image")
    assert whole["E_B"] == pytest.approx(np.sqrt(25 / 16))


def test_constant_shift(scene):
    background, rain, rainy = scene
    derained = background + 20.0
    m = decoupled_metrics(derained, rainy, background, rain, THRESHOLD)
    # Rain part: derained - rainy = 70 - 150 = -80 on its 4 pixels; background part: 20 on 12.
    assert m["E_R"] == pytest.approx(80.0)
    assert m["E_B"] == pytest.approx(20.0)
    assert m["PSNR"] == pytest.approx(10 * np.log10(255**2 / 400))
    assert m["rain_left"] == pytest.approx(20 / 100)  # 20 of the 100 added is still there


def _region_means(derained, rainy, background, rain, threshold):
    """An independent reading of the region means: loop over the elements, one by one."""
    rain_sq, rain_n, background_sq, background_n, left, added = 0.0, 0, 0.0, 0, 0.0, 0.0
    height, width, channels = derained.shape
    for y in range(height):
        for x in range(width):
            for c in range(channels):
                out, inp, clean = (float(a[y, x, c]) for a in (derained, rainy, background))
                if rain[y, x] > threshold:
                    rain_sq, rain_n = rain_sq + (out - inp) ** 2, rain_n + 1
                    left, added = left + out - clean, added + inp - clean
                else:
                    background_sq, background_n = (
                        background_sq + (out - clean) ** 2,
                        background_n + 1,
                    )
    root = lambda total, count: math.sqrt(total / count) if count else math.nan  # noqa: E731
    return {
        "E_R": root(rain_sq, rain_n),
        "E_B": root(background_sq, background_n),
        "rain_left": left / added if added else math.nan,
    }


@pytest.mark.parametrize("coverage", ["some", "all", "none"])
def test_region_means_match_an_independent_computation(coverage):
    rng = np.random.default_rng(3)
    background = rng.integers(0, 200, (5, 6, 3)).astype(float)
    rain = {
        "some": rng.choice([0.0, 3.0, 60.0], (5, 6)),
        "all": np.full((5, 6), 80.0),
        "none": np.full((5, 6), 4.0),
    }[coverage]
    rainy = np.clip(background + rain[..., None], 0, 255)
    derained = np.clip(background + rng.normal(0, 9, background.shape), 0, 255)
    ours = decoupled_metrics(derained, rainy, background, rain, THRESHOLD)
    expected = _region_means(derained, rainy, background, rain, THRESHOLD)
    for name, value in expected.items():
        if math.isnan(value):
            assert np.isnan(ours[name]), name
        else:
            assert ours[name] == pytest.approx(value), name
    # An image with no rainy element has no E_R or rain left; one with no rain-free element no
    # E_B: NaN, never 0.
    assert np.isnan(ours["E_R"]) == (coverage == "none")
    assert np.isnan(ours["E_B"]) == (coverage == "all")


def test_unknown_average_is_refused(scene):
    background, rain, rainy = scene
    with pytest.raises(ValueError, match="average"):
        decoupled_metrics(background, rainy, background, rain, THRESHOLD, average="pixels")


def test_batch_gives_per_image_values_and_accepts_uint8(scene):
    background, rain, rainy = scene
    derained = np.stack([background, rainy]).astype(np.uint8)
    batch = decoupled_metrics(
        derained,
        np.stack([rainy, rainy]).astype(np.uint8),
        np.stack([background, background]).astype(np.uint8),
        np.stack([rain, rain]).astype(np.uint8),
        THRESHOLD,
    )
    assert batch["E_R"].shape == (2,)
    np.testing.assert_allclose(batch["E_R"], [100.0, 0.0])
    np.testing.assert_allclose(batch["E_B"], [0.0, np.sqrt(25 / 12)])


def test_rain_with_channel_axis_matches_broadcast(scene):
    background, rain, rainy = scene
    a = decoupled_metrics(background + 3, rainy, background, rain, THRESHOLD)
    b = decoupled_metrics(background + 3, rainy, background, np.repeat(rain[..., None], 3, -1), 10)
    assert a == pytest.approx(b)


def test_shape_mismatch_is_rejected(scene):
    background, rain, rainy = scene
    with pytest.raises(ValueError, match="share a shape"):
        decoupled_metrics(background[:2], rainy, background, rain, THRESHOLD)
