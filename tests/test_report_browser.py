"""The HTML report opened in headless Chromium: it renders with no console error (a Content-
Security-Policy violation is one) and shows the headline figures; printed to PDF, its pages are
numbered, annexes are landscape and each total is printed once, however many pages a table spans.

`.ci/run` installs Debian's chromium and poppler-utils (pdftotext, pdfinfo) when they are
missing; where they cannot be installed these tests skip and say so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CLI

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]

pytestmark = pytest.mark.skipif(
    BROWSER is None,
    reason="headless Chromium is not installed (apt-get install chromium); .ci/run installs it",
)


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    profile = tmp_path / "profile"
    return subprocess.run(
        [BROWSER, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_html_report_renders_in_chromium(sample: CLI, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    run = sample("report", "--year", "2024", "--as-of", "2026-11-24", "--format", "html", "-o", str(page))
    assert run.exit_code == 0, run.stderr

    shot = tmp_path / "report.png"
    done = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1000,3000", page.as_uri())
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], "\n".join(console)
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 20_000

    dom = chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    for figure in ("16", "121,985.93", "53,145.93", "50%", "一、审计整改工作部署和成效"):
        assert figure in dom, figure
    assert dom.count("<svg") == 3


PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")


def pages_of(pdf: Path) -> list[str]:
    """The text of each page of `pdf` (pdftotext separates pages by form feeds)."""
    assert PDFTOTEXT is not None
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return text.stdout.split("\f")[:-1]


@pytest.mark.skipif(
    PDFTOTEXT is None or PDFINFO is None,
    reason="pdftotext and pdfinfo are not installed (apt-get install poppler-utils); .ci/run installs them",
)
def test_printed_report_numbers_its_pages_and_prints_each_total_once(sample: CLI, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    args = ["report", "--year", "2025", "--as-of", "2026-09-30", "--format", "html", "-o", str(page)]
    assert sample(*args).exit_code == 0
    html = page.read_text(encoding="utf-8")
    tables_with_total = html.count("<tfoot>")
    assert tables_with_total >= 1

    pdf = tmp_path / "report.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    pages = pages_of(pdf)
    assert len(pages) >= 3
    # every page carries its number, "— N —", in the footer (pdftotext may drop the spaces)
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"—\s*{number}\s*—", text), f"page {number} has no page number"
    # the total row of the detailed list is printed once, though the list spans pages
    whole = "\n".join(pages)
    assert whole.count("合计") == tables_with_total
    listed = [n for n, text in enumerate(pages, start=1) if "2025-0" in text and "附件" not in text]
    assert len(listed) >= 2, "the detailed list should span pages for this test to mean something"
    # ids and dates are not broken across lines
    assert "2025-\n" not in whole and re.search(r"\b2025-01[0-7]\b", whole)
    # the annexes print landscape, the report itself portrait
    sizes = subprocess.run(
        [PDFINFO, "-f", "1", "-l", str(len(pages)), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    widths = [float(w) for w, _h in re.findall(r"size:\s+([\d.]+) x ([\d.]+)", sizes)]
    assert widths[0] < 600 and widths[-1] > 800
    # no near-empty last page
    assert len(re.sub(r"\s|—|\d", "", pages[-1])) > 20
