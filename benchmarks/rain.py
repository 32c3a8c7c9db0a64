"""Time the batched training-rain renderer against a per-image OpenCV version of the same model.

Rain is rendered online for every training batch, so it must stay cheap next to a training
step.  The reference is what one would write first with OpenCV (the Photoshop recipe image by
image: impulse canvas, Gaussian blur of size w, a rotated line kernel, ``filter2D``); both add
their rain to the same clean batch in the same process, timed alternately, medians compared.
Both render the config's rain (``rain`` in config/config.yaml: Table I's rows, the intensity
and the reference size the counts are given for), so both draw the same number of streaks.

Every Table I row is timed in its own fresh process, twice: as it starts, and after a 16 MB
tensor has been freed, as every training step frees such tensors.  glibc then keeps freed
memory instead of returning it to the OS, so megabyte-sized buffers stop costing a page fault
per 4 KB (dear in a VM).  The Medium row is the headline, against the 10x target.

    python benchmarks/rain.py [--out results/benchmarks/rain.json] [--batch 16] [--size 128]
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import platform
import statistics
import time
from pathlib import Path

import cv2
import numpy as np
import torch
import yaml

from slacking.rain import RainRange, add_training_rain, rain_range_from_config

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 10.0
HEADLINE = "medium"
THREADS = 2


def reference_rain(clean: np.ndarray, rain_range: RainRange, rng: np.random.Generator):
    """The same model image by image with NumPy and OpenCV: (rainy, rain) for clean (N,C,H,W)."""
    n, _, size, _ = clean.shape
    low, high = rain_range.count_range(size, size)
    rain = np.empty((n, 1, size, size), dtype=np.float32)
    for i in range(n):
        count = int(rng.integers(low, high + 1))
        width = int(rng.choice(rain_range.widths))
        length = rng.uniform(*rain_range.length)
        angle = rng.uniform(*rain_range.angle)
        positions = rng.integers(0, size * size, count)
        weights = rng.uniform(*rain_range.intensity, count)
        canvas = np.bincount(positions, weights, minlength=size * size).astype(np.float32)
        canvas = canvas.reshape(size, size)
        # Blurring a unit impulse gives a peak of g0**2; smearing it along a line sums the
        # other g0 away, so dividing by g0 leaves streaks that peak near their brightness.
        centre_weight = cv2.getGaussianKernel(width, 0)[width // 2, 0]
        blobs = cv2.GaussianBlur(canvas, (width, width), 0) / centre_weight
        side = 2 * math.ceil(length / 2) + 1
        line = np.zeros((side, side), dtype=np.float32)
        top = round((side - length) / 2)
        line[top : side - top, side // 2] = 1.0
        rotation = cv2.getRotationMatrix2D((side // 2, side // 2), angle, 1.0)
        kernel = cv2.warpAffine(line, rotation, (side, side))
        rain[i, 0] = cv2.filter2D(blobs, -1, kernel)
    np.clip(rain, 0, 1, out=rain)
    return np.clip(clean + rain, 0, 1), rain


def measure(clean: torch.Tensor, rain_range: RainRange, repeats: int, warmup: int) -> dict:
    """Median milliseconds per patch of ours and of the reference, timed alternately."""
    generator = torch.Generator().manual_seed(0)
    rng = np.random.default_rng(0)
    clean_array = clean.numpy()
    ours, reference = [], []
    for step in range(warmup + repeats):
        start = time.perf_counter()
        add_training_rain(clean, rain_range, generator)
        middle = time.perf_counter()
        reference_rain(clean_array, rain_range, rng)
        end = time.perf_counter()
        if step >= warmup:
            ours.append(middle - start)
            reference.append(end - middle)
    ours_ms = 1e3 * statistics.median(ours) / len(clean)
    reference_ms = 1e3 * statistics.median(reference) / len(clean)
    return {
        "ours_ms_per_patch": round(ours_ms, 4),
        "reference_ms_per_patch": round(reference_ms, 4),
        "ratio": round(reference_ms / ours_ms, 2),
    }


def measure_row(task: tuple) -> dict:
    """One Table I row in this (fresh) process: as it starts, then after a training-sized free."""
    rain_range, batch, size, repeats, warmup = task
    torch.set_num_threads(THREADS)
    cv2.setNumThreads(THREADS)
    clean = torch.rand((batch, 3, size, size), generator=torch.Generator())
    result = {
        "streaks_per_patch": list(rain_range.count_range(size, size)),
        **measure(clean, rain_range, repeats, warmup),
    }
    torch.empty(4 << 20).fill_(0)  # allocated and freed at once: 16 MB, as a training step does
    result["after_training_sized_free"] = measure(clean, rain_range, repeats, warmup)
    return result


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="results/benchmarks/rain.json")
    parser.add_argument("--config", default=str(ROOT / "config/config.yaml"))
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args(argv)

    rain_config = yaml.safe_load(Path(args.config).read_text())["rain"]
    names = list(rain_config["ranges"])
    sizes = (args.batch, args.size, args.repeats, args.warmup)
    tasks = [(rain_range_from_config(rain_config, name), *sizes) for name in names]
    load_before = os.getloadavg()[0]
    # A fresh process per row, so that each is first timed as a training run starts.
    with multiprocessing.get_context("spawn").Pool(1, maxtasksperchild=1) as pool:
        rows = dict(zip(names, pool.map(measure_row, tasks, chunksize=1), strict=True))
    headline = rows[HEADLINE]
    result = {
        "benchmark": "training rain: batched torch scatter-add vs per-image OpenCV",
        "batch": args.batch,
        "size": args.size,
        "reference_size": rain_config["reference_size"],
        "intensity": rain_config["intensity"],
        "torch_threads": THREADS,
        "opencv_threads": THREADS,
        "repeats": args.repeats,
        "warmup": args.warmup,
        "headline_range": HEADLINE,
        "ratio": headline["ratio"],
        "ratio_after_training_sized_free": headline["after_training_sized_free"]["ratio"],
        "target_ratio": TARGET_RATIO,
        "target_met": min(headline["ratio"], headline["after_training_sized_free"]["ratio"])
        >= TARGET_RATIO,
        "ranges": rows,
        "load_average_1min": [load_before, os.getloadavg()[0]],
        "versions": {
            "torch": torch.__version__,
            "opencv": cv2.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    for name, row in rows.items():
        print(
            f"rain {name} (batch {args.batch}, {args.size}px, {row['streaks_per_patch']} streaks, "
            f"{THREADS} threads): ours {row['ours_ms_per_patch']:.3f} ms/patch, OpenCV "
            f"reference {row['reference_ms_per_patch']:.3f} ms/patch, {row['ratio']:.1f}x; "
            f"after a training-sized free {row['after_training_sized_free']['ratio']:.1f}x"
        )
    print(
        f"headline ({HEADLINE}): {result['ratio']:.1f}x / "
        f"{result['ratio_after_training_sized_free']:.1f}x, target {TARGET_RATIO:.0f}x "
        f"{'met' if result['target_met'] else 'not met'}"
    )
    return result


if __name__ == "__main__":
    main()
