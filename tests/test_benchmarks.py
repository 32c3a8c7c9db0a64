"""The benchmark runners run (briefly) and report what they measured; no timing is asserted."""

import json
import math
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import gpu  # noqa: E402
import run  # noqa: E402
import train_step  # noqa: E402


def test_training_step_benchmark_reports_overhead_and_data_share(tmp_path):
    out = tmp_path / "train_step.json"
    args = ["--networks", "resnet", "--rounds", "1"]
    result = train_step.main([*args, "--out", str(out)])
    assert json.loads(out.read_text()) == result
    row = result["networks"]["resnet"]
    assert row["plain_ms_per_step"] > 0 and row["ours_ms_per_step"] > 0
    assert 0 < row["data_fraction"] < 1 and math.isfinite(row["overhead"])
    assert result["worst_overhead"] == row["overhead"]


def test_stacked_benchmark_runs_on_cpu(tmp_path):
    args = ["--device", "cpu", "--small", "--networks", "resnet", "--stack", "2"]
    result = gpu.main([*args, "--iterations", "1", "--warmup", "1", "--out", str(tmp_path / "g")])
    assert set(result["stacked_resnet"]) == {"1", "2"}  # one at a time is always the reference
    assert result["stacked_resnet"]["1"]["ratio_vs_one_at_a_time"] == 1.0
    assert set(result["networks"]["resnet"]) == set(gpu.VARIANTS)
    assert result["target_met"] == (result["stacked_best_ratio"] >= gpu.TARGET_STACK_RATIO)


def test_summary_has_a_row_per_headline(tmp_path):
    results = {
        "train_step": train_step.main(
            ["--networks", "resnet", "--rounds", "1", "--out", str(tmp_path / "t.json")]
        ),
        "dag": {
            "jobs": {"paper": 300, "default": 100},
            "seconds": {"paper": 12.0, "default": 4.0},
            "ratio_paper_to_default": 3.0,
            "target_seconds": 10.0,
        },
    }
    text = run.write_summary(results, tmp_path, seconds=60).read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + 2  # header, training step, DAG
    assert "12.0 s" in text and "300 jobs" in text
