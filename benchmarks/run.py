"""Run the benchmark suite: results/benchmarks/*.json and a Markdown summary of the ratios.

Each benchmark compares against a reference measured in the same run (a plain PyTorch loop,
a per-image OpenCV renderer, the default preset's DAG, one model at a time), so numbers from
noisy machines stay comparable. The end-to-end run of the default preset (about 20 minutes)
and the GPU benchmark are opt-in; ``--no-compile`` skips the torch.compile timing of the
training step (a few minutes of compiling on a 2-core CPU).

    python benchmarks/run.py [--end-to-end] [--gpu] [--out results/benchmarks]
"""

from __future__ import annotations

import argparse
import datetime
import platform
import time
from pathlib import Path

import torch

import dag
import default_preset
import gpu
import rain
import train_step

ROOT = Path(__file__).resolve().parents[1]


def _percent(value: float) -> str:
    return f"{100 * value:+.1f}%"


def summary_rows(results: dict) -> list[tuple[str, str, str, str, str]]:
    """(benchmark, ours, reference, ratio or share, target) for each headline figure."""
    rows = []
    if "train_step" in results:
        for name, row in results["train_step"]["networks"].items():
            compiled = (
                f"; compiled {row['compile_speedup']:.2f}x"
                if "compile_speedup" in row
                else "; compile not measured"
            )
            rows.append(
                (
                    f"training step, {name} (CPU, batch {row['batch']}, {row['size']} px)",
                    f"{row['ours_ms_per_step']:.1f} ms",
                    f"plain loop {row['plain_ms_per_step']:.1f} ms",
                    f"overhead {_percent(row['overhead'])}; data {100 * row['data_fraction']:.1f}%"
                    f"; {row['ops_per_step']:.1f} ops/step{compiled}",
                    "overhead ≤ 5%, data < 5%, ≤ 10 ops/step",
                )
            )
    if "rain" in results:
        r = results["rain"]
        medium = r["ranges"][r["headline_range"]]
        rows.append(
            (
                f"training rain, {r['headline_range']} (batch {r['batch']}, {r['size']} px)",
                f"{medium['ours_ms_per_patch']:.3f} ms/patch",
                f"OpenCV per image {medium['reference_ms_per_patch']:.3f} ms/patch",
                f"{r['ratio']:.1f}x ({r['ratio_after_training_sized_free']:.1f}x warm)",
                f"≥ {r['target_ratio']:.0f}x",
            )
        )
    if "dag" in results:
        d = results["dag"]
        rows.append(
            (
                f"DAG, paper config ({d['jobs']['paper']} jobs)",
                f"{d['seconds']['paper']:.1f} s",
                f"default preset ({d['jobs']['default']} jobs) {d['seconds']['default']:.1f} s",
                f"{d['ratio_paper_to_default']:.2f}",
                f"< {d['target_seconds']:.0f} s",
            )
        )
    for key, label in (("stacked_cpu", "CPU, default preset sizes"), ("gpu", "GPU, paper scale")):
        if key in results:
            stacked = results[key]["stacked_resnet"]
            single = stacked["1"]["model_iterations_per_second"]
            for count, row in stacked.items():  # every M: below 1x, one at a time is faster
                if count == "1":
                    continue
                rows.append(
                    (
                        f"stacked ResNet runs, {label}, M={count}",
                        f"{row['model_iterations_per_second']:.1f} model-it/s",
                        f"one at a time {single:.1f} model-it/s",
                        f"{row['ratio_vs_one_at_a_time']:.2f}x",
                        f"≥ {gpu.TARGET_STACK_RATIO:.0f}x (GPU)",
                    )
                )
    if "gpu" in results and "paper_projection" in results["gpu"]:
        projection = results["gpu"]["paper_projection"]
        rows.append(
            (
                "paper preset, projected GPU-hours (one run at a time)",
                f"{projection['gpu_hours_fastest']:.0f} h (fastest variant)",
                f"fp32 {projection['gpu_hours_fp32']:.0f} h",
                f"{projection['gpu_hours_fp32'] / projection['gpu_hours_fastest']:.2f}x",
                "",
            )
        )
    if "end_to_end" in results:
        e = results["end_to_end"]
        rows.append(
            (
                f"default preset end to end ({e['jobs']} jobs)",
                f"{e['wall_seconds'] / 60:.1f} min",
                f"target {e['target_seconds'] / 60:.0f} min",
                f"{e['ratio_to_target']:.2f}",
                "≤ 1",
            )
        )
    return rows


def write_summary(results: dict, out: Path, seconds: float) -> Path:
    lines = [
        "# Benchmarks",
        "",
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
        f"torch {torch.__version__}, {seconds / 60:.1f} min. Raw numbers: the JSON files here.",
        "",
        "| benchmark | ours | reference (same run) | ratio | target |",
        "|---|---|---|---|---|",
        *("| " + " | ".join(row) + " |" for row in summary_rows(results)),
        "",
    ]
    path = out / "summary.md"
    path.write_text("\n".join(lines))
    return path


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "results/benchmarks")
    parser.add_argument("--end-to-end", action="store_true", help="also time the default preset")
    parser.add_argument("--gpu", action="store_true", help="also run benchmarks/gpu.py on CUDA")
    parser.add_argument(
        "--no-compile", dest="compile", action="store_false", help="skip torch.compile timings"
    )
    args = parser.parse_args(argv)

    out = args.out
    start = time.perf_counter()
    compile_flag = [] if args.compile else ["--no-compile"]
    results = {
        "train_step": train_step.main(["--out", str(out / "train_step.json"), *compile_flag]),
        "rain": rain.main(["--out", str(out / "rain.json")]),
        "dag": dag.main(["--out", str(out / "dag.json")]),
        "stacked_cpu": gpu.main(
            [
                "--device",
                "cpu",
                "--small",
                "--networks",
                "--stack",
                "1",
                "3",
                "9",
                "--out",
                str(out / "stacked_cpu.json"),
            ]
        ),
    }
    if args.gpu:
        gpu_compile = ["--compile"] if args.compile else []
        results["gpu"] = gpu.main(["--out", str(out / "gpu.json"), *gpu_compile])
    if args.end_to_end:
        results["end_to_end"] = default_preset.main(["--out", str(out / "default_preset.json")])
    path = write_summary(results, out, time.perf_counter() - start)
    print(path.read_text())
    return results


if __name__ == "__main__":
    main()
