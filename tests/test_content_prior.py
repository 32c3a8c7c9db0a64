"""The content prior (journal Sec. VI): degradations and test sets of the denoising task, the
fine-tuning of a prior through the pipeline's trainer, the claims, and the family end to end on
a tiny config, with the prior pretrained by the workflow or imported from a taming checkpoint."""

import numpy as np
import pandas as pd
import pytest
import torch
import yaml

from conftest import run_snakemake, run_tiny_preset
from slacking.atomic import save_torch
from slacking.claims import FAIL, PASS
from slacking.content_prior import content_prior_markdown, variant_training
from slacking.data.testsets import salt_and_pepper_test_set, seen_rain_layers
from slacking.degradations import GaussianNoise, degradation_from_config, degrade, salt_and_pepper
from slacking.evaluation import derain, metrics_table
from slacking.integrity import load_torch
from slacking.models import build, load_model, model_record
from slacking.provenance import read_csv
from slacking.rain import rain_range_from_config
from slacking.training import Trainer, TrainSettings, fingerprint

VQGAN = {"ch": 4, "ch_mult": [1, 2], "num_res_blocks": 1, "attn_resolutions": [],
         "z_channels": 4, "embed_dim": 4, "n_embed": 16, "resolution": 32}  # fmt: skip


# -- degradations and test sets -------------------------------------------------------------------
def test_gaussian_noise_has_its_std_and_repeats_with_the_seed():
    clean = torch.full((4, 3, 32, 32), 0.5)
    noise = GaussianNoise(30.0)
    first = degrade(clean, noise, torch.Generator().manual_seed(1))
    again = degrade(clean, noise, torch.Generator().manual_seed(1))
    other = degrade(clean, noise, torch.Generator().manual_seed(2))
    assert torch.equal(first, again) and not torch.equal(first, other)
    assert float((first - clean).std() * 255) == pytest.approx(30.0, rel=0.05)
    assert degrade(clean, None, torch.Generator()) is clean  # "clean": the autoencoder's input
    with pytest.raises(ValueError, match="std: must be positive"):
        GaussianNoise(0.0)


def test_degradation_names_resolve(default_config):
    rain, noise = default_config["rain"], default_config["noise"]
    assert degradation_from_config(rain, noise, "noise") == GaussianNoise(30.0)
    assert degradation_from_config(rain, noise, "clean") is None
    assert degradation_from_config(rain, noise, "medium").widths == (5, 7, 9)


def test_salt_and_pepper_hits_each_channel_independently():
    gray = np.full((8, 64, 64, 3), 128, np.uint8)
    noisy = salt_and_pepper(gray, 0.02, np.random.default_rng(0))
    assert (noisy == 0).mean() == pytest.approx(0.02, abs=0.003)
    assert (noisy == 255).mean() == pytest.approx(0.02, abs=0.003)
    assert set(np.unique(noisy)) == {0, 128, 255}
    hit = noisy != 128
    assert (hit.any(-1) & ~hit.all(-1)).any()  # one channel changed without the others
    with pytest.raises(ValueError, match="amount"):
        salt_and_pepper(gray, 0.6, np.random.default_rng(0))


def test_noise_test_set_marks_exactly_the_changed_values():
    background = np.random.default_rng(0).integers(20, 230, (3, 32, 32, 3), dtype=np.uint8)
    first = salt_and_pepper_test_set(background, 0.02, seed=5)
    again = salt_and_pepper_test_set(background, 0.02, seed=5)
    assert all(np.array_equal(first[k], again[k]) for k in "BRI")
    assert np.array_equal(first["R"] > 0, first["I"] != background)


def test_seen_rain_repeats_and_follows_its_range(default_config):
    medium = rain_range_from_config(default_config["rain"], "medium")
    large = rain_range_from_config(default_config["rain"], "large")
    layers = seen_rain_layers(4, 48, medium, seed=0)
    assert layers.dtype == np.uint8 and layers.shape == (4, 48, 48)
    assert np.array_equal(layers, seen_rain_layers(4, 48, medium, seed=0))
    assert layers.max() > 100  # streaks, not an empty layer
    assert not np.array_equal(layers, seen_rain_layers(4, 48, large, seed=0))


# -- fine-tuning through the trainer --------------------------------------------------------------
def _settings(**overrides):
    base = dict(
        network="vqgan",
        network_kwargs=VQGAN,
        degradation=GaussianNoise(30.0),
        iterations=4,
        batch_size=2,
        checkpoint_every=2,
        device="cpu",
        lr=1e-2,
    )
    return TrainSettings(**{**base, **overrides})


@pytest.fixture
def prior(tmp_path):
    torch.manual_seed(7)
    model = build("vqgan", **VQGAN)
    path = tmp_path / "prior.pt"
    save_torch(model_record("vqgan", VQGAN, model, 0), path)
    return path


def test_finetuning_changes_the_encoder_only(tmp_path, prior):
    patches = np.random.default_rng(0).integers(0, 256, (6, 32, 32, 3), dtype=np.uint8)
    settings = _settings(init=str(prior), finetune_encoder=True)
    Trainer(patches, settings, tmp_path / "run").run()
    before = load_torch(prior)["state_dict"]
    after = load_model(tmp_path / "run/model.pt").state_dict()
    trained = [k for k in before if k.startswith(("encoder.", "quant_conv."))]
    frozen = [k for k in before if k not in trained]
    assert any(k.startswith("quantize.") for k in frozen) and any("decoder." in k for k in frozen)
    assert all(torch.equal(before[k], after[k]) for k in frozen)
    assert sum(not torch.equal(before[k], after[k]) for k in trained) > len(trained) // 2


def test_other_starting_weights_are_another_run(tmp_path, prior):
    patches = np.zeros((2, 32, 32, 3), np.uint8)
    settings = _settings(init=str(prior), finetune_encoder=True)
    first = fingerprint(settings, patches)
    state = load_torch(prior)
    state["state_dict"]["quantize.embedding.weight"] += 1
    save_torch(state, prior)
    assert fingerprint(settings, patches) != first


def test_only_a_vqgan_can_finetune_its_encoder():
    with pytest.raises(ValueError, match="only a vqgan has an encoder"):
        _settings(network="resnet", network_kwargs={}, finetune_encoder=True)


def test_variants_differ_as_the_paper_says(default_config):
    family = default_config["experiments"]["content_prior"]
    kwargs, training = default_config["networks"]["vqgan"], default_config["training"]
    tuned_kwargs, tuned = variant_training("finetuned", family, kwargs, training)
    ablation_kwargs, ablation = variant_training("novq", family, kwargs, training)
    assert tuned["finetune_encoder"] and tuned_kwargs == kwargs
    assert ablation_kwargs == {**kwargs, "quantize": False} and "finetune_encoder" not in ablation
    assert tuned["iterations"] == family["finetune"]["training"]["iterations"]


# -- table and claims -----------------------------------------------------------------------------
def content_prior_table(derain: dict, denoise: dict, seen_share: dict | None = None):
    """A runs table: each network's unseen-rain PSNR (``derain``), E_R shares of the perfect
    derainer's on training rain (``seen_share``, default 0.5) and unseen rain (0.4), and
    salt-and-pepper PSNR (``denoise``)."""
    rows = []
    model = {"kind": "model", "category": "natural", "n": 8, "E_B": 5.0}
    for network, psnr in derain.items():
        seen = (seen_share or {}).get(network, 0.5)
        rows.append({**model, "network": network, "rain_range": "medium", "test": "unseen",
                     "E_R": 40.0 * 0.4, "PSNR": psnr})  # fmt: skip
        rows.append({**model, "network": network, "rain_range": "medium", "test": "seen",
                     "E_R": 40.0 * seen, "PSNR": 20.0})  # fmt: skip
    for network, psnr in denoise.items():
        rows.append({**model, "network": network, "rain_range": "noise", "test": "salt-pepper",
                     "E_R": 1.0, "PSNR": psnr})  # fmt: skip
    for test in ("unseen", "seen", "salt-pepper"):
        rows.append({"kind": "identity", "category": "natural", "test": test, "E_R": 0.0,
                     "E_B": 1.0, "PSNR": 15.0})  # fmt: skip
        rows.append({"kind": "perfect", "category": "natural", "test": test, "E_R": 40.0,
                     "E_B": 0.0, "PSNR": 99.0})  # fmt: skip
    return pd.DataFrame(rows)


DERAIN = {"resnet": 20.0, "unet": 21.0, "vqgan-novq": 19.0, "vqgan-finetuned": 24.0}
DENOISE = {"resnet": 18.0, "unet": 19.0, "vqgan-finetuned": 25.0}
ABLATION_GAP = {"vqgan-novq": 0.9, "vqgan-finetuned": 0.45}  # drops 0.5 and 0.05


def test_markdown_shows_each_model_with_its_shares():
    reconstruction = pd.DataFrame({"image": [0, 1], "PSNR": [20.0, 22.0]})
    text = content_prior_markdown(
        content_prior_table(DERAIN, DENOISE, {"resnet": 0.75}),
        "medium",
        {"resnet": "ResNet"},
        reconstruction,
    )
    assert "| ResNet " in text and "| vqgan-finetuned " in text
    assert " 0.75 |" in text  # resnet's E_R share on the training rain
    assert "clean test images at 21.00 dB (mean PSNR over 2 images)" in text


# -- the family end to end -------------------------------------------------------------------------
TINY = {
    "targets": ["content_prior"],
    "categories": ["natural"],
    "patches": {"size": 32, "counts": [4, 8]},
    "test": {"size": 32, "count": 3, "rain": "embedded"},
    "networks": {
        "resnet": {"num_feat": 4, "num_block": 1},
        "unet": {"num_feat": 4, "depth": 2},
        "vqgan": VQGAN,
    },
    "training": {"iterations": 6, "batch_size": 2, "checkpoint_every": 3},
    "experiments": {
        "content_prior": {
            "baselines": ["resnet", "unet"],
            "n": 8,
            "prior": {"n": 8, "training": {"iterations": 6}},
            "finetune": {"n": 4, "training": {"iterations": 4}},
            "ablation": {"training": {"iterations": 4}},
        }
    },
    "evaluation": {"examples": 1},
}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return run_tiny_preset(tmp_path_factory.mktemp("content_prior"), TINY)


def test_every_output_is_built(results):
    for name in ("fig18", "fig19"):
        for suffix in ("pdf", "png"):
            assert (results / f"figures/{name}.{suffix}").stat().st_size > 1000, name
    text = (results / "tables/content_prior.md").read_text()
    for label in ("ResNet", "UNet", "VQGAN + content prior", "VQGAN without VQ"):
        assert f"| {label} " in text
    table = read_csv(results / "tables/content_prior.csv")
    models = table[table["kind"] == "model"]
    assert len(models) == 3 * (3 * 3 + 2)  # images x (3 models x 3 test sets + ablation x 2)
    assert set(table["test"]) == {"unseen", "seen", "salt-pepper"}


def test_the_prior_is_pretrained_and_finetuned_with_decoder_and_codebook_frozen(results):
    prior = load_model(results / "models/vqgan-prior/natural/clean/n8/model.pt").state_dict()
    tuned = load_model(results / "models/vqgan-finetuned/natural/medium/n4/model.pt").state_dict()
    ablation = load_model(results / "models/vqgan-novq/natural/medium/n4/model.pt")
    assert ablation.quantize is None
    assert torch.equal(prior["quantize.embedding.weight"], tuned["quantize.embedding.weight"])
    assert torch.equal(prior["decoder.conv_out.weight"], tuned["decoder.conv_out.weight"])
    assert not torch.equal(prior["encoder.conv_in.weight"], tuned["encoder.conv_in.weight"])


@pytest.mark.parametrize(
    ("metrics", "model", "test_set"),
    [
        ("resnet/natural/noise/n8", "resnet/natural/noise/n8", "salt-pepper"),
        ("seen/vqgan-novq/natural/medium/n4", "vqgan-novq/natural/medium/n4", "seen-medium"),
        ("vqgan-novq/natural/medium/n4", "vqgan-novq/natural/medium/n4", "embedded"),
    ],
)
def test_each_model_is_tested_on_its_test_set(results, metrics, model, test_set):
    """Denoisers on salt-and-pepper noise, derainers on unseen and on training rain: the
    metrics file is what the model gives on that test set and on no other."""
    arrays = dict(np.load(results / f"data/test/natural/{test_set}.npz"))
    output = derain(load_model(results / f"models/{model}/model.pt"), arrays["I"])
    expected = metrics_table(output, arrays, threshold=10)
    written = pd.read_csv(results / f"metrics/{metrics}.csv")
    pd.testing.assert_frame_equal(written, expected, check_dtype=False)
    salt_pepper = dict(np.load(results / "data/test/natural/salt-pepper.npz"))
    assert set(np.unique(salt_pepper["I"][salt_pepper["R"] > 0])) <= {0, 255}


def test_the_claims_are_computed(results):
    claims = pd.read_csv(results / "claims.csv", comment="#")
    ours = claims[claims["source"] == "Sec. VI"]
    assert len(ours) == 4 and ours["ours"].notna().all()
    # Judged even on a tiny run: its training is too short, so every verdict has an asterisk.
    assert set(ours["verdict"]) <= {PASS + "*", FAIL + "*"}
    assert ours["reason"].str.contains("runs not trained").all()
    reconstruction = pd.read_csv(results / "metrics/content_prior/prior_reconstruction.csv")
    assert len(reconstruction) == 3 and reconstruction["PSNR"].between(0, 99).all()
    assert not claims["reason"].fillna("").str.contains("not built yet").any()


def test_a_taming_checkpoint_replaces_the_pretraining(tmp_path):
    """A Lightning .ckpt placed by hand: the import rule loads it (dropping the loss weights)
    and fine-tuning starts from it instead of from a pretrained prior."""
    torch.manual_seed(3)
    weights = build("vqgan", **VQGAN).state_dict()
    placed = tmp_path / "taming"
    (placed / "checkpoints").mkdir(parents=True)
    torch.save({"state_dict": {**weights, "loss.discriminator.w": torch.ones(2)},
                "global_step": 5}, placed / "checkpoints/last.ckpt")  # fmt: skip
    sources = {"taming": {"placed": str(placed), "hint": "put it there"}}
    family = {"prior": {"checkpoint": {"dataset": "taming", "path": "checkpoints/last.ckpt"}}}
    overlay = {**TINY, "results_dir": str(tmp_path / "results"),
               "datasets": {"sources": sources},
               "experiments": {"content_prior": {**TINY["experiments"]["content_prior"],
                                                 **family}}}  # fmt: skip
    config = tmp_path / "taming.yaml"
    config.write_text(yaml.safe_dump(overlay))
    target = tmp_path / "results/models/vqgan-finetuned/natural/noise/n4/model.pt"
    result = run_snakemake("--cores", "2", f"--configfile={config}", target, timeout=600)
    assert "rule import_prior" in result.stdout + result.stderr
    assert not (tmp_path / "results/models/vqgan-prior/natural").exists()
    imported = load_torch(tmp_path / "results/models/vqgan-prior/imported/model.pt")
    assert torch.equal(imported["state_dict"]["decoder.conv_out.weight"],
                       weights["decoder.conv_out.weight"])  # fmt: skip
    tuned = load_model(target).state_dict()
    assert torch.equal(tuned["quantize.embedding.weight"], weights["quantize.embedding.weight"])


def test_stacking_refuses_what_it_cannot_train(tmp_path, prior):
    """The stacked step calls the bare forward: a VQGAN would lose its VQ loss and a
    fine-tuning its frozen parameters, so it refuses them."""
    from slacking.stacked import StackedTrainer

    patches = np.zeros((2, 32, 32, 3), np.uint8)
    trainers = [Trainer(patches, _settings(), tmp_path / name) for name in "ab"]
    with pytest.raises(ValueError, match="not a vqgan"):
        StackedTrainer(trainers)
