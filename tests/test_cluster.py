"""Where each rule runs on a cluster (slacking.cluster, README "Running on Slurm"): one list of
GPU rules that the workflow, the site profiles and the README agree on, the rules that take
seconds on the submit host, and training's runtime kept on a retry. tests/test_slurm.py runs
the site profiles on a real two-partition Slurm."""

import json
import re
import subprocess
import sys
from types import SimpleNamespace

import pytest
import yaml

from conftest import ROOT
from slacking.cluster import GPU_RULES, check_gpu_rules, submit_host_rules

SITE_EXAMPLES = ("slurm/site-example", "slurm/site-example-gres")

# The workflow as Snakemake parses it (paper preset, every rule defined): per rule, whether it
# asks for a GPU, whether it is local, and its resources where they are plain values.
PARSE = """
import json, sys
from pathlib import Path
from snakemake.api import SnakemakeApi
from snakemake.settings.types import (
    ConfigSettings, OutputSettings, ResourceSettings, StorageSettings)

with SnakemakeApi(OutputSettings()) as api:
    workflow = api.workflow(
        resource_settings=ResourceSettings(), storage_settings=StorageSettings(),
        config_settings=ConfigSettings(configfiles=[Path(sys.argv[1])]),
        snakefile=Path("Snakefile"))._workflow
    rules = {}
    for rule in workflow.rules:
        resources = {name: r for name, r in rule.resources.items() if not name.startswith("_")}
        rules[rule.name] = {
            "gpu": "gpu" in resources,
            "local": rule.name in workflow._localrules or rule.norun,
            "declared": sorted(resources),
            "plain": {name: r.value for name, r in resources.items()
                      if not r.is_evaluable() and isinstance(r.value, int)},
        }
print("RULES=" + json.dumps(rules))
"""


@pytest.fixture(scope="module")
def paper_rules():
    run = subprocess.run(
        [sys.executable, "-c", PARSE, "config/paper.yaml"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads(run.stdout.split("RULES=", 1)[1])


def site_profile(path):
    return yaml.safe_load((ROOT / path / "config.yaml").read_text())


def readme_slurm_section():
    text = (ROOT / "README.md").read_text()
    return text.split("## Running on Slurm\n", 1)[1].split("\n## ", 1)[0]


def readme_row(section, label):
    """The rule names (in backticks) of the README's "where jobs run" row starting ``label``."""
    row = next(line for line in section.splitlines() if line.startswith(f"| {label}"))
    return set(re.findall(r"`(\w+)`", row.split("|")[2]))


def test_the_rules_that_ask_for_a_gpu_are_the_list(paper_rules):
    assert {name for name, rule in paper_rules.items() if rule["gpu"]} == set(GPU_RULES)


def test_a_rule_left_off_the_list_or_listed_without_a_gpu_stops_the_parse():
    def rule(name, gpu):
        return SimpleNamespace(name=name, resources={"gpu": 1} if gpu else {"runtime": 5})

    listed = [rule(name, gpu=True) for name in GPU_RULES]
    check_gpu_rules(listed)
    check_gpu_rules(listed[1:])  # a listed rule that is not defined
    with pytest.raises(ValueError, match="add train_new"):
        check_gpu_rules([*listed, rule("train_new", gpu=True)])
    with pytest.raises(ValueError, match=f"remove {GPU_RULES[0]}"):
        check_gpu_rules([rule(GPU_RULES[0], gpu=False), *listed[1:]])


def test_each_site_example_sends_every_gpu_rule_to_the_gpu_partition():
    for path in SITE_EXAMPLES:
        profile = site_profile(path)
        default = profile["default-resources"]
        assert set(default) == {"slurm_account", "slurm_partition"}, path
        assert set(profile["set-resources"]) == set(GPU_RULES), path
        for name, resources in profile["set-resources"].items():
            assert resources["slurm_partition"] not in (None, default["slurm_partition"]), name
    assert all(r["gpu_model"] for r in site_profile(SITE_EXAMPLES[0])["set-resources"].values())
    for resources in site_profile("slurm/site-example-gres")["set-resources"].values():
        # The plugin refuses `gpu` and `gres` together; the gres route drops `--gpus`.
        assert resources["gpu"] == 0 and resources["gres"].startswith("gpu:")


def test_the_generic_profile_leaves_the_sites_keys_alone(paper_rules):
    """A later profile replaces an earlier one's top-level keys whole: the generic profile sets
    no default-resources or set-resources, which it can do because every rule declares what
    it needs."""
    generic = site_profile("slurm")
    assert "default-resources" not in generic and "set-resources" not in generic
    assert generic["retries"] >= 1 and generic["configfile"] == "config/paper.yaml"
    for name, rule in paper_rules.items():
        if name != "all":
            assert {"mem_mb", "runtime"} <= set(rule["declared"]), name


def test_training_keeps_its_runtime_on_a_retry(paper_rules):
    """Training resumes from its checkpoint: a retry gets the configured runtime, not x2, x3."""
    configured = yaml.safe_load((ROOT / "config/paper.yaml").read_text())["training"]
    for name in ("train_patch_count", "train_sharpness", "train_content_prior"):
        assert paper_rules[name]["plain"]["runtime"] == configured["resources"]["runtime"]


def test_rules_that_take_seconds_run_on_the_submit_host(paper_rules):
    local = {name for name, rule in paper_rules.items() if rule["local"]}
    assert {"all", "download"} <= local
    assert not local & set(GPU_RULES)
    for name, rule in paper_rules.items():
        if rule["plain"].get("runtime") == 5 and not rule["gpu"]:  # SHORT_RUNTIME
            assert name in local, name
    # The tables and figures the issue found submitted (issue 20) no longer are.
    named = {"runs_table", "runs_figure", "table3", "table3_grid", "sharpness_table"}
    named |= {"sharpness_figure", "data_figure", "sharpness_examples_figure"}
    assert named <= local


def test_submit_host_rules_leave_out_gpu_rules_and_longer_ones():
    rules = [
        SimpleNamespace(name="table", resources={"runtime": 5}),
        SimpleNamespace(name="train", resources={"runtime": 5, "gpu": 1}),
        SimpleNamespace(name="pool", resources={"runtime": 10}),
    ]
    assert submit_host_rules(rules, 5) == ["table"]


def test_the_readme_says_where_each_rule_runs(paper_rules):
    section = readme_slurm_section()
    assert readme_row(section, "GPU partition") == set(GPU_RULES)
    cpu = {name for name, rule in paper_rules.items() if not rule["gpu"] and not rule["local"]}
    assert readme_row(section, "CPU partition") == cpu
    for path in SITE_EXAMPLES:
        assert path in section
    # `--default-resources` on the command line replaces the profile's whole block, and a
    # target after it is read as one more resource.
    assert "--default-resources" not in "".join(re.findall(r"```bash\n(.*?)```", section, re.S))
