"""Image grids: the data (Figs. 3 and 5) and the derained outputs of several models on the same
test image (Figs. 1 and 15), built from files the pipeline already wrote."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch

from ..data.images import read_image
from ..rain import RainRange, sample_rain_layers
from ..sharpness import laplacian_variance
from .style import CATEGORY_LABELS, NETWORK_LABELS, apply_style, save_figure

Tile = tuple[str, np.ndarray]  # (title, uint8 image, RGB or gray)
PER_ROW = 4  # examples per category or class in Figs. 3 and 5


def plot_grid(
    rows: list[tuple[str, list[Tile]]],
    outs: list[Path],
    metadata: dict | None = None,
    tile_in: float = 1.1,
) -> None:
    """One labelled row of titled images per entry of ``rows``; short rows leave blanks, and a
    row with the same titles as the one above shows none."""
    apply_style()
    columns = max(len(tiles) for _, tiles in rows)
    fig, axes = plt.subplots(
        len(rows), columns, figsize=(tile_in * columns + 0.6, tile_in * len(rows) + 0.3),
        squeeze=False,
    )  # fmt: skip
    above: list[str] = []
    for (label, tiles), line in zip(rows, axes, strict=True):
        for ax in line:
            ax.axis("off")
        titles = [title for title, _ in tiles]
        for ax, (title, image) in zip(line, tiles, strict=False):
            ax.imshow(image, cmap="gray" if image.ndim == 2 else None, vmin=0, vmax=255)
            if titles != above:  # a row repeating the titles above it shares them
                ax.set_title(title, fontsize=6.5)
        above = titles
        line[0].text(-0.08, 0.5, label, transform=line[0].transAxes, rotation=90,
                     ha="right", va="center", fontsize=7.5)  # fmt: skip
    fig.tight_layout(pad=0.3, h_pad=0.6, w_pad=0.3)
    save_figure(fig, outs, metadata)


def example_strip(directory: Path, image: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (rainy, output, clean) images of one strip written by ``write_examples``."""
    path = Path(directory) / f"{image:03d}.png"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: the example image must be one of the first "
            "evaluation.examples test images"
        )
    return tuple(np.split(read_image(path), 3, axis=1))


def model_grid(runs: list[dict], directories: list[Path], image: int) -> list:
    """Rows for ``plot_grid``: per network, the rainy input, each run's output, the clean
    image. Fig. 15 has a row per network; Fig. 1 (one network) has one row."""
    rows: dict[str, list[Tile]] = {}
    for run, directory in zip(runs, directories, strict=True):
        rainy, output, clean = example_strip(directory, image)
        tiles = rows.setdefault(run["network"], [("rainy input", rainy)])
        tiles.append((f"{run['n']} patches\n{run['rain_range']} rain", output))
    return [
        (NETWORK_LABELS.get(network, network), tiles + [("clean background", clean)])
        for network, tiles in rows.items()
    ]


def data_grid(
    patches: dict[str, np.ndarray],
    rain_ranges: dict[str, RainRange],
    test_rain: np.ndarray,
    size: int,
    seed: int,
    per_row: int = PER_ROW,
) -> list:
    """Fig. 3: (a) training patches per category, (b) a training rain layer per Table I range
    (rendered on black at ``size`` pixels from ``seed``), (c) test rain layers."""
    rows = [
        (CATEGORY_LABELS.get(name, name), [("", p) for p in stack[:per_row]])
        for name, stack in patches.items()
    ]
    generator = torch.Generator().manual_seed(seed)
    layers = [
        (f"{name} range", sample_rain_layers(1, size, size, rain, generator)[0, 0])
        for name, rain in rain_ranges.items()
    ]
    rows.append(
        (
            "training rain",
            [(t, (layer.numpy() * 255).round().astype(np.uint8)) for t, layer in layers],
        )
    )
    rows.append(("test rain", [("", layer) for layer in test_rain[:per_row]]))
    return rows


def sharpness_grid(sets: dict[str, np.ndarray], per_row: int = PER_ROW) -> list:
    """Fig. 5: patches of each sharpness class, titled with their Laplacian variance."""
    return [
        (
            f"{name} sharpness",
            [(f"var {laplacian_variance(p):.0f}", p) for p in stack[:per_row]],
        )
        for name, stack in sets.items()
    ]
