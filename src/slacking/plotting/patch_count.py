"""Figs. 4 and 10: E_R or E_B against the number of training background patches."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from ..tables import run_means, seed_means
from .style import (
    CATEGORY_LABELS,
    COLUMN_WIDTH_IN,
    ERRORBAR,
    NETWORK_LABELS,
    apply_style,
    category_color,
    save_figure,
    untrained_handle,
)

METRIC_LABELS = {
    "E_R": "$E_R$ over rainy pixels\n(rain removal, higher is better)",
    "E_B": "$E_B$ over rain-free pixels\n(background error, lower is better)",
}
BASELINE_STYLES = {"identity": "--", "perfect": ":"}


def plot_metric_vs_count(
    table: pd.DataFrame, metric: str, outs: list[Path], metadata: dict | None = None
) -> None:
    """One panel per network, one line per category (mean and 95 % bootstrap interval over test
    images and seeds), and the identity and perfect derainers of each category as dashed and
    dotted lines. Settings with a run that is not trained get an open white marker.
    ``metadata`` goes into each file in ``outs`` (``slacking.provenance``)."""
    apply_style()
    models = table[table["kind"] == "model"]
    untrained = seed_means(run_means(table)).query("not trained")
    baselines = table[table["kind"] != "model"].groupby(["kind", "category"])[metric].mean()
    networks = list(dict.fromkeys(models["network"]))
    categories = list(dict.fromkeys(models["category"]))
    fig, axes = plt.subplots(
        1,
        len(networks),
        figsize=(COLUMN_WIDTH_IN * max(len(networks) * 0.62, 1.3), 2.4),
        sharey=True,
        squeeze=False,
    )
    for ax, network in zip(axes[0], networks, strict=True):
        sns.lineplot(
            data=models[models["network"] == network],
            x="n",
            y=metric,
            hue="category",
            hue_order=categories,
            palette={c: category_color(c) for c in categories},
            **ERRORBAR,
            marker="o",
            markersize=4,
            ax=ax,
            legend=False,
        )
        failed = untrained[untrained["network"] == network]
        ax.scatter(
            failed["n"],
            failed[metric],
            s=22,
            facecolors="white",
            edgecolors=[category_color(c) for c in failed["category"]],
            linewidths=1.2,
            zorder=5,
        )
        for (kind, category), value in baselines.items():
            if category in categories:
                ax.axhline(value, color=category_color(category), lw=0.8, ls=BASELINE_STYLES[kind])
        ax.set_xscale("log", base=2)
        counts = sorted(models["n"].unique())
        ax.set_xticks(counts, [str(int(c)) for c in counts])
        ax.set_title(NETWORK_LABELS.get(network, network))
        ax.set_xlabel("training patches")
        ax.set_ylabel(METRIC_LABELS.get(metric, metric))
    handles = [
        plt.Line2D([], [], color=category_color(c), marker="o", label=CATEGORY_LABELS.get(c, c))
        for c in categories
    ] + [
        plt.Line2D([], [], color="0.3", ls=style, label=f"{kind} derainer")
        for kind, style in BASELINE_STYLES.items()
    ]
    if len(untrained):
        handles.append(untrained_handle())
    fig.legend(handles=handles, loc="upper center", ncol=3, bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout()
    save_figure(fig, outs, metadata)
