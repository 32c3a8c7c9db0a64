"""The workflow itself: the DAG builds, lints clean, and its data jobs are deterministic."""

import numpy as np
import pytest
import yaml

from conftest import ROOT, run_snakemake

TINY = {
    "categories": ["natural", "lineart"],
    "patches": {"size": 32, "counts": [4, 8]},
    "test": {"size": 32, "count": 3, "rain": "embedded"},
    "sharpness": {"categories": ["natural", "lineart"], "count": 2, "max_candidates": 5000},
}


def tiny_config(tmp_path, results, seed):
    """A config file layered over the default preset (as `--configfile` does for presets)."""
    path = tmp_path / f"tiny-{results.name}.yaml"
    path.write_text(yaml.safe_dump({**TINY, "results_dir": str(results), "seed": seed}))
    return path


def _data_targets(results):
    return [
        f"{results}/data/patches/natural/n8.npy",
        f"{results}/data/patches/lineart/n4.npy",
        f"{results}/data/test/natural/embedded.npz",
        f"{results}/data/sharpness/low.npy",
    ]


def test_default_dag_builds():
    counts = job_counts()
    rules = ("embedded_pool", "patches", "test_set", "sharpness_sets", "train_patch_count")
    rules += ("train_sharpness", "evaluate_snapshots")
    figures = ("patch_count_table", "patch_count_figure", "complexity_figure", "claims")
    figures += ("runs_table", "runs_figure", "table3", "table3_grid", "data_figure")
    figures += ("sharpness_examples_figure", "sharpness_table", "sharpness_figure")
    for rule in (*rules, "evaluate", "baselines", *figures):
        assert counts[rule] >= 1, rule
    assert "depictqa_figure" not in counts  # Figs. 7 and 21 are not reproduced


def job_counts(*args) -> dict[str, int]:
    """Jobs per rule of a forced dry run (Snakemake's job-stats table)."""
    out = run_snakemake("-n", "--forceall", *args, "--quiet", "rules").stdout
    rows = (line.split() for line in out.splitlines())
    return {row[0]: int(row[1]) for row in rows if len(row) == 2 and row[1].isdigit()}


def test_one_figure_builds_only_what_it_needs():
    counts = job_counts("results/figures/fig4.pdf")
    assert counts["patch_count_figure"] == 1  # not Fig. 10
    assert counts["train_patch_count"] == 3 * 4 * 3  # networks x categories x counts
    assert "sharpness_sets" not in counts


def test_fig8_trains_one_network_and_category_per_rain_range():
    counts = job_counts("results/figures/fig8.pdf")
    assert counts["train_patch_count"] == counts["evaluate"] == 3 * 3  # ranges x counts
    assert counts["baselines"] == 1 and counts["runs_figure"] == 1


def test_fig19_trains_the_prior_and_the_baselines_it_shows():
    counts = job_counts("results/figures/fig19.pdf")
    assert counts["train_content_prior"] == 3  # the prior, fine-tuned for both tasks
    assert counts["train_patch_count"] == 3 * 2  # three baselines x two tasks
    # Unseen rain and salt-and-pepper noise for each, never the training rain (Fig. 18's).
    assert counts["evaluate"] == (3 + 1) * 2 and "train_sharpness" not in counts


def test_depictqa_figures_explain_why_they_are_not_built(tmp_path):
    result = run_snakemake(
        "--cores", "1", f"--config=results_dir={tmp_path}", f"{tmp_path}/figures/fig7.pdf",
        check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "not reproduced" in (tmp_path / "logs/figures/fig7.log").read_text()
    assert not (tmp_path / "figures/fig7.pdf").exists()


def test_paper_dag_lists_every_job():
    counts = job_counts("--configfile=config/paper.yaml")
    assert counts["patches"] == 4 * 9 + 1  # four categories x nine counts, 10k fine-tuning pairs
    # And Sec. VI's training-rain and noise test sets, and Table III's Rain100L pairs.
    assert counts["test_set"] == 4 + 2 + 1
    assert counts["real_pool"] == 8
    assert counts["download"] == counts["extract"] == 4  # DIV2K train/valid, CelebA, Urban100
    assert counts["link_placed"] == 3  # Manga109, Rain100L and the VQGAN are placed by hand
    # Figs. 4/10: 4 categories x 9 counts x 3 networks, medium rain (250k iterations each);
    # Fig. 8 adds ResNet on natural with small and large rain; Table III adds SPDNet and
    # RCDNet on its five rows (its ResNet runs are Fig. 4's and Fig. 8's); Sec. VI adds the
    # three from-scratch denoisers (its derainers are Fig. 4's).
    assert counts["train_patch_count"] == 4 * 9 * 3 + 2 * 9 + 2 * 5 + 3
    # Sec. VI: taming's checkpoint imported, not pretrained; its encoder fine-tuned for both
    # tasks and the no-VQ ablation; every derainer also tested on its training rain.
    assert counts["import_prior"] == 1
    assert counts["train_content_prior"] == 3
    # Every model on its own test set (the three VQGAN runs too), Sec. VI's five derainers
    # also on their training rain, the other categories' ResNets also on natural (transfer),
    # and Table III's 15 runs on Rain100L's own pairs instead (SPDNet and RCDNet only there).
    own = counts["train_patch_count"] - 2 * 5
    assert counts["evaluate"] == own + 3 + (3 + 2) + 3 * 9 + 3 * 5
    assert counts["train_sharpness"] == counts["evaluate_snapshots"] == 3
    assert counts["function_denoising_train"] == 3  # cosine orders 1, 4, 8
    figures = [rule for rule in counts if rule.startswith("function_denoising_figure")]
    assert len(figures) == 4  # Figs. 11-14, one rule each


def test_stacked_counts_train_one_job_per_network_category_and_rain(tmp_path):
    overlay = tmp_path / "stacked.yaml"
    overlay.write_text("training: {stack_counts: true}\n")
    counts = job_counts("results/figures/fig4.pdf", f"--configfile={overlay}")
    assert counts["train_patch_count"] == 3 * 4  # networks x categories
    assert counts["evaluate"] == 3 * 4 * 3  # still one evaluation per model


def test_cpu_trend_preset_builds_only_its_family():
    counts = job_counts("--configfile=config/cpu-trend.yaml")
    # natural, urban x 8, 32, 128, 256, 512 x two replicate seeds, each evaluated once
    assert counts["train_patch_count"] == counts["evaluate"] == 2 * 5 * 2
    assert counts["patch_count_figure"] == counts["patch_count_figure_fig10"] == 1
    assert "function_denoising_train" not in counts and "sharpness_sets" not in counts
    assert "train_sharpness" not in counts and "table3" not in counts


def test_lint_and_format_are_clean():
    lint = run_snakemake("--lint", check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def _run(results, seed):
    config = tiny_config(results.parent, results, seed)
    run_snakemake("--cores", "2", f"--configfile={config}", *_data_targets(results))
    return [results / t.split(f"{results}/", 1)[1] for t in _data_targets(results)]


def test_data_jobs_are_deterministic_and_seeded(tmp_path):
    first = _run(tmp_path / "a", seed=0)
    again = _run(tmp_path / "b", seed=0)
    other = _run(tmp_path / "c", seed=1)
    for a, b, c in zip(first, again, other, strict=True):
        assert a.read_bytes() == b.read_bytes(), a
        assert a.read_bytes() != c.read_bytes(), a
    test_set = np.load(first[2])
    assert set(test_set.files) == {"B", "R", "I"}
    assert test_set["B"].shape == (3, 32, 32, 3) and test_set["R"].shape == (3, 32, 32)
    expected = np.clip(test_set["B"].astype(int) + test_set["R"][..., None], 0, 255)
    np.testing.assert_array_equal(test_set["I"], expected)
    # Nested subsets through the workflow too.
    larger = np.load(tmp_path / "a/data/patches/natural/n8.npy")
    smaller = tmp_path / "a/data/patches/natural/n4.npy"
    run_snakemake(
        "--cores", "1", f"--configfile={tiny_config(tmp_path, tmp_path / 'a', 0)}", smaller
    )
    np.testing.assert_array_equal(np.load(smaller), larger[:4])


@pytest.mark.parametrize("path", ["Snakefile", "workflow/rules"])
def test_snakefmt_clean(path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "snakefmt", "--check", path], cwd=ROOT, capture_output=True
    )
    assert result.returncode == 0, result.stderr.decode()
