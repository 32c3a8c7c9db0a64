"""SPDNet: its size, shapes, training step, seeding, layouts, and the Haar and RCP parts."""

import pytest
import torch

from slacking.models import build
from slacking.models.spdnet import haar_dwt, haar_iwt, residue_channel

# Two stages and one block per group, so the stage wiring and the blocks are exercised.
SMALL = {"num_feat": 8, "num_block": 1, "num_stage": 2}
# The CPU preset: one stage, 4 features, groups without blocks (training step ~60 ms).
FASTEST = {"num_feat": 4, "num_block": 0, "num_stage": 1}


def small() -> torch.nn.Module:
    return build("spdnet", **SMALL)


@pytest.fixture(autouse=True)
def one_thread():
    """These tensors are tiny: a second thread only adds synchronisation, and on a busy 2-core
    machine it made this file several times slower (OpenMP threads waiting on each other)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# Paper scale (C = 32 features, B = 3 blocks per group, 3 stages); 3x3 conv a->b: 9ab + b.
#   ResidualSE (2 convs C->C, 2 bias-free C x C linears): 2 x 9,248 + 2 x 1,024 = 20,544
#   ResidualGroup: B x 20,544 + conv 9,248 = 70,880
#   ResidueEncoder: conv 3->16 448 + conv 16->32 4,640 + group 70,880 = 75,968
#   WMLM: IFM (2 convs C->C, 2 convs 2C->2: 2 x 9,248 + 2 x 1,154) 20,804 + fuse 2C->C 18,464
#     + 2 DWT convs 4C->C 2 x 36,896 + 2 IWT convs C->4C 2 x 36,992 + 9 groups 637,920
#     + 2 Fuse (transposed conv 9,248 + ResidualSE 20,544) 59,584 = 884,548
#   shallow convs 448 + 4,640, 3 encoders 227,904, 3 WMLMs 2,653,644, stage inputs 2C->C and
#     3C->C 18,464 + 27,680, head inputs the same 46,144, 3 heads C->3 3 x 867 = 2,981,525.
# The official module counts 3,318,741 (the paper's ~3.3M): it also builds 12 conv layers per
# WMLM that forward never calls (3 x 12 x 9,248 = 332,928) and an unused affine InstanceNorm
# in each conv block (4,288); see the module docstring.
PAPER_PARAMETERS = 2_981_525


def test_paper_scale_parameter_count():
    count = sum(p.numel() for p in build("spdnet").parameters())
    print(f"spdnet: {count:,} parameters")
    assert count == PAPER_PARAMETERS


def test_haar_dwt_then_iwt_reconstructs_the_input():
    x = torch.rand(2, 5, 6, 10, dtype=torch.float64)
    bands = haar_dwt(x)
    assert bands.shape == (2, 5, 4, 3, 5)
    assert (haar_iwt(bands) - x).abs().max() < 1e-6
    assert (haar_iwt(haar_dwt(x.float())) - x.float()).abs().max() < 1e-6


def test_haar_dwt_of_a_constant_has_only_the_low_band():
    bands = haar_dwt(torch.full((1, 2, 8, 6), 0.7))
    assert torch.all(bands[:, :, 1:] == 0)
    torch.testing.assert_close(bands[:, :, 0], torch.full((1, 2, 4, 3), 1.4))  # 4 x 0.7 / 2


def test_haar_bands_follow_pytorch_wavelets():
    """Order and signs of DWTForward(J=1, wave='haar'), which the official code uses: for the
    block [[0, 1], [4, 5]] it gives LL 5, then -4 (top minus bottom), -1 (left minus right), 0."""
    block = torch.tensor([[0.0, 1.0], [4.0, 5.0]]).reshape(1, 1, 2, 2)
    assert haar_dwt(block).flatten().tolist() == [5.0, -4.0, -1.0, 0.0]


def test_residue_channel_is_max_minus_min_and_zero_for_gray():
    gray = torch.rand(2, 1, 7, 9).expand(2, 3, 7, 9)
    assert torch.all(residue_channel(gray) == 0)
    colour = torch.tensor([0.2, 0.9, 0.5]).reshape(1, 3, 1, 1)
    torch.testing.assert_close(residue_channel(colour), torch.full((1, 1, 1, 1), 0.7))


def test_sizes_that_cannot_build_are_refused():
    with pytest.raises(ValueError, match="num_stage >= 1"):
        build("spdnet", num_stage=0)
