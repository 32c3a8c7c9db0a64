"""Fig. 2 (synthesis and fine-grained analysis), the real-photograph loader and the real-rain
grid of Figs. 16 and 20."""

import re

import numpy as np
import pytest
from PIL import Image

import slacking.plotting.real_rain as real_rain_plot
import slacking.plotting.synthesis as synthesis
from slacking.data.real_rain import load_photographs
from slacking.metrics import decoupled_metrics

THRESHOLD = 10


@pytest.fixture
def test_image():
    """A background, a sparse rain layer with sub-threshold haze, their sum and an output that
    removes part of the rain and shifts the background."""
    rng = np.random.default_rng(0)
    background = rng.integers(0, 200, (32, 40, 3), dtype=np.uint8)
    rain = np.where(rng.random((32, 40)) < 0.2, rng.integers(11, 56, (32, 40)), 0)
    rain = (rain + rng.integers(0, 6, (32, 40))).astype(np.uint8)  # haze below the threshold
    rainy = np.clip(background.astype(int) + rain[..., None], 0, 255).astype(np.uint8)
    derained = np.clip(rainy.astype(int) - rain[..., None] // 2 + 3, 0, 255).astype(np.uint8)
    return background, rain, rainy, derained


@pytest.fixture
def captured(monkeypatch):
    """The figures each module hands to ``save_figure``, kept before they are written."""
    figures = []

    def capture(module):
        original = module.save_figure

        def keep(fig, outs, metadata=None):
            figures.append(fig)
            original(fig, outs, metadata)

        monkeypatch.setattr(module, "save_figure", keep)
        return figures

    return capture


def test_error_maps_split_at_the_mask(test_image):
    background, rain, rainy, derained = test_image
    mask, rain_map, background_map = synthesis.error_maps(*test_image, THRESHOLD)
    np.testing.assert_array_equal(mask, rain > THRESHOLD)
    assert mask.any() and (~mask).any()
    assert np.all(rain_map[~mask] == 0) and np.all(rain_map[mask] > 0)
    assert np.all(background_map[mask] == 0) and np.all(background_map[~mask] > 0)
    # The maps are what the metrics summarise: their root mean square, over the image or over
    # the region, is E_R and E_B.
    values = decoupled_metrics(derained, rainy, background, rain, THRESHOLD)
    for name, error, region in (("E_R", rain_map, mask), ("E_B", background_map, ~mask)):
        candidates = np.sqrt([np.mean(error**2), np.mean(error[region] ** 2)])
        assert np.isclose(candidates, float(values[name])).any()


def test_synthesis_figure_titles_carry_the_metrics(test_image, tmp_path, captured):
    figures = captured(synthesis)
    background, rain, rainy, derained = test_image
    outs = [tmp_path / "fig2.pdf", tmp_path / "fig2.png"]
    metrics = {"threshold": THRESHOLD, "average": "region"}
    synthesis.synthesis_figure(background, rain, rainy, derained, metrics, outs, {"Title": "x"})
    assert all(out.stat().st_size > 0 for out in outs)
    assert outs[0].read_bytes().startswith(b"%PDF") and outs[1].read_bytes()[1:4] == b"PNG"

    titles = [ax.get_title() for ax in figures[0].axes if ax.get_title()]
    assert len(titles) == 7  # B, R, I, M, output, two error maps
    values = decoupled_metrics(derained, rainy, background, rain, THRESHOLD)
    for name in ("E_R", "E_B"):
        (shown,) = [t for t in titles if t.startswith(f"${name}$")]
        number = float(re.search(r"= ([0-9.]+)", shown).group(1))
        assert number == pytest.approx(float(values[name]), abs=0.005)
    assert float(values["E_R"]) != pytest.approx(float(values["E_B"]), abs=0.01)


def _write(path, size, value):
    Image.fromarray(np.full((*size, 3), value, dtype=np.uint8)).save(path)


def test_load_photographs_square_sorted_and_capped(tmp_path):
    _write(tmp_path / "b.JPG", (60, 90), 10)
    _write(tmp_path / "a.png", (120, 50), 200)
    _write(tmp_path / "c.jpeg", (30, 30), 100)
    _write(tmp_path / "d.png", (80, 80), 50)
    (tmp_path / "notes.txt").write_text("not a photograph")
    _write(tmp_path / "e.bmp", (40, 40), 0)
    (tmp_path / "sub.png").mkdir()

    names, photos = load_photographs(tmp_path, 48, 3)
    assert names == ["a.png", "b.JPG", "c.jpeg"]
    assert photos.shape == (3, 48, 48, 3) and photos.dtype == np.uint8
    # Each photograph stays its own (a flat colour survives resizing, up or down).
    np.testing.assert_allclose(photos.reshape(3, -1).mean(axis=1), [200, 10, 100], atol=3)

    names, photos = load_photographs(tmp_path, 16, 10)
    assert names == ["a.png", "b.JPG", "c.jpeg", "d.png"] and photos.shape == (4, 16, 16, 3)


def test_load_photographs_empty_folder_says_what_to_place(tmp_path):
    (tmp_path / "readme.txt").write_text("place photographs here")
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path))) as error:
        load_photographs(tmp_path, 32, 4)
    assert all(ext in str(error.value) for ext in (".jpg", ".jpeg", ".png"))
    with pytest.raises(FileNotFoundError, match="missing"):
        load_photographs(tmp_path / "missing", 32, 4)


def test_real_rain_figure_has_a_panel_per_photo_and_network(tmp_path, captured):
    figures = captured(real_rain_plot)
    rng = np.random.default_rng(1)
    photos = rng.integers(0, 256, (3, 24, 24, 3), dtype=np.uint8)
    outputs = [rng.integers(0, 256, (3, 24, 24, 3), dtype=np.uint8) for _ in range(2)]
    outs = [tmp_path / "fig16.pdf", tmp_path / "fig16.png"]
    real_rain_plot.real_rain_figure(
        photos, outputs, ["ResNet", "UNet"], ["p1", "p2", "p3"], outs, None, "Fig. 16"
    )
    assert all(out.stat().st_size > 0 for out in outs)
    image_axes = [ax for ax in figures[0].axes if ax.images]
    assert len(image_axes) == 3 * 3
    assert [ax.get_title() for ax in image_axes[:3]] == ["rainy input", "ResNet", "UNet"]
    assert figures[0].get_suptitle() == "Fig. 16"
    with pytest.raises(ValueError, match="labels"):
        real_rain_plot.real_rain_figure(photos, outputs, ["ResNet"], ["p1", "p2", "p3"], outs)
