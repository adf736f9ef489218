"""Helpers of the web tests: an app over a temporary data folder, and its client."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLES = ROOT / "samples"
SAMPLE = SAMPLES / "000_铝工业转型升级专项资金.xlsx"
OTHER = SAMPLES / "002_企业服务活动专项经费.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client(data: Path, **options):
    pytest.importorskip("starlette")
    from xlscore.web.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's note about httpx's successor
        from starlette.testclient import TestClient

        return TestClient(create_app(data, **options))


def upload(client, path: Path, name: str | None = None):
    with open(path, "rb") as handle:
        return client.post("/check", files={"file": (name or path.name, handle, XLSX)})


def job_id(response) -> str:
    match = re.search(r"/check/([A-Za-z0-9_-]+)$", str(response.url))
    assert match, response.url
    return match.group(1)


def has_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None
