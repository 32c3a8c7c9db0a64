"""The content-prior VQGAN: taming's f16 layout and keys, quantisation, the encoder-only
fine-tuning, the checkpoint loader, and the generic network interface."""

import pickle
import sys
import types

import pytest
import torch

from slacking.models import build
from slacking.models.vqgan import VQGAN, freeze_for_finetuning, load_taming_checkpoint

torch.set_num_threads(1)

TINY = {
    "ch": 8,
    "ch_mult": [1, 2],
    "num_res_blocks": 1,
    "attn_resolutions": [],
    "z_channels": 4,
    "embed_dim": 4,
    "n_embed": 16,
    "resolution": 16,
}


def tiny(seed: int = 0, **changes) -> VQGAN:
    torch.manual_seed(seed)
    return build("vqgan", **{**TINY, **changes})


def taming_keys(ch, ch_mult, num_res_blocks, attn_resolutions, resolution, quantize=True):
    """taming's VQModel state-dict keys (without loss.*), written out from the layout rules of
    its Encoder/Decoder, not from our modules: a ResnetBlock has norm1, conv1, norm2, conv2
    and a nin_shortcut when its width changes; an AttnBlock norm, q, k, v, proj_out; the
    decoder has one more block per level and stores its levels by resolution index."""
    keys = []

    def layer(name):  # every conv and GroupNorm has a weight and a bias
        keys.extend([f"{name}.weight", f"{name}.bias"])

    def res(name, cin, cout):
        for part in ("norm1", "conv1", "norm2", "conv2"):
            layer(f"{name}.{part}")
        if cin != cout:
            layer(f"{name}.nin_shortcut")

    def attn(name):
        for part in ("norm", "q", "k", "v", "proj_out"):
            layer(f"{name}.{part}")

    def mid(prefix, width):
        res(f"{prefix}.mid.block_1", width, width)
        attn(f"{prefix}.mid.attn_1")
        res(f"{prefix}.mid.block_2", width, width)

    last = len(ch_mult) - 1
    layer("encoder.conv_in")
    width, size = ch, resolution
    for i, mult in enumerate(ch_mult):
        for j in range(num_res_blocks):
            res(f"encoder.down.{i}.block.{j}", width, ch * mult)
            width = ch * mult
            if size in attn_resolutions:
                attn(f"encoder.down.{i}.attn.{j}")
        if i != last:
            layer(f"encoder.down.{i}.downsample.conv")
            size //= 2
    mid("encoder", width)
    layer("encoder.norm_out")
    layer("encoder.conv_out")
    layer("decoder.conv_in")
    mid("decoder", width)
    for i in reversed(range(len(ch_mult))):
        for j in range(num_res_blocks + 1):
            res(f"decoder.up.{i}.block.{j}", width, ch * ch_mult[i])
            width = ch * ch_mult[i]
            if size in attn_resolutions:
                attn(f"decoder.up.{i}.attn.{j}")
        if i != 0:
            layer(f"decoder.up.{i}.upsample.conv")
            size *= 2
    layer("decoder.norm_out")
    layer("decoder.conv_out")
    layer("quant_conv")
    layer("post_quant_conv")
    if quantize:
        keys.append("quantize.embedding.weight")
    return keys


# Representative keys of vqgan_imagenet_f16_1024's last.ckpt and their shapes.
F16_KEYS = {
    "encoder.conv_in.weight": (128, 3, 3, 3),
    "encoder.down.0.block.0.norm1.weight": (128,),
    "encoder.down.0.downsample.conv.weight": (128, 128, 3, 3),
    "encoder.down.2.block.0.nin_shortcut.weight": (256, 128, 1, 1),
    "encoder.down.4.block.0.nin_shortcut.weight": (512, 256, 1, 1),
    "encoder.down.4.attn.1.proj_out.weight": (512, 512, 1, 1),
    "encoder.mid.attn_1.q.weight": (512, 512, 1, 1),
    "encoder.mid.block_2.conv2.bias": (512,),
    "encoder.conv_out.weight": (256, 512, 3, 3),
    "quant_conv.weight": (256, 256, 1, 1),
    "quantize.embedding.weight": (1024, 256),
    "post_quant_conv.weight": (256, 256, 1, 1),
    "decoder.conv_in.weight": (512, 256, 3, 3),
    "decoder.mid.attn_1.k.weight": (512, 512, 1, 1),
    "decoder.up.4.attn.2.v.weight": (512, 512, 1, 1),
    "decoder.up.4.upsample.conv.weight": (512, 512, 3, 3),
    "decoder.up.3.block.0.nin_shortcut.weight": (256, 512, 1, 1),
    "decoder.up.3.upsample.conv.weight": (256, 256, 3, 3),
    "decoder.up.1.block.0.nin_shortcut.weight": (128, 256, 1, 1),
    "decoder.up.0.block.2.norm2.bias": (128,),
    "decoder.conv_out.weight": (3, 128, 3, 3),
}
# build("vqgan"): encoder 29,298,176 + decoder 42,449,795 + codebook 1024 x 256 = 262,144
# + quant_conv and post_quant_conv 65,792 each; taming's own Encoder/Decoder with
# configs/imagenet_vqgan.yaml give the same keys, shapes and total.
F16_PARAMETERS = 72_141_699


def test_paper_scale_model_has_tamings_f16_keys_and_size():
    with torch.device("meta"):  # layout only: no memory, no initialisation cost
        model = build("vqgan")
    state = model.state_dict()
    for key, shape in F16_KEYS.items():
        assert tuple(state[key].shape) == shape, key
    expected = taming_keys(128, [1, 1, 2, 2, 4], 2, [16], 256)
    assert len(expected) == len(set(expected)) == len(state) == 343
    assert set(state) == set(expected)
    count = sum(p.numel() for p in model.parameters())
    print(f"vqgan: {count:,} parameters")
    assert count == F16_PARAMETERS
    assert model.quantize.embedding.weight.numel() == 262_144
    assert model.factor == 16


def test_small_keys_follow_the_same_rules():
    assert set(tiny().state_dict()) == set(taming_keys(8, [1, 2], 1, [], 16))
    attention = {**TINY, "attn_resolutions": [8]}
    keys = set(build("vqgan", **attention).state_dict())
    assert keys == set(taming_keys(8, [1, 2], 1, [8], 16))
    assert "encoder.down.1.attn.0.q.weight" in keys and "decoder.up.1.attn.1.q.weight" in keys


def test_quantisation_returns_codebook_entries_and_passes_gradients_straight_through():
    model = tiny()
    latents = []
    model.quant_conv.register_forward_hook(lambda module, args, out: latents.append(out))
    z_q, indices, vq_loss = model.encode(torch.rand(2, 3, 12, 10))
    codebook = model.quantize.embedding.weight
    assert z_q.shape == (2, 4, 6, 5) and indices.shape == (2, 6, 5)
    assert indices.dtype == torch.long
    assert 0 <= indices.min() and indices.max() < 16 and indices.unique().numel() > 1
    vectors = z_q.permute(0, 2, 3, 1).reshape(-1, 4)
    torch.testing.assert_close(vectors, codebook[indices.reshape(-1)], rtol=0, atol=1e-6)
    # ...and each is the entry nearest to the encoder's latent.
    pre = latents[0].permute(0, 2, 3, 1).reshape(-1, 4)
    distances = torch.cdist(pre, codebook)
    chosen = distances.gather(1, indices.reshape(-1, 1)).squeeze(1)
    assert (chosen <= distances.min(1).values + 1e-6).all()
    # Straight-through: z_q's gradient reaches the encoder but not the codebook; the VQ loss
    # reaches both.
    conv_in = model.encoder.conv_in.weight
    to_encoder, to_codebook = torch.autograd.grad(
        z_q.sum(), [conv_in, codebook], retain_graph=True, allow_unused=True
    )
    assert to_encoder.abs().sum() > 0 and to_codebook is None
    assert vq_loss > 0
    assert all(g.abs().sum() > 0 for g in torch.autograd.grad(vq_loss, [conv_in, codebook]))


def test_forward_with_loss_gives_the_forward_image_and_a_vq_loss():
    model = tiny()
    x = torch.rand(1, 3, 9, 7)
    image, vq_loss = model.forward_with_loss(x)
    with torch.no_grad():
        assert torch.equal(image, model(x))
    assert vq_loss.ndim == 0 and vq_loss > 0 and vq_loss.requires_grad


def test_finetuning_trains_only_the_encoder_and_quant_conv():
    model = tiny()
    trainable = freeze_for_finetuning(model)
    names = [name for name, _ in model.named_parameters()]
    assert trainable == [n for n in names if n.startswith(("encoder.", "quant_conv."))]
    frozen = {n: p.detach().clone() for n, p in model.named_parameters() if n not in trainable}
    assert {n.split(".")[0] for n in frozen} == {"decoder", "quantize", "post_quant_conv"}
    before = {n: p.detach().clone() for n, p in model.named_parameters() if n in trainable}
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    clean = torch.rand(2, 3, 8, 8)
    image, vq_loss = model.forward_with_loss((clean + 0.2 * torch.rand_like(clean)).clamp(0, 1))
    ((image - clean).abs().mean() + vq_loss).backward()
    optimizer.step()
    for name, parameter in model.named_parameters():
        if name in frozen:
            assert parameter.grad is None and torch.equal(parameter, frozen[name]), name
    assert not torch.equal(model.encoder.conv_in.weight, before["encoder.conv_in.weight"])
    assert not torch.equal(model.quant_conv.weight, before["quant_conv.weight"])


def test_loader_maps_a_taming_checkpoint_and_drops_the_loss(tmp_path):
    source = tiny(seed=1)
    weights = source.state_dict()
    # The checkpoint's keys come from taming's layout rules, not from our module names.
    keys = taming_keys(8, [1, 2], 1, [], 16)
    assert set(keys) == set(weights)
    discriminator = {
        "loss.discriminator.main.0.weight": torch.randn(64, 3, 4, 4),
        "loss.perceptual_loss.net.slice1.0.weight": torch.randn(64, 3, 3, 3),
    }
    path = tmp_path / "last.ckpt"
    checkpoint = {"state_dict": {**{k: weights[k] for k in keys}, **discriminator}}
    torch.save({"epoch": 3, "global_step": 100, **checkpoint}, path)
    target = tiny(seed=2)
    x = torch.rand(1, 3, 11, 13)
    with torch.no_grad():
        assert not torch.equal(target(x), source(x))
        report = load_taming_checkpoint(target, path)
        assert torch.equal(target(x), source(x))
    assert report.ignored == sorted(discriminator)
    assert report.loaded == sorted(keys) and report.placeholders == []
    torch.save(weights, tmp_path / "bare.pt")  # a bare state dict loads as well
    assert load_taming_checkpoint(tiny(seed=3), tmp_path / "bare.pt").ignored == []


def test_loader_names_missing_unexpected_and_mis_shaped_keys(tmp_path):
    weights = tiny().state_dict()
    weights["encoder.mid.attn_1.query.weight"] = weights.pop("encoder.mid.attn_1.q.weight")
    del weights["decoder.conv_out.bias"]
    torch.save({"state_dict": weights}, tmp_path / "renamed.ckpt")
    with pytest.raises(ValueError, match="does not match vqgan\\(ch=8") as error:
        load_taming_checkpoint(tiny(), tmp_path / "renamed.ckpt")
    message = str(error.value)
    assert "missing ['decoder.conv_out.bias', 'encoder.mid.attn_1.q.weight']" in message
    assert "unexpected ['encoder.mid.attn_1.query.weight']" in message

    torch.save({"state_dict": tiny(n_embed=32).state_dict()}, tmp_path / "codes.ckpt")
    with pytest.raises(ValueError, match=r"quantize.embedding.weight: checkpoint \(32, 4\)"):
        load_taming_checkpoint(tiny(), tmp_path / "codes.ckpt")
    with pytest.raises(ValueError, match=r"unexpected \['quantize.embedding.weight'\]"):
        load_taming_checkpoint(tiny(quantize=False), tmp_path / "codes.ckpt")


def test_loader_reads_lightning_objects_without_running_them(tmp_path, monkeypatch):
    """taming's .ckpt files pickle Lightning callback classes; they load as inert
    placeholders, with pytorch_lightning absent and without executing anything."""
    calls = []

    class ModelCheckpoint:
        def __reduce__(self):
            return (run, ("side effect",))

    def run(argument):
        calls.append(argument)

    module = types.ModuleType("pytorch_lightning.callbacks.model_checkpoint")
    ModelCheckpoint.__module__ = run.__module__ = module.__name__
    ModelCheckpoint.__qualname__ = "ModelCheckpoint"
    run.__qualname__ = "run"
    module.ModelCheckpoint, module.run = ModelCheckpoint, run
    weights = tiny(seed=1).state_dict()
    with monkeypatch.context() as patch:
        for package in ("pytorch_lightning", "pytorch_lightning.callbacks"):
            patch.setitem(sys.modules, package, types.ModuleType(package))
        patch.setitem(sys.modules, module.__name__, module)
        callbacks = {ModelCheckpoint: {"best_model_score": torch.tensor(0.5)}}
        checkpoint = {"state_dict": weights, "callbacks": callbacks, "hook": ModelCheckpoint()}
        torch.save(checkpoint, tmp_path / "last.ckpt")
        with pytest.raises(pickle.UnpicklingError):
            torch.load(tmp_path / "last.ckpt", weights_only=True)
        report = load_taming_checkpoint(model := tiny(seed=2), tmp_path / "last.ckpt")
    assert calls == []
    assert report.placeholders == [
        f"{module.__name__}.{name}" for name in ("ModelCheckpoint", "run")
    ]
    assert all(torch.equal(model.state_dict()[k], v) for k, v in weights.items())


@pytest.mark.parametrize("quantize", [True, False])
@pytest.mark.parametrize("size", [(19, 23), (5, 3)])
def test_output_keeps_the_input_shape(quantize, size):
    x = torch.rand(2, 3, *size)
    with torch.no_grad():
        y = tiny(quantize=quantize)(x)
    assert y.shape == x.shape and y.dtype == x.dtype
    assert torch.isfinite(y).all()
    clamped = y.clamp(0, 1)  # as evaluation does; the network itself is not clamped
    assert 0 <= clamped.min() and clamped.max() <= 1 and clamped.std() > 0


def test_without_quantisation_there_is_no_codebook():
    model = tiny(quantize=False)
    assert model.quantize is None
    assert not any("quantize" in name for name in model.state_dict())
    assert set(model.state_dict()) == set(taming_keys(8, [1, 2], 1, [], 16, quantize=False))
    x = torch.rand(1, 3, 8, 8)
    z, indices, vq_loss = model.encode(x)
    assert indices is None and vq_loss == 0
    with torch.no_grad():  # the decoder sees quant_conv's output directly
        h = model.quant_conv(model.encoder(x * 2 - 1))
        torch.testing.assert_close(z, h)
        torch.testing.assert_close(model(x), (model.decoder(model.post_quant_conv(h)) + 1) / 2)


def test_the_seed_fixes_the_initial_weights():
    first, again, other = (tiny(seed).state_dict() for seed in (0, 0, 1))
    assert all(torch.equal(first[k], again[k]) for k in first)
    assert not any(torch.equal(first[k], other[k]) for k in first if k.endswith("conv1.weight"))
