"""`snakemake --report` of a tiny run, opened in a real headless Chromium.

Marked `report` (deselected by default, run by .ci/run): it installs Debian's chromium when
missing, which needs root. The report is a JavaScript application; the test clicks through it
as a reader would (a category, then a result's caption or its view) and reads the DOM Chromium
rendered, so a report that only looks right in its source would fail.
"""

import base64
import json
import re
import shutil
import subprocess

import pytest
import yaml

from conftest import ROOT, run_snakemake
from debian import ensure_packages

pytestmark = pytest.mark.report

TINY = {
    "targets": ["patch_count", "rain_range", "function_denoising"],
    "categories": ["natural", "lineart"],
    "patches": {"size": 32, "counts": [4, 8, 16]},
    "test": {"size": 32, "count": 3, "rain": "embedded"},
    "networks": {"resnet": {"num_feat": 8, "num_block": 1}},
    "experiments": {"patch_count": {"networks": ["resnet"], "rain": "medium"}},
    "training": {"iterations": 20, "batch_size": 4, "checkpoint_every": 10},
    "function_denoising": {
        "segments": 200,
        "network": {"channels": 8, "kernel_size": 5},
        "training": {"iterations": 30, "batch_size": 16, "lr": 2.0e-3},
    },
}
PATCH_COUNT = "Patch count (Figs. 4, 10)"
FUNCTION_DENOISING = "Function denoising (Sec. V, Figs. 11-14, Table II)"
RAIN_RANGE = "Training rain range (Fig. 8)"

CLICKS = """
<script>
function byText(text) {
  return [...document.querySelectorAll('span,td')].find(e => e.textContent.trim() === text);
}
%s.forEach(([text, icon], i) => setTimeout(() => {
  const found = byText(text);
  if (!found) { document.body.setAttribute('data-missing', text); return; }
  (icon ? found.closest('tr').querySelector('a[iconname=' + icon + ']') : found.closest('a'))
    .click();
}, 1500 * (i + 1)));
</script>
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    ensure_packages(("chromium",), shutil.which("chromium") is not None)
    work = tmp_path_factory.mktemp("report")
    config = work / "tiny.yaml"
    config.write_text(yaml.safe_dump({**TINY, "results_dir": str(work / "results")}))
    run_snakemake("--cores", "2", f"--configfile={config}", timeout=900)
    path = work / "report.html"
    run_snakemake(f"--configfile={config}", "--report", str(path))
    return path


def rendered(report, clicks: list[tuple[str, str | None]], name: str) -> str:
    """The report's DOM as Chromium renders it after ``clicks`` ([text, icon or None]), with
    scripts and styles removed (the report's data lives in a script, so text found here was
    drawn by the application, not just shipped with it)."""
    html = report.read_text()
    end = html.rfind("</body>")
    page = report.parent / f"{name}.html"
    page.write_text(html[:end] + CLICKS % json.dumps(clicks) + html[end:])
    budget = 1500 * (len(clicks) + 2)
    command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"]
    command += [f"--virtual-time-budget={budget}"]
    subprocess.run([*command, f"--screenshot={page.with_suffix('.png')}", page.as_uri()],
                   capture_output=True, check=True, timeout=120)  # fmt: skip
    dom = subprocess.run([*command, "--dump-dom", page.as_uri()], capture_output=True,
                         text=True, check=True, timeout=120).stdout  # fmt: skip
    dom = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", dom, flags=re.S)
    assert "data-missing=" not in dom, f"nothing to click for {clicks} in {page}"
    return dom


def config_hash(report) -> str:
    csv_head = (report.parent / "results/claims.csv").read_text().splitlines()[0]
    return re.search(r"config sha256 (\w+)", csv_head).group(1)


def test_the_report_opens_with_its_experiments_and_description(report):
    dom = rendered(report, [], "home")
    assert 'id="loading-screen" style="display: none;"' in dom
    for category in ("Claims", PATCH_COUNT, RAIN_RANGE, FUNCTION_DENOISING):
        assert f"<span>{category}</span>" in dom
    assert "Reproduction of" in dom and "Data source: <strong>embedded</strong>" in dom


@pytest.mark.parametrize(
    ("category", "result", "caption"),
    [
        (PATCH_COUNT, "Fig. 4", "Journal Fig. 4"),
        (RAIN_RANGE, "Fig. 8", "Journal Fig. 8"),
        (FUNCTION_DENOISING, "Fig. 11", "Journal Fig. 11"),
    ],
)
def test_each_figure_has_its_caption_and_provenance(report, category, result, caption):
    dom = rendered(report, [(category, None), (result, "information-circle")], "caption")
    assert caption in dom
    assert config_hash(report) in dom and "Provenance: slacking" in dom


def test_a_figure_shows_as_an_image(report):
    dom = rendered(report, [(PATCH_COUNT, None), ("Fig. 10", "eye")], "figure")
    assert "data:image/png" in dom


def test_the_claims_table_shows_inline_with_its_verdicts(report):
    dom = rendered(report, [("Claims", None), ("the papers' claims checked", "eye")], "claims")
    frame = re.search(r'<iframe src="data:text/html;[^"]*base64,([^"]+)"', dom)
    assert frame, "no inline page for the claims"
    page = base64.b64decode(frame.group(1)).decode()
    assert "<table>" in page and "NOT RUN" in page
    assert re.search(r"<td[^>]*>(PASS|FAIL)</td>", page)  # function denoising is judged
    assert config_hash(report) in page


def test_the_workflow_description_names_the_configuration(report):
    tiny = yaml.safe_load((ROOT / "config/config.yaml").read_text())["training"]["iterations"]
    dom = rendered(report, [], "home-config")
    assert f"Training: {TINY['training']['iterations']} iterations" in dom
    assert tiny != TINY["training"]["iterations"]  # the tiny config, not the default, is shown
