"""The function-denoising analogue (journal Sec. V): data, network, MSE, tables, workflow."""

import numpy as np
import pandas as pd
import pytest
import torch

from slacking.function_denoising import (
    CosineTask,
    Noise,
    ToyTraining,
    denoise,
    mse,
    train_denoiser,
    training_segments,
    whole_curve,
)
from slacking.function_denoising_tables import function_denoising_table
from slacking.models import build
from slacking.plotting.function_denoising import panel_specs

TASK = CosineTask()


def test_segments_have_the_requested_shape_sorted_x_and_curve_density():
    inputs, clean = training_segments(TASK, 4, Noise(0, 1), 500, 128, 1024, seed=0)
    assert inputs.shape == (500, 2, 128) and clean.shape == (500, 1, 128)
    assert inputs.dtype == clean.dtype == np.float32
    x = inputs[:, 0]
    assert (np.diff(x, axis=1) >= 0).all()
    assert x.min() >= -10 and x.max() <= 10
    width = 20 * 128 / 1024  # the x-extent of 128 points on a 1024-point curve
    spans = x.max(axis=1) - x.min(axis=1)
    assert spans.max() <= width and spans.mean() > 0.95 * width
    np.testing.assert_allclose(clean[:, 0], 10 * np.cos(4 * np.pi * x / 10), atol=1e-4)


@pytest.mark.parametrize(("mean", "std"), [(0.0, 1.0), (10.0, 5.0)])
def test_the_noise_has_the_requested_mean_and_variance(mean, std):
    inputs, clean = training_segments(TASK, 1, Noise(mean, std), 2000, 128, 1024, seed=1)
    noise = (inputs[:, 1] - clean[:, 0]).astype(np.float64)
    # 256,000 samples: the standard error of the mean is std / 506.
    assert abs(noise.mean() - mean) < 5 * std / 506
    assert abs(noise.var() / std**2 - 1) < 0.02


def test_data_is_fixed_by_the_seed():
    first = training_segments(TASK, 8, Noise(0, 1), 10, 128, 1024, seed=[0, 8])
    again = training_segments(TASK, 8, Noise(0, 1), 10, 128, 1024, seed=[0, 8])
    other = training_segments(TASK, 8, Noise(0, 1), 10, 128, 1024, seed=[1, 8])
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(first[0], other[0])


def test_a_segment_longer_than_the_curve_is_refused():
    with pytest.raises(ValueError, match="exceeds the curve"):
        training_segments(TASK, 1, Noise(0, 1), 1, 200, 100, seed=0)


def test_the_test_curve_spans_the_whole_range():
    curve = whole_curve(TASK, 8, Noise(10, 5), 1024, seed=[0, 8, 2])
    assert curve["input"].shape == (2, 1024)
    assert curve["x"].min() < -9.9 and curve["x"].max() > 9.9
    assert abs((curve["input"][1] - curve["clean"]).mean() - 10) < 1


def test_mse_by_hand_and_shape_check():
    assert mse(np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 6.0])) == pytest.approx(13 / 3)
    assert mse(np.zeros(5), np.zeros(5)) == 0.0
    with pytest.raises(ValueError, match="shapes differ"):
        mse(np.zeros(4), np.zeros(5))


def test_paper_scale_network_has_about_400k_parameters():
    # 1-D convolutions, kernel 5: 2->160 (1,760) + 3 x 160->160 (128,160 each) + 160->1 (801).
    assert sum(p.numel() for p in build("toy1d").parameters()) == 387_041


def test_network_keeps_the_curve_length_and_rejects_even_kernels():
    model = build("toy1d", channels=8)
    assert model(torch.zeros(3, 2, 37)).shape == (3, 1, 37)
    with pytest.raises(ValueError, match="odd"):
        build("toy1d", kernel_size=4)


def test_training_fits_the_clean_function():
    inputs, clean = training_segments(TASK, 1, Noise(0, 1), 500, 128, 1024, seed=0)
    curve = whole_curve(TASK, 1, Noise(0, 1), 1024, seed=1)
    settings = ToyTraining(iterations=300, lr=2e-3, network_kwargs={"channels": 16})
    before = mse(denoise(build("toy1d", channels=16).eval(), curve["input"]), curve["clean"])
    after = mse(denoise(train_denoiser(inputs, clean, settings), curve["input"]), curve["clean"])
    noisy = mse(curve["input"][1], curve["clean"])  # ~1, the noise variance
    assert after < 0.5 * noisy and after < 0.1 * before


def test_table_puts_the_paper_value_beside_ours(tmp_path):
    rows = [
        {
            "train_order": 1,
            "test_order": o,
            "noise_mean": m,
            "noise_std": s,
            "noise_index": i,
            "mse": 0.01 * o + m,
        }
        for o in (1, 8)
        for i, (m, s) in enumerate([(0, 1), (10, 5)])
    ]
    path = tmp_path / "O1.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    paper = [{"train_order": 1, "test_order": 1, "noise": [10, 5], "mse": 0.3544}]
    table = function_denoising_table([path], paper, [[0, 1], [10, 5]])
    stated = table.dropna(subset=["paper_mse"])
    assert len(stated) == 1
    row = stated.iloc[0]
    assert (row["test_order"], row["noise_mean"], row["mse"]) == (1, 10, 10.01)
    assert row["ratio_to_paper"] == pytest.approx(10.01 / 0.3544)


def test_workflow_rules_are_in_the_default_dag():
    from test_workflow import job_counts

    counts = job_counts("results/figures/fig13.pdf")
    assert counts["function_denoising_train"] == 3
    assert counts["function_denoising_test"] == 3
    assert set(counts) == {
        "function_denoising_train",
        "function_denoising_test",
        "function_denoising_table",
        "function_denoising_figure_fig13",  # Fig. 11's rule, with Fig. 13's files
        "total",
    }


def test_panels_follow_the_papers_figures():
    orders, noises, train = [1, 4, 8], 3, 0
    four = [[1, 0], [1, 2], [8, 0], [8, 2]]  # O = 1, 8 under N(0, 1) and N(10, 5)
    assert panel_specs("11", orders, noises, train, four) == (
        [(1, 1, 0), (1, 1, 2), (1, 8, 0), (1, 8, 2)],
        (2, 2),
    )
    assert panel_specs("12", orders, noises, train, four)[0] == [
        (8, 1, 0), (8, 1, 2), (8, 8, 0), (8, 8, 2)
    ]  # fmt: skip
    specs13, shape13 = panel_specs("13", orders, noises, train, four)
    assert shape13 == (3, 3) and specs13[0] == (1, 1, 0) and specs13[8] == (8, 8, 0)
    assert specs13[1] == (1, 4, 0)  # row: training order, column: test order
    specs14, shape14 = panel_specs("14", orders, noises, train, four)
    assert shape14 == (3, 3) and specs14[2] == (1, 1, 2) and specs14[8] == (8, 8, 2)
