"""Figs. 11-14 of the journal paper: denoised cosines, one panel per (training, test) setting.

Each panel shows the noisy test points, the clean function and the network's prediction, with
the test setting and its MSE in the title; a red title marks the training setting itself.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..function_denoising import Noise
from .style import COLUMN_WIDTH_IN, apply_style, save_figure

TRAINING_SETTING_COLOR = "tab:red"


def panel_specs(
    figure: str, orders: list[int], noise_count: int, train_noise: int, four_panel: list
) -> tuple[list, tuple[int, int]]:
    """The (train order, test order, noise index) of each panel, row by row, and the grid shape.

    Fig. 11: the simplest training order on the four settings of ``four_panel``; Fig. 12: the
    most complex one on the same settings; Fig. 13: training order x test order under the
    training noise (index ``train_noise``); Fig. 14: each order under every test noise.
    """
    low, high = min(orders), max(orders)
    side = int(np.ceil(np.sqrt(len(four_panel))))
    specs = {
        "11": ([(low, o, i) for o, i in four_panel], (side, side)),
        "12": ([(high, o, i) for o, i in four_panel], (side, side)),
        "13": ([(t, o, train_noise) for t in orders for o in orders], (len(orders), len(orders))),
        "14": ([(t, t, i) for t in orders for i in range(noise_count)], (len(orders), noise_count)),
    }
    return specs[figure]


def plot_panels(
    specs: list,
    shape: tuple[int, int],
    curves: dict[int, dict],
    table: pd.DataFrame,
    noises: list,
    train_noise: int,
    outs: list[Path],
    metadata: dict | None = None,
) -> None:
    """``curves[train_order]`` holds the arrays of one network's test (keys "O{o}_N{i}_...");
    ``table`` the MSE rows; ``noises[i]`` is test noise i as [mean, std], ``noises[train_noise]``
    the training noise; ``metadata`` goes into each file in ``outs`` (``slacking.provenance``)."""
    apply_style()
    rows, cols = shape
    fig, axes = plt.subplots(
        rows, cols, figsize=(COLUMN_WIDTH_IN * 0.75 * cols, 1.9 * rows), squeeze=False
    )
    mse = table.set_index(["train_order", "test_order", "noise_index"])["mse"]
    for ax in axes.flat[len(specs) :]:
        ax.set_visible(False)
    for index, (ax, (train, order, noise)) in enumerate(
        zip(axes.flat[: len(specs)], specs, strict=True)
    ):
        key = f"O{order}_N{noise}"
        arrays = curves[train]
        ax.scatter(arrays[f"{key}_x"], arrays[f"{key}_noisy"], s=1, color="0.7", lw=0)
        ax.plot(arrays[f"{key}_x"], arrays[f"{key}_clean"], color="black", lw=0.8)
        ax.plot(arrays[f"{key}_x"], arrays[f"{key}_predicted"], color="tab:blue", lw=0.8)
        is_training = order == train and noise == train_noise
        ax.set_title(
            f"({chr(ord('a') + index)}) train O={train} | test O={order}, "
            f"{Noise(*noises[noise]).label}\nMSE {mse[(train, order, noise)]:.4g}",
            color=TRAINING_SETTING_COLOR if is_training else "black",
            fontsize=7,
        )
        ax.tick_params(labelsize=6)
    handles = [
        plt.Line2D([], [], color="0.7", marker=".", ls="", label="noisy test points"),
        plt.Line2D([], [], color="black", label="clean function"),
        plt.Line2D([], [], color="tab:blue", label="network output"),
        plt.Line2D(
            [],
            [],
            color=TRAINING_SETTING_COLOR,
            ls="",
            marker="s",
            label="red title: the training setting",
        ),
    ]
    fig.tight_layout()
    fig.legend(handles=handles, loc="upper center", ncol=2, bbox_to_anchor=(0.5, 0.0), fontsize=7)
    save_figure(fig, outs, metadata)
