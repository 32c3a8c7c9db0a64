"""Each claim's verdict follows the numbers: synthetic metrics that contradict a claim flip it."""

import pandas as pd
import pytest

from slacking.claims import (
    FAIL,
    NOT_RUN,
    PASS,
    claims_frame,
    claims_markdown,
    complexity_claims,
    function_denoising_claims,
    patch_count_claims,
    rain_range_claims,
    sharpness_claims,
    table3_claims,
    transfer_claims,
)
from slacking.experiments import all_claims
from slacking.tables import run_means

COUNTS = [8, 64, 256, 1024]


@pytest.fixture
def settings(default_config):
    return default_config["claims"]


def runs_table(e_r, e_b, psnr=None, identity_e_b=20.0, category="natural"):
    """The long per-image table of one network and category: one image per run."""
    psnr = psnr or [20 + i for i in range(len(e_r))]
    rows = [
        {"kind": "model", "network": "resnet", "category": category, "n": n, "image": 0}
        | {"E_R": r, "E_B": b, "PSNR": p}
        for n, r, b, p in zip(COUNTS, e_r, e_b, psnr, strict=True)
    ]
    rows += [
        {"kind": "identity", "category": category, "image": 0, "E_R": 0.0, "E_B": identity_e_b},
        {"kind": "perfect", "category": category, "image": 0, "E_R": 30.0, "E_B": 0.0},
    ]
    return pd.DataFrame(rows)


def verdicts(claims, source, text):
    return [c.verdict for c in claims if c.source == source and text in c.claim]


def test_e_r_falling_with_patches_passes_and_rising_fails(settings):
    falling = patch_count_claims(runs_table([50, 40, 30, 20], [9, 8, 7, 6]), settings)
    rising = patch_count_claims(runs_table([20, 30, 40, 50], [9, 8, 7, 6]), settings)
    assert verdicts(falling, "Fig. 4", "E_R") == [PASS]
    assert verdicts(rising, "Fig. 4", "E_R") == [FAIL]
    assert [c.ours for c in rising if c.source == "Fig. 4"] == [1.0]


def test_a_constant_metric_has_no_trend(settings):
    claims = patch_count_claims(runs_table([0, 0, 0, 0], [9, 8, 7, 6]), settings)
    trend = next(c for c in claims if c.source == "Fig. 4")
    assert trend.verdict == NOT_RUN and "undefined" in trend.reason


def test_unconverged_runs_are_not_judged_but_reported(settings):
    # E_B above the identity's 5.0 for the two smallest counts.
    claims = patch_count_claims(
        runs_table([50, 40, 30, 20], [9, 8, 4, 3], identity_e_b=5.0), settings
    )
    trend = next(c for c in claims if c.source == "Fig. 4")
    assert trend.verdict == NOT_RUN and "2/4 runs not converged" in trend.reason
    assert trend.ours == -1.0


def test_e_b_flattening_after_256(settings):
    early = patch_count_claims(runs_table([50, 40, 30, 20], [10, 5, 2, 1.9]), settings)
    late = patch_count_claims(runs_table([50, 40, 30, 20], [10, 9.5, 9, 2]), settings)
    assert verdicts(early, "Fig. 10", "stops improving") == [PASS]
    assert verdicts(late, "Fig. 10", "stops improving") == [FAIL]
    assert verdicts(early, "Fig. 10", "falls") == [PASS]


def test_flattening_needs_counts_around_256(settings):
    table = runs_table([50, 40, 30, 20], [10, 5, 2, 1.9])
    table = table[table["n"].isna() | (table["n"] != 256)]
    claim = next(c for c in patch_count_claims(table, settings) if "stops" in c.claim)
    assert claim.verdict == NOT_RUN and "256" in claim.reason


def table3_long(few_e_r=50.0, large_e_r=45.0, few_psnr=20.0, converged=True):
    """Table III rows for one network: many (30k) and few (64) patches with medium rain, and
    256 patches with large rain; the shape ``slacking.table3.table3`` writes."""
    rows = [
        (0, 30000, 128, "medium", {"E_R": 30.0, "E_B": 10.0, "PSNR": 25.0}),
        (1, 64, 8, "medium", {"E_R": few_e_r, "E_B": 20.0, "PSNR": few_psnr}),
        (2, 256, 32, "large", {"E_R": large_e_r, "E_B": 15.0, "PSNR": 23.0}),
    ]
    paper = {"E_R": 31.24, "E_B": 10.79, "PSNR": 25.15}
    return pd.DataFrame(
        [
            {"row": row, "paper_n": paper_n, "n": n, "rain": rain, "network": "resnet"}
            | {"metric": m, "ours": v, "paper": paper[m] if row == 0 else float("nan")}
            | {"converged": converged}
            for row, paper_n, n, rain, values in rows
            for m, v in values.items()
        ]
    )


def test_table_iii_relations_follow_the_numbers():
    holds = table3_claims(table3_long())
    assert [c.verdict for c in holds] == [PASS] * 5
    assert "64 patches with medium rain give higher E_R than 30,000" in holds[0].claim
    flipped = table3_claims(table3_long(few_e_r=20.0, large_e_r=25.0, few_psnr=26.0))
    assert [c.verdict for c in flipped] == [FAIL, PASS, FAIL, FAIL, PASS]
    assert "256 patches with large rain give lower E_B than 64 with medium rain" in holds[4].claim
    assert flipped[0].ours == pytest.approx(-10.0)
    unconverged = table3_claims(table3_long(converged=False))
    assert all(c.verdict == NOT_RUN and "converge" in c.reason for c in unconverged)


def rain_range_table(drops: dict) -> pd.DataFrame:
    """ResNet on natural images per rain range; E_R falls from 40 to 5 at the given count."""
    frames = []
    for rain, drop in drops.items():
        table = runs_table([40 if n < drop else 5 for n in COUNTS], [9, 8, 7, 6])
        frames.append(table.assign(rain_range=rain))
    return pd.concat(frames, ignore_index=True).drop_duplicates(
        subset=["kind", "rain_range", "n"], ignore_index=True
    )


def test_a_larger_rain_range_delays_the_drop(settings):
    ranges = ["small", "medium", "large"]

    def claims(drops):
        return rain_range_claims(rain_range_table(drops), ranges, 0.5, settings)

    delayed = claims({"small": 64, "medium": 256, "large": 1024})
    assert [c.verdict for c in delayed] == [PASS] * 4
    assert "large: 1024" in delayed[-1].scope
    assert claims({"small": 1024, "medium": 256, "large": 64})[-1].verdict == FAIL
    # Ranked right overall but medium drops last: the paper's order is broken.
    assert claims({"small": 64, "medium": 1024, "large": 256})[-1].verdict == FAIL
    assert claims({"small": 64, "medium": 64, "large": 4096})[-1].verdict == PASS  # never = last
    never = claims({r: 4096 for r in ranges})
    assert never[-1].verdict == NOT_RUN and "no range drops" in never[-1].reason


CLASSES = {"high": [5000, None], "low": [0, 50], "medium": [500, 1000]}  # not in order


def sharpness_long(e_r: dict, e_b: dict, identity_e_b=20.0) -> pd.DataFrame:
    """Mean E_R per class at iterations 50 and 100 ([at 50, at 100]); E_B only at 50 matters."""
    rows = [
        {"kind": "model", "category": "natural", "sharpness": c, "iteration": it, "image": 0}
        | {"E_R": e_r[c][i], "E_B": e_b[c] if it == 50 else 1.0, "PSNR": 20.0}
        for c in e_r
        for i, it in enumerate((50, 100))
    ]
    rows += [
        {"kind": "identity", "category": "natural", "image": 0, "E_R": 0.0, "E_B": identity_e_b},
        {"kind": "perfect", "category": "natural", "image": 0, "E_R": 30.0, "E_B": 0.0},
    ]
    return pd.DataFrame(rows)


def test_the_low_sharpness_network_removes_the_most_rain_throughout():
    blurry_first = {"low": 15.0, "medium": 12.0, "high": 10.0}
    claims = sharpness_claims(
        sharpness_long({"low": [40, 35], "medium": [30, 33], "high": [20, 20]}, blurry_first),
        CLASSES,
    )
    assert [c.verdict for c in claims] == [PASS, PASS]
    assert claims[0].ours == pytest.approx(2.0)  # the smallest margin, at iteration 100
    assert "low-sharpness" in claims[0].claim  # the class with the lowest bounds
    overtaken = sharpness_long(
        {"low": [40, 30], "medium": [30, 33], "high": [20, 20]}, blurry_first
    )
    assert sharpness_claims(overtaken, CLASSES)[0].verdict == FAIL
    sharp_first = sharpness_long(
        {"low": [40, 35], "medium": [30, 33], "high": [20, 20]},
        {"low": 10.0, "medium": 12.0, "high": 11.0},
    )
    assert sharpness_claims(sharp_first, CLASSES)[1].verdict == FAIL
    unconverged = sharpness_long(
        {"low": [40, 35], "medium": [30, 33], "high": [20, 20]}, blurry_first, identity_e_b=5.0
    )
    assert all(c.verdict == NOT_RUN for c in sharpness_claims(unconverged, CLASSES))


def test_the_line_art_network_transfers_worst():
    def transfer(e_b_lineart):
        frames = [
            runs_table([40, 30, 20, 10], [9, 8, 7, e_b]).assign(train_category=c)
            for c, e_b in (("faces", 5.0), ("urban", 6.0), ("lineart", e_b_lineart))
        ]
        return pd.concat(frames, ignore_index=True)

    assert transfer_claims(transfer(8.0), "lineart")[0].verdict == PASS
    claim = transfer_claims(transfer(4.0), "lineart")[0]
    assert claim.verdict == FAIL and claim.ours == pytest.approx(-2.0)
    missing = transfer_claims(transfer(8.0), "natural")  # not among the training categories
    assert [c.verdict for c in missing] == [NOT_RUN] and "needs natural" in missing[0].reason


def complexity_table(means: dict) -> pd.DataFrame:
    return pd.DataFrame(
        [{"category": c, "mean": m, "std": 0.0, "patches": 8} for c, m in means.items()]
    )


def two_categories(drop_natural_first: bool) -> pd.DataFrame:
    """Natural and urban runs; E_R of one category drops at 64 patches, the other's at 1024."""
    early, late = [50, 10, 9, 8], [50, 49, 48, 8]
    natural, urban = (early, late) if drop_natural_first else (late, early)
    return pd.concat(
        [
            runs_table(natural, [9, 8, 7, 6]),
            runs_table(urban, [9, 8, 7, 6], category="urban"),
            runs_table(early, [9, 8, 7, 6], category="lineart"),
        ],
        ignore_index=True,
    )


def test_complexity_order_and_its_agreement_with_the_drop(settings):
    right = complexity_table({"natural": 0.01, "lineart": 0.02, "urban": 0.03})
    wrong = complexity_table({"natural": 0.03, "lineart": 0.02, "urban": 0.01})
    means = run_means(two_categories(drop_natural_first=False))
    order, agreement = complexity_claims(right, means, settings)
    assert order.verdict == PASS and order.ours == 1.0
    assert complexity_claims(wrong, means, settings)[0].verdict == FAIL
    # urban (most complex) drops first (64), natural (least) last (1024): agreement holds.
    assert agreement.verdict == PASS
    swapped = run_means(two_categories(drop_natural_first=True))
    assert complexity_claims(right, swapped, settings)[1].verdict == FAIL


def mse_table(own_unseen, own_trained=(0.01, 0.02, 0.05)):
    """MSE of orders 1, 4, 8 on their own function under N(0, 1) and N(10, 5)."""
    rows = []
    for order, trained, unseen in zip([1, 4, 8], own_trained, own_unseen, strict=True):
        rows.append((order, order, 0, 1, trained, 0.0009 if order == 1 else None))
        rows.append((order, order, 10, 5, unseen, None))
        rows.append((order, 8 if order != 8 else 1, 0, 1, 30.0, None))  # not its own function
    columns = ["train_order", "test_order", "noise_mean", "noise_std", "mse", "paper_mse"]
    return pd.DataFrame(rows, columns=columns)


def test_function_denoising_ordering_flips_with_the_numbers():
    good = function_denoising_claims(mse_table([0.4, 60, 50]), [0, 1], [10, 5])
    bad = function_denoising_claims(mse_table([70, 60, 50]), [0, 1], [10, 5])
    assert good[-1].verdict == PASS and good[-1].ours == pytest.approx(0.4 / 50)
    assert bad[-1].verdict == FAIL
    assert [c.verdict for c in good[:-1]] == [PASS] * 3
    worse_than_noise = function_denoising_claims(
        mse_table([0.4, 60, 50], (0.01, 2.0, 0.05)), [0, 1], [10, 5]
    )
    assert [c.verdict for c in worse_than_noise[:-1]] == [PASS, FAIL, PASS]
    assert good[0].paper == "MSE 0.0009"


def test_families_not_built_are_not_run_with_a_reason(default_config):
    default_config["targets"] = []
    claims = all_claims({}, default_config)
    assert all(c.verdict == NOT_RUN and c.reason for c in claims)
    assert any("not among this preset's targets" in c.reason for c in claims)
    assert any(c.source == "Fig. 8" for c in claims)
    assert any("DepictQA" in c.reason and "not reproduced" in c.reason for c in claims)


def test_markdown_tallies_the_verdicts(default_config):
    tables = {
        "patch_count": runs_table([50, 40, 30, 20], [9, 8, 7, 6]),
        "complexity": complexity_table({"natural": 0.01}),
        "table3": table3_long(),
        "function_denoising": mse_table([0.4, 60, 50]),
    }
    default_config["targets"] = ["patch_count", "table3", "function_denoising"]
    claims = all_claims(tables, default_config)
    frame = claims_frame(claims)
    text = claims_markdown(frame)
    counts = frame["verdict"].value_counts()
    assert f"{counts[PASS]} PASS, {counts.get(FAIL, 0)} FAIL, {counts[NOT_RUN]} NOT RUN" in text
    every_check = text.split("## Every check")[1]
    assert every_check.count("\n|") == len(frame) + 2  # header, separator, a row per check
    summary = text.split("## Verdicts per claim")[1].split("## Every check")[0]
    claims = frame.groupby(["source", "claim"]).ngroups
    assert summary.count("\n|") == claims + 2
