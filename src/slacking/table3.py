"""Table III: each network's mean E_R, E_B and PSNR per row (patch count, training rain),
beside the paper's values and our difference, as CSV, Markdown and LaTeX (booktabs)."""

from __future__ import annotations

import math

import pandas as pd

from .plotting.style import NETWORK_LABELS
from .tables import run_means, seed_means

METRICS = ["E_R", "E_B", "PSNR"]
ARROWS = {"E_R": "↑", "E_B": "↓", "PSNR": "↑"}


def table3(runs: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """One row per (Table III row, network, metric): ours, the paper's (NaN where the paper
    reports none), ours minus the paper's, and whether our runs are trained (every seed's)."""
    means = seed_means(run_means(runs)).set_index(["network", "rain_range", "n"])
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
                        "trained": bool(ours["trained"]),
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
    mark = "" if r.trained else "*"
    if math.isnan(r.paper):
        return f"{r.ours:.2f}{mark} (—)"
    return f"{r.ours:.2f}{mark} ({r.paper:.2f}; {r.difference:+.2f})"


def table3_markdown(
    table: pd.DataFrame, parameters: dict[str, tuple[int, int]], tested_on: str = ""
) -> str:
    """Cells read "ours (paper; ours − paper)"; ``*`` marks a run that is not trained.
    ``parameters``: network -> (this preset's count, the paper-scale build's); ``tested_on``:
    the runs' test set, "<category>/<test set>" (``slacking.experiments.test_set``)."""
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
    category, _, test_set = tested_on.partition("/")
    if test_set == "rain100l-pairs":
        where = "Tested, as the paper, on Rain100L's own rainy/clean pairs.\n\n"
    elif tested_on:
        where = (
            f"Tested on a stand-in: {category} test backgrounds with the {test_set} test rain "
            "(the paper tests on Rain100L's pairs; `data_source: real` uses them).\n\n"
        )
    else:
        where = ""
    return (
        "## Table III: ours (paper; ours − paper)\n\n"
        + where
        + "\n".join(lines)
        + "\n\nE_R and E_B are region means (E_R over the rainy, E_B over the rain-free "
        "pixels), as the paper's numbers require. `*`: not trained (the validity test on the "
        "training loss fails), so its numbers are not the network's. Parameters: " + counts + ".\n"
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
