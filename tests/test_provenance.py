"""Every figure and table says what made it: version, config hash and data source."""

import copy

import pandas as pd

from slacking.plotting.patch_count import plot_metric_vs_count
from slacking.provenance import (
    markdown_page,
    pdf_metadata,
    provenance,
    read_csv,
    write_csv,
    write_text,
)


def test_the_hash_follows_the_config(default_config):
    record = provenance(default_config, "1.2.3")
    assert record["version"] == "1.2.3" and record["data_source"] == "embedded"
    same = provenance(copy.deepcopy(default_config), "1.2.3")
    changed = copy.deepcopy(default_config)
    changed["training"]["iterations"] += 1
    assert same == record
    assert provenance(changed, "1.2.3")["config_sha256"] != record["config_sha256"]
    placed = copy.deepcopy(default_config)  # where results go or come from is not what they are
    placed |= {"results_dir": "elsewhere", "results_bundle": {"url": "file:///b", "sha256": "0"}}
    assert provenance(placed, "1.2.3") == record


def test_tables_carry_the_record_and_read_back(tmp_path, default_config):
    record = provenance(default_config, "1.2.3")
    frame = pd.DataFrame({"n": [8, 32], "E_R": [1.5, 2.5]})
    write_csv(frame, tmp_path / "t.csv", record)
    assert record["config_sha256"] in (tmp_path / "t.csv").read_text().splitlines()[0]
    pd.testing.assert_frame_equal(read_csv(tmp_path / "t.csv"), frame)
    write_text("| a |\n|---|\n| 1 |", tmp_path / "t.md", record)
    text = (tmp_path / "t.md").read_text()
    assert text.rstrip().endswith("data: embedded_") and record["config_sha256"] in text
    page = markdown_page(text, record, "t")
    assert "<table>" in page and "<td>1</td>" in page and record["config_sha256"] in page


def test_figures_carry_the_record_in_pdf_and_png(tmp_path, default_config):
    record = provenance(default_config, "1.2.3")
    rows = [
        {"kind": "model", "network": "resnet", "category": "faces", "n": n, "image": 0}
        | {"E_R": 10.0 - n / 10, "E_B": 3.0, "PSNR": 25.0}
        for n in (8, 32)
    ] + [
        {"kind": "identity", "category": "faces", "image": 0, "E_R": 0.0, "E_B": 2.0},
        {"kind": "perfect", "category": "faces", "image": 0, "E_R": 20.0, "E_B": 0.0},
    ]
    outs = [tmp_path / "fig.pdf", tmp_path / "fig.png"]
    plot_metric_vs_count(pd.DataFrame(rows), "E_R", outs, pdf_metadata(record, "Fig. 4"))
    for out in outs:
        assert record["config_sha256"].encode() in out.read_bytes(), out
