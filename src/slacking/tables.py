"""Long tables of per-image metrics, the single input of every figure."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .function_denoising import Noise


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


def run_means(table: pd.DataFrame) -> pd.DataFrame:
    """Per model run (network, category, n): mean E_R and E_B over its test images, its
    category's identity and perfect baselines, and whether it converged.

    A run counts as converged when its mean E_B is below the identity derainer's: a network
    that damages the background more than doing nothing has not learned to reconstruct it, and
    its E_R says nothing about generalization (a blurring network also "removes rain").
    """
    models = table[table["kind"] == "model"]
    means = models.groupby(["network", "category", "n"], as_index=False)[["E_R", "E_B"]].mean()
    baselines = table[table["kind"] != "model"].groupby(["category", "kind"])[["E_R", "E_B"]].mean()
    for kind in ("identity", "perfect"):
        for metric in ("E_R", "E_B"):
            means[f"{kind}_{metric}"] = [
                baselines.loc[(c, kind), metric] for c in means["category"]
            ]
    means["converged"] = means["E_B"] < means["identity_E_B"]
    return means


def rank_correlation(x: pd.Series, y: pd.Series) -> float:
    """Spearman's rank correlation (Pearson's on average ranks); NaN with fewer than 3 points."""
    if len(x) < 3:
        return float("nan")
    return float(x.rank().corr(y.rank()))


def trend_table(means: pd.DataFrame) -> pd.DataFrame:
    """Per network and category: Spearman's rho of mean E_R and of mean E_B with the patch
    count (the papers: E_R falls, rho < 0; E_B falls too), and how many runs converged."""
    rows = []
    for (network, category), group in means.groupby(["network", "category"], sort=False):
        rows.append(
            {
                "network": network,
                "category": category,
                "rho_E_R_vs_n": rank_correlation(group["n"], group["E_R"]),
                "rho_E_B_vs_n": rank_correlation(group["n"], group["E_B"]),
                "converged_runs": f"{int(group['converged'].sum())}/{len(group)}",
            }
        )
    return pd.DataFrame(rows)


def summary_markdown(table: pd.DataFrame) -> str:
    """Mean E_R and E_B per network, category and patch count, with each category's identity
    and perfect derainers beside them, the rank correlations with the patch count, and the runs
    that did not converge: the numbers behind Figs. 4 and 10 at a glance."""
    means = run_means(table)
    sections = []
    for metric in ("E_R", "E_B"):
        grid = means.pivot_table(index=["network", "category"], columns="n", values=metric)
        grid.columns = [f"n={int(n)}" for n in grid.columns]
        first = means.groupby(["network", "category"]).first()
        for kind in ("identity", "perfect"):
            grid[kind] = first[f"{kind}_{metric}"]
        markdown = grid.round(2).reset_index().to_markdown(index=False)
        sections.append(f"## Mean {metric} over test images\n\n{markdown}\n")
    trends = trend_table(means).round(2).to_markdown(index=False)
    sections.append(f"## Rank correlation with the patch count (Spearman)\n\n{trends}\n")
    failed = means[~means["converged"]]
    if len(failed):
        listed = failed[["network", "category", "n", "E_B", "identity_E_B"]].round(2)
        sections.append(
            "## Not converged (mean E_B not below the identity derainer's)\n\n"
            "Their E_R does not measure rain removal; figures draw them with open markers.\n\n"
            + listed.to_markdown(index=False)
            + "\n"
        )
    return "\n".join(sections)


def function_denoising_table(
    mse_files: list, paper_mse: list[dict], test_noises: list
) -> pd.DataFrame:
    """Every network's test MSE per (test order, test noise), with the paper's value where it
    states one and the ratio ours / paper's. Paper values are matched on integer keys (orders
    and the index of their noise in ``test_noises``; the config check guarantees it is there)."""
    table = pd.concat([pd.read_csv(path) for path in mse_files], ignore_index=True)
    keys = ["train_order", "test_order", "noise_index"]
    paper = pd.DataFrame(
        [
            (row["train_order"], row["test_order"], test_noises.index(row["noise"]), row["mse"])
            for row in paper_mse
        ],
        columns=[*keys, "paper_mse"],
    )
    table = table.merge(paper, on=keys, how="left", validate="one_to_one")
    table["ratio_to_paper"] = table["mse"] / table["paper_mse"]
    return table.sort_values(["train_order", "noise_index", "test_order"], ignore_index=True)


def function_denoising_markdown(table: pd.DataFrame) -> str:
    """The MSE grid per test noise (rows: training order, columns: test order), then the
    settings the paper reports, ours beside theirs."""
    sections = []
    for (mean, std), group in table.groupby(["noise_mean", "noise_std"], sort=False):
        label = Noise(mean, std).label
        grid = group.pivot_table(index="train_order", columns="test_order", values="mse")
        grid.columns = [f"test O={c}" for c in grid.columns]
        grid.index = [f"train O={i}" for i in grid.index]
        sections.append(f"## Test MSE under {label}\n\n{grid.to_markdown(floatfmt='.4g')}\n")
    stated = table.dropna(subset=["paper_mse"])
    columns = ["train_order", "test_order", "noise_mean", "noise_std", "mse", "paper_mse"]
    sections.append(
        "## The paper's stated values\n\n"
        + stated[columns].to_markdown(index=False, floatfmt=".4g")
        + "\n"
    )
    return "\n".join(sections)


def analogy_markdown(toy: dict, parameters: int) -> str:
    """The journal's Table II (function denoising vs image restoration), with a third column
    giving this run's instance of each row."""
    orders = ", ".join(str(o) for o in toy["orders"])
    rows = [
        (
            "Background content",
            "Cosine functions",
            "Natural images",
            f"y = {toy['amplitude']:g} cos(O pi x / 10), O in {{{orders}}}",
        ),
        (
            "Degradation type",
            "Gaussian noise n ~ N(mu, sigma)",
            "Additive degradation R",
            f"training {Noise(*toy['train_noise']).label}; tests "
            + ", ".join(Noise(*noise).label for noise in toy["test_noises"]),
        ),
        (
            "Training sample",
            "Function segments",
            "Image patches",
            f"{toy['segments']:,} segments of {toy['segment_points']} points",
        ),
        (
            "Inference input",
            "Noisy data (x, y + n)",
            "Low-quality image B + R",
            f"the whole curve, {toy['curve_points']:,} points",
        ),
        (
            "Inference output",
            "Denoised data (x, y)",
            "Restored image B",
            f"toy1d network, {parameters:,} parameters",
        ),
    ]
    frame = pd.DataFrame(
        rows, columns=["Tasks", "Function denoising", "Image restoration", "This run"]
    )
    return (
        "# Table II: function denoising vs image restoration\n\n"
        + frame.to_markdown(index=False)
        + "\n"
    )
