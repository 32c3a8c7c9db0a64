"""The journal paper's analogue of deraining (Sec. V): removing Gaussian noise from a cosine.

The clean "background" is y = A cos(O pi x / 10) on x in [-10, 10]; the order O sets its
complexity, as the image category does for deraining. Training samples are segments of
consecutive sorted points (the analogue of patches); a test feeds the whole noisy curve to the
network (the analogue of a full image). Everything here is deterministic given its seed;
training data and test curves draw from separate streams (``TRAIN_STREAM``, ``TEST_STREAM``).
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from .atomic import atomic_path
from .models import build

# First entries of the seed sequences: NumPy ignores trailing zeros in a seed list, so
# [seed, order] and [seed, order, 0] would be one stream without a tag in front.
TRAIN_STREAM, TEST_STREAM = 1, 2


@dataclass(frozen=True)
class CosineTask:
    """The clean function family and where it is sampled."""

    amplitude: float = 10.0
    x_range: tuple[float, float] = (-10.0, 10.0)

    def clean(self, x: np.ndarray, order: int) -> np.ndarray:
        return self.amplitude * np.cos(order * np.pi * x / 10.0)


@dataclass(frozen=True)
class Noise:
    """Additive Gaussian noise N(mean, std), the paper's N(mu, sigma)."""

    mean: float
    std: float

    @property
    def label(self) -> str:
        return f"N({self.mean:g}, {self.std:g})"


def noisy_points(
    task: CosineTask, order: int, x: np.ndarray, noise: Noise, rng: np.random.Generator
) -> np.ndarray:
    """(..., 2, L) float32 network input: the positions x and the noisy values y + n."""
    y = task.clean(x, order) + rng.normal(noise.mean, noise.std, size=x.shape)
    return np.stack([x, y], axis=-2).astype(np.float32)


def training_segments(
    task: CosineTask,
    order: int,
    noise: Noise,
    count: int,
    points: int,
    curve_points: int,
    seed: int | list[int],
) -> tuple[np.ndarray, np.ndarray]:
    """``count`` segments of ``points`` consecutive sorted samples: inputs (N,2,L), clean (N,1,L).

    A segment covers the x-extent that ``points`` samples span on a curve of ``curve_points``
    (the test curve's density), starting at a uniformly random position, so a segment relates
    to the whole curve as a patch does to an image.
    """
    if points > curve_points:
        raise ValueError(f"segment of {points} points exceeds the curve's {curve_points}")
    rng = np.random.default_rng(seed)
    low, high = task.x_range
    width = (high - low) * points / curve_points
    starts = rng.uniform(low, high - width, size=(count, 1))
    x = starts + np.sort(rng.uniform(0.0, width, size=(count, points)), axis=1)
    inputs = noisy_points(task, order, x, noise, rng)
    clean = task.clean(x, order)[:, None, :].astype(np.float32)
    return inputs, clean


def whole_curve(
    task: CosineTask, order: int, noise: Noise, points: int, seed: int | list[int]
) -> dict[str, np.ndarray]:
    """The whole curve: sorted x, clean y and the network input (2, L)."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(*task.x_range, size=points))
    return {
        "x": x,
        "clean": task.clean(x, order),
        "input": noisy_points(task, order, x, noise, rng),
    }


def mse(predicted: np.ndarray, clean: np.ndarray) -> float:
    """Mean squared error over all points, the paper's test measure."""
    predicted, clean = np.asarray(predicted, np.float64), np.asarray(clean, np.float64)
    if predicted.shape != clean.shape:
        raise ValueError(f"shapes differ: {predicted.shape} vs {clean.shape}")
    return float(np.mean((predicted - clean) ** 2))


@dataclass(frozen=True)
class ToyTraining:
    """Adam on the L1 loss over random mini-batches of the fixed segment set."""

    iterations: int
    batch_size: int = 64
    lr: float = 1e-3
    seed: int = 0
    network_kwargs: dict = field(default_factory=dict)


def train_denoiser(
    inputs: np.ndarray, clean: np.ndarray, settings: ToyTraining, log_path: Path | None = None
) -> torch.nn.Module:
    """Train ``toy1d`` on (inputs, clean) segments on the CPU; returns the model in eval mode.

    The run is short (minutes at the papers' size on a laptop), so it restarts rather than
    resumes; the caller writes the result atomically.
    """
    torch.manual_seed(settings.seed)
    model = build("toy1d", **settings.network_kwargs)
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=settings.iterations)
    generator = torch.Generator().manual_seed(settings.seed)
    inputs_t, clean_t = torch.from_numpy(inputs), torch.from_numpy(clean)
    rows = []
    start = time.perf_counter()
    for iteration in tqdm(range(1, settings.iterations + 1), mininterval=2.0, desc="toy1d"):
        index = torch.randint(len(inputs_t), (settings.batch_size,), generator=generator)
        loss = torch.nn.functional.l1_loss(model(inputs_t[index]), clean_t[index])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        scheduler.step()
        if not torch.isfinite(loss):
            raise FloatingPointError(f"loss is {loss.item()} at iteration {iteration}")
        rows.append((iteration, loss.item(), time.perf_counter() - start))
    if log_path is not None:
        with atomic_path(log_path) as tmp, open(tmp, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["iteration", "loss", "seconds"])
            writer.writerows(rows)
    return model.eval()


@torch.no_grad()
def denoise(model: torch.nn.Module, points: np.ndarray) -> np.ndarray:
    """The model's prediction for one whole curve's (2, L) input, as a length-L array."""
    return model(torch.from_numpy(points)[None])[0, 0].numpy().astype(np.float64)


# -- the experiment as configured (config key ``function_denoising``) ---------------------------
def task_from_config(toy: dict) -> CosineTask:
    return CosineTask(amplitude=toy["amplitude"], x_range=tuple(toy["x_range"]))


def train_from_config(toy: dict, order: int, seed: int, log_path: Path | None = None) -> dict:
    """Train the order-``order`` network with the training noise; returns a saveable payload."""
    inputs, clean = training_segments(
        task_from_config(toy),
        order,
        Noise(*toy["train_noise"]),
        toy["segments"],
        toy["segment_points"],
        toy["curve_points"],
        seed=[TRAIN_STREAM, seed, order],
    )
    settings = ToyTraining(**toy["training"], seed=seed, network_kwargs=toy["network"])
    model = train_denoiser(inputs, clean, settings, log_path)
    return {"order": order, "kwargs": dict(toy["network"]), "state_dict": model.state_dict()}


def load_denoiser(payload: dict) -> torch.nn.Module:
    model = build("toy1d", **payload["kwargs"])
    model.load_state_dict(payload["state_dict"])
    return model.eval()


def evaluate_all_settings(model: torch.nn.Module, toy: dict, seed: int) -> tuple[list, dict]:
    """Test on every order x test noise; returns MSE rows and the curves, keyed "O{o}_N{i}".

    A setting's curve depends only on (seed, order, noise index), so every trained network
    sees the very same noisy points.
    """
    task = task_from_config(toy)
    rows, curves = [], {}
    for order in toy["orders"]:
        for index, (mean, std) in enumerate(toy["test_noises"]):
            seeds = [TEST_STREAM, seed, order, index]
            curve = whole_curve(task, order, Noise(mean, std), toy["curve_points"], seeds)
            predicted = denoise(model, curve["input"])
            rows.append(
                {
                    "test_order": order,
                    "noise_mean": mean,
                    "noise_std": std,
                    "noise_index": index,
                    "mse": mse(predicted, curve["clean"]),
                }
            )
            key = f"O{order}_N{index}"
            curves[f"{key}_x"] = curve["x"]
            curves[f"{key}_clean"] = curve["clean"]
            curves[f"{key}_noisy"] = curve["input"][1]
            curves[f"{key}_predicted"] = predicted
    return rows, curves
