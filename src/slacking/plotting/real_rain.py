"""Figs. 16 and 20 of the journal paper: real rainy photographs through networks trained on
synthetic rain. No ground truth exists for them, so the grid shows outputs without a metric."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from .style import apply_style, save_figure


def real_rain_figure(
    photos: np.ndarray,
    outputs: list[np.ndarray],
    labels: list[str],
    names: list[str],
    outs: list[Path],
    metadata: dict | None = None,
    title: str = "",
    tile_in: float = 1.1,
) -> None:
    """One row per photograph (labelled with its name): the rainy input, then each network's
    output (uint8 (N,H,W,3) per entry of ``outputs``, titled by ``labels`` on the top row).
    ``plot_grid`` is not reused because this figure carries a title above the grid."""
    if len(outputs) != len(labels):
        raise ValueError(f"{len(outputs)} output stacks for {len(labels)} labels")
    if any(len(stack) != len(photos) for stack in outputs) or len(names) != len(photos):
        raise ValueError("every output stack and the names must have one entry per photograph")
    apply_style()
    columns = ["rainy input", *labels]
    fig, axes = plt.subplots(
        len(photos), len(columns),
        figsize=(tile_in * len(columns) + 0.6, tile_in * len(photos) + 0.5), squeeze=False,
    )  # fmt: skip
    for row, (name, line) in enumerate(zip(names, axes, strict=True)):
        images = [photos[row], *(stack[row] for stack in outputs)]
        for ax, column, image in zip(line, columns, images, strict=True):
            ax.imshow(image)
            ax.axis("off")
            if row == 0:
                ax.set_title(column, fontsize=6.5)
        line[0].text(-0.08, 0.5, name, transform=line[0].transAxes, rotation=90,
                     ha="right", va="center", fontsize=6.5)  # fmt: skip
    if title:
        fig.suptitle(title, fontsize=8)
    fig.tight_layout(pad=0.3, h_pad=0.6, w_pad=0.3)
    save_figure(fig, outs, metadata)
