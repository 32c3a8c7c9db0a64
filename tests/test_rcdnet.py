"""RCDNet: paper-scale size, any input size, training, seeding, and its analytic rain kernels."""

import numpy as np
import pytest
import torch

from slacking.models import build
from slacking.models.rcdnet import RCDNet

# The proposed small preset: 2 stages, 8 rain maps, 5 dual channels (B-nets of 3 + 5 = 8
# channels, a multiple of oneDNN's 8-channel blocks), 1 block per proximal net, 5x5 kernels.
SMALL = {"stages": 2, "num_maps": 8, "num_z": 5, "num_resblocks": 1, "kernel_size": 5}


def small() -> RCDNet:
    return build("rcdnet", **SMALL)


# Paper scale (S=17, 32 maps, 32 dual channels, 9x9 kernels, T=4), by hand; 3x3 conv a->a with
# bias: 9a^2 + a. A B-net (35 channels): 4 blocks x 2 convs x 11,060 = 88,480; an M-net
# (32 channels): 4 x 2 x 9,248 = 73,984 + tau 32 = 74,016. Nets: B-init + 17 B-nets + final
# B-net = 19 x 88,480 = 1,681,120; 17 M-nets = 1,258,272. Kernels: first-step + shared
# 2 x 3 x 32 x 81 = 15,552; Z filter 32 x 3 x 9 = 864; eta_M 16 + eta_B 17 + tau 1 = 34.
# Total 2,955,842. The official module counts 3,166,355 (the paper's ~3.2M): the same plus
# 15 unused kernel copies 116,640, an unused M-net 74,528 (with BN), BatchNorm affine
# parameters 2 x 8 per block = 19 x 560 + 17 x 512 = 19,344, and an unused eta 1.
PAPER_PARAMETERS = 2_955_842


def test_paper_scale_parameter_count():
    model = build("rcdnet")
    count = sum(p.numel() for p in model.parameters())
    print(f"rcdnet: {count:,} parameters")
    assert count == PAPER_PARAMETERS
    assert len(model.m_nets) == len(model.b_nets) == 17
    assert model.kernel.shape == (3, 32, 9, 9)


def test_paper_scale_starts_close_to_the_input():
    """Without BatchNorm, default-initialised blocks push the 17-stage output to ~8 (in [0, 1]
    units); the 0.1-scaled blocks keep the unrolled network near the plain algorithm."""
    torch.manual_seed(0)
    model = build("rcdnet")
    x = torch.rand(1, 3, 8, 8)
    with torch.no_grad():
        y = model(x)
    assert (y - x).abs().mean() < 0.15


def test_stages_lists_every_stage_and_ends_with_the_output():
    model = small()
    x = torch.rand(2, 3, 12, 10)
    with torch.no_grad():
        b0, backgrounds, rain_layers = model.stages(x)
        y = model(x)
    assert len(backgrounds) == SMALL["stages"] + 1 and len(rain_layers) == SMALL["stages"]
    assert all(t.shape == x.shape for t in (b0, *backgrounds, *rain_layers))
    assert torch.equal(backgrounds[-1], y)


def test_samples_do_not_see_their_batch_mates():
    """What BatchNorm would break: a sample's output is the same alone or in a batch."""
    model = small()
    x = torch.rand(3, 3, 14, 11)
    with torch.no_grad():
        torch.testing.assert_close(model(x)[1:2], model(x[1:2]), rtol=1e-5, atol=1e-6)


def _official_kernels() -> np.ndarray:
    """``init_rain_kernel.m`` and ``MyRainK.m`` transcribed with numpy's Matlab-style meshgrid
    (x along columns, y along rows), independently of the module's torch version."""
    x, y = np.meshgrid(np.arange(-4, 5.0), np.arange(-4, 5.0))
    kernels = []
    for i in range(1, 33):
        long, inner, std = (2.5 + 3 / 12 * i, 0.1, 0.25) if i <= 12 else (2 + 3 / 12 * i, 0.2, 0.5)
        core = np.round(4 * inner)
        xs = np.sign(x) * (np.maximum(np.abs(x), core) - core)
        ys = np.sign(y) * (np.maximum(np.abs(y), core) - core) / long
        h = np.exp(-(xs * xs + ys * ys) / (2 * std * std))
        h[h < np.finfo(float).eps * h.max()] = 0
        kernels.append(h / h.sum())
    return np.stack(kernels)


def test_initial_kernels_are_the_official_script_s_for_every_seed():
    def kernels(seed):
        torch.manual_seed(seed)
        model = build("rcdnet", stages=1, num_resblocks=1)
        return model.kernel.detach(), model.kernel_first.detach()

    (shared, first), (other, _) = kernels(0), kernels(1)
    assert torch.equal(shared, other) and torch.equal(shared, first)
    expected = torch.from_numpy(_official_kernels()).float()
    for channel in range(3):
        torch.testing.assert_close(shared[channel], expected, rtol=1e-6, atol=1e-8)
    # Rain falls vertically: every kernel is at least as tall as it is wide.
    mass = shared[0]
    assert (mass.sum(-1).count_nonzero(-1) >= mass.sum(-2).count_nonzero(-1)).all()


def test_small_dictionaries_spread_over_the_official_shapes():
    full = build("rcdnet", stages=1, num_resblocks=1).kernel.detach()
    four = build("rcdnet", stages=1, num_resblocks=1, num_maps=4).kernel.detach()
    # i = 1, 11.33, 21.67, 32: the first and last are the official first and last kernels.
    torch.testing.assert_close(four[:, 0], full[:, 0])
    torch.testing.assert_close(four[:, 3], full[:, 31])
    torch.testing.assert_close(four.sum((-1, -2)), torch.ones(3, 4))


def test_even_kernel_sizes_are_refused():
    with pytest.raises(ValueError, match="odd"):
        build("rcdnet", kernel_size=4)


def test_unknown_keyword_arguments_are_named():
    with pytest.raises(TypeError, match=r"\['bogus'\]"):
        build("rcdnet", bogus=1)
