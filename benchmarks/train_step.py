"""Our full training step against a minimal plain-PyTorch loop on the same model and batch.

Ours is the trainer's own loop (``train_together``): batches with flips and online training
rain rendered a block of ``LOG_EVERY`` iterations at a time, the forward/backward pass, Adam,
the cosine schedule, the log rows and the progress bar; its time is read from the run's own
log. The reference renders one batch once and loops forward, L1, zero_grad, backward, Adam.
Short rounds alternate the two and the median of their pairwise ratios is the overhead, so a
slow spell of the machine hits both. Data time is a block's batches and rain alone, per
iteration.

Ops per step: the tensor operations (top-level ``aten::`` calls, ``torch.profiler``) of our
loop outside the forward pass, the backward pass and the optimizer's ``step``/``zero_grad``,
per iteration, counted over two blocks (checkpoints, every ``checkpoint_every`` iterations,
are left out); the plain loop's count (its L1 loss) is given beside it.

Compile: the same loop with ``training.compile: true`` (``torch.compile`` of model and loss),
alternated with ours in the same rounds; ``compile_speedup`` is eager / compiled (below 1: a
slow-down), ``compile_seconds`` the first block's wall time, compilation included. It needs a
C++ compiler on the CPU; without one the row says why.

    python benchmarks/train_step.py [--config overlay.yaml] [--networks resnet] [--rounds 9]
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import yaml
from torch.profiler import ProfilerActivity, profile, record_function

from slacking import training as training_module
from slacking.models import build
from slacking.rain import rain_range_from_config
from slacking.training import (
    LOG_EVERY,
    Trainer,
    compile_unavailable,
    render_block,
    settings_from_config,
    train_together,
)

ROOT = Path(__file__).resolve().parents[1]
TARGET_OVERHEAD = 0.05
TARGET_DATA_FRACTION = 0.05
TARGET_OPS_PER_STEP = 10
# The profiler's names for what is not ours: the scopes put around the model's forward and
# the backward pass here, the optimizer's own, and the checkpoints'.
SCOPES = ("forward", "backward", "checkpoint", "Optimizer.")


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


def train_blocks(trainer: Trainer, blocks: int) -> None:
    """``blocks`` more blocks of the trainer's own loop (its run ends there, checkpointed)."""
    iterations = trainer.iteration + blocks * LOG_EVERY
    trainer.settings = dataclasses.replace(trainer.settings, iterations=iterations)
    train_together([trainer], trainer.step, trainer.scheduler, "ours")


def ours_seconds_per_step(trainer: Trainer) -> float:
    """Seconds per iteration of the trainer's own loop, timed by its own log.

    The loop writes its log every LOG_EVERY iterations, after stamping the last row of the
    block, and renders a block's batches at its first iteration; so two blocks run and the
    second is timed, which holds the first one's writing and its own batches.
    """
    train_blocks(trainer, 2)
    seconds = pd.read_csv(trainer.log_path)["seconds"].to_numpy()
    return float(seconds[-1] - seconds[-1 - LOG_EVERY]) / LOG_EVERY


def data_seconds_per_step(trainer: Trainer) -> float:
    """A block's batches and rain (a trainer that only draws), per iteration."""
    start = time.perf_counter()
    rainy, _ = render_block([trainer], LOG_EVERY, trainer.memory_format)
    rainy.sum().item()  # waits for a device
    return (time.perf_counter() - start) / LOG_EVERY


@contextmanager
def _scoped(owner, name: str, scope: str):
    """``owner.name`` run inside a profiler scope named ``scope`` (for the op count); nothing
    when ``owner`` has no such method (only a VQGAN has forward_with_loss)."""
    if not hasattr(owner, name):
        yield
        return
    original, own = getattr(owner, name), name in vars(owner)

    def scoped(*args, **kwargs):
        with record_function(scope):
            return original(*args, **kwargs)

    setattr(owner, name, scoped)
    try:
        yield
    finally:
        if own:
            setattr(owner, name, original)
        else:
            delattr(owner, name)  # an instance falls back to its class's method


def outside_ops(prof, steps: int) -> collections.Counter:
    """Top-level tensor ops outside the SCOPES, per step, by name."""
    names = collections.Counter(
        event.name
        for event in prof.events()
        if event.cpu_parent is None and not event.name.startswith(SCOPES)
    )
    return collections.Counter({name: count / steps for name, count in names.items()})


def ours_ops_per_step(trainer: Trainer) -> collections.Counter:
    """Ops of two blocks of our loop outside forward, backward, optimizer and checkpoints."""
    model = trainer.model
    with (
        _scoped(model, "forward", "forward"),
        _scoped(torch.Tensor, "backward", "backward"),
        _scoped(trainer, "save_checkpoint", "checkpoint"),
        _scoped(trainer, "export", "checkpoint"),  # the run's model.pt
        _scoped(training_module, "save_torch", "checkpoint"),
        _scoped(model, "forward_with_loss", "forward"),
    ):
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            train_blocks(trainer, 2)
    return outside_ops(prof, 2 * LOG_EVERY)


def plain_ops_per_step(model, rainy, clean, optimizer) -> collections.Counter:
    with (
        _scoped(model, "forward", "forward"),
        _scoped(torch.Tensor, "backward", "backward"),
        profile(activities=[ProfilerActivity.CPU]) as prof,
    ):
        plain_seconds_per_step(model, rainy, clean, optimizer, LOG_EVERY)
    return outside_ops(prof, LOG_EVERY)


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
    why_not = None if args.compile else "not asked (--no-compile)"
    why_not = why_not or compile_unavailable()
    plain, ours, data, compiled = [], [], [], []
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        trainer = Trainer(patches, settings, work / "ours")
        trainer.resume()  # starts the log
        drawer = Trainer(patches, settings, work / "data")  # only renders blocks
        rainy, clean = (x[0, 0] for x in render_block([drawer], 1))
        plain_seconds_per_step(model, rainy, clean, optimizer, LOG_EVERY)
        ours_seconds_per_step(trainer)  # warm-up
        ops = ours_ops_per_step(trainer)
        plain_ops = plain_ops_per_step(model, rainy, clean, optimizer)
        compile_seconds = None
        if why_not is None:
            fast = Trainer(patches, dataclasses.replace(settings, compile=True), work / "fast")
            fast.resume()
            start = time.perf_counter()
            try:
                train_blocks(fast, 1)  # compiles
            except Exception as error:  # noqa: BLE001  (reported, never hidden)
                why_not = f"torch.compile failed: {type(error).__name__}: {error}"[:300]
            compile_seconds = time.perf_counter() - start
        # Short alternating rounds, compared pairwise: a slow spell of the machine hits both.
        for _ in range(args.rounds):
            plain.append(plain_seconds_per_step(model, rainy, clean, optimizer, LOG_EVERY))
            ours.append(ours_seconds_per_step(trainer))
            if why_not is None:
                compiled.append(ours_seconds_per_step(fast))
            data.append(data_seconds_per_step(drawer))
    plain_ms, ours_ms, data_ms = (1e3 * statistics.median(x) for x in (plain, ours, data))
    overhead = statistics.median(o / p for o, p in zip(ours, plain, strict=True)) - 1
    row = {
        "network_kwargs": config["networks"][network],
        "batch": settings.batch_size,
        "size": size,
        "plain_ms_per_step": round(plain_ms, 2),
        "ours_ms_per_step": round(ours_ms, 2),
        "data_ms_per_step": round(data_ms, 2),
        "overhead": round(overhead, 4),
        "data_fraction": round(data_ms / ours_ms, 4),
        "ops_per_step": round(sum(ops.values()), 2),
        "ops_by_name": {name: round(n, 3) for name, n in ops.most_common()},
        "plain_ops_per_step": round(sum(plain_ops.values()), 2),
        "compile": "measured" if why_not is None else why_not,
    }
    if why_not is None:
        row["compiled_ms_per_step"] = round(1e3 * statistics.median(compiled), 2)
        speedup = statistics.median(o / c for o, c in zip(ours, compiled, strict=True))
        row["compile_speedup"] = round(speedup, 3)
        row["compile_seconds"] = round(compile_seconds, 1)
    return row


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="results/benchmarks/train_step.json")
    parser.add_argument("--config", nargs="*", default=[], help="overlays on config/config.yaml")
    parser.add_argument("--networks", nargs="*", help="default: every network in the config")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--no-compile", dest="compile", action="store_false", help="skip torch.compile"
    )
    args = parser.parse_args(argv)

    torch.set_num_threads(args.threads)
    config = load_config(args.config)
    networks = args.networks or list(config["networks"])
    rows = {}
    for network in networks:
        rows[network] = row = measure_network(config, network, args)
        compiled = (
            f"compiled {row['compiled_ms_per_step']:.1f} ms ({row['compile_speedup']:.2f}x, "
            f"{row['compile_seconds']:.0f} s to compile)"
            if "compile_speedup" in row
            else f"compile: {row['compile']}"
        )
        print(
            f"train step {network} (batch {row['batch']}, {row['size']}px): plain "
            f"{row['plain_ms_per_step']:.1f} ms, ours {row['ours_ms_per_step']:.1f} ms "
            f"(overhead {100 * row['overhead']:+.1f}%), data {row['data_ms_per_step']:.2f} ms "
            f"({100 * row['data_fraction']:.1f}% of the step), {row['ops_per_step']:.1f} ops "
            f"per step outside forward/backward/optimizer (plain {row['plain_ops_per_step']:.1f})"
            f"; {compiled}",
            flush=True,
        )
    worst_overhead = max(row["overhead"] for row in rows.values())
    worst_data = max(row["data_fraction"] for row in rows.values())
    worst_ops = max(row["ops_per_step"] for row in rows.values())
    result = {
        "benchmark": "training step: Trainer.run vs a minimal plain-PyTorch loop (CPU)",
        "config_overlays": args.config,
        "threads": args.threads,
        "steps_per_round": LOG_EVERY,
        "rounds": args.rounds,
        "networks": rows,
        "worst_overhead": worst_overhead,
        "worst_data_fraction": worst_data,
        "worst_ops_per_step": worst_ops,
        "target_overhead": TARGET_OVERHEAD,
        "target_data_fraction": TARGET_DATA_FRACTION,
        "target_ops_per_step": TARGET_OPS_PER_STEP,
        "target_met": bool(
            worst_overhead <= TARGET_OVERHEAD
            and worst_data <= TARGET_DATA_FRACTION
            and worst_ops <= TARGET_OPS_PER_STEP
        ),
        "torch": torch.__version__,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
