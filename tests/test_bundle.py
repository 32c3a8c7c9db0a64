"""Results bundles (slacking.bundle, workflow/rules/bundle.smk): a bundle exported from a tiny
preset, imported in a fresh results directory through a file:// URL and its sha256, rebuilds
Fig. 4 and the claims without training or evaluating, to the same numbers; a bundle altered
after it was made fails, naming the file."""

import hashlib
import io
import json
import re
import tarfile

import pytest
import yaml
from pandas.testing import assert_frame_equal

from conftest import ROOT, run_snakemake
from slacking import bundle
from slacking.bundle import BundleError, export, provenance_warnings, read_manifest, unpack
from slacking.provenance import read_csv

# -- the archive: written, read back, checked ------------------------------------------------

CONFIG = {"seed": 0, "results_dir": "here", "validity": {"plateau_tolerance": 0.1}}
PROVENANCE = {
    "project": "slacking",
    "version": "0.1.0",
    "config_sha256": "0123456789abcdef",
    "data_source": "embedded",
}


@pytest.fixture
def results(tmp_path):
    """A results directory with a metrics file, a directory of strips and a record."""
    root = tmp_path / "made"
    (root / "metrics").mkdir(parents=True)
    (root / "metrics/run.csv").write_text("image,E_R\n0,1.5\n")
    (root / "examples/run").mkdir(parents=True)
    (root / "examples/run/000.png").write_bytes(b"\x89PNG strip")
    (root / "examples/run/.snakemake_timestamp").write_text("")
    (root / "examples/empty").mkdir()
    (root / "models/run").mkdir(parents=True)
    (root / "models/run/train.csv").write_text("iteration,loss\n1,0.5\n")
    return root


CONTENTS = {
    "results": ["metrics/run.csv", "examples/run", "examples/empty"],
    "records": ["models/run/train.csv"],
}


def everything(root):
    return {"metrics/run.csv": root / "m.csv", "examples/run": root / "strips",
            "examples/empty": root / "none", "models/run/train.csv": root / "t.csv"}  # fmt: skip


def repack(archive, dest, change):
    """``archive`` written again as ``dest`` with ``change(name, data)`` applied to each member
    (the manifest kept as it was), as someone altering a bundle after it was made would."""
    with tarfile.open(archive, "r:gz") as tar, tarfile.open(dest, "w:gz") as out:
        for member in tar:
            data = change(member.name, tar.extractfile(member).read())
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return dest


def test_a_bundle_unpacks_to_the_same_bytes(tmp_path, results):
    archive = tmp_path / "bundle.tar.gz"
    manifest = export(archive, results, CONTENTS, PROVENANCE, CONFIG)
    # Snakemake's marker of a directory output is its own, not the run's.
    assert sorted(manifest["files"]) == [
        "examples/run/000.png", "metrics/run.csv", "models/run/train.csv"
    ]  # fmt: skip
    digest = hashlib.sha256((results / "metrics/run.csv").read_bytes()).hexdigest()
    assert manifest["files"]["metrics/run.csv"]["sha256"] == digest
    assert manifest["provenance"] == PROVENANCE
    assert "results_dir" not in manifest["config"]  # where it lived is not what it is
    assert read_manifest(archive) == json.loads(json.dumps(manifest))

    here = tmp_path / "imported"
    unpack(archive, everything(here))
    assert (here / "m.csv").read_bytes() == (results / "metrics/run.csv").read_bytes()
    assert (here / "strips/000.png").read_bytes() == b"\x89PNG strip"
    assert (here / "none").is_dir() and not any((here / "none").iterdir())
    assert (here / "t.csv").read_text() == "iteration,loss\n1,0.5\n"


def test_the_same_files_give_the_same_archive(tmp_path, results):
    first, second = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    export(first, results, CONTENTS, PROVENANCE, CONFIG)
    (results / "metrics/run.csv").touch()  # a newer time changes nothing
    export(second, results, CONTENTS, PROVENANCE, CONFIG)
    assert first.read_bytes() == second.read_bytes()


def test_an_altered_file_fails_naming_it_and_is_not_written(tmp_path, results):
    archive = tmp_path / "bundle.tar.gz"
    export(archive, results, CONTENTS, PROVENANCE, CONFIG)
    altered = repack(
        archive,
        tmp_path / "altered.tar.gz",
        lambda name, data: data.replace(b"1.5", b"9.5") if name == "metrics/run.csv" else data,
    )
    here = tmp_path / "imported"
    with pytest.raises(BundleError, match=r"^metrics/run\.csv in .* does not match") as error:
        unpack(altered, everything(here))
    assert "\n" not in str(error.value)
    assert not (here / "m.csv").exists()


def test_a_path_the_bundle_lacks_fails_naming_it(tmp_path, results):
    archive = tmp_path / "bundle.tar.gz"
    export(archive, results, CONTENTS, PROVENANCE, CONFIG)
    with pytest.raises(BundleError, match=r"the bundle has no metrics/other\.csv"):
        unpack(archive, {"metrics/other.csv": tmp_path / "x.csv"})


def test_a_manifest_name_that_leaves_its_directory_is_refused(tmp_path, results):
    """A bundle is data from elsewhere: a name in it never writes outside its destination."""
    archive = tmp_path / "b.tar.gz"
    export(archive, results, CONTENTS, PROVENANCE, CONFIG)

    def escape(name, data):
        if name != bundle.MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["files"]["examples/run/../../escaped"] = {"sha256": "0" * 64, "bytes": 1}
        return json.dumps(manifest).encode()

    altered = repack(archive, tmp_path / "altered.tar.gz", escape)
    with pytest.raises(BundleError, match=r"examples/run/\.\./\.\./escaped .* leaves examples/run"):
        unpack(altered, everything(tmp_path / "out"))
    assert not (tmp_path / "escaped").exists()


def test_a_missing_file_cannot_be_bundled(tmp_path, results):
    contents = {"records": ["models/run/training.json"]}
    with pytest.raises(BundleError, match=r"cannot bundle models/run/training\.json.*train it"):
        export(tmp_path / "bundle.tar.gz", results, contents, PROVENANCE, CONFIG)


def test_another_config_is_a_warning_naming_the_keys(tmp_path, results):
    archive = tmp_path / "bundle.tar.gz"
    export(archive, results, CONTENTS, PROVENANCE, CONFIG)
    manifest = read_manifest(archive)
    # Where results live and where they come from are not the config's results.
    elsewhere = {**CONFIG, "results_dir": "there", "results_bundle": {"url": "file:///b"}}
    assert provenance_warnings(manifest, elsewhere, "0.1.0") == []
    changed = {**CONFIG, "seed": 1}
    [warning] = provenance_warnings(manifest, changed, "0.1.0")
    assert "these keys differ: seed" in warning and PROVENANCE["config_sha256"] in warning
    assert "slacking 0.1.0, this is 0.2.0" in provenance_warnings(manifest, CONFIG, "0.2.0")[0]


def test_an_archive_without_a_manifest_is_refused(tmp_path):
    archive = tmp_path / "other.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("readme.txt"), io.BytesIO(b""))
    with pytest.raises(BundleError, match=f"not a results bundle: it has no {bundle.MANIFEST}"):
        read_manifest(archive)


# -- the workflow: export from a tiny preset, import in a fresh directory --------------------------

TINY = {
    "targets": ["patch_count"],
    "categories": ["natural"],
    "patches": {"size": 32, "counts": [4, 8]},
    "test": {"size": 32, "count": 3, "rain": "embedded"},
    "networks": {"resnet": {"num_feat": 4, "num_block": 1}},
    "experiments": {"patch_count": {"networks": ["resnet"]}},
    "training": {"iterations": 10, "batch_size": 2, "checkpoint_every": 5},
    "evaluation": {"examples": 1},
}
# What an imported bundle schedules for Fig. 4 and the claims: no data, training or
# evaluation, only the fetch, the unpacking and the cheap table, figure and claims rules.
IMPORT_RULES = {
    "fetch_bundle",
    "unpack_bundle",
    "patch_count_table",
    "patch_count_figure",
    "claims",
}


def config_file(work, **extra):
    path = work / "config.yaml"
    path.write_text(yaml.safe_dump({**TINY, "results_dir": str(work / "results"), **extra}))
    return path


def importing(work, archive):
    """A fresh directory whose config imports ``archive`` by file:// URL and sha256."""
    work.mkdir()
    sha256 = hashlib.sha256(archive.read_bytes()).hexdigest()
    return config_file(work, results_bundle={"url": archive.as_uri(), "sha256": sha256})


def planned(configs, *targets) -> dict[str, int]:
    """Jobs per rule of a dry run with config files ``configs`` (Snakemake's job-stats table,
    without its total)."""
    out = run_snakemake("-n", *targets, "--quiet", "rules", "--configfile", *configs).stdout
    rows = (line.split() for line in out.splitlines())
    counts = {row[0]: int(row[1]) for row in rows if len(row) == 2 and row[1].isdigit()}
    counts.pop("total", None)
    return counts


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The tiny preset built and exported: its results directory and bundle."""
    work = tmp_path_factory.mktemp("exported")
    results = work / "results"
    run_snakemake(
        "--cores", "2", f"--configfile={config_file(work)}", results / "bundle.tar.gz", timeout=900
    )  # fmt: skip
    return results, results / "bundle.tar.gz"


def test_the_bundle_holds_what_the_tables_read(exported):
    _, archive = exported
    manifest = read_manifest(archive)
    files = set(manifest["files"])
    for n in (4, 8):
        assert f"metrics/resnet/natural/medium/n{n}.csv" in files
        assert f"examples/resnet/natural/medium/n{n}/000.png" in files
        for record in ("train.csv", "training.json"):
            assert f"models/resnet/natural/medium/n{n}/{record}" in files
    assert {"metrics/baselines/natural.csv", "tables/complexity.csv"} <= files
    assert {"tables/patch_count.csv", "claims.md", "claims.csv"} <= files
    assert not any(name.endswith("model.pt") for name in files)  # bundle.models is false


def test_an_imported_bundle_rebuilds_fig4_and_the_claims_without_training(exported, tmp_path):
    made, archive = exported
    config = importing(tmp_path / "fresh", archive)
    results = tmp_path / "fresh/results"
    targets = [results / "figures/fig4.pdf", results / "claims.md"]
    jobs = planned([config], *targets)
    assert jobs == dict.fromkeys(IMPORT_RULES, 1)
    assert not any(rule.startswith(("train", "evaluate")) for rule in jobs)

    run_snakemake("--cores", "2", f"--configfile={config}", *targets)
    assert (results / "figures/fig4.pdf").stat().st_size > 1000
    reference = results / "bundle/reference"  # the exporter's tables, unpacked to compare
    for table in ("tables/patch_count.csv", "claims.csv"):
        assert_frame_equal(read_csv(results / table), read_csv(made / table))
        assert_frame_equal(read_csv(results / table), read_csv(reference / table))
    # The same text, provenance line included: where results come from is not in the hash.
    for text in ("tables/patch_count_summary.md", "claims.md"):
        assert (results / text).read_text() == (made / text).read_text()
    assert planned([config], *targets) == {}  # and nothing is left to do
    # The run-validity table reads the bundled training records, not the models.
    assert planned([config], results / "tables/run_validity.csv") == {"run_validity": 1}


def test_an_altered_bundle_fails_naming_the_file(exported, tmp_path):
    _, archive = exported
    name = "metrics/resnet/natural/medium/n4.csv"

    def change(member, data):  # one digit of one metric, the archive's sha256 made anew
        return data.replace(b"1", b"2", 1) if member == name else data

    altered = repack(archive, tmp_path / "altered.tar.gz", change)
    config = importing(tmp_path / "fresh", altered)
    results = tmp_path / "fresh/results"
    run = run_snakemake(
        "--cores", "1", f"--configfile={config}", results / "figures/fig4.pdf", check=False
    )  # fmt: skip
    assert run.returncode != 0
    message = f"error (results bundle): {name} in "
    assert message in run.stderr + run.stdout
    assert message in (results / "logs/bundle/unpack.log").read_text()
    assert not (results / name).exists() and not (results / "figures/fig4.pdf").exists()


def test_the_paper_preset_builds_fig4_from_a_bundle_alone(tmp_path):
    """The README's promise: with a bundle, Fig. 4 at the paper scale is the fetch, the
    unpacking, its table and itself (as many jobs as the README says): no data, no training,
    no evaluation."""
    results = tmp_path / "results"
    bundled = {"url": "https://example.org/bundle.tar.gz", "sha256": "0" * 64}
    config = tmp_path / "bundle.yaml"
    config.write_text(yaml.safe_dump({"results_dir": str(results), "results_bundle": bundled}))
    jobs = planned(["config/paper.yaml", config], results / "figures/fig4.pdf")
    expected = {"fetch_bundle", "unpack_bundle", "patch_count_table", "patch_count_figure"}
    assert jobs == dict.fromkeys(expected, 1)
    readme = (ROOT / "README.md").read_text()
    stated = re.search(r"-n results/figures/fig4.pdf .*bundle.yaml +# (\d+) jobs", readme)
    assert int(stated.group(1)) == len(jobs)
