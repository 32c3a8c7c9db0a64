"""Iteration-based deraining training that never loses work.

Every batch gets fresh training rain rendered on the training device, a block of iterations
at a time (``render_block``): the batches of ``LOG_EVERY`` iterations are drawn and rendered
in one go, with the random numbers and pixels that one batch at a time would give (so the
training streams are those of a per-step loop, and a checkpoint in the middle of a block
holds the generators as that loop would leave them). Checkpoints (model,
optimiser, scheduler, every RNG state, iteration) are written atomically every
``checkpoint_every`` iterations and on SIGTERM/SIGINT, and a restarted run resumes from the
newest one whose digest matches, so a preempted Slurm job or a Ctrl-C costs at most the
iterations since the last checkpoint. On CPU a resumed run ends with the same weights as an
uninterrupted one. A run stops with an error, writing no model.pt, when its loss turns
non-finite or exceeds ``divergence_factor`` times its initial loss; it holds a lock on its
directory while it trains, and checkpoints and stops when the Snakemake that started it dies.
"""

from __future__ import annotations

import csv
import hashlib
import math
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch
from tqdm import tqdm

from .atomic import save_torch
from .degradations import Degradation, GaussianNoise
from .host_to_device import to_device
from .integrity import CorruptFile, load_torch
from .models import build, model_record
from .models.vqgan import freeze_for_finetuning
from .rain.blocks import RainRenderer
from .rain.params import RainRange
from .run_lock import ParentWatch, RunLock

CHECKPOINT_GLOB = "iter_*.pt"
LOG_FIELDS = ["iteration", "loss", "lr", "seconds"]
# Iterations between reads of the losses from the device, and the most iterations whose
# batches are rendered together (a block ends at a multiple of it or at the run's end).
LOG_EVERY = 20


@dataclass(frozen=True)
class TrainSettings:
    """What a training run needs besides its patches; built from config by the workflow.

    ``init`` is a model.pt whose weights the network starts from instead of a random draw (the
    content prior), and ``finetune_encoder`` trains only a VQGAN's encoder (Fig. 17).
    """

    network: str
    network_kwargs: dict
    degradation: Degradation
    iterations: int
    batch_size: int = 16
    lr: float = 2e-4
    betas: tuple[float, float] = (0.9, 0.99)
    eta_min: float = 1e-7
    checkpoint_every: int = 1000
    keep_checkpoints: int = 2
    snapshot_every: int = 0
    seed: int = 0
    device: str = "auto"
    bf16: bool = False
    channels_last: bool = False
    init: str | None = None
    finetune_encoder: bool = False
    # Only stops a run, never changes its weights: left out of the repr, so of the fingerprint.
    divergence_factor: float = field(default=100.0, repr=False)
    # torch.compile of the loss (model and L1): speed, the same model and loss up to float
    # rounding, like the device; left out of the fingerprint, so a run resumes across it.
    compile: bool = field(default=False, repr=False)

    def __post_init__(self):
        if self.finetune_encoder and self.network != "vqgan":
            raise ValueError(f"finetune_encoder: only a vqgan has an encoder, not {self.network}")


def settings_from_config(
    network: str, network_kwargs: dict, training: dict, degradation: Degradation, seed: int
) -> TrainSettings:
    """TrainSettings from the config's ``training`` block.

    ``resources`` are the rule's, ``stack_counts`` only groups runs into jobs and ``seeds``
    lists the replicates (a run gets its own ``seed``), so none of them is part of a run's
    settings (nor of the fingerprint that decides what resumes).
    """
    rule_only = ("resources", "stack_counts", "seeds")
    options = {k: v for k, v in training.items() if k not in rule_only}
    options["betas"] = tuple(options["betas"])
    return TrainSettings(network, dict(network_kwargs), degradation, seed=seed, **options)


def fingerprint(settings: TrainSettings, patches: np.ndarray) -> str:
    """Identifies a run: a checkpoint of other settings, other patches or other starting
    weights is never resumed."""
    digest = hashlib.sha256(repr(settings).encode())
    digest.update(np.ascontiguousarray(patches).data)
    if settings.init:
        digest.update(Path(settings.init).read_bytes())
    return digest.hexdigest()


class Interrupted(RuntimeError):
    """Training stopped by a signal after writing a checkpoint; rerun to resume."""


class Diverged(FloatingPointError):
    """The loss turned non-finite or grew past ``divergence_factor`` x the initial loss."""


class _SignalFlag:
    """Turns SIGTERM/SIGINT into a flag the loop checks between iterations."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self):
        self.received = None
        self._previous = {}

    def __enter__(self):
        for sig in self.SIGNALS:
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def _handle(self, signum, _frame):
        self.received = signal.Signals(signum).name

    def __exit__(self, *exc):
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


def compile_unavailable() -> str | None:
    """Why ``training.compile`` cannot work here, or None: torch.compile builds its CPU code
    (and Triton's launchers on a GPU) with a C++ compiler, ``$CXX`` or g++."""
    compiler = os.environ.get("CXX", "g++")
    if shutil.which(compiler):
        return None
    return (
        f"training.compile needs a C++ compiler ({compiler}: $CXX, else g++) and this "
        "machine has none; install one (apt-get install g++) or set training.compile: false"
    )


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def _checkpoints(directory: Path) -> list[Path]:
    """Checkpoints newest first (by iteration number in the name)."""
    paths = Path(directory).glob(CHECKPOINT_GLOB)
    return sorted(paths, key=lambda p: int(p.stem.split("_")[1]), reverse=True)


def load_newest_checkpoint(directory: Path):
    """The newest checkpoint that loads and matches its digest. A damaged one is renamed
    ``*.corrupt`` (kept for inspection, never resumed) and the next older one is tried; one
    that would run code when loaded stops the run (``UnsafeFile``)."""
    for path in _checkpoints(directory):
        try:
            return path, load_torch(path)
        except CorruptFile as error:
            kept = path.with_name(f"{path.name}.corrupt")
            path.rename(kept)
            _say(f"skipping damaged checkpoint, kept as {kept}: {error}")
    return None, None


def _say(message: str) -> None:
    """A line in the job's log, beside the progress bar (stderr), without breaking the bar."""
    tqdm.write(message, file=sys.stderr)


def scheduler_environment() -> str:
    """The batch job and the GPUs it was given, for the log (empty outside Slurm)."""
    keys = ("SLURM_JOB_ID", "SLURM_RESTART_COUNT", "CUDA_VISIBLE_DEVICES")
    return " ".join(f"{key}={os.environ.get(key, '')}" for key in keys)


class Trainer:
    """One training run; ``run()`` trains to the end or raises Interrupted after checkpointing."""

    def __init__(self, patches: np.ndarray, settings: TrainSettings, out_dir: Path):
        if patches.ndim != 4 or patches.shape[-1] != 3 or patches.dtype != np.uint8:
            raise ValueError(
                f"patches must be uint8 (N,H,W,3), got {patches.dtype} {patches.shape}"
            )
        self.settings = settings
        self.out_dir = Path(out_dir)
        self.checkpoint_dir = self.out_dir / "checkpoints"
        self.device = resolve_device(settings.device)
        self.memory_format = (
            torch.channels_last if settings.channels_last else torch.contiguous_format
        )
        # Patches stay uint8 on the device (4x smaller than float); batches convert on the fly.
        self.patches = torch.from_numpy(patches).permute(0, 3, 1, 2).contiguous().to(self.device)
        self.fingerprint = fingerprint(settings, patches)
        self.rain_renderer = (
            RainRenderer(settings.degradation, settings.batch_size, *patches.shape[1:3])
            if isinstance(settings.degradation, RainRange)
            else None
        )
        self.reset()

    def reset(self) -> None:
        """The run's state at iteration 0: fresh network, optimiser, schedule and generators."""
        s = self.settings
        torch.manual_seed(s.seed)
        model = build(s.network, **s.network_kwargs)
        if s.init:
            model.load_state_dict(load_torch(s.init)["state_dict"])
        if s.finetune_encoder:
            freeze_for_finetuning(model)
        self.model = model.to(self.device, memory_format=self.memory_format)
        trainable = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = torch.optim.Adam(trainable, lr=s.lr, betas=s.betas)
        self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
            self.optimizer, T_max=s.iterations, eta_min=s.eta_min
        )
        if s.compile and compile_unavailable():
            raise RuntimeError(compile_unavailable())
        self.loss = loss_function(self.model, s.bf16, self.device.type, s.compile)
        self.batch_generator = torch.Generator().manual_seed(s.seed)
        self.rain_generator = torch.Generator().manual_seed(s.seed + 1)
        self.iteration = 0
        self._forget_draws()
        self.initial_loss: float | None = None
        self.last_checkpoint: Path | None = None

    def _forget_draws(self) -> None:
        """The generators stand at ``self.iteration``: no block drawn beyond it."""
        self.drawn = self.iteration  # the iterations whose numbers the generators have given
        self._drawn_from: tuple | None = None  # (iteration, states) where the last draw began
        self._block: tuple | None = None  # (first iteration, rainy batches, clean batches)

    # -- state ---------------------------------------------------------------------------------
    def state(self) -> dict:
        return {
            "fingerprint": self.fingerprint,
            "iteration": self.iteration,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            **self._generator_states(),
            "torch_rng": torch.get_rng_state(),
            "initial_loss": self.initial_loss,  # the divergence test's reference
        }

    def load_state(self, state: dict) -> None:
        self.iteration = state["iteration"]
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.batch_generator.set_state(state["batch_generator"])
        self.rain_generator.set_state(state["rain_generator"])
        self._forget_draws()
        torch.set_rng_state(state["torch_rng"])
        self.initial_loss = state.get("initial_loss")  # absent from older checkpoints

    def _generator_states(self) -> dict:
        """The generators as a loop drawing one batch per iteration leaves them after
        ``self.iteration`` iterations: in the middle of a drawn block, its start's states
        replayed over the iterations done (the draws of k iterations are those of the block's
        first k, ``draw_numbers``)."""
        if self.drawn == self.iteration:
            batch, rain = self.batch_generator, self.rain_generator
        else:
            start, batch_state, rain_state = self._drawn_from
            if not start <= self.iteration < self.drawn:
                raise RuntimeError(f"iteration {self.iteration} outside the drawn block")
            batch, rain = torch.Generator(), torch.Generator()
            batch.set_state(batch_state)
            rain.set_state(rain_state)
            self.draw_numbers(batch, rain, self.iteration - start)
        return {"batch_generator": batch.get_state(), "rain_generator": rain.get_state()}

    def save_checkpoint(self) -> Path:
        path = self.checkpoint_dir / f"iter_{self.iteration:08d}.pt"
        save_torch(self.state(), path)
        self.last_checkpoint = path
        for old in _checkpoints(self.checkpoint_dir)[self.settings.keep_checkpoints :]:
            old.unlink()
        return path

    def save_snapshot(self) -> None:
        """Weights only, kept for evaluation at intermediate iterations (Fig. 6)."""
        save_torch(self.export(), self.out_dir / "snapshots" / f"iter_{self.iteration:08d}.pt")

    def export(self) -> dict:
        s = self.settings
        return model_record(s.network, s.network_kwargs, self.model, self.iteration)

    def resume(self) -> None:
        """Continue from the newest good checkpoint (called with the run's lock held, so any
        temporary file left in the run's directories is a killed writer's and goes)."""
        for directory in (self.out_dir, self.checkpoint_dir, self.out_dir / "snapshots"):
            for stale in directory.glob(".*.tmp.pt"):
                stale.unlink()
        path, state = load_newest_checkpoint(self.checkpoint_dir)
        if state is not None and state.get("fingerprint") != self.fingerprint:
            self._supersede_checkpoints()
            path, state = None, None
        if state is not None:
            self.load_state(state)
            self.last_checkpoint = path
            _say(f"resumed from {path} at iteration {self.iteration}")
        self._truncate_log()
        self._drop_later_snapshots()

    def _supersede_checkpoints(self) -> None:
        """Checkpoints of other settings, patches or starting weights are moved to
        ``checkpoints/superseded/`` (replacing the set kept there before), never resumed."""
        kept = self.checkpoint_dir / "superseded"
        shutil.rmtree(kept, ignore_errors=True)
        kept.mkdir(parents=True)
        for old in _checkpoints(self.checkpoint_dir):
            old.rename(kept / old.name)
        _say(f"checkpoints of other settings or patches moved to {kept}")

    def _drop_later_snapshots(self) -> None:
        """Snapshots past the resumed iteration (all of them on a fresh start) belong to an
        earlier run with other settings; evaluating them would mix two runs in one curve."""
        for path in (self.out_dir / "snapshots").glob("iter_*.pt"):
            if int(path.stem.removeprefix("iter_")) > self.iteration:
                path.unlink()

    # -- log -----------------------------------------------------------------------------------
    @property
    def log_path(self) -> Path:
        return self.out_dir / "train.csv"

    def _truncate_log(self) -> None:
        """Drop log rows past the resumed iteration, so a resumed log has no duplicates."""
        rows = []
        if self.log_path.exists():
            with self.log_path.open() as handle:
                rows = [r for r in csv.DictReader(handle) if int(r["iteration"]) <= self.iteration]
        if self.initial_loss is None and rows:  # a checkpoint written before it was kept
            self.initial_loss = float(rows[0]["loss"])
        self.out_dir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, LOG_FIELDS)
            writer.writeheader()
            writer.writerows(rows)

    # -- training ------------------------------------------------------------------------------
    def draw_numbers(self, batch: torch.Generator, rain: torch.Generator, count: int) -> _Draws:
        """The random numbers of ``count`` iterations from these generators: what ``count``
        iterations of one batch each (``randint`` of the patch indices then ``rand`` of the
        flips; the degradation's ``rand`` or ``randn``) take, leaving them where those would.
        Every value is one 32-bit draw, in order, so a block's indices are one ``randint``
        over the block and its flips one ``rand`` from the same start."""
        n = self.settings.batch_size
        start = batch.get_state()
        index = torch.randint(self.patches.shape[0], (count, 3 * n), generator=batch)[:, :n]
        batch.set_state(start)
        flips = torch.rand((count, 3 * n), generator=batch)[:, n:].reshape(count, n, 2) < 0.5
        degradation = self.settings.degradation
        if isinstance(degradation, RainRange):
            numbers = self.rain_renderer.draw(rain, count)
        elif isinstance(degradation, GaussianNoise):
            shape = (n, *self.patches.shape[1:])
            if math.prod(shape) % 16 == 0:  # randn fills 16 at a time: a block equals batches
                numbers = torch.randn((count, *shape), generator=rain)
            else:
                numbers = torch.stack([torch.randn(shape, generator=rain) for _ in range(count)])
        else:
            numbers = None
        return _Draws(index, flips, numbers)

    def draw(self, count: int) -> _Draws:
        """The next ``count`` iterations' numbers from the run's own generators."""
        self._drawn_from = (
            self.drawn,
            self.batch_generator.get_state(),
            self.rain_generator.get_state(),
        )
        draws = self.draw_numbers(self.batch_generator, self.rain_generator, count)
        self.drawn += count
        return draws

    def rainy_batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(degraded, clean) of the coming iteration: a batch with random flips and fresh
        training rain (or noise), from its block, rendered when its first iteration comes."""
        i = self.iteration
        block = self._block
        if block is None or not 0 <= i - block[0] < len(block[1]):
            if self.drawn != i:
                raise RuntimeError(f"the generators stand at {self.drawn}, the run at {i}")
            count = block_length(i, self.settings.iterations)
            rainy, clean = render_block([self], count, self.memory_format)
            block = self._block = (i, rainy[:, 0].unbind(0), clean[:, 0].unbind(0))
        return block[1][i - block[0]], block[2][i - block[0]]

    def step(self) -> torch.Tensor:
        """One iteration; returns its loss, detached, on the device."""
        rainy, clean = self.rainy_batch()
        loss = self.loss(rainy, clean)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        self.scheduler.step()
        return loss.detach()

    def run(self) -> Path:
        """Train to ``iterations``; write model.pt and return its path."""
        _say(f"device {self.device}; {scheduler_environment()}")
        with RunLock(self.out_dir):
            return self.train()

    def train(self) -> Path:
        """``run()`` for a caller that already holds the run's lock."""
        self.resume()
        return train_together([self], self.step, self.scheduler, str(self.out_dir))[0]


class _Draws(NamedTuple):
    """A block's random numbers: patch indices (count, n), flips (count, n, 2) and the
    degradation's (rain uniforms (count, draw_size), noise (count, n, C, H, W) or None)."""

    index: torch.Tensor
    flips: torch.Tensor
    degradation: torch.Tensor | None


def block_length(iteration: int, iterations: int) -> int:
    """Iterations of the block that starts at ``iteration``: to the next multiple of
    ``LOG_EVERY`` or the run's end (at least one)."""
    return min(LOG_EVERY - iteration % LOG_EVERY, max(iterations - iteration, 1))


def render_block(
    trainers: list[Trainer], count: int, memory_format=torch.contiguous_format
) -> tuple[torch.Tensor, torch.Tensor]:
    """(degraded, clean) batches of the next ``count`` iterations of every run, as
    (count, runs, batch, C, H, W) on their device: one draw from each run's generators and one
    render for all (the runs share their settings). Each batch is what a loop of one batch per
    step renders: the same patches and flips, the same rain (``slacking.rain.blocks``), the
    same noise."""
    first = trainers[0]
    s = first.settings
    draws = [trainer.draw(count) for trainer in trainers]
    device, runs = first.device, len(trainers)
    shape = (count, runs, s.batch_size, *first.patches.shape[1:])
    if runs == 1:
        clean = first.patches[to_device(draws[0].index.reshape(-1), device)]
    else:
        pairs = zip(trainers, draws, strict=True)
        clean = torch.stack([t.patches[to_device(d.index, device)] for t, d in pairs], dim=1)
    clean = clean.view(-1, *shape[3:])
    flips = draws[0].flips if runs == 1 else torch.stack([d.flips for d in draws], dim=1)
    flips = to_device(flips, device).view(-1, 2, 1, 1, 1)
    # Flipped as uint8 (a quarter of the bytes of float), then [0, 1]: the same values.
    clean = torch.where(flips[:, 0], clean.flip(-1), clean)
    clean = torch.where(flips[:, 1], clean.flip(-2), clean)
    clean = clean.float().div_(255.0).contiguous(memory_format=memory_format)
    numbers = [d.degradation for d in draws]
    if s.degradation is None:
        rainy = clean
    else:
        numbers = numbers[0] if runs == 1 else torch.stack(numbers, dim=1)
        if isinstance(s.degradation, RainRange):
            rain = first.rain_renderer.render(numbers.view(count * runs, -1).numpy(), device)
            rainy = (clean + rain.to(clean.dtype)).clamp_(0, 1)
        else:
            noise = numbers.view(clean.shape) * (s.degradation.std / 255.0)
            rainy = (clean + to_device(noise, device).to(clean.dtype)).clamp_(0, 1)
    return rainy.view(shape), clean.view(shape)


def loss_function(
    model: torch.nn.Module, bf16: bool, device_type: str, compile: bool = False
) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """The step's loss of (degraded, clean): the L1 of the model's output, plus a VQGAN's own
    loss term, under bf16 autocast when asked; with ``compile``, ``torch.compile`` of it all
    (the model stays the same module, so its weights save and load as ever)."""
    l1_loss = torch.nn.functional.l1_loss
    if bf16:

        def loss(rainy, clean):
            with torch.autocast(device_type, dtype=torch.bfloat16):
                output, extra_loss = forward_with_loss(model, rainy)
            return l1_loss(output.float(), clean) + extra_loss.float()

    elif hasattr(model, "forward_with_loss"):  # in fp32, .float() is the tensor itself

        def loss(rainy, clean):
            output, extra_loss = model.forward_with_loss(rainy)
            return l1_loss(output, clean) + extra_loss

    else:  # no term to add: the same value and gradients as adding a zero

        def loss(rainy, clean):
            return l1_loss(model(rainy), clean)

    return torch.compile(loss) if compile else loss


def forward_with_loss(model: torch.nn.Module, x: torch.Tensor) -> tuple:
    """(output, the model's own loss term): a VQGAN adds its codebook and commitment loss
    (taming's codebook_weight 1) to the L1 loss; other networks add nothing."""
    if hasattr(model, "forward_with_loss"):
        return model.forward_with_loss(x)
    return model(x), x.new_zeros(())


def train_together(
    trainers: list[Trainer],
    step: Callable[[], torch.Tensor],
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    name: str,
    sync: Callable[[], None] = lambda: None,
) -> list[Path]:
    """The loop of one run or of a stack of runs trained as one (``slacking.stacked``).

    ``step`` advances every run by one iteration and returns their losses as a detached
    tensor (one loss, or one per run);
    ``scheduler`` is the one whose learning rate is logged; ``sync`` brings each trainer's
    model and optimiser up to date before they are saved. All runs share one iteration count,
    so they checkpoint, stop on a signal and finish together.
    """
    s = trainers[0].settings
    for trainer in trainers:
        trainer.model.train()
    progress = tqdm(total=s.iterations, initial=trainers[0].iteration, desc=name, mininterval=2.0)
    start = time.perf_counter()
    parent = ParentWatch()
    with progress, _SignalFlag() as flag, _Logs(trainers, progress) as logs:
        while trainers[0].iteration < s.iterations:
            lr = scheduler.get_last_lr()[0]
            losses = step()
            for trainer in trainers:
                trainer.iteration += 1
            logs.add(losses, lr, time.perf_counter() - start)
            iteration = trainers[0].iteration
            if iteration % LOG_EVERY == 0 and parent.died():
                flag.received = flag.received or "parent Snakemake died"
            snapshot = s.snapshot_every and iteration % s.snapshot_every == 0
            done = iteration == s.iterations
            checkpoint = flag.received or done or iteration % s.checkpoint_every == 0
            if snapshot or checkpoint:
                logs.flush()  # raises on a diverged loss, before anything is saved
                sync()
            for trainer in trainers:
                if snapshot:
                    trainer.save_snapshot()
                if checkpoint:
                    trainer.save_checkpoint()
            if flag.received and not done:
                raise Interrupted(
                    f"{flag.received} at iteration {iteration}; "
                    f"checkpoint {trainers[0].last_checkpoint} written, rerun to resume"
                )
    sync()
    paths = []
    for trainer in trainers:
        path = trainer.out_dir / "model.pt"
        save_torch(trainer.export(), path)
        paths.append(path)
    return paths


class _Logs:
    """The runs' train.csv rows, read back from the device every ``LOG_EVERY`` iterations.

    Reading a loss from a GPU waits for its step to finish; reading a block of them at once
    lets the host queue the next steps meanwhile instead of idling the GPU at every step.
    """

    def __init__(self, trainers: list[Trainer], progress: tqdm):
        self.trainers = trainers
        self.progress = progress
        self.pending: list[tuple[torch.Tensor, float, float]] = []  # (losses, lr, seconds)

    def __enter__(self):
        self.files = ExitStack()
        handles = [
            self.files.enter_context(t.log_path.open("a", newline="")) for t in self.trainers
        ]
        self.handles = handles
        self.writers = [csv.DictWriter(handle, LOG_FIELDS) for handle in handles]
        return self

    def __exit__(self, *exc):
        self.files.close()

    def add(self, losses: torch.Tensor, lr: float, seconds: float) -> None:
        self.pending.append((losses, lr, seconds))
        if len(self.pending) >= LOG_EVERY:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        values = torch.stack([losses for losses, _, _ in self.pending])
        values = values.view(len(self.pending), -1).tolist()
        first = self.trainers[0].iteration - len(self.pending) + 1
        for offset, (row, (_, lr, seconds)) in enumerate(zip(values, self.pending, strict=True)):
            for trainer, writer, loss in zip(self.trainers, self.writers, row, strict=True):
                _check_loss(trainer, loss, first + offset)
                writer.writerow(
                    {"iteration": first + offset, "loss": loss, "lr": lr, "seconds": seconds}
                )
        for handle in self.handles:
            handle.flush()
        self.progress.update(len(values))
        self.progress.set_postfix(loss=f"{np.mean(values[-1]):.4f}", refresh=False)
        self.pending.clear()


def _check_loss(trainer: Trainer, loss: float, iteration: int) -> None:
    """Raise Diverged on a non-finite loss or one past divergence_factor x the initial loss."""
    if trainer.initial_loss is None:
        trainer.initial_loss = loss
    factor = trainer.settings.divergence_factor
    if math.isfinite(loss) and loss <= factor * trainer.initial_loss:
        return
    why = (
        ""
        if not math.isfinite(loss)
        else (
            f" (above divergence_factor {factor:g} x the initial loss {trainer.initial_loss:.4g})"
        )
    )
    raise Diverged(
        f"loss is {loss:.4g}{why} at iteration {iteration} of {trainer.out_dir}; "
        f"last good checkpoint: {trainer.last_checkpoint or 'none yet'}"
    )
