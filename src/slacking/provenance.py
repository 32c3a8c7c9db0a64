"""Where a figure or table came from, written into the file itself.

Every artefact carries the project version, a hash of the configuration that produced it and
the data source (embedded images or the papers' datasets), so a PDF or CSV found on its own
still says what made it: in PDF metadata, as a first comment line of a CSV, and as a closing
line of a Markdown table.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

COMMENT = "#"
# Keys that say where results go or come from, not what they are: left out of the hash, so
# moving the results or importing a bundle leaves every stamp (and every rule's params) alone.
PLACEMENT = ("results_dir", "results_bundle", "bundle")


def provenance(config: dict, version: str) -> dict:
    """The provenance record of everything ``config`` produces with project ``version``."""
    science = {key: value for key, value in config.items() if key not in PLACEMENT}
    canonical = json.dumps(science, sort_keys=True, default=str)
    return {
        "project": "slacking",
        "version": version,
        "config_sha256": hashlib.sha256(canonical.encode()).hexdigest()[:16],
        "data_source": config["data_source"],
    }


def stamp(record: dict) -> str:
    """One line for humans: ``slacking 0.1.0, config sha256 1a2b..., data: embedded``."""
    return (
        f"{record['project']} {record['version']}, config sha256 {record['config_sha256']}, "
        f"data: {record['data_source']}"
    )


def pdf_metadata(record: dict, title: str) -> dict:
    """Metadata for ``Figure.savefig(..., metadata=...)`` with the PDF backend."""
    return {
        "Title": title,
        "Creator": f"{record['project']} {record['version']}",
        "Subject": stamp(record),
        "Keywords": f"config_sha256={record['config_sha256']}; data_source={record['data_source']}",
    }


def write_csv(frame: pd.DataFrame, path: str | Path, record: dict) -> None:
    """A CSV whose first line is the provenance as a comment (``read_csv`` skips it)."""
    with open(path, "w", newline="") as handle:
        handle.write(f"{COMMENT} {stamp(record)}\n")
        frame.to_csv(handle, index=False)


def read_csv(path: str | Path) -> pd.DataFrame:
    return pd.read_csv(path, comment=COMMENT)


def write_text(text: str, path: str | Path, record: dict) -> None:
    """Markdown ending in a provenance line (in italics)."""
    Path(path).write_text(f"{text.rstrip()}\n\n_{stamp(record)}_\n")


PAGE_STYLE = """
body { font-family: system-ui, sans-serif; font-size: 14px; margin: 1.5em; color: #1e293b; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #cbd5e1; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f1f5f9; }
tr:nth-child(even) td { background: #f8fafc; }
"""


def markdown_page(text: str, record: dict, title: str) -> str:
    """A self-contained HTML page of a Markdown table file, for the Snakemake report (which
    shows HTML inline but offers Markdown only as a download)."""
    import markdown

    body = markdown.markdown(text, extensions=["tables"])
    keywords = f"config_sha256={record['config_sha256']}; data_source={record['data_source']}"
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        f"<meta name='generator' content='{record['project']} {record['version']}'>"
        f"<meta name='keywords' content='{keywords}'>"
        f"<style>{PAGE_STYLE}</style></head>\n<body>\n{body}\n</body></html>\n"
    )
