import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = [sys.executable, "-m", "snakemake"]


@pytest.fixture
def default_config():
    return copy.deepcopy(yaml.safe_load((ROOT / "config/config.yaml").read_text()))


def run_tiny_preset(work: Path, overlay: dict) -> Path:
    """Build every target of a tiny config (``overlay`` on the default) in ``work``; returns its
    results directory."""
    config = work / "tiny.yaml"
    config.write_text(yaml.safe_dump({**overlay, "results_dir": str(work / "results")}))
    run_snakemake("--cores", "2", f"--configfile={config}", timeout=900)
    return work / "results"


def run_snakemake(*args, check=True, timeout=600):
    """Run the workflow from the repository root; returns the CompletedProcess."""
    result = subprocess.run(
        [*SNAKEMAKE, *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {args} failed:\n{result.stdout}\n{result.stderr}")
    return result


# The fault-injection suite's tally (tests/test_faults.py), printed after the run.
FAULTS = {"injected": 0, "survived": 0}


def pytest_terminal_summary(terminalreporter):
    if FAULTS["injected"]:
        lost = FAULTS["injected"] - FAULTS["survived"]
        terminalreporter.write_line(
            f"faults: {FAULTS['injected']} injected, {FAULTS['survived']} survived, {lost} lost"
        )
