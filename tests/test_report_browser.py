"""The HTML report opened in headless Chromium: it renders with no console error (a Content-
Security-Policy violation is one) and shows the headline figures.

`.ci/run` installs Debian's chromium when it is missing; where it cannot be installed this test
skips and says so.
"""

from __future__ import annotations

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
    for figure in ("16", "121,985.93", "53,145.93", "50.0%", "一、总体情况"):
        assert figure in dom, figure
    assert dom.count("<svg") == 3
