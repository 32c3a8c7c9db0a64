"""The papers' quantitative claims, each checked against this run's numbers.

Every verdict is computed from the metrics tables: PASS when our statistic agrees with the
claim, FAIL when it contradicts it, NOT RUN when this run cannot test it, with the reason
(the experiment is not among the preset's targets or not built yet, or its models did not
converge). Claims about trained deraining models are judged on converged runs only (mean E_B
below the identity derainer's, ``slacking.tables.run_means``): an unconverged network's E_R
says nothing about generalization. Our statistic is reported either way.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import pandas as pd

from .tables import normalised_e_r, rank_correlation, run_means

PASS, FAIL, NOT_RUN = "PASS", "FAIL", "NOT RUN"


@dataclass(frozen=True)
class Claim:
    source: str  # where the papers make it
    claim: str
    scope: str  # network / category / setting it was checked on
    statistic: str
    ours: float | None
    paper: str
    verdict: str
    reason: str = ""


def _verdict(holds: bool) -> str:
    return PASS if holds else FAIL


def _unconverged(group: pd.DataFrame) -> str:
    """Why a series of runs cannot be judged, or "" when all of them converged."""
    failed = int((~group["converged"]).sum())
    if failed == 0:
        return ""
    return (
        f"{failed}/{len(group)} runs not converged (mean E_B not below the identity "
        "derainer's); needs longer training or a larger preset"
    )


# -- patch count (Figs. 4 and 10, Table III) -----------------------------------------------------
def falls_with_patches(means: pd.DataFrame, metric: str, settings: dict) -> list[Claim]:
    """E_R (Fig. 4) or E_B (Fig. 10) falls as the number of training patches grows."""
    limit = settings["rank_correlation_max"]
    source, what = {
        "E_R": ("Fig. 4", "rain removal on unseen rain (E_R) falls"),
        "E_B": ("Fig. 10", "background error (E_B) falls"),
    }[metric]
    claims = []
    for (network, category), group in means.groupby(["network", "category"], sort=False):
        rho = rank_correlation(group["n"], group[metric])
        reason = _unconverged(group)
        if len(group) < 3:
            reason = f"needs at least 3 patch counts, has {len(group)}"
        elif math.isnan(rho):
            reason = f"rank correlation undefined: mean {metric} is the same at every count"
        claims.append(
            Claim(
                source,
                f"{what} as the number of training patches grows",
                f"{network} / {category}",
                f"Spearman rho({metric}, n) <= {limit}",
                rho,
                f"rho < 0 ({source})",
                NOT_RUN if reason else _verdict(rho <= limit),
                reason,
            )
        )
    return claims


def flattens_after(means: pd.DataFrame, settings: dict) -> list[Claim]:
    """Fig. 10: E_B stops improving beyond about 256 patches (the share of its fall after)."""
    knee, limit = settings["flatten_after"], settings["flatten_share_max"]
    claims = []
    for (network, category), group in means.groupby(["network", "category"], sort=False):
        by_n = group.set_index("n")["E_B"].sort_index()
        reason = ""
        share = None
        if knee not in by_n.index or by_n.index.max() <= knee or by_n.index.min() >= knee:
            counts = [int(n) for n in by_n.index]
            reason = f"needs patch counts below, at and above {knee}; has {counts}"
        else:
            total = by_n.iloc[0] - by_n.iloc[-1]
            share = (by_n[knee] - by_n.iloc[-1]) / total if total > 0 else float("nan")
            reason = _unconverged(group)
        claims.append(
            Claim(
                "Fig. 10",
                f"E_B stops improving beyond about {knee} training patches",
                f"{network} / {category}",
                f"share of E_B's fall (smallest to largest n) after n={knee} <= {limit}",
                share,
                f"no further improvement beyond {knee} (Sec. IV-B)",
                NOT_RUN if reason else _verdict(share <= limit),
                reason,
            )
        )
    return claims


def fewer_patches_relations(means: pd.DataFrame, settings: dict) -> list[Claim]:
    """Table III: fewer background patches give higher E_R, higher E_B and lower PSNR."""
    table3 = settings["table3"]
    category = table3["category"]
    few, many = table3["paper"]["few"], table3["paper"]["many"]
    directions = {"E_R": "higher", "E_B": "higher", "PSNR": "lower"}
    claims = []
    for network, group in means[means["category"] == category].groupby("network", sort=False):
        group = group.sort_values("n")
        smallest, largest = group.iloc[0], group.iloc[-1]
        reason = _unconverged(group.iloc[[0, -1]])
        if len(group) < 2:
            reason = "needs at least 2 patch counts"
        for metric, direction in directions.items():
            difference = smallest[metric] - largest[metric]
            holds = difference > 0 if direction == "higher" else difference < 0
            paper = f"{few[metric]} at {few['n']} vs {many[metric]} at {many['n']} (ResNet)"
            claims.append(
                Claim(
                    "Table III",
                    f"fewer training patches give {direction} {metric}",
                    f"{network} / {category}",
                    f"{metric}(n={int(smallest['n'])}) - {metric}(n={int(largest['n'])})",
                    difference,
                    paper,
                    NOT_RUN if reason else _verdict(holds),
                    reason,
                )
            )
    return claims


def complexity_claims(complexity: pd.DataFrame, means: pd.DataFrame, settings: dict):
    """Fig. 9b: the categories' complexity order; Fig. 9a-b: complex categories drop first."""
    expected = [c for c in settings["complexity_order"] if c in set(complexity["category"])]
    measured = complexity.set_index("category")["mean"]
    ours = " < ".join(measured.sort_values().index)
    rho = rank_correlation(
        pd.Series(range(len(expected))), measured[expected].reset_index(drop=True)
    )
    reason = "" if len(expected) >= 3 else "needs at least 3 categories"
    claims = [
        Claim(
            "Fig. 9b",
            "structural complexity orders the categories " + " < ".join(expected),
            f"training patches ({ours})",
            "Spearman rho of our complexities with the paper's order = 1",
            rho,
            " < ".join(settings["complexity_order"]),
            NOT_RUN if reason else _verdict(rho == 1),
            reason,
        )
    ]
    network = means["network"].iloc[0]
    runs = normalised_e_r(means[means["network"] == network])
    dropped = runs[runs["E_R_normalised"] <= 0.5].groupby("category")["n"].min()
    drop_n = dropped.reindex(measured.index)
    rho = rank_correlation(measured, drop_n)
    reason = reason or _unconverged(runs)
    if not reason and drop_n.isna().any():
        reason = "a category's normalised E_R never drops to 0.5"
    limit = settings["rank_correlation_max"]
    claims.append(
        Claim(
            "Figs. 9a-b",
            "categories of higher complexity drop in E_R at fewer patches",
            network,
            f"Spearman rho(complexity, n where normalised E_R first <= 0.5) <= {limit}",
            rho,
            "drop order = complexity order (Sec. IV-A4)",
            NOT_RUN if reason else _verdict(rho <= limit),
            reason,
        )
    )
    return claims


def patch_count_claims(table: pd.DataFrame, settings: dict) -> list[Claim]:
    means = run_means(table)
    return [
        *falls_with_patches(means, "E_R", settings),
        *falls_with_patches(means, "E_B", settings),
        *flattens_after(means, settings),
        *fewer_patches_relations(means, settings),
    ]


# -- function denoising (Sec. V, Figs. 11-14) ----------------------------------------------------
def function_denoising_claims(mse: pd.DataFrame, train_noise: list, unseen_noise: list):
    """Each network denoises its own function; the lowest order copes best with unseen noise."""
    claims = []
    own = mse[mse["train_order"] == mse["test_order"]]
    trained = _with_noise(own, train_noise)
    noisy_input = train_noise[0] ** 2 + train_noise[1] ** 2
    for row in trained.itertuples():
        paper = "" if pd.isna(row.paper_mse) else f"MSE {row.paper_mse}"
        claims.append(
            Claim(
                "Sec. V-B, Fig. 14",
                "a network denoises the function and noise it was trained on",
                f"O={row.train_order}, N({train_noise[0]}, {train_noise[1]})",
                f"MSE < the noisy input's ({noisy_input:g})",
                row.mse,
                paper,
                _verdict(row.mse < noisy_input),
            )
        )
    unseen = _with_noise(own, unseen_noise).set_index("train_order")["mse"].sort_index()
    paper = _with_noise(own.dropna(subset=["paper_mse"]), unseen_noise)
    stated = ", ".join(f"O={r.train_order}: {r.paper_mse}" for r in paper.itertuples())
    lowest = unseen.index.min()
    others = unseen.drop(index=lowest)
    ratio = float(unseen[lowest] / others.min()) if len(others) else None
    claims.append(
        Claim(
            "Sec. V-C, Figs. 11-12, 14",
            "the network trained on the simplest function generalizes best to unseen noise",
            f"O={lowest} vs O={', '.join(map(str, others.index))}, "
            f"N({unseen_noise[0]}, {unseen_noise[1]})",
            f"MSE(O={lowest}) / lowest MSE of the other orders < 1",
            ratio,
            f"MSE {stated}",
            NOT_RUN if ratio is None else _verdict(ratio < 1),
            "" if ratio is not None else "needs at least two orders",
        )
    )
    return claims


def _with_noise(mse: pd.DataFrame, noise: list) -> pd.DataFrame:
    return mse[(mse["noise_mean"] == noise[0]) & (mse["noise_std"] == noise[1])]


# -- claims of experiments this pipeline does not build yet ---------------------------------------
NOT_BUILT = [
    ("Fig. 8", "a larger training rain range delays the drop of E_R", "the rain-range experiment"),
    (
        "Fig. 6",
        "SwinIR trained on low-sharpness patches removes unseen rain best",
        "training on the sharpness classes",
    ),
    (
        "Table III",
        "SPDNet and RCDNet follow ResNet's relations with fewer patches",
        "the SPDNet and RCDNet networks",
    ),
    (
        "Figs. 18-21",
        "a fine-tuned VQGAN content prior generalizes better than from-scratch baselines",
        "the content-prior experiment",
    ),
    (
        "Figs. 7, 21",
        "DepictQA prefers the outputs of better-generalizing models",
        "a DepictQA endpoint (a vision-language model; cannot run offline)",
    ),
]


def not_built_claims() -> list[Claim]:
    return [
        Claim(source, claim, "", "", None, "", NOT_RUN, f"needs {what}, not built yet")
        for source, claim, what in NOT_BUILT
    ]


def all_claims(
    settings: dict,
    patch_count: pd.DataFrame | None,
    complexity: pd.DataFrame | None,
    function_denoising: pd.DataFrame | None,
    train_noise: list,
) -> list[Claim]:
    """Every claim; ``None`` for a family this preset does not build makes its claims NOT RUN."""
    claims = []
    if patch_count is None:
        claims.append(_family_not_run("patch-count", "Figs. 4, 9, 10, Table III"))
    else:
        claims += patch_count_claims(patch_count, settings)
        claims += complexity_claims(complexity, run_means(patch_count), settings)
    if function_denoising is None:
        claims.append(_family_not_run("function-denoising", "Sec. V"))
    else:
        unseen = settings["function_denoising_unseen_noise"]
        claims += function_denoising_claims(function_denoising, train_noise, unseen)
    return claims + not_built_claims()


def _family_not_run(family: str, source: str) -> Claim:
    claim = f"every claim of the {family} experiment"
    reason = f"the {family} experiment is not among this preset's targets"
    return Claim(source, claim, "", "", None, "", NOT_RUN, reason)


# -- output ---------------------------------------------------------------------------------------
def claims_frame(claims: list[Claim]) -> pd.DataFrame:
    return pd.DataFrame([asdict(claim) for claim in claims], columns=list(Claim.__annotations__))


def claims_markdown(frame: pd.DataFrame) -> str:
    """A summary (verdicts per claim) and then every check with its statistic and reason."""
    counts = frame["verdict"].value_counts()
    tally = ", ".join(f"{counts.get(v, 0)} {v}" for v in (PASS, FAIL, NOT_RUN))
    summary = (
        frame.groupby(["source", "claim"], sort=False)["verdict"]
        .value_counts()
        .unstack(fill_value=0)
        .reindex(columns=[PASS, FAIL, NOT_RUN], fill_value=0)
        .reset_index()
    )
    shown = frame.assign(ours=frame["ours"].map(lambda v: "" if pd.isna(v) else f"{v:.4g}"))
    return (
        "# The papers' claims, checked against this run\n\n"
        f"{tally}. PASS: our statistic agrees with the claim; FAIL: it contradicts it; "
        "NOT RUN: this run cannot test it (the reason says why). Claims about trained "
        "deraining models are judged on converged runs only.\n\n"
        "## Verdicts per claim\n\n"
        + summary.to_markdown(index=False)
        + "\n\n## Every check\n\n"
        + shown.to_markdown(index=False)
        + "\n"
    )
