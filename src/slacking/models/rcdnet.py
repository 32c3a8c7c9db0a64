"""RCDNet, the model-driven deraining network of Wang et al., CVPR 2020 ("A Model-driven Deep
Neural Network for Single Image Rain Removal").

A rainy image is modelled as O = B + sum_n C_n * M_n: a clean background B plus rain maps M_n
convolved with a small dictionary of rain kernels C_n shared by all stages. Each stage is one
proximal-gradient step on M and one on B, with the proximal operators replaced by small residual
nets (M-net, B-net) and learnable step sizes eta; the B-net carries extra "dual" channels Z
between stages. Follows ``RCDNet_code/for_syn/src/model/rcdnet.py`` of hongwang01/RCDNet (MIT):
the initialisation B0, Z0 from a 3x3 box-filtered input, the thresholded first M step, S stages
(the first one included), the final extra B-net, the /10 on kernels and step sizes, the step
sizes' initial values (eta_M 1, eta_B 5) and thresholds (tau 1, M-net tau 0.5), and the
official [0, 255] intensity range (inputs are scaled by 255 and the output back, so those
thresholds keep their meaning).

Differences, and why:

* No BatchNorm in the residual blocks (the official has one after each conv): batch statistics
  make a sample's output depend on its batch mates, which breaks per-sample determinism and
  stacking runs with ``torch.func.vmap``. The blocks' convs are instead initialised at 0.1 times
  Kaiming-normal (BasicSR's no-BN residual blocks, as in ``resnet.py``), so every proximal net
  starts near the identity and the unrolled network starts near the plain proximal-gradient
  algorithm instead of growing its activations through 144 unnormalised residual blocks.
* Parameters the official forward never reads are left out: the unused initial M-net and eta_1,
  and the 15 unused copies of the stage-shared kernel (``self.conv`` stacks one copy per stage
  and only ever uses index 1). The first M step's transposed convolution has its own kernel
  (official ``weight0``), the rest use the shared one; both are kept, with the same start.
* The initial rain kernels are computed here rather than loaded from ``init_kernel.mat``: they
  are the oriented, elongated Gaussians of the official ``Rainkernel/init_rain_kernel.m`` and
  ``MyRainK.m``, evaluated in float64 (12 thin vertical streaks stretched 2.75..5.5 times,
  then 20 wider ones stretched 5.25..10 times), each normalised to sum 1. This needs no data
  file and no random numbers, so the kernels are the same for every seed and every machine
  while the other layers follow the global seed. The ``.mat`` shipped with the official code is
  not the output of that script (its kernels have other lengths and sums between 0.14 and 1),
  so it cannot be matched.
* Only the final B is returned; ``stages`` gives B0, every stage's B and rain layer C*M for the
  official multi-stage loss (MSE on all of them), which our trainer does not use.

Every convolution has stride 1 and same-size zero padding, as in the official, so any H and W
work without padding to a multiple.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from . import kaiming_scaled, register

# The official code trains on intensities in [0, 255] (rgb_range 255); its thresholds and the
# /10 scalings were tuned for that range.
_RGB_RANGE = 255.0
# The official divides kernels and step sizes by 10 to slow their updates.
_SLOW = 10.0


def rain_kernels(num_maps: int = 32, size: int = 9) -> torch.Tensor:
    """The official initial rain kernels, (3, num_maps, size, size), the same for R, G and B.

    ``init_rain_kernel.m``: kernel i = 1..12 is ``MyRainK(9, 2.5 + i/4, 0.1, 0.25)`` and
    i = 13..32 is ``MyRainK(9, 2 + i/4, 0.2, 0.5)``. Other ``num_maps`` spread i evenly over
    1..32 so a small dictionary spans the same shapes.
    """
    if size % 2 == 0:
        raise ValueError(f"kernel_size must be odd, got {size}")
    half = (size - 1) // 2
    grid = torch.arange(-half, half + 1, dtype=torch.float64)
    y, x = torch.meshgrid(grid, grid, indexing="ij")
    kernels = []
    for j in range(num_maps):
        i = 1 + j * 31 / (num_maps - 1) if num_maps > 1 else 1.0
        length, inner, std = (2.5 + i / 4, 0.1, 0.25) if i <= 12 else (2 + i / 4, 0.2, 0.5)
        kernels.append(_my_rain_kernel(x, y, half, length, inner, std))
    return torch.stack(kernels).to(torch.float32).expand(3, -1, -1, -1).clone()


def _my_rain_kernel(
    x: torch.Tensor, y: torch.Tensor, half: int, length: float, inner: float, std: float
) -> torch.Tensor:
    """``MyRainK.m``: a Gaussian with a flat core of radius ``inner * half``, stretched
    ``length`` times along the vertical, values below float64 eps of its peak zeroed."""
    core = math.floor(half * inner + 0.5)  # Matlab's round, half away from zero
    x = x.sign() * (x.abs().clamp(min=core) - core)
    y = y.sign() * (y.abs().clamp(min=core) - core) / length
    h = torch.exp(-(x * x + y * y) / (2 * std * std))
    h = torch.where(h < torch.finfo(torch.float64).eps * h.max(), 0.0, h)
    return h / h.sum()


class ProxNet(nn.Module):
    """The official ``Xnet``/``Mnet`` body: ``blocks`` times relu(x + conv-ReLU-conv(x)).

    With ``threshold`` it is the M-net, ending in relu(x - tau) with a learnable per-map tau:
    a soft threshold that keeps the rain maps sparse.
    """

    def __init__(self, channels: int, blocks: int, threshold: float | None = None):
        super().__init__()
        self.blocks = nn.ModuleList(
            nn.Sequential(
                nn.Conv2d(channels, channels, 3, 1, 1),
                nn.ReLU(),
                nn.Conv2d(channels, channels, 3, 1, 1),
            )
            for _ in range(blocks)
        )
        kaiming_scaled(self, 0.1)
        self.tau = None
        if threshold is not None:
            self.tau = nn.Parameter(torch.full((1, channels, 1, 1), threshold))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.blocks:
            x = F.relu(x + block(x))
        return x if self.tau is None else F.relu(x - self.tau)


@register("rcdnet")
class RCDNet(nn.Module):
    """RCDNet; the defaults are the official synthetic-data model (S=17, 32 maps, 32 dual
    channels, 9x9 kernels, T=4 blocks per proximal net)."""

    def __init__(
        self,
        stages: int = 17,
        num_maps: int = 32,
        num_z: int = 32,
        num_resblocks: int = 4,
        kernel_size: int = 9,
    ):
        super().__init__()
        if stages < 1:
            raise ValueError(f"stages must be at least 1, got {stages}")
        kernels = rain_kernels(num_maps, kernel_size)
        # Official weight0 (first M step) and the stage-shared kernel C; same initial values.
        self.kernel_first = nn.Parameter(kernels.clone())
        self.kernel = nn.Parameter(kernels)
        # Step sizes of the M and B updates (official eta11; eta2 then eta12), divided by 10.
        self.eta_m = nn.Parameter(torch.full((stages - 1,), 1.0))
        self.eta_b = nn.Parameter(torch.full((stages,), 5.0))
        # Threshold of the first M step, relu(O - B0 - tau).
        self.tau = nn.Parameter(torch.tensor(1.0))
        # Z0 from a 3x3 mean of the input (official w_z_f), learnable afterwards.
        self.z_filter = nn.Parameter(torch.full((num_z, 3, 3, 3), 1 / 9))
        self.b_init = ProxNet(3 + num_z, num_resblocks)
        self.m_nets = nn.ModuleList(ProxNet(num_maps, num_resblocks, 0.5) for _ in range(stages))
        self.b_nets = nn.ModuleList(ProxNet(3 + num_z, num_resblocks) for _ in range(stages))
        self.b_final = ProxNet(3 + num_z, num_resblocks)
        self.padding = kernel_size // 2

    def stages(
        self, x: torch.Tensor
    ) -> tuple[torch.Tensor, list[torch.Tensor], list[torch.Tensor]]:
        """B0, the B of every stage plus the final one, and every stage's rain layer C*M.

        All in the input's [0, 1] units; ``forward`` returns the last B.
        """
        o = x * _RGB_RANGE
        pad = self.padding

        def rain(m):  # C * M: the rain layer the maps explain
            return F.conv2d(m, self.kernel / _SLOW, padding=pad)

        def b_step(b, z, rain_layer, eta, net):
            # Gradient step on ||O - B - C*M||^2 in B, then the B-net on [B, Z].
            out = net(torch.cat((b - eta / _SLOW * (b - (o - rain_layer)), z), dim=1))
            return out, out[:, :3], out[:, 3:]

        out = self.b_init(torch.cat((o, F.conv2d(o, self.z_filter, padding=1)), dim=1))
        b0, z = out[:, :3], out[:, 3:]
        # First M step from M = 0: the official thresholds the residual instead of a step size.
        residual = F.relu(o - b0 - self.tau)
        m = self.m_nets[0](F.conv_transpose2d(residual, self.kernel_first / _SLOW, padding=pad))
        rain_layers = [rain(m)]
        out, b, z = b_step(b0, z, rain_layers[-1], self.eta_b[0], self.b_nets[0])
        backgrounds = [b]
        for i in range(1, len(self.b_nets)):
            misfit = rain_layers[-1] - (o - b)
            grad = F.conv_transpose2d(misfit, self.kernel / _SLOW, padding=pad)
            m = self.m_nets[i](m - self.eta_m[i - 1] / _SLOW * grad)
            rain_layers.append(rain(m))
            out, b, z = b_step(b, z, rain_layers[-1], self.eta_b[i], self.b_nets[i])
            backgrounds.append(b)
        backgrounds.append(self.b_final(out)[:, :3])
        return (
            b0 / _RGB_RANGE,
            [b / _RGB_RANGE for b in backgrounds],
            [r / _RGB_RANGE for r in rain_layers],
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.stages(x)[1][-1]
