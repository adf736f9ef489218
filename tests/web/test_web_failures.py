"""xlscore's own failure while serving is a Chinese page, and the service goes on."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webtools import SAMPLE, upload  # noqa: E402


def _client(data):
    from xlscore.web.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

        return TestClient(create_app(data), raise_server_exceptions=False)


def test_a_bug_in_the_check_is_a_chinese_page(tmp_path, monkeypatch):
    from xlscore import review

    web = _client(tmp_path / "data")
    real = review.score_file

    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(review, "score_file", broken)
    response = upload(web, SAMPLE)
    assert response.status_code == 500 and "处理时程序出错" in response.text and "boom" not in response.text
    assert not list((tmp_path / "data" / "jobs").iterdir())  # nothing left of it
    monkeypatch.setattr(review, "score_file", real)
    assert upload(web, SAMPLE).status_code == 200


def test_a_bug_in_the_batch_is_its_page(tmp_path, monkeypatch):
    from xlscore.web import batch

    web = _client(tmp_path / "data")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(batch, "write_summary", broken)
    response = web.post("/batch", files=[("files", (SAMPLE.name, SAMPLE.read_bytes()))])
    job = str(response.url).rsplit("/", 1)[1]
    web.app.state.threads[job].join()
    page = web.get(f"/batch/{job}")
    assert page.status_code == 200 and "批量复核时程序出错" in page.text and "boom" not in page.text
    assert web.get(f"/batch/{job}/summary.xlsx").status_code == 404
    assert web.get("/").status_code == 200
