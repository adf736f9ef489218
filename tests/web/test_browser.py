"""A real browser (Debian's chromium, headless, through selenium) uses ``xlscore serve``: uploads
the samples to the bureau's batch, waits for it, opens a file's page and downloads 汇总.xlsx.
Skipped, with the reason printed, where chromium, chromedriver or selenium is missing."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import zipfile

import pytest

from conftest import SAMPLES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def _missing() -> str | None:
    if not CHROMIUM or not DRIVER:
        return "chromium and chromium-driver are not installed"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    return None


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(predicate, seconds: float = 120.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("the page did not come in time")


@pytest.fixture()
def server(tmp_path):
    port = _port()
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "xlscore", "serve", "--port", str(port), "--data",
                             str(tmp_path / "data")], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, 60)
        yield f"http://127.0.0.1:{port}"
    except AssertionError:
        raise AssertionError((tmp_path / "serve.log").read_text(errors="replace")) from None
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
        log.close()


def test_a_browser_uploads_the_samples_waits_and_downloads_the_summary(server, tmp_path):
    reason = _missing()
    if reason:
        print(f"skipped: {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1600"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    browser = webdriver.Chrome(service=Service(DRIVER), options=options)
    shots = tmp_path / "shots"
    shots.mkdir()
    try:
        browser.get(server + "/batch")
        browser.save_screenshot(str(shots / "1_batch_form.png"))
        files = sorted(str(p) for p in SAMPLES.glob("*.xlsx"))
        browser.find_elements(By.CSS_SELECTOR, 'input[type="file"][name="files"]')[0].send_keys("\n".join(files))
        browser.find_element(By.TAG_NAME, "form").submit()
        _wait(lambda: "批量复核结果" in browser.page_source)
        browser.save_screenshot(str(shots / "2_batch_results.png"))
        assert len(browser.find_elements(By.CSS_SELECTOR, "table tbody tr")) >= len(files)
        job_page = browser.current_url
        browser.find_element(By.CSS_SELECTOR, 'a[href*="/file/"]').click()
        _wait(lambda: "/file/" in browser.current_url and "复核" in browser.page_source)
        browser.save_screenshot(str(shots / "3_file_page.png"))
        browser.get(job_page)
        browser.find_element(By.CSS_SELECTOR, 'a[href$="summary.xlsx"]').click()
        summary = _wait(lambda: next((p for p in downloads.glob("*.xlsx")), None), 60)
        _wait(lambda: not list(downloads.glob("*.crdownload")), 60)
        with zipfile.ZipFile(summary) as archive:  # a real workbook
            assert "xl/workbook.xml" in archive.namelist()
        keep = os.environ.get("XLSCORE_SHOTS")
        if keep:
            shutil.copytree(shots, keep, dirs_exist_ok=True)
    finally:
        browser.quit()
