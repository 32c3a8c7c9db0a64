"""A bad configuration fails before any job runs, with one line naming the key."""

import pytest
import torch
import yaml
from snakemake.utils import update_config

from conftest import ROOT, run_snakemake
from slacking.config import ConfigError, check_config, check_device
from slacking.experiments import families
from slacking.models import build

SCHEMA = ROOT / "workflow/schemas/config.schema.yaml"


def test_shipped_presets_pass(default_config):
    check_config(default_config, SCHEMA)
    paper = yaml.safe_load((ROOT / "config/paper.yaml").read_text())
    update_config(default_config, paper)  # how `--configfile config/paper.yaml` layers it
    check_config(default_config, SCHEMA)
    assert default_config["training"]["iterations"] == 250_000
    for name, kwargs in default_config["networks"].items():  # the papers' models, not small ones
        paper_scale = sum(p.numel() for p in build(name).parameters())
        assert sum(p.numel() for p in build(name, **kwargs).parameters()) == paper_scale, name


def _mutations():
    def unknown_key(c):
        c["patches"]["sise"] = 64

    def rain_range_named_noise(c):
        c["rain"]["ranges"]["noise"] = c["rain"]["ranges"]["small"]

    def unknown_prior_checkpoint(c):
        c["experiments"]["content_prior"]["prior"]["checkpoint"] = {"dataset": "vq", "path": "x"}

    def content_prior_without_vqgan(c):
        del c["networks"]["vqgan"]

    def real_rain_without_vqgan(c):
        c["targets"] = ["real_rain"]
        del c["networks"]["vqgan"]

    def unknown_baseline(c):
        c["experiments"]["content_prior"]["baselines"] = ["dncnn"]

    def prior_example_not_saved(c):
        c["experiments"]["content_prior"]["example_image"] = 9

    def unknown_category(c):
        c["categories"].append("cats")

    def negative_size(c):
        c["patches"]["size"] = -5

    def count_beyond_pool(c):
        c["patches"]["counts"] = [8, 100000]

    def unknown_test_rain(c):
        c["test"]["rain"] = "rain200h"

    def even_width(c):
        c["rain"]["ranges"]["medium"]["widths"] = [4]

    def shared_intensity(c):
        c["rain"]["intensity"] = [0.5, 1.5]

    def bad_test_rain(c):
        c["test_rain"]["embedded"]["blur"] = -1

    def unknown_test_rain_key(c):
        c["test_rain"]["embedded"]["colour"] = 1

    def unknown_dataset(c):
        c["data_source"] = "real"
        c["category_data"]["natural"]["real"]["train"]["dataset"] = "div3k"

    def panel_of_unknown_order(c):
        c["function_denoising"]["four_panel"][0] = [3, 0]

    def training_noise_not_tested(c):
        c["function_denoising"]["test_noises"] = [[0, 3], [5, 2], [10, 5]]

    def panel_noise_out_of_range(c):
        c["function_denoising"]["four_panel"][0] = [1, 7]

    def segment_longer_than_curve(c):
        c["function_denoising"]["segment_points"] = 4096

    def paper_value_for_an_untested_noise(c):
        c["function_denoising"]["paper_mse"][0]["noise"] = [5.5, 2]

    def paper_value_twice(c):
        paper = c["function_denoising"]["paper_mse"]
        paper.append(dict(paper[0]))

    def unknown_target(c):
        c["targets"] = ["patch_count", "figure99"]

    def example_image_not_saved(c):
        c["experiments"]["table3"]["example_image"] = c["evaluation"]["examples"]

    def snapshots_beyond_training(c):
        c["experiments"]["sharpness"]["snapshot_every"] = 1000

    def counts_for_other_rows(c):
        c["experiments"]["table3"]["counts"] = [8, 8]

    def unknown_range_in_rain_family(c):
        c["experiments"]["rain_range"]["ranges"] = ["small", "huge"]

    def unknown_outlier(c):
        c["claims"]["transfer_outlier"] = "manga"

    def lr_nan(c):
        c["training"]["lr"] = float("nan")  # YAML .nan: passes exclusiveMinimum

    def inf_in_a_list(c):
        c["rain"]["ranges"]["small"]["length"][0] = float("inf")

    def unknown_network_argument(c):
        c["networks"]["resnet"]["bogus_kw"] = 3

    def iterations_beyond_limit(c):
        c["training"]["iterations"] = 1.0e30  # an integer to jsonschema

    def nested_iterations_beyond_limit(c):
        c["experiments"]["content_prior"]["finetune"]["training"]["iterations"] = 10_000_001

    def divergence_factor_one(c):
        c["training"]["divergence_factor"] = 1

    return [
        (lr_nan, r"at training.lr: nan is not a finite number"),
        (inf_in_a_list, r"at rain.ranges.small.length\[0\]: inf is not a finite number"),
        (
            unknown_network_argument,
            r"at networks.resnet.bogus_kw: not an argument of resnet \(accepted: num_feat, num_",
        ),
        (iterations_beyond_limit, r"at training.iterations: 1e\+30 exceeds limits.max_iterat"),
        (
            nested_iterations_beyond_limit,
            r"at experiments.content_prior.finetune.training.iterations: 10000001 exceeds",
        ),
        (divergence_factor_one, r"at training.divergence_factor: 1 is less than or equal to"),
        (example_image_not_saved, r"at experiments.table3.example_image: 4 is larger than"),
        (snapshots_beyond_training, r"at experiments.sharpness.snapshot_every: 1000 is larger"),
        (counts_for_other_rows, r"at experiments.table3.counts: 2 counts for 5 rows"),
        (unknown_range_in_rain_family, r"at experiments.rain_range.ranges: unknown \['huge'\]"),
        (unknown_outlier, r"at claims.transfer_outlier: unknown \['manga'\]"),
        (
            panel_of_unknown_order,
            r"at function_denoising.four_panel: unknown \[3\] \(allowed: 1, 4, 8\)",
        ),
        (
            training_noise_not_tested,
            r"at function_denoising.test_noises: must include the training",
        ),
        (panel_noise_out_of_range, r"four_panel: noise index 7 is not in test_noises"),
        (segment_longer_than_curve, r"at function_denoising.segment_points: 4096 exceeds"),
        (
            paper_value_for_an_untested_noise,
            r"at function_denoising.paper_mse.0.noise: unknown \[\[5.5, 2\]\]",
        ),
        (paper_value_twice, r"paper_mse.4: a second value for the same setting"),
        (rain_range_named_noise, r"at rain.ranges: \['noise'\] name other degradations"),
        (unknown_prior_checkpoint, r"at experiments.content_prior.prior.checkpoint.dataset: un"),
        (content_prior_without_vqgan, r"at networks: the content_prior target needs networks.vq"),
        (real_rain_without_vqgan, r"at networks: the real_rain target needs networks.vqgan"),
        (unknown_baseline, r"at experiments.content_prior.baselines: unknown \['dncnn'\]"),
        (prior_example_not_saved, r"at experiments.content_prior.example_image: 9 is larger"),
        (unknown_target, r"at targets: unknown \['figure99'\] \(allowed: content_prior, "),
        (unknown_key, r"at patches: unknown key \['sise'\] \(allowed: counts, size\)"),
        (unknown_category, r"at categories: unknown \['cats'\] \(allowed: faces, lineart"),
        (negative_size, r"at patches.size: -5 is less than the minimum of 8"),
        (
            count_beyond_pool,
            r"at patches.counts: 100000 exceeds the embedded .* \(allowed: at most",
        ),
        (unknown_test_rain, r"at test.rain: 'rain200h' is not one of \['embedded', 'rain100l'\]"),
        (even_width, r"at rain.ranges.medium.widths: expected positive odd integers, got \[4\]"),
        (shared_intensity, r"at rain.intensity: must lie in \[0, 1\], got \[0.5, 1.5\]"),
        (bad_test_rain, r"at test_rain.embedded.blur: must be a finite number >= 0, got -1"),
        (unknown_test_rain_key, r"at test_rain.embedded: unknown field\(s\) \['colour'\]"),
        (unknown_dataset, r"category_data.natural.real.train.dataset: unknown \['div3k'\]"),
    ]


@pytest.mark.parametrize(
    ("mutate", "message"), _mutations(), ids=lambda m: getattr(m, "__name__", "")
)
def test_bad_config_is_rejected_with_one_line(default_config, mutate, message):
    mutate(default_config)
    with pytest.raises(ConfigError, match=message) as error:
        check_config(default_config, SCHEMA, families())
    assert "\n" not in str(error.value)


def _missing_device():
    count = torch.cuda.device_count()
    return f"cuda:{count}" if count else "cuda"


def test_a_device_this_machine_lacks_is_refused():
    with pytest.raises(ConfigError, match=r"at training.device: 'cuda.*auto \(the default\)"):
        check_device(_missing_device())
    check_device("auto")
    check_device("cpu")


def test_snakemake_refuses_a_missing_device_before_any_job_but_not_for_a_cluster(tmp_path):
    overlay = tmp_path / "device.yaml"
    results = tmp_path / "results"
    overlay.write_text(
        yaml.safe_dump({"training": {"device": _missing_device()}, "results_dir": str(results)})
    )
    target = results / "data/test/natural/embedded.npz"
    local = run_snakemake("--cores", "1", f"--configfile={overlay}", target, check=False)
    assert local.returncode != 0
    assert "config error at training.device" in local.stdout + local.stderr
    assert not results.exists()  # no job ran
    # A cluster's submit host is not where training runs: nothing checked at parse time.
    dry = run_snakemake("-n", "--executor=slurm", "--jobs=1", f"--configfile={overlay}", target)
    assert "config error" not in dry.stdout + dry.stderr


def test_raised_iteration_limit_accepts_more(default_config):
    default_config["training"]["iterations"] = 1.0e30
    default_config["limits"]["max_iterations"] = 10**31
    check_config(default_config, SCHEMA)


def test_snakemake_refuses_bad_config_before_any_job(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"categories": ["faces", "cats"], "results_dir": str(tmp_path)}))
    result = run_snakemake("--cores", "1", f"--configfile={bad}", check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "config error at categories: unknown ['cats']" in output
    assert [p.name for p in tmp_path.iterdir()] == ["bad.yaml"]  # no job ran
