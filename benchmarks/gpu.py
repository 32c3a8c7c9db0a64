"""GPU training throughput at paper scale, and many small models per GPU by stacking.

Part 1, per network of the papers' run table (``build(name)``, 128x128 patches, batch 16):
training images per second of our full step (``Trainer.step``: batches and rain rendered on
the GPU a block of iterations at a time from uint8 patches kept there, so there is no
host-to-device copy to pin) for fp32, bf16 autocast, channels_last, both, and with
``--compile`` bf16 with ``training.compile`` (``torch.compile`` of model and loss); ratios
against fp32 of the same run. From these step times and the run table of
``config/paper.yaml`` (``slacking.experiments.run_table``: every run with its network and
iterations) it prints the projected GPU-hours of the paper preset, in fp32 and in each
network's fastest variant.

Part 2, the ResNet grid: ``StackedTrainer`` with M runs against one run at a time (M = 1 in
the same process): aggregate model-iterations per second for every M. Target: at least 3x.

    python benchmarks/gpu.py                       # on a CUDA machine
    python benchmarks/gpu.py --device cpu --small  # the default preset's sizes on a CPU
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import statistics
import tempfile
import time
from functools import partial
from pathlib import Path

import numpy as np
import torch

from slacking.experiments import run_table
from slacking.rain import rain_range_from_config
from slacking.stacked import StackedTrainer
from slacking.training import Trainer, TrainSettings
from train_step import ROOT, load_config

TARGET_STACK_RATIO = 3.0
VARIANTS = {
    "fp32": {},
    "bf16": {"bf16": True},
    "channels_last": {"channels_last": True},
    "bf16+channels_last": {"bf16": True, "channels_last": True},
}


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def seconds_per_step(step, device, iterations: int, warmup: int) -> float:
    for _ in range(warmup):
        step()
    synchronize(device)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(iterations):
            step()
        synchronize(device)
        times.append((time.perf_counter() - start) / iterations)
    return statistics.median(times)


def peak_memory_mb(device) -> float | None:
    if device.type != "cuda":
        return None
    return round(torch.cuda.max_memory_allocated(device) / 2**20, 1)


def timed(build_step, device: torch.device, args) -> tuple[float, float | None]:
    """(seconds per step, peak MB) of the step ``build_step()`` makes, alone on the device:
    whatever an earlier measurement left is collected first, so peaks do not add up."""
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(device)
    step = build_step()
    return seconds_per_step(step, device, args.iterations, args.warmup), peak_memory_mb(device)


def make_trainers(settings: TrainSettings, count: int, size: int, work: Path) -> list[Trainer]:
    """``count`` runs on subsets of 8, 16, ..., 256 patches, as the patch-count grid has."""
    rng = np.random.default_rng(0)
    patches = rng.integers(0, 256, (256, size, size, 3), dtype=np.uint8)
    return [Trainer(patches[: 8 << i % 6], settings, work / f"run{i}") for i in range(count)]


def iteration(step, trainers: list[Trainer]):
    """One iteration of the loop: ``step`` and every run's iteration count (which picks the
    batch of the block, and when the next block is rendered)."""

    def advance():
        step()
        for trainer in trainers:
            trainer.iteration += 1

    return advance


def variant_step(settings: TrainSettings, options: dict, size: int, work: Path):
    """The training step of one run with ``options`` (TrainSettings fields: bf16,
    channels_last, compile)."""
    trainer = make_trainers(dataclasses.replace(settings, **options), 1, size, work)[0]
    return iteration(trainer.step, [trainer])


def stacked_step(settings: TrainSettings, count: int, size: int, work: Path):
    """The step of ``count`` runs trained as one stack (one run: its own step)."""
    trainers = make_trainers(settings, count, size, work)
    if count == 1:
        return iteration(trainers[0].step, trainers)
    stacked = StackedTrainer(trainers)
    stacked._stack(trainers)  # noqa: SLF001  (the benchmark times steps, not whole runs)
    return iteration(stacked.step, trainers)


def network_throughput(settings, size, args, work) -> dict:
    rows = {}
    variants = dict(VARIANTS)
    if args.compile:
        variants["bf16+compile"] = {"bf16": True, "compile": True}
    for name, options in variants.items():
        build_step = partial(variant_step, settings, dict(options), size, work / name)
        seconds, peak = timed(build_step, torch.device(settings.device), args)
        rows[name] = {
            "images_per_second": round(settings.batch_size / seconds, 1),
            "ms_per_step": round(1e3 * seconds, 2),
            "peak_memory_mb": peak,
        }
    for row in rows.values():
        row["speedup_vs_fp32"] = round(
            row["images_per_second"] / rows["fp32"]["images_per_second"], 2
        )
    return rows


def stacked_throughput(settings, size, args, work) -> dict:
    rows = {}
    for count in args.stack:
        build_step = partial(stacked_step, settings, count, size, work / f"stack{count}")
        seconds, peak = timed(build_step, torch.device(settings.device), args)
        rows[str(count)] = {
            "model_iterations_per_second": round(count / seconds, 2),
            "ms_per_step": round(1e3 * seconds, 2),
            "peak_memory_mb": peak,
        }
    single = rows["1"]["model_iterations_per_second"]
    for row in rows.values():
        row["ratio_vs_one_at_a_time"] = round(row["model_iterations_per_second"] / single, 2)
    return rows


def paper_projection(networks: dict, paper: dict) -> dict:
    """GPU-hours of ``paper``'s run table from the measured steps: per network (a content-prior
    VQGAN run counts as a vqgan step), its runs and iterations x seconds per step in fp32 and
    in its fastest variant; runs of networks not measured are listed, not guessed, and so are
    those of no image network (function denoising's 1-D network, a CPU job)."""
    table = run_table(paper)
    table["base"] = table["network"].str.split("-").str[0]
    rows, missing, other = {}, {}, {}
    for base, runs in table.groupby("base"):
        iterations = int(runs["iterations"].sum())
        if base not in networks:
            where = missing if base in paper["networks"] else other
            where[base] = {"runs": len(runs), "iterations": iterations}
            continue
        variants = networks[base]
        fastest = min(variants, key=lambda name: variants[name]["ms_per_step"])
        hours = {
            name: round(iterations * variants[name]["ms_per_step"] / 1e3 / 3600, 1)
            for name in ("fp32", fastest)
        }
        rows[base] = {
            "runs": len(runs),
            "iterations": iterations,
            "fastest": fastest,
            "gpu_hours_fp32": hours["fp32"],
            "gpu_hours_fastest": hours[fastest],
        }
    return {
        "networks": rows,
        "not_measured": missing,
        "not_image_networks": other,
        "gpu_hours_fp32": round(sum(r["gpu_hours_fp32"] for r in rows.values()), 1),
        "gpu_hours_fastest": round(sum(r["gpu_hours_fastest"] for r in rows.values()), 1),
    }


def print_projection(projection: dict) -> None:
    print("projected GPU-hours of config/paper.yaml (one run at a time):")
    for network, row in projection["networks"].items():
        print(
            f"  {network}: {row['runs']} runs, {row['iterations']:,} iterations: "
            f"{row['gpu_hours_fp32']:.1f} h fp32, {row['gpu_hours_fastest']:.1f} h "
            f"{row['fastest']}"
        )
    for network, row in projection["not_measured"].items():
        print(f"  {network}: {row['runs']} runs, {row['iterations']:,} iterations: not measured")
    for network, row in projection["not_image_networks"].items():
        print(f"  {network}: {row['runs']} runs: not an image network (a CPU job), not projected")
    print(
        f"  total: {projection['gpu_hours_fp32']:.1f} h fp32, "
        f"{projection['gpu_hours_fastest']:.1f} h in each network's fastest variant"
    )


def print_stacked(rows: dict, device: str) -> None:
    """Every M, not only the best: a ratio below 1 means one run at a time is faster."""
    for count, row in rows.items():
        print(
            f"stacked resnet ({device}) M={count}: {row['model_iterations_per_second']:.1f} "
            f"model-it/s, {row['ratio_vs_one_at_a_time']:.2f}x one at a time"
        )


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="results/benchmarks/gpu.json")
    parser.add_argument("--device", default="cuda")
    parser.add_argument(
        "--networks",
        nargs="*",
        default=["resnet", "unet", "swinir", "spdnet", "rcdnet", "vqgan"],
        help="default: every network of the papers' run table",
    )
    parser.add_argument("--stack", nargs="*", type=int, default=[1, 3, 9, 18, 36])
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--compile", action="store_true", help="also time torch.compile")
    parser.add_argument(
        "--small", action="store_true", help="the default preset's networks, patches and batch"
    )
    args = parser.parse_args(argv)
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("no CUDA device here; see benchmarks/README.md (or --device cpu --small)")
    if 1 not in args.stack:
        args.stack = [1, *args.stack]

    config = load_config([])
    rain = rain_range_from_config(config["rain"], config["experiments"]["patch_count"]["rain"])
    small = (config["patches"]["size"], config["training"]["batch_size"])
    size, batch = small if args.small else (128, 16)
    result = {
        "benchmark": "GPU training throughput (paper-scale networks) and stacked runs",
        "device": torch.cuda.get_device_name(args.device) if args.device != "cpu" else "cpu",
        "size": size,
        "batch": batch,
        "small": args.small,
        "networks": {},
        "torch": torch.__version__,
    }
    with tempfile.TemporaryDirectory() as work:
        for network in args.networks:
            kwargs = config["networks"][network] if args.small else {}
            settings = TrainSettings(
                network, kwargs, rain, iterations=10**6, batch_size=batch, device=args.device
            )
            result["networks"][network] = network_throughput(settings, size, args, Path(work))
            print(f"{network}: {json.dumps(result['networks'][network])}")
        kwargs = config["networks"]["resnet"] if args.small else {}
        settings = TrainSettings(
            "resnet", kwargs, rain, iterations=10**6, batch_size=batch, device=args.device
        )
        result["stacked_resnet"] = stacked_throughput(settings, size, args, Path(work))
    best = max(row["ratio_vs_one_at_a_time"] for row in result["stacked_resnet"].values())
    result["stacked_best_ratio"] = best
    result["target_stack_ratio"] = TARGET_STACK_RATIO
    result["target_met"] = best >= TARGET_STACK_RATIO
    print_stacked(result["stacked_resnet"], result["device"])
    if not args.small and result["networks"]:
        paper = load_config([str(ROOT / "config/paper.yaml")])
        result["paper_projection"] = paper_projection(result["networks"], paper)
        print_projection(result["paper_projection"])
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
