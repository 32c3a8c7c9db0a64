"""Rain renderers: properties measured on rendered layers, not read back from the parameters."""

import dataclasses
import math

import numpy as np
import pytest
import torch
import yaml

from conftest import ROOT
from slacking.rain import (
    RainRange,
    TestRainParams,
    add_training_rain,
    rain100l_streaks,
    rain_range_from_config,
    render_test_rain,
    sample_rain_layers,
    unseen_parameters,
)
from slacking.rain.blocks import RainRenderer

#: The config's training rain: Table I's rows with the shared intensity and reference size.
CONFIG = yaml.safe_load((ROOT / "config/config.yaml").read_text())
RAIN = CONFIG["rain"]
TEST_RAIN = TestRainParams.from_config(CONFIG["test_rain"]["embedded"])
NAMES = sorted(RAIN["ranges"])


def table_i(name: str) -> RainRange:
    return rain_range_from_config(RAIN, name)


def streak_shape(layer) -> tuple[float, float, float, float]:
    """Direction (degrees from vertical, lower end right positive), half-maximum length,
    effective width (mass / (peak * length)) and elongation of the one streak in ``layer``."""
    layer = np.asarray(layer, dtype=np.float64)
    height, width = layer.shape
    peak = layer.max()
    y, x = np.unravel_index(np.argmax(layer), layer.shape)
    # Bring the brightest pixel to the centre, so a streak that wraps around comes out whole.
    layer = np.roll(layer, (height // 2 - y, width // 2 - x), axis=(0, 1))
    yy, xx = np.mgrid[:height, :width].astype(np.float64)
    weights = np.where(layer > 0.25 * peak, layer, 0.0)  # ignore the faint Gaussian tails
    weights /= weights.sum()
    dy, dx = yy - (weights * yy).sum(), xx - (weights * xx).sum()
    covariance = [
        [(weights * dx * dx).sum(), (weights * dx * dy).sum()],
        [(weights * dx * dy).sum(), (weights * dy * dy).sum()],
    ]
    (minor, major), vectors = np.linalg.eigh(covariance)
    vx, vy = vectors[:, 1]
    angle = math.degrees(math.atan2(vx, vy))
    angle = angle - 180 if angle > 90 else angle + 180 if angle <= -90 else angle
    along = (dx * vx + dy * vy)[layer >= 0.5 * peak]
    length = along.max() - along.min() + 1
    return angle, length, layer.sum() / (peak * length), major / max(minor, 1e-9)


def single_streaks(rain_range: RainRange, n: int = 48, seed: int = 0) -> np.ndarray:
    """Layers with one streak each, drawn with the row's widths, lengths and angles."""
    one = dataclasses.replace(rain_range, count=(1, 1), reference_size=128)
    generator = torch.Generator().manual_seed(seed)
    return sample_rain_layers(n, 128, 128, one, generator)[:, 0].numpy()


def test_config_rows_share_the_intensity_and_reference_size():
    for name in NAMES:
        row = table_i(name)
        assert row.reference_size == RAIN["reference_size"]
        assert row.intensity == tuple(RAIN["intensity"])
        assert row.count == tuple(RAIN["ranges"][name]["count"])


def test_layers_are_the_analytic_streak_wrapped_around():
    # One streak per layer (long enough to wrap more than once at 24 px; short and wide, so
    # its peak is well below its blob's) compared with the model evaluated directly: a
    # Gaussian of OpenCV's sigma smeared along the segment, peak at the brightness, summed
    # over the periodic copies, wherever the streak landed.
    for size, width, length, angle in [(24, 5, 60, 35), (40, 1, 30, -70), (40, 9, 5, 10)]:
        row = RainRange((1, 1), (width,), (length,) * 2, (angle,) * 2, (0.5, 0.5), size)
        layer = sample_rain_layers(1, size, size, row, torch.Generator().manual_seed(5))[0, 0]
        sigma = 0.3 * ((width - 1) * 0.5 - 1) + 0.8
        theta = math.radians(angle)
        offsets = torch.arange(-5 * size, 5 * size, dtype=torch.float64)
        y, x = torch.meshgrid(offsets, offsets, indexing="ij")
        along = (y * math.cos(theta) + x * math.sin(theta)) / (math.sqrt(2) * sigma)
        across = (x * math.cos(theta) - y * math.sin(theta)) / (math.sqrt(2) * sigma)
        half = length / 2 / (math.sqrt(2) * sigma)
        kernel = torch.exp(-(across**2)) * (torch.erf(half - along) + torch.erf(half + along))
        kernel = 0.25 * kernel / math.erf(half)
        wrapped = kernel.view(10, size, 10, size).sum((0, 2)).roll((5 * size,) * 2, (0, 1))
        # Where the streak is: the shift that best matches the wrapped kernel.
        match = torch.fft.ifft2(torch.fft.fft2(layer) * torch.fft.fft2(wrapped).conj()).real
        shift = np.unravel_index(int(match.argmax()), match.shape)
        expected = wrapped.roll(tuple(int(v) for v in shift), (0, 1)).clamp(0, 1)
        torch.testing.assert_close(layer.double(), expected, atol=1e-3, rtol=0)
        assert layer.max() == pytest.approx(0.5, abs=1e-3)


def test_layers_shape_dtype_range():
    generator = torch.Generator().manual_seed(0)
    layers = sample_rain_layers(3, 40, 56, table_i("medium"), generator)
    assert layers.shape == (3, 1, 40, 56)
    assert layers.dtype == torch.float32 and layers.device.type == "cpu"
    assert layers.min() >= 0 and layers.max() <= 1
    assert (layers > 0.1).float().mean() > 0.05  # there is visible rain


def test_same_seed_same_rain_and_other_seed_other_rain():
    def render(seed):
        return sample_rain_layers(4, 64, 64, table_i("large"), torch.Generator().manual_seed(seed))

    assert torch.equal(render(7), render(7))
    assert not torch.allclose(render(7), render(8))


def test_rainy_is_clamped_sum_of_clean_and_rain():
    clean = torch.rand(2, 3, 48, 48, dtype=torch.float64)
    rainy, rain = add_training_rain(clean, table_i("medium"), torch.Generator().manual_seed(1))
    assert rain.shape == (2, 1, 48, 48) and rain.dtype == clean.dtype
    assert rain.device == clean.device
    assert torch.equal(rainy, (clean + rain).clamp(0, 1))
    assert (rainy >= clean).all() and (rainy > clean).any()
    with pytest.raises(ValueError, match="clean"):
        add_training_rain(clean[0], table_i("medium"), torch.Generator())


@pytest.mark.parametrize("name", NAMES)
def test_measured_direction_and_length_lie_in_the_row(name):
    row = table_i(name)
    shapes = np.array([streak_shape(layer) for layer in single_streaks(row)])
    angle, length, _, elongation = shapes.T
    # Short, wide streaks (Large: 5 px long, 9 px wide) have no clear direction.
    clear = elongation > 3
    assert clear.mean() > 0.6
    assert (angle[clear] >= row.angle[0] - 1.5).all() and (angle[clear] <= row.angle[1] + 1.5).all()
    assert (length[clear] >= row.length[0] - 1.5).all()
    assert (length[clear] <= row.length[1] + 1.5).all()
    # The draws fill the range rather than sitting at one value.
    span = row.angle[1] - row.angle[0]
    assert np.ptp(angle[clear]) > 0.6 * span


def test_angles_follow_the_documented_sign():
    # Positive: the lower end leans right, for both renderers.
    for angle in (-25, 25):
        row = RainRange((1, 1), (5,), (30, 30), (angle, angle), (0.4, 0.8), 128)
        assert streak_shape(single_streaks(row, n=1)[0])[0] == pytest.approx(angle, abs=1)
        params = dataclasses.replace(
            TEST_RAIN, count=(1, 1), length=(30, 30), angle=(angle, angle), jitter=0
        )
        layer = render_test_rain(1, 128, 128, params, seed=3)[0]
        assert streak_shape(layer)[0] == pytest.approx(angle, abs=1.5)


def test_small_rain_is_far_more_uniform_in_direction_than_large():
    def spread(name):
        shapes = np.array([streak_shape(layer) for layer in single_streaks(table_i(name), 64)])
        return shapes[shapes[:, 3] > 3, 0].std()

    assert spread("small") < 0.15 * spread("large")


@pytest.mark.parametrize("name", NAMES)
def test_measured_streak_count_lies_in_the_row(name):
    row = table_i(name)
    # The row's counts are per reference_size**2 pixels: scaled to a 128 x 128 patch.
    area = 128 * 128 / row.reference_size**2
    low, high = round(row.count[0] * area), round(row.count[1] * area)
    # One width, length and angle from the row and a faint, fixed brightness: overlaps never
    # clip, so a layer's mass is its streak count times the mass of one streak, calibrated on
    # layers with a known count (as dense, so the clipped Gaussian tails cancel alike).
    fixed = dataclasses.replace(
        row,
        widths=(row.widths[len(row.widths) // 2],),
        length=(row.length[1],) * 2,
        angle=(row.angle[1],) * 2,
        intensity=(0.002, 0.002),
    )
    known = dataclasses.replace(fixed, count=((low + high) // 2,) * 2, reference_size=128)
    mass = sample_rain_layers(4, 128, 128, known, torch.Generator()).sum().item()
    per_streak = mass / (4 * known.count[0])
    layers = sample_rain_layers(64, 128, 128, fixed, torch.Generator().manual_seed(3))
    counts = layers.sum(dim=(1, 2, 3)).numpy() / per_streak
    assert np.abs(counts - np.rint(counts)).max() < 0.02
    assert counts.min() >= low - 0.5 and counts.max() <= high + 0.5
    # The draws fill the range: 64 draws of a dozen counts reach near both ends.
    assert counts.min() < low + 3 and counts.max() > high - 3

    # Both ends of the range occur.
    narrow = dataclasses.replace(fixed, count=(2, 3), reference_size=128)
    layers = sample_rain_layers(32, 128, 128, narrow, torch.Generator().manual_seed(5))
    assert set(np.rint(layers.sum(dim=(1, 2, 3)).numpy() / per_streak)) == {2, 3}

    # Twice the area, twice the streaks.
    wide = sample_rain_layers(8, 128, 256, fixed, torch.Generator().manual_seed(4))
    wide_counts = wide.sum(dim=(1, 2, 3)).numpy() / per_streak
    assert (wide_counts >= round(2 * row.count[0] * area) - 0.5).all()
    assert (wide_counts <= round(2 * row.count[1] * area) + 0.5).all()


def test_width_sets_the_gaussian_cross_profile():
    measured = []
    for width in (1, 3, 5, 7, 9):
        row = RainRange((1, 1), (width,), (40, 40), (20, 20), (0.4, 0.8), 128)
        widths = [streak_shape(layer)[2] for layer in single_streaks(row, n=4)]
        measured.append(np.mean(widths))
    assert np.all(np.diff(measured) > 0.4)
    for width, effective in zip((3, 5, 7, 9), measured[1:], strict=True):
        sigma = 0.3 * ((width - 1) * 0.5 - 1) + 0.8  # OpenCV's default for kernel size w
        assert effective == pytest.approx(math.sqrt(2 * math.pi) * sigma, rel=0.1)


@pytest.mark.parametrize("name", NAMES)
def test_streak_peaks_lie_in_the_intensity_range(name):
    row = dataclasses.replace(table_i(name), intensity=(0.3, 0.5))
    peaks = single_streaks(row).max(axis=(1, 2))
    assert peaks.min() >= 0.3 - 0.01 and peaks.max() <= 0.5 + 0.01


def test_rain_range_from_config_accepts_yaml_lists_and_names_bad_fields():
    config = {
        "count": [200, 300],
        "widths": [5, 7, 9],
        "length": [20, 40],
        "angle": [-30, 30],
        "intensity": [0.4, 0.8],
        "reference_size": 128,
    }
    expected = RainRange((200, 300), (5, 7, 9), (20, 40), (-30, 30), (0.4, 0.8), 128)
    assert RainRange.from_config(config) == expected
    assert RainRange.from_config({**config, "reference_size": 64}).count_range(128, 128) == (
        800,
        1200,
    )
    bad = [
        ({"widths": [4]}, "widths"),
        ({"widths": []}, "widths"),
        ({"angle": [30, -30]}, "angle"),
        ({"angle": [-100, 0]}, "angle"),
        ({"length": [0, 10]}, "length"),
        ({"count": [300]}, "count"),
        ({"intensity": [0.5, 1.5]}, "intensity"),
        ({"reference_size": 0}, "reference_size"),
        ({"cuont": [1, 2]}, "cuont"),
    ]
    for change, field in bad:
        with pytest.raises(ValueError, match=field):
            RainRange.from_config({**config, **change})
    with pytest.raises(ValueError, match="length"):
        RainRange.from_config({k: v for k, v in config.items() if k != "length"})


def test_test_rain_is_deterministic_uint8():
    params = TEST_RAIN
    first = render_test_rain(3, 64, 80, params, seed=5)
    assert first.dtype == np.uint8 and first.shape == (3, 64, 80)
    assert first.max() > 50
    assert np.array_equal(first, render_test_rain(3, 64, 80, params, seed=5))
    assert not np.array_equal(first, render_test_rain(3, 64, 80, params, seed=6))


def test_test_rain_is_thinner_than_medium_training_rain_and_keeps_its_direction():
    # Shorter than the configured streaks, so that one fits in a 128-px image and its shape can
    # be measured whole (streak_shape centres the brightest pixel).
    params = dataclasses.replace(TEST_RAIN, count=(1, 1), length=(30, 50))
    layers = render_test_rain(64, 128, 128, params, seed=0)
    inside = [layer for layer in layers if not (layer[[0, -1]].any() or layer[:, [0, -1]].any())]
    assert len(inside) > 30
    test_shapes = np.array([streak_shape(layer) for layer in inside])
    train_shapes = np.array([streak_shape(layer) for layer in single_streaks(table_i("medium"))])
    assert test_shapes[:, 2].mean() < 0.7 * train_shapes[:, 2].mean()
    assert test_shapes[:, 2].max() < 2.5
    low, high = params.angle[0] - params.jitter - 2, params.angle[1] + params.jitter + 2
    assert (test_shapes[:, 0] >= low).all() and (test_shapes[:, 0] <= high).all()
    assert (test_shapes[:, 1] <= params.length[1] + 2).all()


def test_test_rain_streaks_share_a_direction_within_an_image():
    params = dataclasses.replace(TEST_RAIN, angle=(-40, 40), jitter=2.0, blur=0.0)
    layer = render_test_rain(1, 256, 256, params, seed=1)[0].astype(np.float64)
    # Structure tensor of the whole image: one dominant direction, set per image.
    gy, gx = np.gradient(layer)
    jxx, jyy, jxy = (gx * gx).sum(), (gy * gy).sum(), (gx * gy).sum()
    coherence = math.hypot(jxx - jyy, 2 * jxy) / (jxx + jyy)
    assert coherence > 0.6


def test_test_rain_params_from_config():
    config = CONFIG["test_rain"]["embedded"]
    assert TestRainParams.from_config(config) == TEST_RAIN
    assert TestRainParams.from_config({**config, "count": [5, 9]}).count == (5, 9)
    bad = [({"blur": -1}, "blur"), ({"count": [9, 5]}, "count"), ({"x": 1}, "x")]
    for change, field in bad:
        with pytest.raises(ValueError, match=field):
            TestRainParams.from_config({**config, **change})
    with pytest.raises(ValueError, match=r"missing field\(s\) \['blur'\]"):
        TestRainParams.from_config({k: v for k, v in config.items() if k != "blur"})


def test_rain100l_streaks_recovers_the_added_rain():
    rng = np.random.default_rng(0)
    streaks = np.zeros((20, 30), dtype=np.uint8)
    streaks[2:18, 7] = 180
    streaks[5:15, 20] = 60
    clean = rng.integers(0, 256 - 180, (20, 30, 3), dtype=np.uint8)
    rainy = clean + streaks[..., None]
    assert np.array_equal(rain100l_streaks(rainy, clean), streaks)
    # A darker channel does not count (no uint8 wrap-around), a brighter one anywhere does.
    clean[0, 0], rainy[0, 0] = [10, 10, 10], [9, 10, 10]
    clean[1, 1], rainy[1, 1] = [10, 10, 10], [10, 10, 19]
    result = rain100l_streaks(rainy, clean)
    assert result[0, 0] == 0 and result[1, 1] == 9
    assert np.array_equal(rain100l_streaks(rainy[..., 2], clean[..., 2])[1, 1], 9)
    with pytest.raises(ValueError):
        rain100l_streaks(rainy, clean[:10])


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shape", [(8, 48, 48), (3, 40, 56), (4, 24, 24)])
def test_a_block_is_the_batches_that_sample_rain_layers_renders_one_by_one(name, shape):
    """The trainer's block renderer takes the same numbers from the generator and gives every
    batch the same bytes as one call per batch, whatever else is in the block (so a run
    resumed in the middle of a block renders the rest as an uninterrupted one)."""
    n, height, width = shape
    one_by_one = torch.Generator().manual_seed(7)
    expected = [sample_rain_layers(n, height, width, table_i(name), one_by_one) for _ in range(9)]
    renderer = RainRenderer(table_i(name), n, height, width)
    block = torch.Generator().manual_seed(7)
    draws = renderer.draw(block, 9)
    assert torch.equal(block.get_state(), one_by_one.get_state())
    assert torch.equal(renderer.render(draws.numpy(), "cpu"), torch.cat(expected))
    for start, stop in ((0, 1), (1, 5), (5, 9)):
        part = renderer.render(draws[start:stop].numpy(), "cpu")
        assert torch.equal(part, torch.cat(expected[start:stop]))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_renders_the_same_rain_as_cpu():
    row = table_i("large")
    cpu = sample_rain_layers(4, 64, 64, row, torch.Generator().manual_seed(2))
    gpu = sample_rain_layers(4, 64, 64, row, torch.Generator().manual_seed(2), device="cuda")
    assert gpu.device.type == "cuda"
    torch.testing.assert_close(gpu.cpu(), cpu, atol=1e-4, rtol=0)
    renderer = RainRenderer(row, 4, 64, 64)
    block = renderer.draw(torch.Generator().manual_seed(2), 3).numpy()
    on_gpu = renderer.render(block, "cuda")
    assert on_gpu.device.type == "cuda"
    torch.testing.assert_close(on_gpu.cpu(), renderer.render(block, "cpu"), atol=1e-4, rtol=0)


def test_the_embedded_test_rain_is_unseen_by_every_training_range(default_config):
    """Issue 19: for a network trained on any Table I range, the embedded test rain must be
    rain it never saw: outside the range in at least one parameter."""
    test = TestRainParams.from_config(default_config["test_rain"]["embedded"])
    for name in default_config["rain"]["ranges"]:
        rain_range = rain_range_from_config(default_config["rain"], name)
        assert unseen_parameters(test, rain_range), f"the test rain lies inside {name}"


def test_a_test_rain_inside_a_range_is_seen(default_config):
    # The generator of issue 11 (streaks 12-35 px at +-20 degrees) lies inside the large range.
    inside = {**default_config["test_rain"]["embedded"], "length": [12, 35], "angle": [-20, 20]}
    large = rain_range_from_config(default_config["rain"], "large")
    assert unseen_parameters(TestRainParams.from_config(inside), large) == []
    longer = {**inside, "length": [64, 112]}
    assert unseen_parameters(TestRainParams.from_config(longer), large) == ["length"]
    steeper = {**inside, "angle": [72, 80]}
    assert unseen_parameters(TestRainParams.from_config(steeper), large) == []  # jitter: 69
    assert unseen_parameters(TestRainParams.from_config({**steeper, "jitter": 0}), large) == [
        "angle"
    ]
