"""Table III: each network's mean E_R, E_B and PSNR per row (patch count, training rain),
beside the paper's values and our difference, as CSV, Markdown and LaTeX (booktabs)."""

from __future__ import annotations

import math

import pandas as pd

from .plotting.style import NETWORK_LABELS
from .tables import run_means

METRICS = ["E_R", "E_B", "PSNR"]
ARROWS = {"E_R": "↑", "E_B": "↓", "PSNR": "↑"}


def table3(runs: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """One row per (Table III row, network, metric): ours, the paper's (NaN where the paper
    reports none), ours minus the paper's, and whether our run converged."""
    means = run_means(runs).set_index(["network", "rain_range", "n"])
    records = []
    for index, (row, n) in enumerate(zip(settings["rows"], settings["counts"], strict=True)):
        for network in settings["networks"]:
            ours = means.loc[(network, row["rain"], n)]
            paper = row["paper"].get(network) or [math.nan] * len(METRICS)
            for metric, stated in zip(METRICS, paper, strict=True):
                records.append(
                    {
                        "row": index,
                        "paper_n": row["paper_n"],
                        "n": n,
                        "rain": row["rain"],
                        "network": network,
                        "metric": metric,
                        "ours": float(ours[metric]),
                        "paper": stated,
                        "difference": float(ours[metric]) - stated,
                        "converged": bool(ours["converged"]),
                    }
                )
    return pd.DataFrame(records)


def _cells(table: pd.DataFrame, cell) -> pd.DataFrame:
    """Wide layout: one line per Table III row, a column per network and metric."""
    wide = table.assign(cell=[cell(r) for r in table.itertuples()]).pivot_table(
        index=["row", "paper_n", "n", "rain"],
        columns=["network", "metric"],
        values="cell",
        aggfunc="first",
        sort=False,
    )
    return wide.reset_index(level="row", drop=True)


def _markdown_cell(r) -> str:
    mark = "" if r.converged else "*"
    if math.isnan(r.paper):
        return f"{r.ours:.2f}{mark} (—)"
    return f"{r.ours:.2f}{mark} ({r.paper:.2f}; {r.difference:+.2f})"


def table3_markdown(table: pd.DataFrame, parameters: dict[str, tuple[int, int]]) -> str:
    """Cells read "ours (paper; ours − paper)"; ``*`` marks an unconverged run.
    ``parameters``: network -> (this preset's count, the paper-scale build's)."""
    wide = _cells(table, _markdown_cell)
    header = ["paper patches", "our patches", "rain"] + [
        f"{NETWORK_LABELS.get(network, network)} {metric} {ARROWS[metric]}"
        for network, metric in wide.columns
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for (paper_n, n, rain), cells in wide.iterrows():
        lines.append("| " + " | ".join([f"{paper_n:,}", str(n), rain, *cells]) + " |")
    counts = ", ".join(
        f"{network} {ours:,} (paper scale {paper:,})"
        for network, (ours, paper) in parameters.items()
    )
    return (
        "## Table III: ours (paper; ours − paper)\n\n"
        + "\n".join(lines)
        + "\n\n`*`: not converged (mean E_B not below the identity derainer's), so its E_R does"
        " not measure rain removal. Parameters: " + counts + ".\n"
    )


def table3_latex(table: pd.DataFrame) -> str:
    """A booktabs table in the paper's layout, cells "ours (paper)"."""

    def cell(r) -> str:
        return f"{r.ours:.2f} ({'--' if math.isnan(r.paper) else f'{r.paper:.2f}'})"

    wide = _cells(table, cell)
    networks = list(dict.fromkeys(wide.columns.get_level_values(0)))
    metrics = {"E_R": r"$E_R\uparrow$", "E_B": r"$E_B\downarrow$", "PSNR": r"PSNR$\uparrow$"}
    spec = "rrl" + "ccc" * len(networks)
    lines = [
        rf"\begin{{tabular}}{{{spec}}}",
        r"\toprule",
        r"\multicolumn{2}{c}{Patches} & & "
        + " & ".join(rf"\multicolumn{{3}}{{c}}{{{NETWORK_LABELS.get(n, n)}}}" for n in networks)
        + r" \\",
        " ".join(rf"\cmidrule(lr){{{4 + 3 * i}-{6 + 3 * i}}}" for i in range(len(networks))),
        r"Paper & Ours & Rain & " + " & ".join(metrics[m] for _, m in wide.columns) + r" \\",
        r"\midrule",
    ]
    for (paper_n, n, rain), cells in wide.iterrows():
        lines.append(
            " & ".join([f"{paper_n:,}".replace(",", "{,}"), str(n), rain, *cells]) + r" \\"
        )
    lines += [r"\bottomrule", r"\end{tabular}", ""]
    return "\n".join(lines)
