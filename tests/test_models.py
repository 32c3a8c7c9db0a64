"""The model registry and the papers' three networks: sizes, shapes, identity start, training."""

import pytest
import torch
from torch.func import functional_call, stack_module_state, vmap

from slacking import models
from slacking.models import available, build, register
from slacking.models.swinir import SwinLayer, _shift_mask

# The default preset's sizes (config/config.yaml) and a depth-2 U-Net.
SMALL = {
    "resnet": {"num_feat": 16, "num_block": 2},
    "unet": {"num_feat": 8, "depth": 3},
    "unet_depth2": {"num_feat": 8, "depth": 2},
    "swinir": {"embed_dim": 16, "depths": [2], "num_heads": [2], "window_size": 8},
    # Two stages and a block per group, so SPDNet's stage wiring and blocks are exercised.
    "spdnet": {"num_feat": 8, "num_block": 1, "num_stage": 2},
    "spdnet_preset": {"num_feat": 8, "num_block": 0, "num_stage": 1},
    "rcdnet": {"stages": 2, "num_maps": 8, "num_z": 5, "num_resblocks": 1, "kernel_size": 5},
}
# RCDNet's output is its last B-net's, not one final layer's; its near-identity start is
# tested in test_rcdnet.py.
WITH_CONV_LAST = [key for key in sorted(SMALL) if not key.startswith("rcdnet")]


def small(key: str) -> torch.nn.Module:
    return build(key.split("_")[0], **SMALL[key])


def test_registry_lists_the_networks():
    assert {"resnet", "unet", "swinir", "spdnet", "rcdnet"} <= set(available())
    assert available() == sorted(available())


def test_unknown_name_lists_the_registered_ones():
    with pytest.raises(ValueError, match="unknown model 'resnt'") as error:
        build("resnt")
    for name in ("resnet", "unet", "swinir"):
        assert name in str(error.value)


def test_unknown_keyword_arguments_are_all_named():
    with pytest.raises(TypeError, match=r"\['num_blocks', 'width'\]"):
        build("resnet", num_feat=8, num_blocks=2, width=3)


def test_register_adds_a_name_and_refuses_to_reuse_one(monkeypatch):
    monkeypatch.setattr(models, "_REGISTRY", dict(models._REGISTRY))

    @register("identity_for_test")
    class Identity(torch.nn.Module):
        def forward(self, x):
            return x

    assert isinstance(build("identity_for_test"), Identity)
    with pytest.raises(ValueError, match="already registered"):
        register("resnet")(Identity)


# Paper-scale counts, by hand from the architectures (3x3 conv a->b: 9ab + b; bias everywhere).
# resnet (64 features, 16 blocks): conv_first 1,792 + 16 blocks x 2 x 36,928 = 1,181,696
#   + conv_hr 36,928 + conv_last 1,731 = 1,222,147.
# swinir (embed 60, depths/heads [6]*4, window 8, MLP ratio 2): one Swin layer has 2 LayerNorms
#   240 + bias table 15^2 x 6 = 1,350 + qkv 10,980 + proj 3,660 + MLP 7,320 + 7,260 = 30,810;
#   an RSTB is 6 layers + a 3x3 conv 32,460 = 217,320; 4 RSTBs 869,280 + conv_first 1,680
#   + 2 LayerNorms 240 + conv_after_body 32,460 + conv_last 1,623 = 905,283.
# unet (64 features, 4 poolings, widths 64..1024): encoder double convs 38,720 + 221,440
#   + 885,248 + 3,539,968 + 14,157,824; decoder levels (2x2 transposed conv + double conv)
#   9,176,576 + 2,294,528 + 573,824 + 143,552; 1x1 conv 195: 31,031,875.
PAPER_PARAMETERS = {"resnet": 1_222_147, "swinir": 905_283, "unet": 31_031_875}


@pytest.mark.parametrize("name", sorted(PAPER_PARAMETERS))
def test_paper_scale_parameter_counts(name):
    count = sum(p.numel() for p in build(name).parameters())
    print(f"{name}: {count:,} parameters")
    assert count == PAPER_PARAMETERS[name]


@pytest.mark.parametrize("key", sorted(SMALL))
@pytest.mark.parametrize("size", [(37, 45), (5, 3)])
def test_output_has_the_input_shape(key, size):
    x = torch.rand(2, 3, *size)
    with torch.no_grad():
        y = small(key)(x)
    assert y.shape == x.shape and y.dtype == x.dtype
    assert torch.isfinite(y).all()


@pytest.mark.parametrize("key", WITH_CONV_LAST)
def test_zeroed_last_layer_gives_the_identity(key):
    model = small(key)
    torch.nn.init.zeros_(model.conv_last.weight)
    torch.nn.init.zeros_(model.conv_last.bias)
    x = torch.rand(2, 3, 19, 26)
    with torch.no_grad():
        assert torch.equal(model(x), x)


@pytest.mark.parametrize("key", sorted(SMALL))
def test_a_gradient_step_reduces_the_l1_loss(key):
    torch.manual_seed(0)
    model = small(key)
    clean = torch.rand(4, 3, 16, 16)
    rainy = (clean + 0.3 * torch.rand(4, 3, 16, 16)).clamp(0, 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)

    def loss():
        return (model(rainy) - clean).abs().mean()

    before = loss()
    before.backward()
    optimizer.step()
    with torch.no_grad():
        assert loss() < before.detach()


@pytest.mark.parametrize("key", sorted(SMALL))
def test_the_seed_fixes_the_initial_weights(key):
    def weights(seed):
        torch.manual_seed(seed)
        return small(key).state_dict()

    first, again, other = weights(0), weights(0), weights(1)
    assert all(torch.equal(first[k], again[k]) for k in first)
    assert not all(torch.equal(first[k], other[k]) for k in first)


@pytest.mark.parametrize("key", sorted(SMALL))
def test_channels_last_gives_the_same_output(key):
    model = small(key)
    x = torch.rand(2, 3, 24, 20)
    with torch.no_grad():
        expected = model(x)
        model = model.to(memory_format=torch.channels_last)
        got = model(x.to(memory_format=torch.channels_last))
    torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("key", sorted(SMALL))
def test_stacked_copies_under_vmap_match_the_separate_models(key):
    """The stacked trainer runs same-architecture models as one vmap-ed functional call."""
    models = [small(key), small(key)]
    params, buffers = stack_module_state(models)
    base = small(key).to("meta")
    x = torch.rand(2, 2, 3, 12, 20)

    def forward(p, b, inputs):
        return functional_call(base, (p, b), (inputs,))

    with torch.no_grad():
        got = vmap(forward)(params, buffers, x)
        for m, model in enumerate(models):
            torch.testing.assert_close(got[m], model(x[m]), rtol=1e-4, atol=1e-5)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("key", sorted(SMALL))
def test_cuda_matches_cpu(key):
    model = small(key)
    x = torch.rand(2, 3, 37, 45)
    with torch.no_grad():
        expected = model(x)
        got = model.cuda()(x.cuda()).cpu()
    torch.testing.assert_close(got, expected, rtol=1e-3, atol=1e-4)


def test_shifted_windows_do_not_mix_pixels_wrapped_around_the_border():
    """After the cyclic shift the bottom-right window holds the top-left corner too; the mask
    must keep the two apart, while pixels of one region still interact."""
    torch.manual_seed(0)
    layer = SwinLayer(dim=8, num_heads=2, window=8, shift=4, mlp_ratio=2.0)
    x = torch.rand(1, 16, 16, 8)
    poked = x.clone()
    poked[0, 0, 0, 0] += 1.0  # one channel: LayerNorm would cancel a shift of all

    def change(mask):
        with torch.no_grad():
            return (layer(poked, mask) - layer(x, mask)).abs().sum(-1)[0]

    masked = change(_shift_mask(16, 16, 8, 4, x.device))
    assert masked[15, 15] == 0  # other region of the same shifted window
    assert masked[3, 3] > 1e-3  # same region and window
    assert change(torch.zeros(4, 1, 64, 64))[15, 15] > 1e-3  # what the mask prevents


def test_shift_mask_is_cached_per_size():
    assert _shift_mask(16, 24, 8, 4, torch.device("cpu")) is _shift_mask(
        16, 24, 8, 4, torch.device("cpu")
    )
    assert _shift_mask(16, 24, 8, 4, torch.device("cpu")).shape == (6, 1, 64, 64)
