"""Table III: our means per row and network beside the paper's, in CSV, Markdown and LaTeX."""

import pandas as pd
import pytest

from slacking.table3 import table3, table3_latex, table3_markdown


@pytest.fixture
def settings(default_config):
    return default_config["experiments"]["table3"]


def runs(settings, e_b=5.0):
    """Two test images per run; run i has E_R 10 + i and 12 + i (mean 11 + i)."""
    rows = []
    for i, (row, n) in enumerate(zip(settings["rows"], settings["counts"], strict=True)):
        for j, network in enumerate(settings["networks"]):
            run = {"network": network, "category": "natural", "rain_range": row["rain"], "n": n}
            for image, e_r in enumerate((10.0 + 10 * i + j, 12.0 + 10 * i + j)):
                rows.append({"kind": "model", **run, "image": image, "E_R": e_r, "E_B": e_b,
                             "PSNR": 25.0})  # fmt: skip
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
    assert not table["converged"].any()  # E_B 5 is above the identity's 2


def test_markdown_and_latex_show_ours_and_the_paper(settings):
    table = table3(runs(settings, e_b=1.0), settings)
    text = table3_markdown(table, {"resnet": (1_000, 1_222_147)})
    assert "| 30,000 | 128 | medium | 11.00 (31.24; -20.24) |" in text
    assert "(—)" in text and "*" not in text.split("\n\n")[1]  # every run converged
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
