"""Figures of one experiment family's runs against the patch count: Fig. 8 (one line per
training rain range) and NeurIPS Fig. 10 (one line per training category, one test category)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from ..statistics import mean_interval
from ..tables import run_means, seed_means
from .patch_count import BASELINE_STYLES, METRIC_LABELS
from .style import (
    CATEGORY_LABELS,
    COLUMN_WIDTH_IN,
    NETWORK_LABELS,
    RAIN_COLORS,
    apply_style,
    category_color,
    save_figure,
    untrained_handle,
)

# Per family: the metrics drawn (one panel each), the column that tells the lines apart,
# its colours and labels.
FAMILIES = {
    "rain_range": {
        "metrics": ["E_R"],
        "hue": "rain_range",
        "color": lambda name: RAIN_COLORS.get(name, "0.3"),
        "label": lambda name: f"{name} rain",
    },
    "transfer": {
        "metrics": ["E_R", "E_B"],
        "hue": "train_category",
        "color": category_color,
        "label": lambda name: f"trained on {CATEGORY_LABELS.get(name, name)}",
    },
}


def drop_line(table: pd.DataFrame, share: float) -> float:
    """Fig. 8's dashed "qualitative drop" level: ``share`` of the perfect derainer's mean E_R
    on the test category (the paper draws the line without giving its value)."""
    perfect = table[table["kind"] == "perfect"]
    return share * float(perfect["E_R"].mean())


def plot_runs(
    table: pd.DataFrame,
    family: str,
    outs: list[Path],
    metadata: dict | None = None,
    drop_share: float | None = None,
) -> None:
    """Mean metric against the patch count, one line per run group; the test category's
    identity and perfect derainers as grey lines; each mean with its 95 % bootstrap interval
    over test images and seeds; open markers where a run is not trained. With ``drop_share``,
    the E_R panel gets the dashed drop line (``drop_line``)."""
    apply_style()
    spec = FAMILIES[family]
    means = seed_means(run_means(table))
    models = table[table["kind"] == "model"]
    baselines = table[table["kind"] != "model"].groupby("kind")[["E_R", "E_B"]].mean()
    metrics = spec["metrics"]
    width = COLUMN_WIDTH_IN * (1.0 if len(metrics) == 1 else 1.9)
    fig, axes = plt.subplots(1, len(metrics), figsize=(width, 2.6), squeeze=False)
    names = list(dict.fromkeys(table.loc[table["kind"] == "model", spec["hue"]]))  # run order
    for ax, metric in zip(axes[0], metrics, strict=True):
        for name in names:
            group = means[means[spec["hue"]] == name].sort_values("n")
            color = spec["color"](name)
            ax.plot(group["n"], group[metric], marker="o", ms=4, color=color)
            rows = models[models[spec["hue"]] == name]
            bands = [mean_interval(rows.loc[rows["n"] == n, metric]) for n in group["n"]]
            low, high = [b.low for b in bands], [b.high for b in bands]
            ax.fill_between(group["n"], low, high, color=color, alpha=0.2, lw=0)
            failed = group[~group["trained"]]
            ax.plot(failed["n"], failed[metric], "o", ms=4, mfc="white", color=color)
        for kind, style in BASELINE_STYLES.items():
            ax.axhline(baselines.loc[kind, metric], color="0.4", lw=0.8, ls=style)
        if metric == "E_R" and drop_share is not None:
            ax.axhline(drop_line(table, drop_share), color="tab:blue", lw=1.0, ls=(0, (5, 3)))
        counts = sorted(means["n"].unique())
        ax.set_xscale("log", base=2)
        ax.set_xticks(counts, [str(int(c)) for c in counts])
        ax.set_xlabel("training patches")
        ax.set_ylabel(METRIC_LABELS[metric])
    network = NETWORK_LABELS.get(means["network"].iloc[0], means["network"].iloc[0])
    tested = CATEGORY_LABELS.get(means["category"].iloc[0], means["category"].iloc[0])
    fig.suptitle(f"{network}, tested on {tested}", fontsize=9, y=1.03)
    handles = [
        plt.Line2D([], [], color=spec["color"](name), marker="o", label=spec["label"](name))
        for name in names
    ] + [
        plt.Line2D([], [], color="0.4", ls=style, label=f"{kind} derainer")
        for kind, style in BASELINE_STYLES.items()
    ]
    if drop_share is not None:
        label = f"drop line ({drop_share:g} × perfect $E_R$)"
        handles.append(plt.Line2D([], [], color="tab:blue", ls=(0, (5, 3)), label=label))
    if not means["trained"].all():
        handles.append(untrained_handle())
    fig.tight_layout()
    fig.legend(handles=handles, loc="upper center", ncol=2, bbox_to_anchor=(0.5, 0.0), fontsize=7)
    save_figure(fig, outs, metadata)
