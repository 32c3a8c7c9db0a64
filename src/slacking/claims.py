"""The papers' quantitative claims, each checked against this run's numbers.

Every verdict is computed from the metrics tables: PASS when our statistic agrees with the
claim, FAIL when it contradicts it, NOT RUN when this run cannot test it, with the reason
(the experiment is not among the preset's targets or not built yet, or its models did not
converge). Claims about trained deraining models are judged on converged runs only (mean E_B
below the identity derainer's, ``slacking.tables.run_means``): an unconverged network's E_R
says nothing about generalization. Our statistic is reported either way. The content prior's
claims compare PSNR instead (``content_prior_claims`` says why).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import pandas as pd

from .content_prior import FINETUNED, NO_VQ, SALT_AND_PEPPER, SEEN, UNSEEN
from .degradations import NOISE
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
    ]


def table3_claims(table: pd.DataFrame) -> list[Claim]:
    """Table III, per network: the medium-rain row with the fewest patches against the one with
    the most (higher E_R, higher E_B, lower PSNR); each large-rain row against that many-patch
    baseline (higher E_R: a larger rain range lets more patches generalize) and against the
    few-patch row (lower E_B: the trade-off the paper draws from the table)."""
    means = table.pivot_table(
        index=["network", "row", "paper_n", "n", "rain"],
        columns="metric",
        values=["ours", "paper", "converged"],
        aggfunc="first",
    )
    claims = []
    for network in dict.fromkeys(table["network"]):  # config order
        runs = means.xs(network, level="network")
        medium = runs.xs("medium", level="rain", drop_level=False).sort_index(level="paper_n")
        if len(medium) < 2:
            claim = "fewer patches and a larger rain range generalize better"
            reason = "needs two medium-rain rows"
            claims.append(Claim("Table III", claim, network, "", None, "", NOT_RUN, reason))
            continue
        many, few = medium.iloc[-1], medium.iloc[0]
        large = [runs.loc[key] for key in runs.index if key[3] != "medium"]
        pairs = [(few, many, metric, d) for metric, d in (("E_R", 1), ("E_B", 1), ("PSNR", -1))]
        pairs += [(row, many, "E_R", 1) for row in large]
        pairs += [(row, few, "E_B", -1) for row in large]
        claims += [_table3_pair(network, *pair) for pair in pairs]
    return claims


def _table3_pair(network: str, row: pd.Series, base: pd.Series, metric: str, sign: int) -> Claim:
    """One relation: ``metric`` of ``row`` is higher (sign 1) or lower (-1) than ``base``'s."""
    (_, row_paper_n, row_n, row_rain), (_, base_paper_n, base_n, base_rain) = row.name, base.name
    difference = row[("ours", metric)] - base[("ours", metric)]
    stated = row[("paper", metric)] - base[("paper", metric)]
    converged = bool(row[("converged", metric)] and base[("converged", metric)])
    direction = "higher" if sign > 0 else "lower"
    return Claim(
        "Table III",
        f"{row_paper_n:,} patches with {row_rain} rain give {direction} {metric} "
        f"than {base_paper_n:,} with {base_rain} rain",
        f"{network}: our n={row_n} vs n={base_n}",
        f"{metric} difference",
        difference,
        "not reported" if pd.isna(stated) else f"{stated:+.2f}",
        _verdict(sign * difference > 0) if converged else NOT_RUN,
        ""
        if converged
        else "a run of this pair did not converge (mean E_B not below the identity derainer's)",
    )


# -- training rain range (Fig. 8) ----------------------------------------------------------------
def first_drop(means: pd.DataFrame, level: float) -> float:
    """The smallest patch count whose mean E_R is at or below ``level`` (inf: never)."""
    dropped = means.loc[means["E_R"] <= level, "n"]
    return float(dropped.min()) if len(dropped) else math.inf


def rain_range_claims(table: pd.DataFrame, ranges: list[str], drop_share: float, settings: dict):
    """Fig. 8: E_R falls with n for every training rain range, and a larger range delays the
    drop below the dashed line (``drop_share`` of the perfect derainer's E_R)."""
    means = run_means(table)
    level = drop_share * table.loc[table["kind"] == "perfect", "E_R"].mean()
    limit = settings["rank_correlation_max"]
    claims = []
    for rain in ranges:
        group = means[means["rain_range"] == rain]
        rho = rank_correlation(group["n"], group["E_R"])
        reason = _unconverged(group) or ("" if not math.isnan(rho) else "rho undefined")
        claims.append(
            Claim(
                "Fig. 8",
                "E_R falls as the number of training patches grows, for every rain range",
                f"{group['network'].iloc[0]} / {rain} rain",
                f"Spearman rho(E_R, n) <= {limit}",
                rho,
                "falls for small, medium and large rain",
                NOT_RUN if reason else _verdict(rho <= limit),
                reason,
            )
        )
    drops = pd.Series(
        {rain: first_drop(means[means["rain_range"] == rain], level) for rain in ranges}
    )
    ordered = bool((drops.diff().dropna() >= 0).all() and drops.iloc[-1] > drops.iloc[0])
    reason = _unconverged(means)
    if not reason and drops.map(math.isinf).all():
        reason = "no range drops to the line within the patch counts"
    shown = ", ".join(f"{r}: {'never' if math.isinf(n) else int(n)}" for r, n in drops.items())
    claims.append(
        Claim(
            "Fig. 8",
            "a larger training rain range delays the drop of E_R to more patches",
            f"first n with E_R <= {level:.2f} ({shown})",
            f"the first drop n never falls from {' to '.join(ranges)} and rises overall (1: yes)",
            float(ordered),
            "drop after < 16 (small), ~64 (medium), > 512 (large) patches",
            NOT_RUN if reason else _verdict(ordered),
            reason,
        )
    )
    return claims


# -- sharpness (Fig. 6) and the other test category (NeurIPS appendix B) -------------------------
def sharpness_claims(table: pd.DataFrame, classes: dict) -> list[Claim]:
    """Fig. 6a: the network trained on the least sharp class removes the most unseen rain at
    every evaluated iteration, and reconstructs the background worst at the first one (the
    paper: the gap shows "even at 5k iterations"). ``classes``: name -> [low, high) bounds."""
    means = run_means(table)
    lowest = min(classes, key=lambda name: classes[name][0])
    others = [c for c in classes if c != lowest]
    reason = _unconverged(means)
    e_r = means.pivot_table(index="iteration", columns="sharpness", values="E_R")
    e_b = means.pivot_table(index="iteration", columns="sharpness", values="E_B")
    e_r_margin = float((e_r[lowest] - e_r[others].max(axis=1)).min())
    e_b_margin = float(e_b[lowest].iloc[0] - e_b[others].iloc[0].max())
    return [
        Claim(
            "Fig. 6",
            f"the network trained on {lowest}-sharpness patches removes the most unseen rain "
            "throughout training",
            f"{len(e_r)} evaluated iterations",
            f"smallest margin over iterations of E_R({lowest}) - highest other E_R > 0",
            e_r_margin,
            "SwinIR-low: best rain removal at every iteration",
            NOT_RUN if reason else _verdict(e_r_margin > 0),
            reason,
        ),
        Claim(
            "Fig. 6",
            f"early in training, the {lowest}-sharpness network reconstructs the background worst",
            f"first evaluated iteration ({int(e_b.index[0])})",
            f"E_B({lowest}) - highest other E_B > 0",
            e_b_margin,
            "SwinIR-low: blurrier background, gap visible at 5k iterations",
            NOT_RUN if reason else _verdict(e_b_margin > 0),
            reason,
        ),
    ]


def transfer_claims(table: pd.DataFrame, outlier: str) -> list[Claim]:
    """NeurIPS appendix B: tested on natural images, the network trained on line art (Manga)
    reconstructs the background worst at the largest patch count."""
    means = run_means(table)
    largest = means[means["n"] == means["n"].max()].set_index("train_category")
    if outlier not in largest.index or len(largest) < 2:
        reason = f"needs {outlier} and another training category among the categories"
        claim = f"trained on {outlier}, the network reconstructs other images' backgrounds worst"
        return [Claim("NeurIPS App. B, Fig. 10", claim, "", "", None, "", NOT_RUN, reason)]
    margin = float(largest.loc[outlier, "E_B"] - largest.drop(index=outlier)["E_B"].max())
    reason = _unconverged(largest.drop(index=outlier))
    return [
        Claim(
            "NeurIPS App. B, Fig. 10",
            f"trained on {outlier}, the network reconstructs other images' backgrounds worst",
            f"{largest['network'].iloc[0]}, n={int(largest['n'].iloc[0])}, tested on "
            f"{largest['category'].iloc[0]}",
            f"E_B({outlier}) - highest E_B of the other training categories > 0",
            margin,
            "Manga-trained models: highest background error",
            NOT_RUN if reason else _verdict(margin > 0),
            reason,
        )
    ]


# -- content prior (journal Sec. VI, Figs. 18, 19) ------------------------------------------------
def content_prior_claims(table: pd.DataFrame, rain: str) -> list[Claim]:
    """The fine-tuned VQGAN prior against the from-scratch networks and against its own
    architecture without VQ, by PSNR against the clean image on the unseen degradation: a
    VQGAN decodes every image through its latents, so its E_B can never fall below the
    identity derainer's (the convergence gate) and blur alone raises its E_R; PSNR counts both
    the rain left and the background lost. Fig. 18's gap (the ablation removes the rain it saw,
    not new rain) compares each model's E_R share on training and on unseen rain: a
    within-model difference, which blur raises on both sides alike."""
    means = run_means(table)
    means["share"] = means["E_R"] / means["perfect_E_R"]
    means = means.set_index(["network", "rain_range", "test"])
    prior, ablation = FINETUNED, NO_VQ
    baselines = [n for n in dict.fromkeys(table["network"].dropna()) if not n.startswith("vqgan")]
    source = "Sec. VI"

    def missing(networks, keys):
        absent = [n for n in networks for key in keys if (n, *key) not in means.index]
        return f"needs {', '.join(dict.fromkeys(absent))}" if absent else ""

    def beats(claim, scope, networks, degradation, test, paper):
        reason = missing([prior, *networks], [(degradation, test)]) or (
            "" if networks else "needs a baseline"
        )
        if reason:
            return Claim(source, claim, scope, "", None, paper, NOT_RUN, reason)
        psnr = means.xs((degradation, test), level=("rain_range", "test"))["PSNR"]
        margin = float(psnr[prior] - psnr[networks].max())
        statistic = f"PSNR({prior}) - highest PSNR of {', '.join(networks)} > 0"
        return Claim(source, claim, scope, statistic, margin, paper, _verdict(margin > 0))

    def gap():
        claim = "without VQ the architecture removes the training rain, not unseen rain"
        paper = "Fig. 18b-d: the ablation removes training streaks, keeps unseen ones"
        reason = missing([prior, ablation], [(rain, SEEN), (rain, UNSEEN)])
        if reason:
            return Claim(source, claim, "", "", None, paper, NOT_RUN, reason)
        drop = {n: means.loc[(n, rain, SEEN), "share"] - means.loc[(n, rain, UNSEEN), "share"]
                for n in (ablation, prior)}  # fmt: skip
        margin = float(drop[ablation] - drop[prior])
        statistic = (f"E_R share drop, training to unseen rain: {ablation} - {prior} > 0 "
                     "(E_R share: E_R / the perfect derainer's)")  # fmt: skip
        return Claim(source, claim, f"deraining, trained on {rain} rain", statistic, margin,
                     paper, _verdict(margin > 0))  # fmt: skip

    derain = f"deraining, trained on {rain} rain, tested on unseen rain"
    return [
        beats("the content prior derains unseen rain better than networks trained from scratch",
              derain, baselines, rain, UNSEEN,
              "Fig. 19a: only the content prior removes the unseen streaks"),
        beats("without VQ the same architecture derains unseen rain worse than the prior",
              derain, [ablation], rain, UNSEEN,
              "Fig. 18c-d: the ablation keeps the unseen streaks"),
        gap(),
        beats("the content prior removes unseen salt-and-pepper noise better than networks "
              "trained from scratch", "denoising, trained on Gaussian noise", baselines,
              NOISE, SALT_AND_PEPPER, "Fig. 19b: only the content prior removes the unseen noise"),
    ]  # fmt: skip


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
    (
        "Figs. 7, 21",
        "DepictQA prefers the outputs of better-generalizing models",
        "not reproduced: needs DepictQA, a fine-tuned vision-language model that is not public "
        "and cannot run offline",
    ),
]


def not_built_claims() -> list[Claim]:
    return [
        Claim(source, claim, "", "", None, "", NOT_RUN, reason)
        for source, claim, reason in NOT_BUILT
    ]


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
        "deraining models are judged on converged runs only, but for the content prior's "
        "(Sec. VI), which compare PSNR.\n\n"
        "## Verdicts per claim\n\n"
        + summary.to_markdown(index=False)
        + "\n\n## Every check\n\n"
        + shown.to_markdown(index=False)
        + "\n"
    )
