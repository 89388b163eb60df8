"""The workbench end to end in headless Chromium, driven through chromedriver (the W3C WebDriver
protocol, spoken with httpx: Selenium would bring trio, whose start-up hook trips this suite's
warnings-are-errors with hypothesis): `auditledger serve --edit`
runs as a process on a copy of the sample ledger; the browser opens the dashboard, filters the
problems by unit, opens a problem and submits an update, and the YAML file and the problem's
history change. No page may log a console error (a Content-Security-Policy violation is one).

`.ci/run` installs Debian's chromium and chromium-driver; where they cannot be installed this
test skips and says so. With AUDITLEDGER_SCREENSHOTS=docs it writes the README's screenshots
(docs/serve.png, docs/serve-problem.png); otherwise it takes them into a temporary folder.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI, REPO

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
AS_OF = "2026-11-24"

pytestmark = pytest.mark.skipif(
    BROWSER is None or DRIVER is None,
    reason="headless Chromium and its driver are not installed (apt-get install chromium "
    "chromium-driver); .ci/run installs them",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(sample: CLI, tmp_path: Path) -> Iterator[str]:
    """`auditledger serve --edit` on the sample ledger, as a user starts it; its address."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "AUDITLEDGER_LANG": ""}
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "auditledger", "--ledger", str(sample.root), "serve", "--edit",
         "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    try:
        for _attempt in range(200):  # until it listens (at most 20 s), not a timed assertion
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None:
                pytest.fail((tmp_path / "serve.log").read_text())
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


class Browser:
    """Headless Chromium through chromedriver's W3C WebDriver protocol (plain HTTP and JSON),
    with the few commands this test needs."""

    def __init__(self, driver: str, profile: Path) -> None:
        import httpx

        self.port = free_port()
        self.process = subprocess.Popen([driver, f"--port={self.port}"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)  # fmt: skip
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=60)
        for _attempt in range(200):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    break
            time.sleep(0.1)
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900",
                f"--user-data-dir={profile}", "--lang=zh-CN"]  # fmt: skip
        capabilities = {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": BROWSER, "args": args},
            "goog:loggingPrefs": {"browser": "ALL"},
        }
        self.session = self._call("POST", "/session", {"capabilities": {"alwaysMatch": capabilities}})[
            "sessionId"
        ]

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.http.request(method, path, json=body)
        value = response.json()["value"]
        if response.status_code != 200:
            raise AssertionError(f"{method} {path}: {value}")
        return value

    def do(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return self._call(method, f"/session/{self.session}{path}", body)

    def get(self, url: str) -> None:
        self.do("POST", "/url", {"url": url})

    @property
    def title(self) -> str:
        return str(self.do("GET", "/title"))

    @property
    def url(self) -> str:
        return str(self.do("GET", "/url"))

    def find(self, css: str) -> str:
        return str(self.do("POST", "/element", {"using": "css selector", "value": css})[ELEMENT])

    def find_all(self, css: str) -> list[str]:
        return [e[ELEMENT] for e in self.do("POST", "/elements", {"using": "css selector", "value": css})]

    def text(self, element: str) -> str:
        return str(self.do("GET", f"/element/{element}/text"))

    def click(self, css: str) -> None:
        self.do("POST", f"/element/{self.find(css)}/click", {})

    def type(self, css: str, text: str) -> None:
        self.do("POST", f"/element/{self.find(css)}/value", {"text": text})

    def set_value(self, css: str, value: str) -> None:
        """For a date picker, whose typing is the locale's."""
        element = {ELEMENT: self.find(css)}
        self.do(
            "POST", "/execute/sync", {"script": "arguments[0].value = arguments[1]", "args": [element, value]}
        )

    def submit(self, css: str) -> None:
        """Click a button that loads another page, and wait until it is there."""
        before = self.url
        self.click(css)
        for _attempt in range(200):
            if self.url != before and self.do("POST", "/execute/sync", {
                "script": "return document.readyState", "args": []}) == "complete":  # fmt: skip
                return
            time.sleep(0.05)

    def screenshot(self, path: Path) -> None:
        import base64

        path.write_bytes(base64.b64decode(self.do("GET", "/screenshot")))

    def console_errors(self) -> list[str]:
        return [
            e["message"] for e in self.do("POST", "/se/log", {"type": "browser"}) if e["level"] == "SEVERE"
        ]

    def quit(self) -> None:
        try:
            self.do("DELETE", "")
        finally:
            self.http.close()
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    assert DRIVER is not None
    driver = Browser(DRIVER, tmp_path / "profile")
    try:
        yield driver
    finally:
        driver.quit()


def shots_folder(tmp_path: Path) -> Path:
    wanted = os.environ.get("AUDITLEDGER_SCREENSHOTS")
    return REPO / wanted if wanted else tmp_path


def test_dashboard_filter_open_update_in_chromium(
    server: str, browser: Browser, sample: CLI, tmp_path: Path
) -> None:
    shots = shots_folder(tmp_path)
    browser.get(f"{server}/?as_of={AS_OF}")
    assert "总览" in browser.title
    assert browser.text(browser.find(".card.overdue strong")).isdigit()
    assert browser.find_all("tr.overdue")  # red rows, and their words:
    assert "逾期" in browser.text(browser.find("tr.overdue .tag"))
    browser.screenshot(shots / "serve.png")
    assert browser.console_errors() == []

    browser.submit("nav a[href^='/problems']")
    browser.click("select[name=unit] option[value=czj]")
    browser.submit("form.filters button")
    assert "unit=czj" in browser.url and f"as_of={AS_OF}" in browser.url
    units = {browser.text(cell) for cell in browser.find_all("table.problems tbody td:nth-child(3)")}
    assert units == {"示例市财政局"}

    browser.submit("a[href^='/problems/2025-002']")
    assert browser.text(browser.find("h1")).startswith("2025-002")
    form = "form[action^='/problems/2025-002/update'] "
    browser.click(form + "select[name=status] option[value=rectified]")
    browser.type(form + "input[name=rectified_amount]", "9860")
    browser.click(form + "select[name=method] option[value=disbursed]")
    browser.type(form + "textarea[name=measure]", "余下1项资金已全部下达")
    browser.type(form + "input[name=by]", "财政局")
    browser.set_value(form + "input[name=date]", "2026-11-20")
    browser.submit(form + "button[type=submit]")

    assert "已保存" in browser.text(browser.find(".saved"))
    timeline = browser.text(browser.find("ol.timeline li"))
    assert timeline.startswith("2026-11-20 财政局") and "已整改" in timeline
    assert "余下1项资金已全部下达" in timeline
    browser.screenshot(shots / "serve-problem.png")
    assert browser.console_errors() == []

    text = (sample.root / "2025" / "czj.yaml").read_text(encoding="utf-8")
    assert "余下1项资金已全部下达" in text and "status: rectified" in text and "disbursed: 9860" in text
    shown = sample("show", "2025-002", "--as-of", AS_OF).stdout
    assert "余下1项资金已全部下达" in shown and "rectified" in shown
    for name in ("serve.png", "serve-problem.png"):
        assert (shots / name).read_bytes().startswith(b"\x89PNG")
