"""Figs. 18 and 19 (journal Sec. VI): the content prior against its no-VQ ablation and against
networks trained from scratch, from the runs' training logs and example strips."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from ..content_prior import FINETUNED, NO_VQ, SALT_AND_PEPPER, SEEN, UNSEEN
from .examples import Tile, example_strip, plot_grid
from .style import COLUMN_WIDTH_IN, NETWORK_LABELS, apply_style, save_figure

TASKS = {UNSEEN: "deraining,\nunseen rain", SALT_AND_PEPPER: "denoising,\nsalt-and-pepper"}


def _label(network: str) -> str:
    return NETWORK_LABELS.get(network, network)


def training_curves(ax, models: dict[str, Path]) -> None:
    """Each run's training loss (train.csv beside its model.pt), smoothed over 5% of the run."""
    for network, model in models.items():
        log = pd.read_csv(Path(model).parent / "train.csv")
        window = max(1, len(log) // 20)
        ax.plot(log["iteration"], log["loss"].rolling(window, min_periods=1).mean(),
                label=_label(network))  # fmt: skip
    ax.set_yscale("log")
    ax.set_xlabel("iteration")
    ax.set_ylabel("training loss\n(L1; + VQ loss with VQ)")
    ax.legend(frameon=False, fontsize=6.5)
    ax.set_title("(a) training on the training rain", fontsize=7.5, loc="left")


def fig18(runs: list[dict], strips: list[Path], models: list[Path], image: int, outs, metadata):
    """(a) training loss of the ablation and the fine-tuned prior; (b) the ablation on the
    training rain; (c) the ablation and (d) the fine-tuned prior on unseen rain."""
    apply_style()
    strip = {(r["network"], r["test"]): path for r, path in zip(runs, strips, strict=True)}
    seen_rainy, ablation_seen, _ = example_strip(strip[NO_VQ, SEEN], image)
    rainy, ablation, clean = example_strip(strip[NO_VQ, UNSEEN], image)
    _, finetuned, _ = example_strip(strip[FINETUNED, UNSEEN], image)
    tiles = [
        ("training rain", seen_rainy),
        ("(b) without VQ,\ntraining rain", ablation_seen),
        ("unseen rain", rainy),
        ("(c) without VQ,\nunseen rain", ablation),
        ("(d) content prior,\nunseen rain", finetuned),
        ("clean background", clean),
    ]
    fig = plt.figure(figsize=(2 * COLUMN_WIDTH_IN, 3.6))
    grid = fig.add_gridspec(2, len(tiles), height_ratios=[1.6, 1])
    curves = {run["network"]: model for run, model in zip(runs, models, strict=True)}
    training_curves(fig.add_subplot(grid[0, :]), curves)
    for column, (title, picture) in enumerate(tiles):
        ax = fig.add_subplot(grid[1, column])
        ax.imshow(picture)
        ax.set_title(title, fontsize=6.5)
        ax.axis("off")
    fig.tight_layout(pad=0.3, h_pad=0.8, w_pad=0.3)
    save_figure(fig, outs, metadata)


def fig19(runs: list[dict], strips: list[Path], image: int, outs, metadata):
    """Per task (deraining on unseen rain, denoising on salt-and-pepper noise): the degraded
    input, each network's output, the clean image."""
    rows: dict[str, list[Tile]] = {}
    clean = {}
    for run, path in zip(runs, strips, strict=True):
        degraded, output, clean[run["test"]] = example_strip(path, image)
        tiles = rows.setdefault(run["test"], [("input", degraded)])
        tiles.append((_label(run["network"]), output))
    plot_grid(
        [(TASKS[test], tiles + [("clean", clean[test])]) for test, tiles in rows.items()],
        outs,
        metadata,
    )
