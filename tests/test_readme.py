"""The README's Python example runs as written (a newcomer copies it first)."""

import re
import runpy

import yaml
from snakemake.utils import update_config

from conftest import ROOT
from slacking.experiments import run_table
from test_workflow import job_counts


def test_readme_python_examples_run(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert blocks
    monkeypatch.chdir(ROOT)
    for index, block in enumerate(blocks):
        script = tmp_path / f"example_{index}.py"
        script.write_text(block)
        runpy.run_path(str(script))


def test_readme_numbers_are_the_dags(default_config):
    """The job and run counts the README gives for the presets are what the code computes
    today (they went stale once: 295 jobs when the paper DAG had 434)."""
    text = " ".join((ROOT / "README.md").read_text().split())
    paper_jobs = re.findall(
        r"paper.yaml` lists its (\d+) jobs|paper DAG has (\d+) jobs|list the jobs first \((\d+),",
        text,
    )
    assert len(paper_jobs) == 3
    total = job_counts("--configfile=config/paper.yaml")["total"]
    assert {int(n) for match in paper_jobs for n in match if n} == {total}
    default_jobs = re.search(r"the default DAG has (\d+) jobs", text).group(1)
    assert int(default_jobs) == job_counts()["total"]
    default_runs, paper_runs = re.search(
        r"\((\d+) runs at the default preset, (\d+) at", text
    ).groups()
    table = run_table(default_config)
    assert int(default_runs) == len(table)
    deraining, prior, toy = map(int, re.search(
        r"trains (\d+) small deraining models .*? the content prior's (\d+) .*? and (\d+) "
        r"function-denoising networks", text).groups())  # fmt: skip
    rain = table["degradation"].isin(default_config["rain"]["ranges"])
    assert deraining == (rain & ~table["network"].str.startswith("vqgan")).sum()
    assert prior == (table["families"] == "content_prior").sum()
    assert toy == (table["families"] == "function_denoising").sum()
    update_config(default_config, yaml.safe_load((ROOT / "config/paper.yaml").read_text()))
    stated = {int(paper_runs), *map(int, re.findall(r"among them (\d+) training runs", text))}
    assert stated == {len(run_table(default_config))}
