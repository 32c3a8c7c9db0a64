"""Long tables of per-image metrics, the single input of every figure."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

# What identifies a training run in a metrics table; ``category`` is always the test images'
# category, ``train_category`` is there only when the run trained on another (transfer),
# ``sharpness`` only for a run on a sharpness class (Fig. 6), and ``test`` only where runs are
# tested on several test sets of one category (Sec. VI: unseen rain, training rain, noise).
RUN_KEYS = ["network", "train_category", "category", "rain_range", "sharpness", "n", "test"]
# What else tells the means apart: the snapshot a row's weights come from (Fig. 6).
MEAN_KEYS = [*RUN_KEYS, "iteration"]


def runs_table(
    runs: list[dict], metric_files: list, baseline_files: list, baseline_tests: list | None = None
) -> pd.DataFrame:
    """Rows: kind ("model", "identity", "perfect"), the run's keys (``RUN_KEYS``), image,
    E_R, E_B, PSNR. ``runs[i]`` describes ``metric_files[i]``; baseline files are named by
    the test category, and ``baseline_tests[i]`` is the ``test`` of ``baseline_files[i]``
    when runs have one."""
    frames = []
    for run, path in zip(runs, metric_files, strict=True):
        frame = pd.read_csv(path)
        for key in reversed([k for k in RUN_KEYS if k in run]):
            frame.insert(0, key, run[key])
        frame.insert(0, "kind", "model")
        frames.append(frame)
    tests = baseline_tests or [None] * len(baseline_files)
    for path, test in zip(baseline_files, tests, strict=True):
        frame = pd.read_csv(path).rename(columns={"baseline": "kind"})
        frame.insert(1, "category", Path(path).stem)
        if test is not None:
            frame.insert(2, "test", test)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def run_means(table: pd.DataFrame) -> pd.DataFrame:
    """Per model run (its ``RUN_KEYS``, and per snapshot where there are several): mean E_R,
    E_B and PSNR over its test images, its category's identity and perfect baselines, and
    whether it converged.

    A run counts as converged when its mean E_B is below the identity derainer's: a network
    that damages the background more than doing nothing has not learned to reconstruct it, and
    its E_R says nothing about generalization (a blurring network also "removes rain").
    """
    models = table[table["kind"] == "model"]
    keys = [key for key in MEAN_KEYS if key in models.columns]
    means = models.groupby(keys, as_index=False)[["E_R", "E_B", "PSNR"]].mean()
    test_set = [key for key in ("category", "test") if key in table.columns]
    baselines = table[table["kind"] != "model"].groupby([*test_set, "kind"])[["E_R", "E_B"]]
    baselines = baselines.mean()
    for kind in ("identity", "perfect"):
        for metric in ("E_R", "E_B"):
            means[f"{kind}_{metric}"] = [
                baselines.loc[(*key, kind), metric]
                for key in means[test_set].itertuples(index=False)
            ]
    means["converged"] = means["E_B"] < means["identity_E_B"]
    return means


def rank_correlation(x: pd.Series, y: pd.Series) -> float:
    """Spearman's rank correlation (Pearson's on average ranks); NaN with fewer than 3 points."""
    if len(x) < 3:
        return float("nan")
    return float(x.rank().corr(y.rank()))


def series_keys(means: pd.DataFrame) -> list[str]:
    """The run keys that tell one line of a figure from another: all but the patch count."""
    return [key for key in RUN_KEYS if key in means.columns and key != "n"]


def trend_table(means: pd.DataFrame) -> pd.DataFrame:
    """Per series (network, category, ...): Spearman's rho of mean E_R and of mean E_B with
    the patch count (the papers: E_R falls, rho < 0; E_B falls too), and how many runs
    converged."""
    rows = []
    keys = series_keys(means)
    for names, group in means.groupby(keys, sort=False):
        rows.append(
            {
                **dict(zip(keys, names, strict=True)),
                "rho_E_R_vs_n": rank_correlation(group["n"], group["E_R"]),
                "rho_E_B_vs_n": rank_correlation(group["n"], group["E_B"]),
                "converged_runs": f"{int(group['converged'].sum())}/{len(group)}",
            }
        )
    return pd.DataFrame(rows)


def summary_markdown(table: pd.DataFrame) -> str:
    """Mean E_R and E_B per series (network, category, ...) and patch count, with the test
    category's identity and perfect derainers beside them, the rank correlations with the patch
    count, and the runs that did not converge: the numbers behind a figure at a glance."""
    means = run_means(table)
    sections = []
    keys = series_keys(means)
    baselines = means.groupby(keys).first()
    for metric in ("E_R", "E_B"):
        grid = means.pivot_table(index=keys, columns="n", values=metric)
        grid.columns = [f"n={int(n)}" for n in grid.columns]
        for kind in ("identity", "perfect"):
            grid[kind] = baselines[f"{kind}_{metric}"]
        markdown = grid.round(2).reset_index().to_markdown(index=False)
        sections.append(f"## Mean {metric} over test images\n\n{markdown}\n")
    trends = trend_table(means).round(2).to_markdown(index=False)
    sections.append(f"## Rank correlation with the patch count (Spearman)\n\n{trends}\n")
    failed = means[~means["converged"]]
    if len(failed):
        listed = failed[[*keys, "n", "E_B", "identity_E_B"]].round(2)
        sections.append(
            "## Not converged (mean E_B not below the identity derainer's)\n\n"
            "Their E_R does not measure rain removal; figures draw them with open markers.\n\n"
            + listed.to_markdown(index=False)
            + "\n"
        )
    return "\n".join(sections)


def normalised_e_r(means: pd.DataFrame) -> pd.DataFrame:
    """Fig. 9a: each network and category's mean E_R scaled to [0, 1] over the patch counts,
    so categories of different absolute E_R compare by where they drop."""
    grouped = means.groupby(["network", "category"])["E_R"]
    low, high = grouped.transform("min"), grouped.transform("max")
    return means.assign(E_R_normalised=((means["E_R"] - low) / (high - low)).fillna(0.0))
