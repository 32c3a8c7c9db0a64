"""The benchmark runners run (briefly) and report what they measured; no timing is asserted."""

import json
import math
import sys

import pytest

from conftest import ROOT
from slacking.training import compile_unavailable

sys.path.insert(0, str(ROOT / "benchmarks"))

import gpu  # noqa: E402
import run  # noqa: E402
import train_step  # noqa: E402


def test_training_step_benchmark_reports_overhead_data_share_and_ops(tmp_path):
    out = tmp_path / "train_step.json"
    args = ["--networks", "resnet", "--rounds", "1", "--no-compile"]
    result = train_step.main([*args, "--out", str(out)])
    assert json.loads(out.read_text()) == result
    row = result["networks"]["resnet"]
    assert row["plain_ms_per_step"] > 0 and row["ours_ms_per_step"] > 0
    assert 0 < row["data_fraction"] < 1 and math.isfinite(row["overhead"])
    assert result["worst_overhead"] == row["overhead"]
    # The op count is a count, not a timing: the L1 loss (2 ops, as in the plain loop, which
    # also reads its last loss), the detached loss, and each block's batch and rain spread
    # over its 20 iterations.
    assert row["plain_ops_per_step"] == 2 + 1 / 20
    assert 3 <= row["ops_per_step"] <= train_step.TARGET_OPS_PER_STEP
    assert row["ops_by_name"]["aten::l1_loss"] == 1
    assert result["worst_ops_per_step"] == row["ops_per_step"]
    assert row["compile"].startswith("not asked")


@pytest.mark.skipif(compile_unavailable() is not None, reason=str(compile_unavailable()))
def test_training_step_benchmark_times_the_compiled_step(tmp_path):
    args = ["--networks", "resnet", "--rounds", "1", "--out", str(tmp_path / "t.json")]
    row = train_step.main(args)["networks"]["resnet"]
    assert row["compile"] == "measured"
    assert row["compiled_ms_per_step"] > 0 and row["compile_speedup"] > 0
    assert row["compile_seconds"] > 0


def test_stacked_benchmark_runs_on_cpu(tmp_path, capsys):
    args = ["--device", "cpu", "--small", "--networks", "resnet", "--stack", "2"]
    result = gpu.main([*args, "--iterations", "1", "--warmup", "1", "--out", str(tmp_path / "g")])
    assert set(result["stacked_resnet"]) == {"1", "2"}  # one at a time is always the reference
    assert result["stacked_resnet"]["1"]["ratio_vs_one_at_a_time"] == 1.0
    assert set(result["networks"]["resnet"]) == set(gpu.VARIANTS)
    assert result["target_met"] == (result["stacked_best_ratio"] >= gpu.TARGET_STACK_RATIO)
    printed = capsys.readouterr().out
    assert "M=1:" in printed and "M=2:" in printed  # every M, not only the best


def test_the_paper_projection_uses_the_run_table_and_names_what_was_not_measured():
    paper = train_step.load_config([str(ROOT / "config/paper.yaml")])
    step = {"fp32": {"ms_per_step": 360.0}, "bf16": {"ms_per_step": 180.0}}
    projection = gpu.paper_projection({"resnet": step}, paper)
    resnet = projection["networks"]["resnet"]
    assert resnet["fastest"] == "bf16"
    # 0.36 s per iteration is 0.1 h per 1,000 iterations.
    assert resnet["gpu_hours_fp32"] == round(resnet["iterations"] / 10_000, 1)
    assert resnet["gpu_hours_fastest"] == round(resnet["iterations"] / 20_000, 1)
    assert {"unet", "swinir"} <= set(projection["not_measured"])
    assert projection["gpu_hours_fp32"] == resnet["gpu_hours_fp32"]


def test_summary_has_a_row_per_headline_and_per_stacked_m(tmp_path):
    stacked = {
        str(m): {"model_iterations_per_second": 10.0 * r, "ratio_vs_one_at_a_time": r}
        for m, r in ((1, 1.0), (3, 0.84), (9, 1.2))
    }
    results = {
        "train_step": train_step.main(
            ["--networks", "resnet", "--rounds", "1", "--no-compile"]
            + ["--out", str(tmp_path / "t.json")]
        ),
        "dag": {
            "jobs": {"paper": 300, "default": 100},
            "seconds": {"paper": 12.0, "default": 4.0},
            "ratio_paper_to_default": 3.0,
            "target_seconds": 10.0,
        },
        "stacked_cpu": {"stacked_resnet": stacked},
    }
    text = run.write_summary(results, tmp_path, seconds=60).read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + 2 + 2  # header, training step, DAG, stacked M = 3 and 9
    assert "12.0 s" in text and "300 jobs" in text
    assert "M=3" in text and "0.84x" in text and "M=9" in text
    assert "ops/step" in text
