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


def _family(er_by_n, eb_by_n, identity_eb, trained=(True, True, True)):
    rows = [
        {"kind": "model", "network": "resnet", "category": "urban", "n": n, "E_R": er, "E_B": eb}
        | {"PSNR": 40.0 - eb, "rain_left": 0.1, "trained": ok, "final_ratio": 0.2}
        for (n, er), eb, ok in zip(er_by_n.items(), eb_by_n, trained, strict=True)
    ]
    rows += [
        {"kind": "identity", "category": "urban", "E_R": 0.0, "E_B": identity_eb},
        {"kind": "perfect", "category": "urban", "E_R": 30.0, "E_B": 0.0},
    ]
    return pd.DataFrame(rows)


def test_trained_comes_from_the_run_record_never_from_e_b():
    # E_B above the identity's everywhere: it gates nothing; the training record decides.
    table = _family({8: 40, 64: 30, 512: 20}, [9.0, 8.0, 7.0], 6.0, trained=(False, True, True))
    means = run_means(table)
    assert means["trained"].tolist() == [False, True, True]
    assert means["E_R_share"].tolist() == pytest.approx([40 / 30, 1.0, 20 / 30])
    text = summary_markdown(table)
    assert "## Not trained" in text
    assert "| resnet    | urban      |   8 |           0.2 |" in text
    assert "## Not trained" not in summary_markdown(_family({8: 40, 64: 30, 512: 20}, [9, 8, 7], 6))


def test_a_run_without_a_record_is_not_trained():
    table = _family({8: 40, 64: 30, 512: 20}, [5.0, 4.0, 3.0], 6.0).drop(columns="trained")
    assert not run_means(table)["trained"].any()


def test_images_without_a_region_are_left_out_and_counted():
    table = _family({8: 40, 64: 30, 512: 20}, [5.0, 4.0, 3.0], 6.0)
    extra = table.iloc[[0]].assign(E_R=np.nan, E_B=2.0)
    means = run_means(pd.concat([table, extra], ignore_index=True))
    assert means.loc[means["n"] == 8, "E_R"].item() == 40  # the NaN is not a 0
    assert means.loc[means["n"] == 8, "E_B"].item() == pytest.approx(3.5)
    assert means["missing"].tolist() == [1, 0, 0]


def test_the_rank_correlation_follows_the_data():
    falling = trend_table(run_means(_family({8: 40, 64: 30, 512: 20}, [3, 2, 1], 6.0)))
    rising = trend_table(run_means(_family({8: 20, 64: 30, 512: 40}, [1, 2, 3], 6.0)))
    assert falling["rho_E_R_vs_n"].item() == pytest.approx(-1.0)
    assert rising["rho_E_R_vs_n"].item() == pytest.approx(1.0)
    assert rising["rho_E_B_vs_n"].item() == pytest.approx(1.0)
    assert falling["trained_runs"].item() == "3/3"
    assert np.isnan(rank_correlation(pd.Series([1, 2]), pd.Series([2, 1])))
