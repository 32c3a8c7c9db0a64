"""docs/adding-an-experiment.md, proven: a family added as its module and its rule file (the
toy family of tests/fixtures/toy_family) is trained, drawn and judged on a tiny preset with no
other file of the project edited."""

import shutil
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT
from slacking.provenance import read_csv

FIXTURE = ROOT / "tests/fixtures/toy_family"
TINY = {
    "targets": ["toy_family"],
    "categories": ["natural"],
    "patches": {"size": 32, "counts": [4]},
    "test": {"size": 32, "count": 3, "rain": "embedded"},
    "networks": {"resnet": {"num_feat": 4, "num_block": 1}},
    "experiments": {"patch_count": {"networks": ["resnet"]}},
    "training": {"iterations": 6, "batch_size": 2, "checkpoint_every": 3},
}


def project_copy(destination):
    """The project as git tracks it (plus what this change added), without results."""
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    for name in files:
        if (ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination / name)
    return destination


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    work = tmp_path_factory.mktemp("adding_a_family")
    project = project_copy(work / "project")
    shutil.copy(FIXTURE / "toy_family.py", project / "src/slacking/experiments/toy_family.py")
    shutil.copy(FIXTURE / "toy_family.smk", project / "workflow/rules/toy_family.smk")
    config = work / "tiny.yaml"
    config.write_text(yaml.safe_dump({**TINY, "results_dir": str(work / "results")}))
    command = [sys.executable, "-m", "snakemake", "--cores", "2", f"--configfile={config}"]
    run = subprocess.run(
        [*command, "all", str(work / "results/runs.csv")],
        cwd=project, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    return work / "results"


def test_its_run_is_trained_and_listed_in_the_run_table(added):
    results = added
    assert (results / "models/resnet/natural/medium/n4/model.pt").exists()
    table = read_csv(results / "runs.csv")
    assert list(table["families"]) == ["toy_family"]
    assert list(table["tested_on"]) == ["natural/embedded"]


def test_its_figure_is_drawn_and_its_claim_judged(added):
    results = added
    assert (results / "figures/toy_family.pdf").stat().st_size > 1000
    claims = read_csv(results / "claims.csv")
    toy = claims[claims["claim"] == "the toy run changes the rainy pixels"]
    table = read_csv(results / "tables/toy_family.csv")
    e_r = table.loc[table["kind"] == "model", "E_R"].mean()
    assert list(toy["verdict"]) == ["PASS" if e_r > 0 else "FAIL"]  # judged, not NOT RUN
    assert toy["ours"].iloc[0] == pytest.approx(e_r)
    assert "every claim of the patch count experiment" in set(claims["claim"])  # not a target
