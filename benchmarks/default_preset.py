"""Wall time of the default preset from scratch: `snakemake --cores 2` into a fresh directory.

The default preset promises every figure it has in at most 15 minutes on a 2-core laptop; this
measures it (and the training seconds per network, read from the runs' own logs) without
touching the user's results/.

    python benchmarks/default_preset.py [--out results/benchmarks/default_preset.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 15 * 60  # every figure and table of the default preset, on 2 cores


def training_seconds(results: Path) -> dict[str, float]:
    """Seconds each network spent in its training loops, summed over its runs."""
    totals: dict[str, float] = {}
    for log in (results / "models").rglob("train.csv"):
        network = log.relative_to(results / "models").parts[0]
        totals[network] = totals.get(network, 0.0) + float(pd.read_csv(log)["seconds"].iloc[-1])
    return {name: round(seconds, 1) for name, seconds in sorted(totals.items())}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "results/benchmarks/default_preset.json")
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args(argv)

    work = ROOT / "results/benchmarks/default_preset_run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    overlay = work / "config.yaml"
    overlay.write_text(yaml.safe_dump({"results_dir": str(work / "results")}))
    command = [sys.executable, "-m", "snakemake", "--cores", str(args.cores)]
    start = time.perf_counter()
    result = subprocess.run(
        [*command, f"--configfile={overlay}"], cwd=ROOT, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    (work / "snakemake.log").write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        sys.exit(f"snakemake failed; see {work / 'snakemake.log'}")
    jobs = (result.stdout + result.stderr).count("Finished jobid")
    report = {
        "benchmark": "default preset end to end",
        "command": "snakemake --cores 2",
        "wall_seconds": round(wall, 1),
        "jobs": jobs,
        "training_seconds_by_network": training_seconds(work / "results"),
        "target_seconds": TARGET_SECONDS,
        "ratio_to_target": round(wall / TARGET_SECONDS, 3),
        "target_met": wall <= TARGET_SECONDS,
        "cores": args.cores,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"default preset: {wall / 60:.1f} min for {jobs} jobs "
        f"({report['ratio_to_target']:.2f} of the {TARGET_SECONDS // 60}-minute target)"
    )
    return report


if __name__ == "__main__":
    main()
