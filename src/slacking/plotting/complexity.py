"""Fig. 9: (a) normalised E_R against the patch count per category, (b) each category's
average structural complexity."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from ..tables import normalised_e_r, run_means
from .style import (
    CATEGORY_LABELS,
    NETWORK_LABELS,
    apply_style,
    category_color,
    save_figure,
    untrained_handle,
)


def plot_complexity(
    table: pd.DataFrame,
    complexity: pd.DataFrame,
    network: str,
    outs: list[Path],
    metadata: dict | None = None,
) -> None:
    """``table`` is the patch-count long table, ``complexity`` the per-category table.
    Settings with a run that is not trained get open markers, as in Figs. 4 and 10."""
    apply_style()
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.0, 2.8))
    means = normalised_e_r(run_means(table))
    means = means[means["network"] == network]
    categories = [c for c in complexity["category"] if c in set(means["category"])]
    for category in categories:
        group = means[means["category"] == category].sort_values("n")
        color = category_color(category)
        left.plot(group["n"], group["E_R_normalised"], marker="o", color=color,
                  label=CATEGORY_LABELS.get(category, category))  # fmt: skip
        untrained = group[~group["trained"]]
        left.plot(untrained["n"], untrained["E_R_normalised"], "o", mfc="white", color=color)
    counts = sorted(means["n"].unique())
    left.set_xscale("log", base=2)
    left.set_xticks(counts, [str(int(c)) for c in counts])
    left.set_xlabel("training patches")
    left.set_ylabel("normalised $E_R$")
    left.set_title(f"(a) rain removal, {NETWORK_LABELS.get(network, network)}")
    order = complexity.sort_values("mean")
    right.bar(
        [CATEGORY_LABELS.get(c, c).replace(" (", "\n(") for c in order["category"]],
        order["mean"],
        yerr=order["std"],
        color=[category_color(c) for c in order["category"]],
        capsize=3,
    )
    right.set_ylabel("structural complexity")
    right.set_title("(b) complexity of the training patches")
    right.tick_params(axis="x", labelsize=7)
    handles, _ = left.get_legend_handles_labels()
    handles.append(untrained_handle())
    fig.tight_layout()
    fig.legend(handles=handles, loc="upper center", ncol=3, bbox_to_anchor=(0.5, 0.0), fontsize=7)
    save_figure(fig, outs, metadata)
