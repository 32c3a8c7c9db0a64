"""Host-to-device copies that do not stall the GPU."""

from __future__ import annotations

import torch


def to_device(tensor: torch.Tensor, device: torch.device) -> torch.Tensor:
    """A CPU tensor on ``device``; to CUDA through pinned memory, without blocking.

    A copy from ordinary (pageable) memory waits for every kernel already queued, so the
    small copies of each block of training steps (batch indices, flips, the rain's streak
    positions and kernels) would make the host wait for the GPU at every block. Pinned blocks
    come from torch's caching host allocator, which keeps them alive until their copy has
    finished.
    """
    if device.type != "cuda":
        return tensor.to(device)
    return tensor.pin_memory().to(device, non_blocking=True)
