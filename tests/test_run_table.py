"""The run table (slacking.experiments.run_table) is the preset's training runs: exactly the
models the workflow's DAG trains, each once, with the schedule its training rule uses."""

import re

import yaml
from snakemake.utils import update_config

from conftest import ROOT, run_snakemake
from slacking.experiments import families, family_runs, run_table

TRAIN_RULES = ("train_patch_count", "train_sharpness", "train_content_prior",
               "function_denoising_train")  # fmt: skip


def dag_models(tmp_path, *configfiles):
    """The model files the dry-run DAG of a fresh results directory trains."""
    overlay = tmp_path / "results.yaml"
    overlay.write_text(yaml.safe_dump({"results_dir": str(tmp_path / "results")}))
    out = run_snakemake("-n", "--cores", "1", "--configfile", *configfiles, overlay).stdout
    jobs = re.findall(r"^rule (\w+):\n(?:    .*\n)*?    output: (.*)$", out, re.M)
    outputs = [output for rule, output in jobs if rule in TRAIN_RULES]
    models = {path for output in outputs for path in output.split(", ") if path.endswith(".pt")}
    return {path.removeprefix(f"{tmp_path / 'results'}/") for path in models}


def paper_config(default):
    update_config(default, yaml.safe_load((ROOT / "config/paper.yaml").read_text()))
    return default


def test_the_run_table_is_what_the_dag_trains(tmp_path, default_config):
    table = run_table(default_config)
    assert table["model"].is_unique
    assert set(table["model"]) == dag_models(tmp_path)
    assert len(table) == 65  # the README's 55 deraining, 7 content-prior and 3 toy models


def test_the_paper_run_table_is_what_the_paper_dag_trains(tmp_path, default_config):
    table = run_table(paper_config(default_config))
    assert set(table["model"]) == dag_models(tmp_path, ROOT / "config/paper.yaml")


def test_the_schedule_is_the_one_the_papers_give_each_family(default_config):
    table = run_table(paper_config(default_config)).set_index("model")
    assert table.loc["models/resnet/natural/medium/n8/model.pt", "iterations"] == 250_000
    sharp = table[table["sharpness"] != ""]
    assert set(sharp["iterations"]) == {100_000}  # Sec. IV-C
    denoisers = table[table["degradation"] == "noise"]
    assert set(denoisers.loc[~denoisers["network"].str.startswith("vqgan"), "iterations"]) == {
        100_000
    }
    finetuned = table.loc["models/vqgan-finetuned/natural/medium/n10000/model.pt"]
    assert (finetuned["iterations"], finetuned["lr"]) == (31_250, 7.2e-5)  # 50 epochs of 10k
    sharp_row = sharp.iloc[0]
    assert (sharp_row["train_category"], sharp_row["n"]) == ("natural", 10_000)  # DIV2K only


def test_shared_runs_appear_once_with_every_family_and_test_set(default_config):
    table = run_table(default_config).set_index("model")
    natural = table.loc["models/resnet/natural/medium/n128/model.pt"]
    assert natural["families"].split(";") == [
        "patch_count", "rain_range", "transfer", "table3", "content_prior"
    ]  # fmt: skip
    assert natural["tested_on"].split(";") == ["natural/embedded", "natural/seen-medium"]
    denoiser = table.loc["models/resnet/natural/noise/n128/model.pt"]
    assert (denoiser["families"], denoiser["tested_on"]) == ("content_prior", "natural/salt-pepper")


def test_targets_choose_the_families(default_config):
    default_config["targets"] = ["rain_range"]
    table = run_table(default_config)
    assert set(table["families"]) == {"rain_range"}
    assert len(table) == len(family_runs(default_config, "rain_range"))
    assert set(families()) >= set(
        yaml.safe_load((ROOT / "config/config.yaml").read_text())["targets"]
    )


def test_snakemake_writes_the_run_table(tmp_path):
    results = tmp_path / "results"
    overlay = tmp_path / "results.yaml"
    overlay.write_text(yaml.safe_dump({"results_dir": str(results)}))
    run_snakemake("--cores", "1", f"--configfile={overlay}", results / "runs.csv")
    lines = (results / "runs.csv").read_text().splitlines()
    assert lines[0].startswith("# slacking")
    assert lines[1].startswith("model,families,network,train_category,degradation,n,")
    assert len(lines) == 2 + 65
