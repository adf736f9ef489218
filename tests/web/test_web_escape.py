"""What a workbook says is shown as text on every page: a department named like a script is escaped
on the self-check page, in the register and in the batch's summary and file page."""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webtools import OTHER, client, job_id, upload  # noqa: E402

HOSTILE = '<script>alert("x")</script>单位'
SHOWN = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;单位"


def test_workbook_text_is_escaped(tmp_path):
    book = load_workbook(OTHER)
    book["填表说明"]["B4"] = HOSTILE
    path = tmp_path / "表.xlsx"
    book.save(path)
    web = client(tmp_path / "data")
    response = upload(web, path, "<b>表.xlsx")
    assert SHOWN in response.text and "<script>" not in response.text
    assert "&lt;b&gt;表.xlsx" in response.text
    submitted = web.post(f"/check/{job_id(response)}/submit")
    assert SHOWN in submitted.text and "<script>" not in submitted.text
    listing = web.get("/register").text
    assert SHOWN in listing and "<script>" not in listing
    batch = web.post("/batch", files=[("files", ("<i>表.xlsx", path.read_bytes()))])
    job = str(batch.url).rsplit("/", 1)[1]
    web.app.state.threads[job].join()
    summary = web.get(f"/batch/{job}").text
    assert SHOWN in summary and "<script>" not in summary and "<i>" not in summary
    file_page = web.get(f"/batch/{job}/file/0").text
    assert SHOWN in file_page and "<script>" not in file_page
