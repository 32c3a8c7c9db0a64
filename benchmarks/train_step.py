"""Our full training step against a minimal plain-PyTorch loop on the same model and batch.

Ours is the trainer's own loop (``train_together``): a fresh batch from the patches with
flips, online training rain, the forward/backward pass, Adam, the cosine schedule, a CSV row
and the progress bar per iteration; its time is read from the run's own log. The reference
renders one batch once and loops forward, L1, zero_grad, backward, Adam. Short rounds
alternate the two and the median of their pairwise ratios is the overhead, so a slow spell of
the machine hits both. Data time is our batch and rain alone.

    python benchmarks/train_step.py [--config config/config.yaml] [--rounds 15]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import yaml

from slacking.models import build
from slacking.rain import rain_range_from_config
from slacking.training import (
    LOG_EVERY,
    Trainer,
    settings_from_config,
    train_together,
)

ROOT = Path(__file__).resolve().parents[1]
TARGET_OVERHEAD = 0.05
TARGET_DATA_FRACTION = 0.05


def load_config(paths: list[str]) -> dict:
    """The default config with each overlay merged in, as Snakemake's --configfile does."""

    def merge(base: dict, overlay: dict) -> dict:
        merged = dict(base)
        for key, value in overlay.items():
            both = isinstance(value, dict) and isinstance(base.get(key), dict)
            merged[key] = merge(base[key], value) if both else value
        return merged

    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    for path in paths:
        config = merge(config, yaml.safe_load(Path(path).read_text()))
    return config


def plain_seconds_per_step(model, rainy, clean, optimizer, iterations: int) -> float:
    start = time.perf_counter()
    for _ in range(iterations):
        loss = torch.nn.functional.l1_loss(model(rainy), clean)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    loss.item()
    return (time.perf_counter() - start) / iterations


def ours_seconds_per_step(trainer: Trainer) -> float:
    """Seconds per iteration of the trainer's own loop, timed by its own log.

    The loop writes its log every LOG_EVERY iterations, after stamping the last row of the
    block; so two blocks run and the second is timed, which holds the first one's writing.
    """
    trainer.iteration = trainer.settings.iterations - 2 * LOG_EVERY
    train_together([trainer], trainer.step, trainer.scheduler, "ours")
    seconds = pd.read_csv(trainer.log_path)["seconds"].to_numpy()
    return float(seconds[-1] - seconds[-1 - LOG_EVERY]) / LOG_EVERY


def data_seconds_per_step(trainer: Trainer, iterations: int) -> float:
    start = time.perf_counter()
    for _ in range(iterations):
        trainer.rainy_batch()
    return (time.perf_counter() - start) / iterations


def measure_network(config: dict, network: str, args) -> dict:
    size = config["patches"]["size"]
    rain = rain_range_from_config(config["rain"], config["experiments"]["patch_count"]["rain"])
    training = {**config["training"], "iterations": 10**6, "checkpoint_every": 10**9}
    settings = settings_from_config(
        network, config["networks"][network], {**training, "device": "cpu"}, rain, 0
    )
    patches = np.random.default_rng(0).integers(0, 256, (128, size, size, 3), dtype=np.uint8)
    torch.manual_seed(0)
    model = build(network, **config["networks"][network]).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.lr, betas=settings.betas)
    plain, ours, data = [], [], []
    with tempfile.TemporaryDirectory() as work:
        trainer = Trainer(patches, settings, Path(work))
        trainer.resume()  # starts the log
        rainy, clean = trainer.rainy_batch()
        plain_seconds_per_step(model, rainy, clean, optimizer, LOG_EVERY)
        ours_seconds_per_step(trainer)  # warm-up
        # Short alternating rounds, compared pairwise: a slow spell of the machine hits both.
        for _ in range(args.rounds):
            plain.append(plain_seconds_per_step(model, rainy, clean, optimizer, LOG_EVERY))
            ours.append(ours_seconds_per_step(trainer))
            data.append(data_seconds_per_step(trainer, LOG_EVERY))
    plain_ms, ours_ms, data_ms = (1e3 * statistics.median(x) for x in (plain, ours, data))
    overhead = statistics.median(o / p for o, p in zip(ours, plain, strict=True)) - 1
    return {
        "network_kwargs": config["networks"][network],
        "batch": settings.batch_size,
        "size": size,
        "plain_ms_per_step": round(plain_ms, 2),
        "ours_ms_per_step": round(ours_ms, 2),
        "data_ms_per_step": round(data_ms, 2),
        "overhead": round(overhead, 4),
        "data_fraction": round(data_ms / ours_ms, 4),
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="results/benchmarks/train_step.json")
    parser.add_argument("--config", nargs="*", default=[], help="overlays on config/config.yaml")
    parser.add_argument("--networks", nargs="*", help="default: every network in the config")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)

    torch.set_num_threads(args.threads)
    config = load_config(args.config)
    networks = args.networks or list(config["networks"])
    rows = {network: measure_network(config, network, args) for network in networks}
    worst_overhead = max(row["overhead"] for row in rows.values())
    worst_data = max(row["data_fraction"] for row in rows.values())
    result = {
        "benchmark": "training step: Trainer.run vs a minimal plain-PyTorch loop (CPU)",
        "config_overlays": args.config,
        "threads": args.threads,
        "steps_per_round": LOG_EVERY,
        "rounds": args.rounds,
        "networks": rows,
        "worst_overhead": worst_overhead,
        "worst_data_fraction": worst_data,
        "target_overhead": TARGET_OVERHEAD,
        "target_data_fraction": TARGET_DATA_FRACTION,
        "target_met": bool(
            worst_overhead <= TARGET_OVERHEAD and worst_data <= TARGET_DATA_FRACTION
        ),
        "torch": torch.__version__,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    for name, row in rows.items():
        print(
            f"train step {name} (batch {row['batch']}, {row['size']}px): plain "
            f"{row['plain_ms_per_step']:.1f} ms, ours {row['ours_ms_per_step']:.1f} ms "
            f"(overhead {100 * row['overhead']:+.1f}%), data {row['data_ms_per_step']:.1f} ms "
            f"({100 * row['data_fraction']:.1f}% of the step)"
        )
    return result


if __name__ == "__main__":
    main()
