"""A stack of runs trained as one model equals the same runs trained one by one, and resumes."""

import numpy as np
import pytest
import torch

from slacking.integrity import load_torch
from slacking.stacked import StackedTrainer
from slacking.training import Trainer
from test_training import settings

NETWORKS = {
    "resnet": {"num_feat": 8, "num_block": 1},
    "unet": {"num_feat": 8, "depth": 2},
    "swinir": {"embed_dim": 8, "depths": [1], "num_heads": [2], "window_size": 8},
}


@pytest.fixture
def subsets():
    """Three patch subsets of different sizes, as the patch-count grid stacks them."""
    rng = np.random.default_rng(1)
    return [rng.integers(0, 256, (n, 24, 24, 3), dtype=np.uint8) for n in (4, 8, 16)]


def _weights(path):
    return load_torch(path)["state_dict"]


def _log(path):
    return np.loadtxt(path / "train.csv", delimiter=",", skiprows=1)


@pytest.mark.parametrize("network", sorted(NETWORKS))
def test_stacked_runs_equal_separate_runs(tmp_path, subsets, network):
    torch.set_num_threads(1)
    run = settings(network=network, network_kwargs=NETWORKS[network], iterations=12)
    alone = [Trainer(p, run, tmp_path / f"alone{i}").run() for i, p in enumerate(subsets)]
    stacked_dirs = [tmp_path / f"stacked{i}" for i in range(len(subsets))]
    together = StackedTrainer(
        [Trainer(p, run, d) for p, d in zip(subsets, stacked_dirs, strict=True)]
    ).run()
    for a, b, d in zip(alone, together, stacked_dirs, strict=True):
        assert b == d / "model.pt"
        expected, got = _weights(a), _weights(b)
        assert expected.keys() == got.keys()
        for name in expected:
            torch.testing.assert_close(got[name], expected[name], rtol=1e-5, atol=1e-6)
        separate_log, stacked_log = _log(a.parent), _log(d)
        np.testing.assert_array_equal(stacked_log[:, 0], np.arange(1, 13))
        np.testing.assert_allclose(stacked_log[:, 1:3], separate_log[:, 1:3], rtol=1e-5)
    # The runs did differ: other patches give other weights.
    first, last = _weights(together[0]), _weights(together[-1])
    assert any(not torch.equal(first[name], last[name]) for name in first)


def test_a_stacked_run_resumes_from_its_per_run_checkpoints(tmp_path, subsets):
    torch.set_num_threads(1)
    run = settings(iterations=12, checkpoint_every=5)
    dirs = [tmp_path / f"run{i}" for i in range(len(subsets))]
    first = StackedTrainer([Trainer(p, run, d) for p, d in zip(subsets, dirs, strict=True)]).run()
    reference = [_weights(path) for path in first]
    for d in dirs:  # as if stopped after the checkpoint at iteration 10
        (d / "model.pt").unlink()
        (d / "checkpoints/iter_00000012.pt").unlink()
    again = StackedTrainer([Trainer(p, run, d) for p, d in zip(subsets, dirs, strict=True)]).run()
    for expected, path in zip(reference, again, strict=True):
        got = _weights(path)
        for name in expected:
            assert torch.equal(got[name], expected[name])
    for d in dirs:
        np.testing.assert_array_equal(_log(d)[:, 0], np.arange(1, 13))


def test_runs_with_other_settings_cannot_be_stacked(tmp_path, subsets):
    runs = [
        Trainer(subsets[0], settings(), tmp_path / "a"),
        Trainer(subsets[1], settings(batch_size=2), tmp_path / "b"),
    ]
    with pytest.raises(ValueError, match="must share"):
        StackedTrainer(runs)


def test_stacked_checkpoints_resume_as_separate_runs(tmp_path, subsets):
    torch.set_num_threads(1)
    run = settings(iterations=12, checkpoint_every=5)
    alone = [Trainer(p, run, tmp_path / f"alone{i}").run() for i, p in enumerate(subsets)]
    dirs = [tmp_path / f"stacked{i}" for i in range(len(subsets))]
    StackedTrainer([Trainer(p, run, d) for p, d in zip(subsets, dirs, strict=True)]).run()
    for d, reference in zip(dirs, alone, strict=True):
        # A stacked checkpoint holds one run, not views of the whole stack.
        size = (d / "checkpoints/iter_00000010.pt").stat().st_size
        assert size < 1.05 * (reference.parent / "checkpoints/iter_00000010.pt").stat().st_size
        (d / "model.pt").unlink()
        (d / "checkpoints/iter_00000012.pt").unlink()
    resumed = [Trainer(p, run, d).run() for p, d in zip(subsets, dirs, strict=True)]
    for path, reference in zip(resumed, alone, strict=True):
        expected, got = _weights(reference), _weights(path)
        for name in expected:
            torch.testing.assert_close(got[name], expected[name], rtol=1e-5, atol=1e-6)


def test_a_diverging_run_stops_alone(tmp_path, subsets):
    torch.set_num_threads(1)
    run = settings(iterations=20, checkpoint_every=5)
    dirs = [tmp_path / f"run{i}" for i in range(len(subsets))]
    trainers = [Trainer(p, run, d) for p, d in zip(subsets, dirs, strict=True)]
    bad = trainers[1]
    clean_batches = bad.rainy_batch

    def poisoned():
        rainy, clean = clean_batches()
        return (rainy * float("nan") if bad.iteration >= 12 else rainy), clean

    bad.rainy_batch = poisoned  # when it trains alone
    stack = StackedTrainer(trainers)
    stacked_blocks = stack.render_block

    def poisoned_block(count):  # in the stack: (iterations, runs, ...)
        rainy, clean = stacked_blocks(count)
        rainy[torch.arange(bad.iteration, bad.iteration + count) >= 12, 1] = float("nan")
        return rainy, clean

    stack.render_block = poisoned_block
    with pytest.raises(FloatingPointError, match=f"at iteration 13 of {dirs[1]}"):
        stack.run()
    assert (dirs[0] / "model.pt").exists() and (dirs[2] / "model.pt").exists()
    assert not (dirs[1] / "model.pt").exists()
    separate = Trainer(subsets[0], run, tmp_path / "separate").run()
    expected, got = _weights(separate), _weights(dirs[0] / "model.pt")
    for name in expected:
        torch.testing.assert_close(got[name], expected[name], rtol=1e-5, atol=1e-6)
