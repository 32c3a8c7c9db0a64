"""Long tables of per-image metrics, the single input of every figure."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def patch_count_table(runs: list[dict], metric_files: list, baseline_files: list) -> pd.DataFrame:
    """Rows: kind ("model", "identity", "perfect"), network, category, rain_range, n, image,
    E_R, E_B, PSNR. ``runs[i]`` describes ``metric_files[i]``; baseline files are named by
    category."""
    frames = []
    for run, path in zip(runs, metric_files, strict=True):
        frame = pd.read_csv(path)
        for key in ("network", "category", "rain_range", "n"):
            frame.insert(0, key, run[key])
        frame.insert(0, "kind", "model")
        frames.append(frame)
    for path in baseline_files:
        frame = pd.read_csv(path).rename(columns={"baseline": "kind"})
        frame.insert(1, "category", Path(path).stem)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def summary_markdown(table: pd.DataFrame) -> str:
    """Mean E_R and E_B per network, category and patch count, with each category's identity
    and perfect derainers beside them: the numbers behind Figs. 4 and 10 at a glance."""
    models = table[table["kind"] == "model"]
    baselines = table[table["kind"] != "model"].groupby(["category", "kind"])[["E_R", "E_B"]].mean()
    sections = []
    for metric in ("E_R", "E_B"):
        means = models.pivot_table(
            index=["network", "category"], columns="n", values=metric, aggfunc="mean"
        )
        means.columns = [f"n={int(n)}" for n in means.columns]
        for kind in ("identity", "perfect"):
            means[kind] = [baselines.loc[(c, kind), metric] for _, c in means.index]
        markdown = means.round(2).reset_index().to_markdown(index=False)
        sections.append(f"## Mean {metric} over test images\n\n{markdown}\n")
    return "\n".join(sections)
