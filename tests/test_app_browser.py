"""End to end through Debian chromium: upload → scored → visible on every page; report export; no script runs.

Starts ``streamlit run app.py`` on a free 127.0.0.1 port against a copy of the
small app database and drives it with Playwright (never downloads a browser).
Screenshots of each page go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app_support import XSS_TURN, app_db, real_slice, upload_file  # noqa: F401  (session fixture)
from realsim_core.store import Store

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
RUN = "browser-run"
UPLOADED = 8
pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium at /usr/bin/chromium")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def server(app_db: tuple[Path, dict[str, object]], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    data = tmp_path / "data"
    shutil.copytree(app_db[0], data)
    port = free_port()
    env = {**os.environ, "REALSIM_DATA_DIR": str(data), "BROWSER_PATH": CHROMIUM}
    log = (tmp_path / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            raise RuntimeError(f"streamlit did not start: {(tmp_path / 'streamlit.log').read_text()[-2000:]}")
        yield url, data
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_idle(page: object) -> None:
    """Wait until streamlit has finished the current script run."""
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=240_000)


def test_upload_score_browse_export(server: tuple[str, Path], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    url, data = server
    ARTIFACTS.mkdir(exist_ok=True)
    upload = upload_file(real_slice(Store(data)), tmp_path / "my_simulator.jsonl", RUN, n=UPLOADED)
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

        page.goto(f"{url}/upload")
        page.get_by_text("Upload & score a simulator").first.wait_for(timeout=120_000)
        page.locator("input[type=file]").set_input_files(str(upload))
        page.get_by_label("Run name").fill(RUN)
        page.get_by_role("button", name="Upload and score").click()
        page.get_by_text(f"Scored run {RUN}").wait_for(timeout=300_000)
        loss = page.locator("[data-testid='stCode']").first.inner_text()
        assert f"kept {UPLOADED}" in loss and f"paired with real scenarios: {UPLOADED}" in loss, loss  # the loss report
        page.screenshot(path=str(ARTIFACTS / "upload.png"), full_page=True)

        page.goto(url)
        page.get_by_text("Distance to real users (Table 2)").wait_for(timeout=120_000)
        wait_idle(page)
        # The multiselect of compared runs and the grid's accessible cells both name the new run.
        assert page.get_by_text(RUN).count() >= 1
        page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
        page.get_by_role("button", name="Build the HTML report").click()
        with page.expect_download(timeout=240_000) as download:
            page.get_by_role("button", name="Download report.html").click()
        report = tmp_path / "report.html"
        download.value.save_as(report)
        html = report.read_text(encoding="utf-8")
        assert RUN in html and "Headline findings" in html and "Plotly.newPlot" in html
        assert not re.search(r"<script[^>]+src=", html)  # self-contained: plotly.js inlined, nothing fetched

        for name in ("dimensions", "domains"):
            page.goto(f"{url}/{name}")
            page.locator("h1").first.wait_for(timeout=120_000)
            wait_idle(page)
            assert page.get_by_text(RUN).count() >= 1, name
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

        page.goto(f"{url}/transcripts?domain=branding")
        page.get_by_text("Transcripts side by side").wait_for(timeout=120_000)
        wait_idle(page)
        page.get_by_text(XSS_TURN).first.wait_for(timeout=60_000)  # literal text, visible
        assert page.get_by_role("heading", name=RUN).count() >= 1
        assert page.locator("img[src='x']").count() == 0
        assert page.locator("iframe[src^='javascript']").count() == 0
        page.screenshot(path=str(ARTIFACTS / "transcripts.png"), full_page=True)

        viewer = browser.new_page()
        viewer.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        viewer.goto(report.as_uri())
        viewer.locator(".plotly").first.wait_for(timeout=60_000)
        viewer.screenshot(path=str(ARTIFACTS / "report.png"))
        browser.close()
    assert dialogs == []
