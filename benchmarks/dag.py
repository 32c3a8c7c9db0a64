"""How long Snakemake takes to plan the paper-scale DAG: `snakemake -n` of config/paper.yaml.

Every `snakemake` call (a reviewer's one-figure rebuild, each Slurm job, which re-parses the
workflow) pays this planning time. The reference, timed alternately in the same run, is the
default preset's DAG; the target is an absolute ceiling of 10 s for the full paper DAG. It
also reports which heavy modules (torch, OpenCV, matplotlib) planning imported (none, since
the config check reads what it needs without them) and what importing them costs, timed in
the same run: the time every call saves.

    python benchmarks/dag.py [--out results/benchmarks/dag.json] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 10.0
CONFIGS = {"paper": ["--configfile=config/paper.yaml"], "default": []}
HEAVY = ("torch", "cv2", "matplotlib")
# Runs Snakemake in this interpreter and, at exit, prints which HEAVY modules it imported.
WATCHED = f"""
import atexit, json, sys
atexit.register(lambda: print("HEAVY " + json.dumps(sorted(set({HEAVY!r}) & set(sys.modules))),
                              file=sys.stderr))
from snakemake.cli import main
sys.argv[0] = "snakemake"
main()
"""


def dry_run(extra: list[str], cwd: Path = ROOT) -> tuple[float, int, list[str]]:
    """(seconds, jobs, heavy modules imported) of a forced dry run of `all` with these extra
    arguments."""
    command = [sys.executable, "-c", WATCHED, "-n", "--forceall", "--quiet", "rules"]
    start = time.perf_counter()
    result = subprocess.run(
        [*command, *extra, "--", "all"], cwd=cwd, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"snakemake -n {' '.join(extra)} failed:\n{result.stderr}")
    total = next(line for line in result.stdout.splitlines() if line.startswith("total"))
    heavy = next(line for line in result.stderr.splitlines() if line.startswith("HEAVY "))
    return seconds, int(total.split()[1]), json.loads(heavy.removeprefix("HEAVY "))


def heavy_import_seconds() -> float:
    """A fresh interpreter's time to import the heavy modules, less its time to start."""

    def timed(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start

    return timed(f"import {', '.join(HEAVY)}") - timed("pass")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="results/benchmarks/dag.json")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    seconds: dict[str, list[float]] = {name: [] for name in CONFIGS}
    jobs: dict[str, int] = {}
    heavy: dict[str, list[str]] = {}
    imports = []
    for _ in range(args.repeats):
        for name, extra in CONFIGS.items():
            elapsed, jobs[name], heavy[name] = dry_run(extra)
            seconds[name].append(elapsed)
        imports.append(heavy_import_seconds())
    median = {name: statistics.median(values) for name, values in seconds.items()}
    heavy_seconds = statistics.median(imports)
    result = {
        "benchmark": "snakemake -n --forceall all: paper config vs the default preset",
        "jobs": jobs,
        "seconds": {name: round(value, 2) for name, value in median.items()},
        "seconds_per_1000_jobs": {
            name: round(1000 * median[name] / jobs[name], 2) for name in CONFIGS
        },
        "ratio_paper_to_default": round(median["paper"] / median["default"], 2),
        "heavy_modules_imported": heavy,
        "heavy_import_seconds": round(heavy_seconds, 2),
        "target_seconds": TARGET_SECONDS,
        "target_met": median["paper"] <= TARGET_SECONDS,
        "repeats": args.repeats,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"DAG: paper {jobs['paper']} jobs in {median['paper']:.1f} s, default {jobs['default']} "
        f"jobs in {median['default']:.1f} s (ratio {result['ratio_paper_to_default']:.1f}); "
        f"target {TARGET_SECONDS:.0f} s {'met' if result['target_met'] else 'not met'}; "
        f"heavy modules imported: {heavy['paper'] or 'none'} (importing {', '.join(HEAVY)} "
        f"takes {heavy_seconds:.1f} s)"
    )
    return result


if __name__ == "__main__":
    main()
