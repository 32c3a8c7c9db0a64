"""Tables of the function-denoising analogue: the MSE grid beside the paper's values, and
Table II. Kept apart from ``slacking.tables`` so the deraining tables and figures do not import
torch (``Noise`` lives with the task)."""

from __future__ import annotations

import pandas as pd

from .function_denoising import Noise


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
