"""The workflow used as a Snakemake module from another directory (README, "Use the workflow as
a module"): `module slacking: snakefile: slacking/Snakefile; config: config` and
`use rule * from slacking as slacking_*` schedule the same jobs as the workflow itself, keep
its cheap rules on the submit host, lint clean, and build a figure and the report into the
other directory."""

import json
import subprocess
from collections import Counter

import pytest
import yaml

from conftest import ROOT, SNAKEMAKE

# Every family's DAG at toy sizes (the figure built below trains one 6-iteration ResNet).
TINY = {
    "categories": ["natural", "lineart"],
    "patches": {"size": 32, "counts": [4, 8]},
    "test": {"size": 32, "count": 2, "rain": "embedded"},
    "sharpness": {"categories": ["natural", "lineart"], "count": 2, "max_candidates": 5000},
    "networks": {"resnet": {"num_feat": 4, "num_block": 1}},
    "training": {"iterations": 6, "batch_size": 2, "checkpoint_every": 3},
    "evaluation": {"examples": 1},
}

# The README's Snakefile, the tiny preset layered over the default.
USER_SNAKEFILE = """\
configfile: "slacking/config/config.yaml"
configfile: "tiny.yaml"


module slacking:
    snakefile:
        "slacking/Snakefile"
    config:
        config


use rule * from slacking as slacking_*
"""

# The local rules and job counts of a Snakefile as Snakemake parses it (cwd: its directory).
PARSE = """
import json, sys
from pathlib import Path
from snakemake.api import SnakemakeApi
from snakemake.settings.types import (
    ConfigSettings, OutputSettings, ResourceSettings, StorageSettings)

with SnakemakeApi(OutputSettings()) as api:
    workflow = api.workflow(
        resource_settings=ResourceSettings(), storage_settings=StorageSettings(),
        config_settings=ConfigSettings(configfiles=[Path(p) for p in sys.argv[2:]]),
        snakefile=Path(sys.argv[1]))._workflow
    print("LOCAL=" + json.dumps(sorted(workflow._localrules)))
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """Another directory, with a clone of this workflow (here a link to this checkout) at
    slacking/ and a Snakefile that uses it as a module; results go to its own results/."""
    work = tmp_path_factory.mktemp("module")
    (work / "slacking").symlink_to(ROOT, target_is_directory=True)
    (work / "tiny.yaml").write_text(yaml.safe_dump(TINY))
    (work / "Snakefile").write_text(USER_SNAKEFILE)
    return work


def snakemake_in(work, *args, timeout=600):
    result = subprocess.run(
        [*SNAKEMAKE, *map(str, args)], cwd=work, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"snakemake {args} failed:\n{result.stdout}\n{result.stderr}"
    return result


def job_counts(output: str) -> Counter:
    rows = (line.split() for line in output.splitlines())
    return Counter({r[0]: int(r[1]) for r in rows if len(r) == 2 and r[1].isdigit()})


def local_rules(work, *args) -> set[str]:
    result = subprocess.run(
        [*SNAKEMAKE[:1], "-c", PARSE, "Snakefile", *args],
        cwd=work, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return set(json.loads(result.stdout.split("LOCAL=", 1)[1]))


@pytest.fixture(scope="module")
def own_config(tmp_path_factory):
    """The same preset for the workflow run from this checkout."""
    path = tmp_path_factory.mktemp("own") / "tiny.yaml"
    path.write_text(yaml.safe_dump(TINY))
    return path


def test_the_module_schedules_the_workflows_jobs(project, own_config):
    used = job_counts(snakemake_in(project, "-n", "--forceall", "--quiet", "rules").stdout)
    own = job_counts(
        snakemake_in(ROOT, "-n", "--forceall", f"--configfile={own_config}", "--quiet", "rules")
        .stdout
    )  # fmt: skip
    assert own["train_patch_count"] > 0 and own["evaluate"] > 0 and own["claims"] == 1
    assert used.pop("total") == own.pop("total")
    assert used == Counter({f"slacking_{rule}": count for rule, count in own.items()})


def test_the_modules_cheap_rules_stay_on_the_submit_host(project, own_config):
    """Snakemake does not rename a module's `localrules:` (snakemake#2061): the Snakefile
    names its local rules as used, so under the prefix they are the same rules."""
    own = local_rules(ROOT, own_config)
    used = local_rules(project)
    assert {"all", "download", "claims", "jobs_table", "patch_count_figure"} <= own
    # export_bundle is still declared in a `localrules:` block (workflow/rules/bundle.smk).
    assert {f"slacking_{name}" for name in own} - used <= {"slacking_export_bundle"}
    assert not used & {"all", "download", "claims"}


def test_the_module_lints_clean(project):
    """No lint on any rule of the module, nor on the user's Snakefile (relative paths)."""
    result = snakemake_in(project, "--lint")
    assert "Lints for" not in result.stdout + result.stderr


def test_the_module_builds_a_figure_and_the_report_in_its_own_directory(project):
    snakemake_in(project, "--cores", "2", "results/figures/fig2.pdf")
    assert (project / "results/figures/fig2.pdf").stat().st_size > 0
    assert (project / "results/logs/figures/fig2.log").exists()
    assert (
        project / "results/benchmarks/jobs/train_patch_count/resnet/natural/medium/n8.tsv"
    ).exists()
    snakemake_in(project, "--report", "report.html", "results/figures/fig2.pdf")
    report = (project / "report.html").read_text()
    # The figure's caption and the workflow's description (workflow/report/workflow.rst).
    assert "Fig. 2" in report and "Networks are Slacking Off" in report
