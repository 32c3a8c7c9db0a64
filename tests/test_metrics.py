"""Hand-computed cases of the decoupled metrics (slacking.metrics)."""

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
    # Rainy pixels changed by 100 on 4/16 pixels: sqrt(4 * 100^2 / 16) = 50.
    assert m["E_R"] == pytest.approx(50.0)
    assert m["E_B"] == pytest.approx(0.0)
    assert m["PSNR"] == np.inf


def test_identity_derainer(scene):
    background, rain, rainy = scene
    m = decoupled_metrics(rainy, rainy, background, rain, THRESHOLD)
    assert m["E_R"] == pytest.approx(0.0)
    # The sub-threshold streak pixel (5) stays in the background part: sqrt(5^2 / 16).
    assert m["E_B"] == pytest.approx(np.sqrt(25 / 16))
    mse = (4 * 100**2 + 25) / 16
    assert m["PSNR"] == pytest.approx(10 * np.log10(255**2 / mse))


def test_constant_shift(scene):
    background, rain, rainy = scene
    derained = background + 20.0
    m = decoupled_metrics(derained, rainy, background, rain, THRESHOLD)
    # Rain part: derained - rainy = 70 - 150 = -80 on 4 pixels; background part: 20 on 12.
    assert m["E_R"] == pytest.approx(np.sqrt(4 * 80**2 / 16))
    assert m["E_B"] == pytest.approx(np.sqrt(12 * 20**2 / 16))
    assert m["PSNR"] == pytest.approx(10 * np.log10(255**2 / 400))


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
    np.testing.assert_allclose(batch["E_R"], [50.0, 0.0])
    np.testing.assert_allclose(batch["E_B"], [0.0, np.sqrt(25 / 16)])


def test_rain_with_channel_axis_matches_broadcast(scene):
    background, rain, rainy = scene
    a = decoupled_metrics(background + 3, rainy, background, rain, THRESHOLD)
    b = decoupled_metrics(background + 3, rainy, background, np.repeat(rain[..., None], 3, -1), 10)
    assert a == pytest.approx(b)


def test_shape_mismatch_is_rejected(scene):
    background, rain, rainy = scene
    with pytest.raises(ValueError, match="share a shape"):
        decoupled_metrics(background[:2], rainy, background, rain, THRESHOLD)
