"""Long tables of per-image metrics, the single input of every figure."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

# What identifies a training run in a metrics table; ``category`` is always the test images'
# category, ``train_category`` is there only when the run trained on another (transfer),
# ``sharpness`` only for a run on a sharpness class (Fig. 6), ``test`` only where runs are
# tested on several test sets of one category (Sec. VI: unseen rain, training rain, noise), and
# ``seed`` only for the replicated families (``slacking.experiments.family_runs``).
RUN_KEYS = ["network", "train_category", "category", "rain_range", "sharpness", "n", "seed", "test"]
# What else tells the means apart: the snapshot a row's weights come from (Fig. 6).
MEAN_KEYS = [*RUN_KEYS, "iteration"]
METRICS = ["E_R", "E_B", "PSNR", "rain_left"]
# A run's validity record (``slacking.validity``), repeated on each of its rows.
VALIDITY = ["trained", "plateau_change", "final_ratio"]


def runs_table(
    runs: list[dict],
    metric_files: list,
    baseline_files: list,
    baseline_tests: list | None = None,
    records: list[dict] | None = None,
) -> pd.DataFrame:
    """Rows: kind ("model", "identity", "perfect"), the run's keys (``RUN_KEYS``), image,
    E_R, E_B, PSNR, rain left and, for model rows, the run's validity record (``VALIDITY``,
    ``records[i]`` for ``runs[i]``). ``runs[i]`` describes ``metric_files[i]``; baseline files
    are named by the test category, and ``baseline_tests[i]`` is the ``test`` of
    ``baseline_files[i]`` when runs have one."""
    frames = []
    records = records or [{} for _ in runs]
    for run, path, record in zip(runs, metric_files, records, strict=True):
        frame = pd.read_csv(path)
        for key in reversed([k for k in RUN_KEYS if k in run]):
            frame.insert(0, key, run[key])
        frame.insert(0, "kind", "model")
        for key in VALIDITY:
            frame[key] = record.get(key, float("nan"))
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
    E_B, PSNR and rain left over its test images (an image without a rainy or rain-free region
    has no E_R or E_B and is left out: ``missing`` counts them), its test set's identity and
    perfect baselines (NaN where the table has none), ``E_R_share`` (E_R / the perfect
    derainer's, comparable across test sets), and ``trained``, the run's validity test
    (``slacking.validity``; False where a run has no record). E_B is reported, never a
    gate."""
    models = table[table["kind"] == "model"]
    models = models.assign(missing=models["E_R"].isna() | models["E_B"].isna())
    keys = [key for key in MEAN_KEYS if key in models.columns]
    columns = {m: (m, "mean") for m in METRICS if m in models.columns}
    columns |= {k: (k, "first") for k in VALIDITY if k in models.columns}
    means = models.groupby(keys, as_index=False).agg(**columns, missing=("missing", "sum"))
    means["trained"] = means["trained"].eq(True) if "trained" in means else False
    test_set = [key for key in ("category", "test") if key in table.columns]
    baselines = table[table["kind"] != "model"].groupby([*test_set, "kind"])[["E_R", "E_B"]]
    baselines = baselines.mean()
    for kind in ("identity", "perfect"):
        for metric in ("E_R", "E_B"):
            means[f"{kind}_{metric}"] = [
                baselines[metric].get((*key, kind), float("nan"))
                for key in means[test_set].itertuples(index=False)
            ]
    means["E_R_share"] = means["E_R"] / means["perfect_E_R"]
    return means


def seed_means(means: pd.DataFrame) -> pd.DataFrame:
    """``run_means`` averaged over replicate seeds: one row per run setting, ``trained`` only
    when every seed's run is, and ``seeds`` counting them."""
    if "seed" not in means.columns:
        return means.assign(seeds=1)
    keys = [key for key in MEAN_KEYS if key in means.columns and key != "seed"]
    values = [c for c in means.columns if c not in keys and c not in ("seed", "trained")]
    grouped = means.groupby(keys, as_index=False, sort=False, dropna=False)
    out = grouped[values].mean()
    out["trained"] = grouped["trained"].all()["trained"]
    out["seeds"] = grouped["seed"].count()["seed"]
    return out


def rank_correlation(x: pd.Series, y: pd.Series) -> float:
    """Spearman's rank correlation (Pearson's on average ranks); NaN with fewer than 3 points."""
    if len(x) < 3:
        return float("nan")
    return float(x.rank().corr(y.rank()))


def series_keys(means: pd.DataFrame) -> list[str]:
    """The run keys that tell one line of a figure from another: all but the patch count and
    the replicate seed."""
    return [key for key in RUN_KEYS if key in means.columns and key not in ("n", "seed")]


def trend_table(means: pd.DataFrame) -> pd.DataFrame:
    """Per series (network, category, ...): Spearman's rho of mean E_R and of mean E_B (over
    images and seeds) with the patch count (the papers: E_R falls, rho < 0; E_B falls too),
    and how many runs are trained."""
    rows = []
    keys = series_keys(means)
    trained = means.groupby(keys, sort=False)["trained"]
    counts = {names: f"{int(runs.sum())}/{len(runs)}" for names, runs in trained}
    means = seed_means(means)
    for names, group in means.groupby(keys, sort=False):
        rows.append(
            {
                **dict(zip(keys, names, strict=True)),
                "rho_E_R_vs_n": rank_correlation(group["n"], group["E_R"]),
                "rho_E_B_vs_n": rank_correlation(group["n"], group["E_B"]),
                "trained_runs": counts[names],
            }
        )
    return pd.DataFrame(rows)


SUMMARY_METRICS = {
    "E_R": "E_R",
    "E_B": "E_B",
    "E_R_share": "E_R share (E_R / the perfect derainer's)",
    "rain_left": "rain left (1: identity, 0: perfect, < 0: removed more than the rain)",
}


def summary_markdown(table: pd.DataFrame) -> str:
    """Mean E_R, E_B, E_R share and rain left per series (network, category, ...) and patch
    count (over test images and seeds), with the test category's identity and perfect
    derainers beside E_R and E_B, the rank correlations with the patch count, and the runs
    that are not trained: the numbers behind a figure at a glance."""
    runs = run_means(table)
    means = seed_means(runs)
    sections = []
    keys = series_keys(means)
    baselines = means.groupby(keys, dropna=False).first()
    for metric, label in SUMMARY_METRICS.items():
        if metric not in means:
            continue
        grid = means.pivot_table(index=keys, columns="n", values=metric, dropna=False)
        grid.columns = [f"n={int(n)}" for n in grid.columns]
        if metric in ("E_R", "E_B"):
            for kind in ("identity", "perfect"):
                grid[kind] = baselines[f"{kind}_{metric}"]
        markdown = grid.round(2).reset_index().to_markdown(index=False)
        sections.append(f"## Mean {label} over test images\n\n{markdown}\n")
    trends = trend_table(runs).round(2).to_markdown(index=False)
    sections.append(f"## Rank correlation with the patch count (Spearman)\n\n{trends}\n")
    missing = int(runs["missing"].sum())
    if missing:
        sections.append(f"{missing} image results without a rainy or rain-free region were "
                        "left out of the means.\n")  # fmt: skip
    failed = runs[~runs["trained"]]
    if len(failed):
        shown = [k for k in [*keys, "n", "seed", "plateau_change", "final_ratio"] if k in failed]
        sections.append(
            "## Not trained (the validity test on the training loss, docs/decisions.md)\n\n"
            "Figures draw them with open markers; claims on them read PASS* or FAIL*.\n\n"
            + failed[shown].round(3).to_markdown(index=False)
            + "\n"
        )
    return "\n".join(sections)


def normalised_e_r(means: pd.DataFrame) -> pd.DataFrame:
    """Fig. 9a: each network and category's mean E_R (over images and seeds) scaled to [0, 1]
    over the patch counts, so categories of different absolute E_R compare by where they drop."""
    means = seed_means(means)
    grouped = means.groupby(["network", "category"])["E_R"]
    low, high = grouped.transform("min"), grouped.transform("max")
    return means.assign(E_R_normalised=((means["E_R"] - low) / (high - low)).fillna(0.0))
