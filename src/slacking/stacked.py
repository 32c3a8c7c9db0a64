"""Several training runs of one architecture trained as a single stacked model.

The papers' grids are many small networks (ResNet: 9 patch counts x 4 categories) that each
leave most of a GPU idle. ``StackedTrainer`` stacks their parameters along a new leading axis
(``torch.func.stack_module_state``) and runs them as one ``vmap``-ed model: one kernel launch
per layer for all of them. Each run keeps its own patches, batch and rain generators, log,
checkpoints and ``model.pt``, and the sum of the runs' losses gives every run exactly its own
gradient; Adam is element-wise, so one Adam over the stacked tensors equals one per run. The
runs' batches are rendered together, a block of iterations at a time (``render_block``). A
stacked run therefore equals the separate runs up to floating-point rounding (in fp32; bf16
autocast rounds the stacked and the separate convolutions differently), and its
checkpoints are ordinary per-run checkpoints: either way of training resumes the other's.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from contextlib import ExitStack
from pathlib import Path

import torch
from torch.func import functional_call, stack_module_state, vmap

from .run_lock import RunLock
from .training import (
    Trainer,
    _say,
    block_length,
    render_block,
    scheduler_environment,
    train_together,
)


def _without_seed(trainer: Trainer):
    return dataclasses.replace(trainer.settings, seed=0)


class StackedTrainer:
    """Trains ``trainers`` (same settings, any patches) together; ``run()`` as Trainer.run."""

    def __init__(self, trainers: list[Trainer]):
        if not trainers:
            raise ValueError("nothing to train: no runs given")
        first = trainers[0].settings
        if first.init or first.finetune_encoder or first.network == "vqgan":
            # The stacked step calls the bare forward: no VQ loss, no frozen parameters.
            raise ValueError("stacked runs train from scratch with the L1 loss; not a vqgan")
        if len({repr(_without_seed(t)) for t in trainers}) > 1:
            raise ValueError("stacked runs must share network, sizes and training settings")
        self.trainers = trainers
        self.device = trainers[0].device

    def run(self) -> list[Path]:
        """Train every run to the end, holding every run's lock, and return their model.pt
        paths, in order."""
        _say(f"device {self.device}; {scheduler_environment()}; {len(self.trainers)} runs stacked")
        with ExitStack() as locks:
            for trainer in self.trainers:
                locks.enter_context(RunLock(trainer.out_dir))
            self._train_all()
        return [trainer.out_dir / "model.pt" for trainer in self.trainers]

    def _train_all(self) -> None:
        """Runs resumed at different iterations: the largest group at one iteration trains
        stacked, the others one by one. A diverged loss in the stack stops only its run: the
        others then finish one by one from their checkpoints, and the error is raised at the
        end."""
        for trainer in self.trainers:
            trainer.resume()
        groups: dict[int, list[Trainer]] = {}
        for trainer in self.trainers:
            groups.setdefault(trainer.iteration, []).append(trainer)
        stacked = max(groups.values(), key=len)
        alone = [t for t in self.trainers if t not in stacked]
        if alone:
            _say(f"{len(alone)} runs resumed at other iterations; training them one by one")
        errors: list[FloatingPointError] = []
        for trainer in alone:
            _run_alone(trainer, errors)
        if len(stacked) > 1:
            try:
                self._train_stacked(stacked)
            except FloatingPointError as error:
                _say(f"{error}; training the stacked runs one by one from their checkpoints")
                for trainer in stacked:
                    trainer.reset()
                    _run_alone(trainer, errors)
        else:
            _run_alone(stacked[0], errors)
        if errors:
            raise errors[0]

    def _train_stacked(self, trainers: list[Trainer]) -> None:
        self._stack(trainers)
        names = f"{len(trainers)} runs in {os.path.commonpath([t.out_dir for t in trainers])}"
        train_together(trainers, self.step, self.scheduler, names, sync=self._unstack)

    # -- stacking ------------------------------------------------------------------------------
    def _stack(self, trainers: list[Trainer]) -> None:
        self.stacked = trainers
        models = [t.model for t in trainers]
        self.params, self.buffers = stack_module_state(models)
        base = copy.deepcopy(models[0]).to("meta")

        def forward(params, buffers, x):
            return functional_call(base, (params, buffers), (x,))

        self.forward = vmap(forward)
        first = self.stacked[0]
        s = first.settings
        self.loss = torch.compile(self._losses) if s.compile else self._losses
        self._block = None
        self.optimizer = torch.optim.Adam(self.params.values(), lr=s.lr, betas=s.betas)
        self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(
            self.optimizer, T_max=s.iterations, eta_min=s.eta_min
        )
        states = [t.optimizer.state_dict() for t in self.stacked]
        stacked_state = {
            index: {
                key: value.clone()
                if key == "step"
                else torch.stack([st["state"][index][key] for st in states])
                for key, value in state.items()
            }
            for index, state in states[0]["state"].items()
        }
        self.optimizer.load_state_dict(
            {"state": stacked_state, "param_groups": states[0]["param_groups"]}
        )
        self.scheduler.load_state_dict(first.scheduler.state_dict())
        for trainer in self.stacked:  # the stack holds the only live copy now
            trainer.optimizer.state.clear()

    def _unstack(self) -> None:
        """Write the stacked weights and optimiser state back into each run's own objects."""
        stacked = self.optimizer.state_dict()
        for m, trainer in enumerate(self.stacked):
            stacked_tensors = {**self.params, **self.buffers}
            trainer.model.load_state_dict(
                {
                    name: stacked_tensors[name][m].detach().clone()
                    for name in trainer.model.state_dict()
                }
            )
            state = {
                index: {
                    key: value.clone() if key == "step" else value[m].clone()
                    for key, value in entry.items()
                }
                for index, entry in stacked["state"].items()
            }
            trainer.optimizer.load_state_dict(
                {"state": state, "param_groups": stacked["param_groups"]}
            )
            trainer.scheduler.load_state_dict(self.scheduler.state_dict())

    # -- training ------------------------------------------------------------------------------
    def render_block(self, count: int) -> tuple[torch.Tensor, torch.Tensor]:
        """(degraded, clean) of the next ``count`` iterations of the stacked runs,
        (count, runs, batch, C, H, W), from each run's own generators."""
        return render_block(self.stacked, count)

    def batches(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(degraded, clean) of the coming iteration, (runs, batch, C, H, W)."""
        i = self.stacked[0].iteration
        block = self._block
        if block is None or not 0 <= i - block[0] < len(block[1]):
            if any(t.drawn != i for t in self.stacked):
                raise RuntimeError(f"a stacked run's generators do not stand at iteration {i}")
            rainy, clean = self.render_block(block_length(i, self.stacked[0].settings.iterations))
            block = self._block = (i, rainy.unbind(0), clean.unbind(0))
        return block[1][i - block[0]], block[2][i - block[0]]

    def _losses(self, params, buffers, rainy, clean) -> torch.Tensor:
        """Each run's L1 loss, (runs,)."""
        s = self.stacked[0].settings
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=s.bf16):
            output = self.forward(params, buffers, rainy)
        return (output.float() - clean).abs().flatten(1).mean(dim=1)

    def step(self) -> torch.Tensor:
        rainy, clean = self.batches()
        losses = self.loss(self.params, self.buffers, rainy, clean)
        self.optimizer.zero_grad(set_to_none=True)
        losses.sum().backward()
        self.optimizer.step()
        self.scheduler.step()
        return losses.detach()


def _run_alone(trainer: Trainer, errors: list[FloatingPointError]) -> None:
    """Train one run to the end; a diverged loss is kept for later instead of stopping all."""
    try:
        trainer.train()
    except FloatingPointError as error:
        errors.append(error)
