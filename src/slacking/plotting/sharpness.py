"""Fig. 6: (a) E_R and E_B of one network per sharpness class against the training
iteration, (b) its output on one test image at each kept iteration."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ..tables import run_means
from .patch_count import BASELINE_STYLES, METRIC_LABELS
from .style import NETWORK_LABELS, apply_style, save_figure, untrained_handle

STRIP_COLUMNS = 5  # at most this many iterations in panel (b), evenly spaced


def plot_sharpness(
    table: pd.DataFrame,
    strips: dict[str, dict],
    network: str,
    outs: list[Path],
    metadata: dict | None = None,
) -> None:
    """``strips``: class -> the arrays ``evaluation.evaluate_snapshots`` saved."""
    apply_style()
    means = run_means(table)
    classes = list(strips)
    colors = dict(zip(classes, sns.color_palette("viridis", len(classes)), strict=True))
    baselines = table[table["kind"] != "model"].groupby("kind")[["E_R", "E_B"]].mean()
    fig = plt.figure(figsize=(7.0, 2.4 + 1.1 * len(classes)))
    top, bottom = fig.subfigures(2, 1, height_ratios=[2.4, 1.1 * len(classes)])
    for ax, metric in zip(top.subplots(1, 2), ("E_R", "E_B"), strict=True):
        for sclass in classes:
            group = means[means["sharpness"] == sclass].sort_values("iteration")
            ax.plot(group["iteration"], group[metric], marker="o", ms=3, color=colors[sclass],
                    label=f"{NETWORK_LABELS.get(network, network)}-{sclass}")  # fmt: skip
            failed = group[~group["trained"]]
            ax.plot(
                failed["iteration"], failed[metric], "o", ms=3, mfc="white", color=colors[sclass]
            )
        for kind, style in BASELINE_STYLES.items():
            ax.axhline(
                baselines.loc[kind, metric], color="0.4", lw=0.8, ls=style, label=f"{kind} derainer"
            )
        ax.set_xlabel("training iteration")
        ax.set_title(METRIC_LABELS[metric], fontsize=8)  # too long for a y-label here
    handles, _ = ax.get_legend_handles_labels()
    if not means["trained"].all():
        handles.append(untrained_handle())
    top.suptitle("(a) test metrics during training", fontsize=9)
    top.legend(handles=handles, loc="center right", fontsize=6.5, bbox_to_anchor=(1.0, 0.5))
    top.subplots_adjust(left=0.08, right=0.7, bottom=0.2, top=0.8, wspace=0.45)
    _strips(bottom, strips, network)
    save_figure(fig, outs, metadata)


def _strips(fig, strips: dict[str, dict], network: str) -> None:
    first = next(iter(strips.values()))
    picks = np.unique(
        np.linspace(0, len(first["iterations"]) - 1, STRIP_COLUMNS).round().astype(int)
    )
    axes = fig.subplots(len(strips), len(picks) + 2, squeeze=False)
    for row, (line, (sclass, strip)) in enumerate(zip(axes, strips.items(), strict=True)):
        tiles = [("rainy", strip["rainy"])]
        tiles += [(f"iter. {strip['iterations'][i]}", strip["outputs"][i]) for i in picks]
        tiles.append(("clean", strip["clean"]))
        for ax, (title, image) in zip(line, tiles, strict=True):
            ax.imshow(image)
            if row == 0:  # every row shares the columns
                ax.set_title(title, fontsize=6.5)
            ax.axis("off")
        line[0].text(-0.1, 0.5, f"{NETWORK_LABELS.get(network, network)}-{sclass}",
                     transform=line[0].transAxes, rotation=90, ha="right", va="center",
                     fontsize=7)  # fmt: skip
    fig.suptitle("(b) outputs on one test image during training", fontsize=9)
