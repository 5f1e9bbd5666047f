"""report.html as a reader sees it: rebuilt from the committed reference results, opened in
headless Chromium (Debian's `chromium` package), screenshotted, and read back from the
rendered page — no literal Markdown, every table a table, every figure decoded.

Without Chromium the test skips with the reason; CI installs it and sets
BENCH_REQUIRE_BROWSER=1, which turns that skip into a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bench.report import write_report
from bench.results import load_results

REFERENCE = Path(__file__).parents[2] / "reports" / "reference-standard"

# Runs in the page once it has loaded; what it finds is written into the DOM that
# --dump-dom prints, as JSON in one element.
CHECK = """<script>
window.addEventListener("load", () => {
  const out = document.createElement("pre");
  out.id = "bench-check";
  out.textContent = JSON.stringify({
    text: document.body.innerText,
    tables: document.querySelectorAll("table").length,
    images: document.images.length,
    broken: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).length,
  });
  document.body.appendChild(out);
});
</script>"""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    reason = "no chromium on PATH (Debian: apt-get install chromium)"
    if os.environ.get("BENCH_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def headless(browser: str, *args: str) -> subprocess.CompletedProcess[str]:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    return subprocess.run(
        [browser, *flags, *args], capture_output=True, text=True, timeout=120, check=True
    )


def test_report_html_renders_in_a_browser(tmp_path):
    browser = chromium()
    folder = tmp_path / "report"
    shutil.copytree(REFERENCE, folder)
    write_report(folder, load_results(folder / "results.json"))
    markdown = (folder / "report.md").read_text()
    page = folder / "report.html"

    shot = tmp_path / "report.png"
    headless(browser, "--window-size=1280,2000", f"--screenshot={shot}", page.as_uri())
    assert shot.stat().st_size > 50_000  # a rendered page, not a blank one

    checked = tmp_path / "checked.html"
    checked.write_text(page.read_text() + CHECK)  # a script after </html> still runs
    dom = headless(browser, "--virtual-time-budget=10000", "--dump-dom", checked.as_uri()).stdout
    found = re.search(r'<pre id="bench-check">(.*?)</pre>', dom, re.S)
    assert found, "the check script did not run"
    seen = json.loads(
        found.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )

    text = seen["text"]
    assert "**" not in text, "literal Markdown emphasis in the page"
    assert "`" not in text, "literal Markdown code in the page"
    assert not re.search(r"^\s*\|.*\|\s*$", text, re.M), "a Markdown table left unrendered"
    assert not re.search(r"!\[[^\]]*\]\(", text), "an image left as Markdown"
    assert seen["tables"] == len(re.findall(r"^\|(?:---\|)+$", markdown, re.M))
    assert seen["images"] == markdown.count("](figures/") > 0
    assert seen["broken"] == 0, "an image that does not decode"
