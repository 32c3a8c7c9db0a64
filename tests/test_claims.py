"""Each claim's verdict follows the numbers: synthetic metrics that contradict a claim flip it."""

import pandas as pd
import pytest

from slacking.claims import (
    FAIL,
    NOT_RUN,
    PASS,
    all_claims,
    claims_frame,
    claims_markdown,
    complexity_claims,
    function_denoising_claims,
    patch_count_claims,
)
from slacking.tables import run_means

COUNTS = [8, 64, 256, 1024]


@pytest.fixture
def settings(default_config):
    return default_config["claims"]


def patch_count_table(e_r, e_b, psnr=None, identity_e_b=20.0, category="natural"):
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
    falling = patch_count_claims(patch_count_table([50, 40, 30, 20], [9, 8, 7, 6]), settings)
    rising = patch_count_claims(patch_count_table([20, 30, 40, 50], [9, 8, 7, 6]), settings)
    assert verdicts(falling, "Fig. 4", "E_R") == [PASS]
    assert verdicts(rising, "Fig. 4", "E_R") == [FAIL]
    assert [c.ours for c in rising if c.source == "Fig. 4"] == [1.0]


def test_a_constant_metric_has_no_trend(settings):
    claims = patch_count_claims(patch_count_table([0, 0, 0, 0], [9, 8, 7, 6]), settings)
    trend = next(c for c in claims if c.source == "Fig. 4")
    assert trend.verdict == NOT_RUN and "undefined" in trend.reason


def test_unconverged_runs_are_not_judged_but_reported(settings):
    # E_B above the identity's 5.0 for the two smallest counts.
    claims = patch_count_claims(
        patch_count_table([50, 40, 30, 20], [9, 8, 4, 3], identity_e_b=5.0), settings
    )
    trend = next(c for c in claims if c.source == "Fig. 4")
    assert trend.verdict == NOT_RUN and "2/4 runs not converged" in trend.reason
    assert trend.ours == -1.0


def test_e_b_flattening_after_256(settings):
    early = patch_count_claims(patch_count_table([50, 40, 30, 20], [10, 5, 2, 1.9]), settings)
    late = patch_count_claims(patch_count_table([50, 40, 30, 20], [10, 9.5, 9, 2]), settings)
    assert verdicts(early, "Fig. 10", "stops improving") == [PASS]
    assert verdicts(late, "Fig. 10", "stops improving") == [FAIL]
    assert verdicts(early, "Fig. 10", "falls") == [PASS]


def test_flattening_needs_counts_around_256(settings):
    table = patch_count_table([50, 40, 30, 20], [10, 5, 2, 1.9])
    table = table[table["n"].isna() | (table["n"] != 256)]
    claim = next(c for c in patch_count_claims(table, settings) if "stops" in c.claim)
    assert claim.verdict == NOT_RUN and "256" in claim.reason


def test_table_iii_relations_follow_smallest_against_largest_count(settings):
    holds = patch_count_table([50, 40, 30, 20], [9, 8, 7, 6], psnr=[20, 21, 22, 23])
    psnr_flipped = patch_count_table([50, 40, 30, 20], [9, 8, 7, 6], psnr=[24, 21, 22, 23])
    assert verdicts(patch_count_claims(holds, settings), "Table III", "") == [PASS] * 3
    flipped = patch_count_claims(psnr_flipped, settings)
    assert verdicts(flipped, "Table III", "PSNR") == [FAIL]
    assert verdicts(flipped, "Table III", "E_R") == [PASS]
    other = patch_count_claims(
        patch_count_table([50, 40, 30, 20], [9, 8, 7, 6], category="urban"), settings
    )
    assert verdicts(other, "Table III", "") == []  # Table III is about DIV2K (natural) only


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
            patch_count_table(natural, [9, 8, 7, 6]),
            patch_count_table(urban, [9, 8, 7, 6], category="urban"),
            patch_count_table(early, [9, 8, 7, 6], category="lineart"),
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


def test_families_not_built_are_not_run_with_a_reason(settings):
    claims = all_claims(settings, None, None, None, [0, 1])
    assert all(c.verdict == NOT_RUN and c.reason for c in claims)
    assert any("not among this preset's targets" in c.reason for c in claims)
    assert any(c.source == "Fig. 8" for c in claims)


def test_markdown_tallies_the_verdicts(settings):
    complexity = complexity_table({"natural": 0.01})
    table = patch_count_table([50, 40, 30, 20], [9, 8, 7, 6])
    claims = all_claims(settings, table, complexity, mse_table([0.4, 60, 50]), [0, 1])
    frame = claims_frame(claims)
    text = claims_markdown(frame)
    counts = frame["verdict"].value_counts()
    assert f"{counts[PASS]} PASS, {counts.get(FAIL, 0)} FAIL, {counts[NOT_RUN]} NOT RUN" in text
    every_check = text.split("## Every check")[1]
    assert every_check.count("\n|") == len(frame) + 2  # header, separator, a row per check
    summary = text.split("## Verdicts per claim")[1].split("## Every check")[0]
    claims = frame.groupby(["source", "claim"]).ngroups
    assert summary.count("\n|") == claims + 2
