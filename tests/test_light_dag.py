"""Planning the DAG imports no torch, OpenCV or matplotlib: every `snakemake` call, and every
Slurm job (each re-parses the workflow), would otherwise pay for them, and the main environment
would have to hold them."""

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import dag  # noqa: E402


@pytest.mark.parametrize(
    "preset", ["config/config.yaml", "config/cpu-trend.yaml", "config/paper.yaml"]
)
def test_dry_run_imports_no_heavy_module(preset):
    _, jobs, heavy = dag.dry_run([f"--configfile={preset}"])
    assert jobs > 0
    assert heavy == []


def test_the_watch_sees_a_heavy_import(tmp_path):
    """The check can fail: a Snakefile that imports torch is reported."""
    (tmp_path / "Snakefile").write_text(
        "import torch\n\nrule all:\n    output: 'x'\n    shell: 'touch x'\n"
    )
    _, jobs, heavy = dag.dry_run([], cwd=tmp_path)
    assert jobs == 1 and heavy == ["torch"]
