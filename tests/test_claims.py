"""Each claim's verdict follows the numbers: synthetic per-image tables that contradict a claim
flip it.

Every synthetic run has ``IMAGES`` test images. Each image has its own offset (its difficulty),
shared by every run on it, plus small seeded noise; so a claim decided by paired per-image
differences resolves a small effect under a large spread between images, and a claim that
ignored the pairing would not.
"""

import numpy as np
import pandas as pd
import pytest

from slacking.claims import (
    CONTRADICTION,
    FAIL,
    NOT_RUN,
    PASS,
    UNTRAINED,
    VERDICTS,
    claims_frame,
    claims_markdown,
    complexity_claims,
    content_prior_claims,
    function_denoising_claims,
    patch_count_claims,
    rain_range_claims,
    sharpness_claims,
    table3_claims,
    transfer_claims,
)
from slacking.experiments import all_claims
from slacking.statistics import mean_interval

PASS_, FAIL_ = PASS + UNTRAINED, FAIL + UNTRAINED  # verdicts on statistics with untrained runs
IMAGES = 12
COUNTS = [8, 64, 256, 1024]
OFFSETS = np.linspace(-1.0, 1.0, IMAGES)  # each test image's own difficulty, shared by all runs
SPREAD = {"E_R": 4.0, "E_B": 1.0, "PSNR": 2.0, "rain_left": 0.02}  # scale of the offsets
NOISE = {"E_R": 0.1, "E_B": 0.02, "PSNR": 0.05, "rain_left": 0.005}  # s.d. per run and image
PERFECT_E_R = 30.0 + 4.0 * OFFSETS  # the perfect derainer's E_R per image (mean 30)


@pytest.fixture
def settings(default_config):
    return default_config["claims"]


# -- synthetic tables ----------------------------------------------------------------------------
def model_rows(rng, keys: dict, means: dict, trained=True, spread=None) -> list[dict]:
    """One run's ``IMAGES`` rows: each metric's mean plus the image's offset (times the metric's
    spread) and seeded noise, with the run's validity record."""
    spread = SPREAD | (spread or {})
    values = {
        metric: mean + spread[metric] * OFFSETS + NOISE[metric] * rng.standard_normal(IMAGES)
        for metric, mean in means.items()
    }
    record = {"trained": trained, "plateau_change": 0.01 if trained else 0.5}
    record["final_ratio"] = 0.2 if trained else 1.0
    return [
        {"kind": "model", **keys, "image": i, **{m: float(v[i]) for m, v in values.items()}}
        | record
        for i in range(IMAGES)
    ]


def baseline_rows(category: str, test: str | None = None) -> list[dict]:
    """The identity (E_B 20) and perfect (E_R ``PERFECT_E_R``) derainers on the test images."""
    where = {"category": category} | ({} if test is None else {"test": test})
    rows = []
    for i in range(IMAGES):
        rows.append({"kind": "identity", **where, "image": i, "E_R": 0.0, "E_B": 20.0}
                    | {"PSNR": 15.0, "rain_left": 1.0})  # fmt: skip
        rows.append({"kind": "perfect", **where, "image": i, "E_R": PERFECT_E_R[i], "E_B": 0.0}
                    | {"PSNR": 99.0, "rain_left": 0.0})  # fmt: skip
    return rows


def patch_table(
    e_r,
    e_b=None,
    rain_left=None,
    *,
    counts=COUNTS,
    category="natural",
    network="resnet",
    seeds=(0,),
    untrained=(),
    spread=None,
):
    """One network and category's per-image table: the metrics' means per patch count (E_B
    falls from 9 to 6 and rain left rises from 0 to 0.3 unless given; PSNR = 30 - E_B), one run
    per count and seed. ``untrained``: the counts, or (count, seed) pairs, whose runs fail the
    validity test."""
    e_b = np.linspace(9, 6, len(counts)) if e_b is None else e_b
    rain_left = np.linspace(0, 0.3, len(counts)) if rain_left is None else rain_left
    rng = np.random.default_rng(0)
    rows = []
    for n, r, b, left in zip(counts, e_r, e_b, rain_left, strict=True):
        for seed in seeds:
            keys = {"network": network, "category": category, "rain_range": "medium", "n": n}
            means = {"E_R": r, "E_B": b, "PSNR": 30.0 - b, "rain_left": left}
            trained = n not in untrained and (n, seed) not in untrained
            rows += model_rows(rng, keys | {"seed": seed}, means, trained, spread)
    return pd.DataFrame(rows + baseline_rows(category))


def mirrored(table: pd.DataFrame, metric: str) -> pd.DataFrame:
    """``table`` with each model row's ``metric`` mirrored (100 - value): every per-image
    difference between two runs changes sign, its size kept."""
    models = table["kind"] == "model"
    return table.assign(**{metric: table[metric].where(~models, 100.0 - table[metric])})


def relabelled(table: pd.DataFrame, n: int) -> pd.DataFrame:
    """``table`` with the image labels of the runs at ``n`` rotated by half the images: the
    same values (and means), paired with other images."""
    rows = (table["kind"] == "model") & (table["n"] == n)
    return table.assign(image=table["image"].where(~rows, (table["image"] + IMAGES // 2) % IMAGES))


# -- reading claims ------------------------------------------------------------------------------
def one(claims, source: str, text: str):
    """The single claim of ``source`` whose statement contains ``text``."""
    (claim,) = [c for c in claims if c.source == source and text in c.claim]
    return claim


def bounds(claim) -> tuple[float, float]:
    """The claim's 95 % interval, parsed from "[low, high]"."""
    low, high = claim.interval.strip("[]").split(", ")
    return float(low), float(high)


def e_r_trend(table, settings):
    return one(patch_count_claims(table, settings), "Fig. 4", "(E_R) falls")


def mechanism(table, settings):
    return one(patch_count_claims(table, settings), "Fig. 4", "leave more unseen rain")


# -- Fig. 4: the E_R trend, decided by the paired effect and rho ---------------------------------
def test_e_r_falling_passes_with_an_interval_above_zero_and_rising_fails(settings):
    falling = e_r_trend(patch_table([50, 40, 30, 20], seeds=(0, 1)), settings)
    assert falling.verdict == PASS and falling.reason == "" and falling.trained_only == ""
    low, high = bounds(falling)
    assert 0 < low <= falling.ours <= high
    assert falling.ours == pytest.approx(30.0, abs=0.2)  # E_R(8) - E_R(1024), paired
    assert "n=8 vs 1024, rho=-1.00" in falling.scope
    rising = e_r_trend(patch_table([20, 30, 40, 50]), settings)
    assert rising.verdict == FAIL and bounds(rising)[1] < 0
    assert rising.ours == pytest.approx(-30.0, abs=0.2)


@pytest.mark.parametrize("e_r", [[50, 40, 30, 20], [20, 30, 40, 50], [30, 30.5, 31, 31.5]])
def test_a_paired_interval_claim_flips_when_the_differences_change_sign(settings, e_r):
    table = patch_table(e_r, seeds=(0, 1))
    claim, flipped = e_r_trend(table, settings), e_r_trend(mirrored(table, "E_R"), settings)
    assert {claim.verdict, flipped.verdict} == {PASS, FAIL}
    assert flipped.ours == pytest.approx(-claim.ours)
    low, high = bounds(claim)
    assert bounds(flipped) == pytest.approx((-high, -low), rel=0.01)  # shown to 3 digits


def test_pairing_resolves_a_small_drop_under_a_large_spread_between_images(settings):
    # Images spread over +-20 around the mean; each image's E_R drops by 0.2 per count.
    table = patch_table([10.0, 9.8, 9.6, 9.4], spread={"E_R": 20.0})
    claim = e_r_trend(table, settings)
    assert claim.verdict == PASS and bounds(claim)[0] > 0
    models = table[table["kind"] == "model"]
    smallest = mean_interval(models.loc[models["n"] == 8, "E_R"])
    largest = mean_interval(models.loc[models["n"] == 1024, "E_R"])
    assert smallest.low < largest.high  # unpaired, the two means' intervals overlap
    # The same values with the largest count's images paired to other images: not resolved.
    shuffled = e_r_trend(relabelled(table, 1024), settings)
    assert shuffled.verdict == FAIL and bounds(shuffled)[0] < 0 < bounds(shuffled)[1]
    assert shuffled.ours == pytest.approx(claim.ours)  # the mean difference is unchanged


def test_non_monotone_means_fail_through_rho_though_the_ends_differ(settings):
    # Ranks of the means 2, 3, 4, 1: E_R(8) > E_R(1024) per image, but rho = -0.2.
    claim = e_r_trend(patch_table([10, 12, 14, 9]), settings)
    assert bounds(claim)[0] > 0 and claim.ours == pytest.approx(1.0, abs=0.1)
    assert claim.verdict == FAIL and "rho=-0.20" in claim.scope
    assert e_r_trend(patch_table([14, 12, 10, 9]), settings).verdict == PASS
    lenient = settings | {"rank_correlation_max": 0.0}  # the limit comes from the settings
    assert e_r_trend(patch_table([10, 12, 14, 9]), lenient).verdict == PASS


def test_a_trend_needs_three_patch_counts(settings):
    claim = e_r_trend(patch_table([50, 20], counts=[8, 64]), settings)
    assert claim.verdict == NOT_RUN and claim.reason == "needs at least 3 patch counts, has 2"
    assert claim.ours is None


# -- untrained runs: the asterisk, "k/N runs not trained" and the trained runs' verdict ----------
def test_e_b_above_the_identity_gates_nothing(settings):
    # E_B worse than doing nothing (the identity's 20) at every count, every run trained.
    claim = e_r_trend(patch_table([50, 40, 30, 20], e_b=[25, 24, 23, 22]), settings)
    assert claim.verdict == PASS and claim.reason == ""


def test_untrained_runs_star_the_verdict_and_the_trained_runs_are_judged_alone(settings):
    claim = e_r_trend(patch_table([50, 40, 30, 20], untrained=[8]), settings)
    assert claim.verdict == PASS_ and claim.reason == "1/4 runs not trained"
    assert claim.trained_only.startswith("PASS on trained runs: n=64 vs 1024 +20")
    seeded = e_r_trend(patch_table([50, 40, 30, 20], seeds=(0, 1), untrained=[(8, 1)]), settings)
    assert seeded.reason == "1/8 runs not trained"
    assert seeded.trained_only.startswith("PASS on trained runs: n=8 vs 1024 +30")
    rising = e_r_trend(patch_table([20, 30, 40, 50], untrained=[1024]), settings)
    assert rising.verdict == FAIL_ and rising.trained_only.startswith("FAIL on trained runs")


def test_the_trained_runs_can_contradict_all_runs(settings):
    # Only the two untrained smallest counts make E_R fall; the trained ones rise.
    counts = [8, 16, 64, 256, 1024]
    table = patch_table([50, 40, 20, 21, 22], counts=counts, untrained=[8, 16])
    claim = e_r_trend(table, settings)
    assert claim.verdict == PASS_ and claim.reason == "2/5 runs not trained"
    assert claim.trained_only.startswith("FAIL on trained runs: n=64 vs 1024 -2")


def test_too_few_trained_counts_give_no_second_verdict(settings):
    claim = e_r_trend(patch_table([50, 40, 30, 20], untrained=[8, 64]), settings)
    assert claim.verdict == PASS_ and claim.trained_only == "too few trained runs (2 counts)"
    no_records = patch_table([50, 40, 30, 20]).assign(trained=float("nan"))  # no validity record
    claim = e_r_trend(no_records, settings)
    assert claim.verdict == PASS_ and claim.reason == "4/4 runs not trained"
    assert claim.trained_only == "too few trained runs (0 counts)"


# -- Fig. 4's mechanism: rain left ----------------------------------------------------------------
def test_rain_left_rising_above_zero_is_slacking_off(settings):
    claim = mechanism(patch_table([50, 40, 30, 20], rain_left=[0.0, 0.1, 0.2, 0.3]), settings)
    assert claim.verdict == PASS and claim.reason == ""
    assert bounds(claim)[0] > 0 and claim.ours == pytest.approx(0.3, abs=0.01)
    assert "; rain left at n=1024: +0." in claim.scope  # the level at the largest n
    falling = mechanism(patch_table([50, 40, 30, 20], rain_left=[0.5, 0.4, 0.3, 0.2]), settings)
    assert falling.verdict == FAIL and "over-removal" not in falling.reason
    untrained = mechanism(patch_table([50, 40, 30, 20], untrained=[64]), settings)
    assert untrained.verdict == PASS_ and untrained.reason == "1/4 runs not trained"


def test_a_fall_of_e_r_without_rain_left_is_less_over_removal(settings):
    below = [-0.4, -0.3, -0.2, -0.1]  # rises, but the network removes more than the rain
    claim = mechanism(patch_table([50, 40, 30, 20], rain_left=below), settings)
    assert claim.verdict == FAIL and bounds(claim)[0] > 0  # it rises: the level fails it
    assert "no rain is left at n=1024" in claim.reason
    assert "the fall is less over-removal, not slacking off" in claim.reason
    untrained = mechanism(patch_table([50, 40, 30, 20], rain_left=below, untrained=[8]), settings)
    assert untrained.reason.startswith("1/4 runs not trained; E_R falls")
    # E_R does not fall: nothing to explain.
    rising = mechanism(patch_table([20, 30, 40, 50], rain_left=below), settings)
    assert rising.verdict == FAIL and rising.reason == ""


def test_rain_left_needs_two_patch_counts(settings):
    two = mechanism(patch_table([50, 20], counts=[8, 64], rain_left=[0.0, 0.3]), settings)
    assert two.verdict == PASS
    one_count = mechanism(patch_table([50], counts=[8]), settings)
    assert one_count.verdict == NOT_RUN
    assert one_count.reason == "needs at least 2 patch counts, has 1"


# -- Fig. 10: E_B falls and flattens after 256 -----------------------------------------------------
def flattening(table, settings):
    return one(patch_count_claims(table, settings), "Fig. 10", "stops improving")


def test_e_b_flattening_after_256(settings):
    early = patch_table([50, 40, 30, 20], e_b=[10, 5, 2, 1.9])
    claim = flattening(early, settings)
    assert claim.verdict == PASS and claim.ours == pytest.approx(0.1 / 8.1, abs=0.01)
    low, high = (float(v) for v in claim.interval.strip("[]").split(","))
    assert low <= claim.ours <= high <= settings["flatten_share_max"]  # the whole interval
    assert one(patch_count_claims(early, settings), "Fig. 10", "falls").verdict == PASS
    late = flattening(patch_table([50, 40, 30, 20], e_b=[10, 9.5, 9, 2]), settings)
    assert late.verdict == FAIL and late.ours == pytest.approx(7 / 8, abs=0.01)
    untrained = patch_table([50, 40, 30, 20], e_b=[10, 5, 2, 1.9], untrained=[1024])
    claim = flattening(untrained, settings)
    assert claim.verdict == PASS_ and claim.reason == "1/4 runs not trained"


def test_e_b_rising_fails_fig_10(settings):
    table = patch_table([50, 40, 30, 20], e_b=[6, 7, 8, 9])
    assert one(patch_count_claims(table, settings), "Fig. 10", "falls").verdict == FAIL


@pytest.mark.parametrize("counts", [[8, 64, 1024], [8, 64, 256], [256, 512, 1024]])
def test_flattening_needs_counts_below_at_and_above_256(settings, counts):
    claim = flattening(patch_table([50, 40, 30], e_b=[10, 5, 2], counts=counts), settings)
    assert claim.verdict == NOT_RUN and f"below, at and above 256; has {counts}" in claim.reason


# -- Fig. 9: complexity order (9b) and drop order (9a) ---------------------------------------------
EARLY, LATE = [50, 10, 9, 8], [50, 49, 48, 8]  # E_R dropping at 64 and at 1024 patches


def drop_table(drops: dict, untrained=(), seeds=(0,)) -> pd.DataFrame:
    """One network on each category, whose E_R drops at 64 ("early") or 1024 ("late")."""
    profiles = {"early": EARLY, "late": LATE}
    return pd.concat(
        [
            patch_table(profiles[when], category=category, untrained=untrained, seeds=seeds)
            for category, when in drops.items()
        ],
        ignore_index=True,
    )


def complexity_table(means: dict) -> pd.DataFrame:
    return pd.DataFrame(
        [{"category": c, "mean": m, "std": 0.0, "patches": 8} for c, m in means.items()]
    )


FIG9A = {"faces": "early", "natural": "early", "lineart": "late", "urban": "late"}
ORDERED = {"faces": 0.01, "natural": 0.02, "lineart": 0.03, "urban": 0.04}


def test_complexity_order(settings):
    table = drop_table(FIG9A)
    order = complexity_claims(complexity_table(ORDERED), table, settings)[0]
    assert order.source == "Fig. 9b" and order.verdict == PASS and order.ours == 1.0
    assert order.scope == "training patches (faces < natural < lineart < urban)"
    swapped = complexity_table(ORDERED | {"lineart": 0.05})  # lineart above urban
    order = complexity_claims(swapped, table, settings)[0]
    assert order.verdict == FAIL and order.ours == pytest.approx(0.8)
    two = complexity_table({"faces": 0.01, "urban": 0.02})
    order = complexity_claims(two, table, settings)[0]
    assert order.verdict == NOT_RUN and order.reason == "needs at least 3 categories"


def test_faces_drop_first_and_line_art_and_urban_last(settings):
    complexity = complexity_table(ORDERED)

    def drop_order(drops, untrained=()):
        return complexity_claims(complexity, drop_table(drops, untrained), settings)[1]

    claim = drop_order(FIG9A)
    assert claim.source == "Fig. 9a" and claim.verdict == PASS
    assert "faces: 64" in claim.scope and "urban: 1024" in claim.scope
    assert drop_order(FIG9A | {"faces": "late", "lineart": "early"}).verdict == FAIL
    assert drop_order(FIG9A | {"urban": "early"}).verdict == FAIL  # a tie is no earlier drop
    starred = drop_order(FIG9A, untrained=[8])
    assert starred.verdict == PASS_ and starred.reason == "4/16 runs not trained"
    without_faces = drop_order({c: w for c, w in FIG9A.items() if c != "faces"})
    assert without_faces.verdict == NOT_RUN and "needs faces" in without_faces.reason


def test_the_drop_order_counts_untrained_runs_not_settings(settings):
    table = drop_table(FIG9A, untrained=[(8, 1)], seeds=(0, 1))  # seed 1 at n=8 of 32 runs
    fig4 = [c for c in patch_count_claims(table, settings) if "(E_R) falls" in c.claim]
    assert [c.reason for c in fig4] == ["1/8 runs not trained"] * 4  # per series: 4 counts x 2
    claim = complexity_claims(complexity_table(ORDERED), table, settings)[1]
    assert claim.reason == "4/32 runs not trained"


# -- Table III -------------------------------------------------------------------------------------
MANY, FEW, LARGE = ("medium", 128), ("medium", 8), ("large", 32)  # (rain, our n)
TABLE3_ROWS = [(30000, MANY), (64, FEW), (256, LARGE)]  # (paper's n, our run)
TABLE3_MEANS = {
    MANY: {"E_R": 30.0, "E_B": 10.0, "PSNR": 25.0},
    FEW: {"E_R": 50.0, "E_B": 20.0, "PSNR": 20.0},
    LARGE: {"E_R": 45.0, "E_B": 15.0, "PSNR": 23.0},
}
PAPER = {MANY: {"E_R": 31.24, "E_B": 10.79, "PSNR": 25.15}, FEW: {"E_R": 45.0, "E_B": 19.0}}


def table3_tables(means: dict, untrained=()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per-image runs, Table III's long table) for one network; two seeds per row;
    ``untrained``: the (rain, n) rows whose seed-1 run is not trained."""
    rng = np.random.default_rng(0)
    rows, table = [], []
    for index, (paper_n, (rain, n)) in enumerate(TABLE3_ROWS):
        for seed in (0, 1):
            keys = {"network": "resnet", "category": "natural", "rain_range": rain, "n": n}
            trained = not (seed == 1 and (rain, n) in untrained)
            rows += model_rows(rng, keys | {"seed": seed}, means[(rain, n)], trained)
        for metric, ours in means[(rain, n)].items():
            paper = PAPER.get((rain, n), {}).get(metric, float("nan"))
            trained = (rain, n) not in untrained
            table.append({"row": index, "paper_n": paper_n, "n": n, "rain": rain}
                         | {"network": "resnet", "metric": metric, "ours": ours, "paper": paper}
                         | {"difference": ours - paper, "trained": trained})  # fmt: skip
    return pd.DataFrame(rows + baseline_rows("natural")), pd.DataFrame(table)


def test_table_iii_relations_follow_the_numbers():
    runs, table = table3_tables(TABLE3_MEANS)
    holds = table3_claims(runs, table)
    assert [c.verdict for c in holds] == [PASS] * 5
    assert "64 patches with medium rain give higher E_R than 30,000 with medium" in holds[0].claim
    assert "256 patches with large rain give lower E_B than 64 with medium rain" in holds[4].claim
    assert holds[0].ours == pytest.approx(20.0, abs=0.2) and bounds(holds[0])[0] > 0
    assert holds[0].paper == "+13.76" and holds[3].paper == "not reported"
    assert holds[0].scope == "resnet: our n=8 vs n=128"
    flipped_means = TABLE3_MEANS | {
        FEW: {"E_R": 20.0, "E_B": 20.0, "PSNR": 26.0},
        LARGE: {"E_R": 25.0, "E_B": 15.0, "PSNR": 23.0},
    }
    runs, table = table3_tables(flipped_means)
    flipped = table3_claims(runs, table)
    assert [c.verdict for c in flipped] == [FAIL, PASS, FAIL, FAIL, PASS]
    assert flipped[0].ours == pytest.approx(-10.0, abs=0.2) and bounds(flipped[0])[1] < 0


def test_table_iii_stars_a_relation_on_an_untrained_run():
    runs, table = table3_tables(TABLE3_MEANS, untrained=[LARGE])
    claims = table3_claims(runs, table)
    assert [c.verdict for c in claims] == [PASS, PASS, PASS, PASS_, PASS_]
    assert claims[3].reason == "1/4 runs not trained"  # two settings, two seeds each


def test_table_iii_reads_a_runs_table_whose_counts_are_floats():
    runs, table = table3_tables(TABLE3_MEANS)
    assert runs["n"].dtype == float  # the baseline rows have no n, as in tables/runs/*.csv
    assert [c.verdict for c in table3_claims(runs, table)] == [PASS] * 5


def test_table_iii_needs_two_medium_rows():
    runs, table = table3_tables(TABLE3_MEANS)
    table = table[table["n"] != 8]
    (claim,) = table3_claims(runs, table)
    assert claim.verdict == NOT_RUN and claim.reason == "needs two medium-rain rows"


# -- Fig. 8: training rain range -------------------------------------------------------------------
RANGES = ["small", "medium", "large"]


def rain_range_table(drops: dict, untrained=()) -> pd.DataFrame:
    """ResNet on natural images per rain range; E_R falls by 1 per count and drops from about
    40 to about 10 (the line: half the perfect derainer's 30) at the given count."""
    frames = []
    for rain, drop in drops.items():
        e_r = [(40 if n < drop else 10) - i for i, n in enumerate(COUNTS)]
        frames.append(patch_table(e_r, untrained=untrained).assign(rain_range=rain))
    return pd.concat(frames, ignore_index=True)


def test_a_larger_rain_range_delays_the_drop(settings):
    def claims(drops, untrained=()):
        return rain_range_claims(rain_range_table(drops, untrained), RANGES, 0.5, settings)

    delayed = claims({"small": 64, "medium": 256, "large": 1024})
    assert [c.verdict for c in delayed] == [PASS] * 4
    assert "small: 64, medium: 256, large: 1024" in delayed[-1].scope
    assert "mean E_R <= 15.00" in delayed[-1].scope
    assert all(bounds(c)[0] > 0 for c in delayed[:3])
    assert claims({"small": 1024, "medium": 256, "large": 64})[-1].verdict == FAIL
    # Ranked right overall but medium drops last: the paper's order is broken.
    assert claims({"small": 64, "medium": 1024, "large": 256})[-1].verdict == FAIL
    never_last = claims({"small": 64, "medium": 64, "large": 4096})[-1]
    assert never_last.verdict == PASS and "large: never" in never_last.scope
    never = claims({r: 4096 for r in RANGES})[-1]
    assert never.verdict == FAIL and never.reason == "no range drops to the line"
    starred = claims({"small": 64, "medium": 256, "large": 1024}, untrained=[8])
    assert starred[-1].verdict == PASS_ and starred[-1].reason == "3/12 runs not trained"


def test_a_rain_range_whose_e_r_rises_fails_fig_8(settings):
    table = rain_range_table({"small": 64, "medium": 256, "large": 1024})
    large = (table["kind"] == "model") & (table["rain_range"] == "large")
    table = table.assign(E_R=table["E_R"].where(~large, 100.0 - table["E_R"]))
    claims = rain_range_claims(table, RANGES, 0.5, settings)
    assert [c.verdict for c in claims[:3]] == [PASS, PASS, FAIL]


# -- Fig. 6: sharpness -----------------------------------------------------------------------------
CLASSES = {"high": [5000, None], "low": [0, 50], "medium": [500, 1000]}  # not in order


def sharpness_table(e_r: dict, e_b: dict, untrained=()) -> pd.DataFrame:
    """Per class, E_R at iterations 50 and 100 ([at 50, at 100]); E_B at 50 (at 100: 1)."""
    rng = np.random.default_rng(0)
    rows = []
    for name in e_r:
        for i, iteration in enumerate((50, 100)):
            keys = {"network": "swinir", "category": "natural", "sharpness": name}
            means = {"E_R": e_r[name][i], "E_B": e_b[name] if iteration == 50 else 1.0}
            rows += model_rows(rng, keys | {"iteration": iteration}, means, name not in untrained)
    return pd.DataFrame(rows + baseline_rows("natural"))


BLURRY_FIRST = {"low": 15.0, "medium": 12.0, "high": 10.0}
LOW_AHEAD = {"low": [40, 35], "medium": [30, 33], "high": [20, 20]}


def test_the_low_sharpness_network_removes_the_most_rain_throughout():
    claims = sharpness_claims(sharpness_table(LOW_AHEAD, BLURRY_FIRST), CLASSES)
    assert [c.verdict for c in claims] == [PASS, PASS]
    assert claims[0].ours == pytest.approx(2.0, abs=0.1)  # the smallest margin, at iteration 100
    assert "low-sharpness" in claims[0].claim  # the class with the lowest bounds
    assert claims[1].ours == pytest.approx(3.0, abs=0.1) and bounds(claims[1])[0] > 0
    overtaken = sharpness_table(LOW_AHEAD | {"low": [40, 30]}, BLURRY_FIRST)
    assert sharpness_claims(overtaken, CLASSES)[0].verdict == FAIL
    sharp_first = sharpness_table(LOW_AHEAD, {"low": 10.0, "medium": 12.0, "high": 11.0})
    assert sharpness_claims(sharp_first, CLASSES)[1].verdict == FAIL
    untrained = sharpness_claims(sharpness_table(LOW_AHEAD, BLURRY_FIRST, ["low"]), CLASSES)
    assert [c.verdict for c in untrained] == [PASS_, PASS_]
    assert untrained[0].reason == "1/3 runs not trained"


# -- NeurIPS App. B: transfer ----------------------------------------------------------------------
def transfer_table(e_b_lineart: float, untrained=()) -> pd.DataFrame:
    """Networks trained on faces, urban and line art, tested on natural images; E_B at the
    largest count: 5, 6 and ``e_b_lineart``."""
    frames = [
        patch_table([40, 30, 20, 10], e_b=[9, 8, 7, e_b], untrained=untrained).assign(
            train_category=c
        )
        for c, e_b in (("faces", 5.0), ("urban", 6.0), ("lineart", e_b_lineart))
    ]
    return pd.concat(frames, ignore_index=True)


def test_the_line_art_network_transfers_worst():
    claim = transfer_claims(transfer_table(8.0), "lineart")[0]
    assert claim.verdict == PASS and bounds(claim)[0] > 0
    assert "against urban" in claim.scope and "n=1024" in claim.scope
    claim = transfer_claims(transfer_table(4.0), "lineart")[0]
    assert claim.verdict == FAIL and claim.ours == pytest.approx(-2.0, abs=0.05)
    starred = transfer_claims(transfer_table(8.0, untrained=[1024]), "lineart")[0]
    assert starred.verdict == PASS_ and starred.reason == "3/3 runs not trained"
    missing = transfer_claims(transfer_table(8.0), "natural")  # not among the training categories
    assert [c.verdict for c in missing] == [NOT_RUN] and "needs natural" in missing[0].reason


# -- Sec. VI: the content prior --------------------------------------------------------------------
def content_prior_table(unseen: dict, denoise: dict, seen: dict | None = None, untrained=()):
    """Per-image rows: each network's E_R share of the perfect derainer's on unseen rain
    (``unseen``) and on training rain (``seen``, default 0.5), with PSNR 20 on rain, and its
    PSNR on salt-and-pepper noise (``denoise``)."""
    rng = np.random.default_rng(0)
    rows = []

    def run(network, degradation, test, share, psnr):
        keys = {"network": network, "category": "natural", "rain_range": degradation, "n": 8}
        means = {"E_R": 0.0, "E_B": 5.0, "PSNR": psnr}
        out = model_rows(rng, keys | {"test": test}, means, network not in untrained)
        for row in out:  # E_R: the share of the perfect derainer's on the same image
            row["E_R"] = share * PERFECT_E_R[row["image"]] * (1 + 0.01 * rng.standard_normal())
        return out

    for network, share in unseen.items():
        rows += run(network, "medium", "unseen", share, 20.0)
        rows += run(network, "medium", "seen", (seen or {}).get(network, 0.5), 20.0)
    for network, psnr in denoise.items():
        rows += run(network, "noise", "salt-pepper", 0.0, psnr)
    for test in ("unseen", "seen", "salt-pepper"):
        rows += baseline_rows("natural", test)
    return pd.DataFrame(rows)


DERAIN = {"resnet": 0.3, "unet": 0.35, "vqgan-novq": 0.25, "vqgan-finetuned": 0.6}
DENOISE = {"resnet": 18.0, "unet": 19.0, "vqgan-finetuned": 25.0}
ABLATION_GAP = {"vqgan-novq": 0.9, "vqgan-finetuned": 0.65}  # drops 0.65 and 0.05


def test_the_content_prior_claims_follow_the_numbers():
    claims = content_prior_claims(content_prior_table(DERAIN, DENOISE, ABLATION_GAP), "medium")
    assert [c.verdict for c in claims] == [PASS] * 4
    # E_R shares (not E_R: the perfect derainer's is 30), the share-drop margin and PSNR.
    assert [c.ours for c in claims] == pytest.approx([0.25, 0.35, 0.6, 6.0], abs=0.02)
    assert "unet, the best other" in claims[0].statistic and bounds(claims[0])[0] > 0
    worse = content_prior_table(
        {**DERAIN, "vqgan-novq": 0.65}, {**DENOISE, "unet": 26.0}, {"vqgan-finetuned": 0.9}
    )
    assert [c.verdict for c in content_prior_claims(worse, "medium")] == [PASS, FAIL, FAIL, FAIL]
    beaten = content_prior_table({**DERAIN, "unet": 0.7}, DENOISE)
    assert content_prior_claims(beaten, "medium")[0].verdict == FAIL


def test_deraining_is_judged_by_e_r_share_not_psnr():
    table = content_prior_table(DERAIN, DENOISE, ABLATION_GAP)
    unseen_prior = (table["network"] == "vqgan-finetuned") & (table["test"] == "unseen")
    table.loc[unseen_prior, "PSNR"] -= 10.0  # the prior's PSNR on unseen rain now the worst
    assert content_prior_claims(table, "medium")[0].verdict == PASS


def test_an_untrained_prior_stars_its_claims():
    table = content_prior_table(DERAIN, DENOISE, ABLATION_GAP, untrained=["vqgan-finetuned"])
    claims = content_prior_claims(table, "medium")
    assert [c.verdict for c in claims] == [PASS_] * 4
    assert claims[0].reason == "1/3 runs not trained"  # the prior and two baselines


def test_a_missing_model_is_not_run_with_a_reason():
    without_ablation = {k: v for k, v in DERAIN.items() if k != "vqgan-novq"}
    claims = content_prior_claims(content_prior_table(without_ablation, {}), "medium")
    assert [c.verdict for c in claims] == [PASS, NOT_RUN, NOT_RUN, NOT_RUN]
    assert "vqgan-novq" in claims[1].reason and "vqgan-finetuned" in claims[3].reason


# -- Sec. V: function denoising --------------------------------------------------------------------
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


# -- every family, and the report -----------------------------------------------------------------
def test_families_not_built_are_not_run_with_a_reason(default_config):
    default_config["targets"] = []
    claims = all_claims({}, default_config)
    assert all(c.verdict == NOT_RUN and c.reason for c in claims)
    assert any("not among this preset's targets" in c.reason for c in claims)
    assert any(c.source == "Fig. 8" for c in claims)
    assert any("DepictQA" in c.reason and "not reproduced" in c.reason for c in claims)
    assert "**Fig. 9.**" not in claims_markdown(claims_frame(claims))  # no Fig. 9 claim


def test_markdown_tallies_the_verdicts_and_notes_fig_9(default_config):
    runs, table3 = table3_tables(TABLE3_MEANS)
    tables = {
        "patch_count": drop_table(FIG9A, untrained=[8]),
        "complexity": complexity_table(ORDERED),
        "table3": table3,
        "table3_runs": runs,
        "function_denoising": mse_table([0.4, 60, 50]),
    }
    default_config["targets"] = ["patch_count", "table3", "function_denoising"]
    frame = claims_frame(all_claims(tables, default_config))
    counts = frame["verdict"].value_counts()
    assert all(counts.get(v, 0) for v in (PASS, PASS_, NOT_RUN))  # a mix to tally
    assert set(counts.index) <= set(VERDICTS)
    text = claims_markdown(frame)
    tally = ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS)
    assert f"**{tally}.**" in text.splitlines()[2]  # under the title
    assert f"**Fig. 9.** {CONTRADICTION}" in text
    every_check = text.split("## Every check")[1]
    assert every_check.count("\n|") == len(frame) + 2  # header, separator, a row per check
    summary = text.split("## Verdicts per claim")[1].split("## Every check")[0]
    assert summary.count("\n|") == frame.groupby(["source", "claim"]).ngroups + 2
