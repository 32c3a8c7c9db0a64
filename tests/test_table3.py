"""Table III: our means per row and network beside the paper's, in CSV, Markdown and LaTeX."""

import numpy as np
import pandas as pd
import pytest

from slacking import experiments
from slacking.data.images import write_png
from slacking.data.testsets import rain100l_pair_test_set
from slacking.table3 import table3, table3_latex, table3_markdown


@pytest.fixture
def settings(default_config):
    return default_config["experiments"]["table3"]


def runs(settings, e_b=5.0, trained=True):
    """Two test images per run; run i has E_R 10 + i and 12 + i (mean 11 + i)."""
    rows = []
    for i, (row, n) in enumerate(zip(settings["rows"], settings["counts"], strict=True)):
        for j, network in enumerate(settings["networks"]):
            run = {"network": network, "category": "natural", "rain_range": row["rain"], "n": n}
            for image, e_r in enumerate((10.0 + 10 * i + j, 12.0 + 10 * i + j)):
                rows.append({"kind": "model", **run, "image": image, "E_R": e_r, "E_B": e_b,
                             "PSNR": 25.0, "trained": trained})  # fmt: skip
    rows += [
        {"kind": "identity", "category": "natural", "image": 0, "E_R": 0.0, "E_B": 2.0},
        {"kind": "perfect", "category": "natural", "image": 0, "E_R": 30.0, "E_B": 0.0},
    ]
    return pd.DataFrame(rows)


def test_each_cell_is_our_mean_beside_the_paper(settings):
    table = table3(runs(settings), settings)
    assert len(table) == len(settings["rows"]) * len(settings["networks"]) * 3
    cell = table.query("row == 0 and network == 'spdnet' and metric == 'E_R'").iloc[0]
    assert cell["ours"] == pytest.approx(12.0)  # mean of 11 and 13 (row 0, second network)
    assert cell["paper"] == 33.63 and cell["difference"] == pytest.approx(12.0 - 33.63)
    missing = table.query("row == 1 and network == 'spdnet'")  # the paper has no SPDNet 64
    assert missing["paper"].isna().all() and missing["difference"].isna().all()
    assert table["trained"].all()  # E_B 5 is above the identity's 2, and gates nothing
    assert not table3(runs(settings, trained=False), settings)["trained"].any()


def test_markdown_and_latex_show_ours_and_the_paper(settings):
    table = table3(runs(settings), settings)
    text = table3_markdown(table, {"resnet": (1_000, 1_222_147)})
    assert "| 30,000 | 128 | medium | 11.00 (31.24; -20.24) |" in text
    assert "(—)" in text and "*" not in text.split("\n\n")[1]  # every run trained
    untrained = table3_markdown(table3(runs(settings, trained=False), settings), {}, "a/embedded")
    assert "Tested on a stand-in: a test backgrounds with the embedded test rain" in untrained
    assert "| 30,000 | 128 | medium | 11.00* (31.24; -20.24) |" in untrained
    assert "resnet 1,000 (paper scale 1,222,147)" in text
    latex = table3_latex(table)
    assert latex.startswith(r"\begin{tabular}{rrl" + "ccc" * 3 + "}")
    assert r"\toprule" in latex and r"\bottomrule" in latex
    assert "30{,}000 & 128 & medium & 11.00 (31.24)" in latex
    assert latex.count(r"\\") == 2 + len(settings["rows"])  # two header lines
    assert r"\multicolumn{3}{c}{SPDNet}" in latex


def test_a_row_without_runs_is_an_error(settings):
    table = runs(settings)
    table = table[~((table["rain_range"] == "large") & (table["n"] == 32))]
    with pytest.raises(KeyError):
        table3(table, settings)


def test_with_real_data_table_iii_is_tested_on_rain100l_pairs(default_config):
    """Issue 19: the paper's Table III is measured on Rain100L's own pairs, not on DIV2K
    backgrounds with Rain100L streaks; the embedded default keeps its stand-in."""
    embedded = experiments.family_runs(default_config, "table3")
    assert {experiments.test_set(default_config, run) for run in embedded} == {"natural/embedded"}
    real = {**default_config, "data_source": "real"}
    runs = experiments.family_runs(real, "table3")
    assert {experiments.test_set(real, run) for run in runs} == {"natural/rain100l-pairs"}
    assert all(experiments.metrics_path(run).startswith("metrics/rain100l/") for run in runs)
    # Training is untouched: the same models as the embedded preset's.
    assert [experiments.model_path(r) for r in runs] == [
        experiments.model_path(r) for r in embedded
    ]


def test_rain100l_pairs_give_b_i_and_the_mask_from_rainy_minus_clean(tmp_path):
    rng = np.random.default_rng(0)
    pairs = []
    for index in range(2):
        clean = rng.integers(0, 200, (40, 50, 3), dtype=np.uint8)
        streaks = np.where(rng.random((40, 50)) < 0.1, 50, 0).astype(np.uint8)
        rainy = np.clip(clean.astype(int) + streaks[..., None], 0, 255).astype(np.uint8)
        paths = (tmp_path / f"rain-{index}.png", tmp_path / f"norain-{index}.png")
        write_png(paths[0], rainy)
        write_png(paths[1], clean)
        pairs.append(paths)
    test_set = rain100l_pair_test_set(pairs, count=5, size=16, seed=3)
    assert test_set["I"].shape == test_set["B"].shape == (5, 16, 16, 3)
    difference = test_set["I"].astype(int) - test_set["B"].astype(int)
    assert np.array_equal(test_set["R"], difference.max(axis=-1))  # additive rain, recovered
    assert (test_set["R"] > 0).any() and (test_set["R"] == 0).any()
    again = rain100l_pair_test_set(pairs, count=5, size=16, seed=3)
    assert all(np.array_equal(test_set[k], again[k]) for k in "BRI")
