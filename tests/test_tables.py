import numpy as np
import pandas as pd
import pytest

from slacking.tables import rank_correlation, run_means, summary_markdown, trend_table


def test_summary_averages_over_images_and_lists_baselines():
    rows = [
        {
            "kind": "model",
            "network": "resnet",
            "category": "faces",
            "n": 8,
            "E_R": 10,
            "E_B": 4,
            "PSNR": 20,
        },
        {
            "kind": "model",
            "network": "resnet",
            "category": "faces",
            "n": 8,
            "E_R": 20,
            "E_B": 6,
            "PSNR": 18,
        },
        {
            "kind": "model",
            "network": "resnet",
            "category": "faces",
            "n": 64,
            "E_R": 3,
            "E_B": 2,
            "PSNR": 25,
        },
        {"kind": "identity", "category": "faces", "E_R": 0, "E_B": 1.5},
        {"kind": "perfect", "category": "faces", "E_R": 25, "E_B": 0},
    ]
    text = summary_markdown(pd.DataFrame(rows))
    er, eb = text.split("## Mean E_B")
    assert "| resnet    | faces      |    15 |      3 |          0 |        25 |" in er
    assert "| resnet    | faces      |     5 |      2 |        1.5 |         0 |" in eb


def _family(er_by_n, eb_by_n, identity_eb):
    rows = [
        {"kind": "model", "network": "resnet", "category": "urban", "n": n, "E_R": er, "E_B": eb}
        | {"PSNR": 40.0 - eb}
        for (n, er), eb in zip(er_by_n.items(), eb_by_n, strict=True)
    ]
    rows += [
        {"kind": "identity", "category": "urban", "E_R": 0.0, "E_B": identity_eb},
        {"kind": "perfect", "category": "urban", "E_R": 30.0, "E_B": 0.0},
    ]
    return pd.DataFrame(rows)


def test_a_run_converges_only_when_its_e_b_is_below_the_identity():
    table = _family({8: 40, 64: 30, 512: 20}, [9.0, 5.0, 3.0], identity_eb=6.0)
    means = run_means(table)
    assert means["converged"].tolist() == [False, True, True]
    text = summary_markdown(table)
    assert "## Not converged" in text
    assert "| resnet    | urban      |   8 |     9 |              6 |" in text
    assert "## Not converged" not in summary_markdown(
        _family({8: 40, 64: 30, 512: 20}, [5.0, 4.0, 3.0], identity_eb=6.0)
    )


def test_the_rank_correlation_follows_the_data():
    falling = trend_table(run_means(_family({8: 40, 64: 30, 512: 20}, [3, 2, 1], 6.0)))
    rising = trend_table(run_means(_family({8: 20, 64: 30, 512: 40}, [1, 2, 3], 6.0)))
    assert falling["rho_E_R_vs_n"].item() == pytest.approx(-1.0)
    assert rising["rho_E_R_vs_n"].item() == pytest.approx(1.0)
    assert rising["rho_E_B_vs_n"].item() == pytest.approx(1.0)
    assert falling["converged_runs"].item() == "3/3"
    assert np.isnan(rank_correlation(pd.Series([1, 2]), pd.Series([2, 1])))
