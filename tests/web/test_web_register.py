"""登记簿 across two submissions of one project: what was mended, what is new, the score's change."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webtools import SAMPLE, client, job_id, upload  # noqa: E402

ALL_THREE = ("已制定或具有相应的财务监控机制;采取了相应的财务检查等必要的监控措施或手段，对资金使用进行监控;"
             "按项目进行成本核算，以及项目成本差异情况;")


@pytest.fixture
def web(tmp_path):
    return client(tmp_path / "data")


def versions(tmp_path):
    """The sample as first sent (its 财务监控有效性 short of one element: SCORE_MISMATCH at I25), and
    as sent again: that element added (mended), and 资金结余 合计 (C9) mistyped (new)."""
    first = tmp_path / "第一次.xlsx"
    load_workbook(SAMPLE).save(first)
    book = load_workbook(SAMPLE)
    book["自评价评分附件表"]["H25"] = ALL_THREE
    book["资金安排情况"]["C9"] = 12345
    second = tmp_path / "第二次.xlsx"
    book.save(second)
    return first, second


def submit(web, path):
    response = upload(web, path)
    job = job_id(response)
    submitted = web.post(f"/check/{job}/submit")
    assert submitted.status_code == 200 and "已提交登记" in submitted.text
    return job, submitted


def test_empty_register(web):
    page = web.get("/register")
    assert page.status_code == 200 and "尚无提交记录" in page.text


def test_nothing_kept_unless_submitted(web, tmp_path):
    upload(web, SAMPLE)
    assert "尚无提交记录" in web.get("/register").text


def test_two_submissions(web, tmp_path):
    first, second = versions(tmp_path)
    _job, one = submit(web, first)
    assert "该项目首次提交" in one.text
    assert "郑州市工业和信息化局" in one.text and "铝工业转型升级专项资金" in one.text
    _job, two = submit(web, second)
    text = two.text
    assert "与上次提交相比" in text
    section = text.split("与上次提交相比")[1]
    mended = section.split("<h4>已整改")[1].split("</table>")[0]
    assert "自评价评分附件表!I25" in mended and "自评与复核不一致" in mended
    new = section.split("<h4>新出现")[1].split("</table>")[0]
    assert "资金安排情况!C9" in new
    assert "99.26 → 100.00，提高 0.74 分" in text
    listing = web.get("/register").text
    assert listing.count("<td>铝工业转型升级专项资金</td>") == 2 and "第一次.xlsx" in listing and "第二次.xlsx" in listing
    # the database itself
    db = sqlite3.connect(tmp_path / "data" / "register.sqlite3")
    rows = db.execute("SELECT department, project, year, sha256, review_total, grade, findings_count FROM submissions "
                      "ORDER BY id").fetchall()
    assert [r[:3] for r in rows] == [("郑州市工业和信息化局", "铝工业转型升级专项资金", 2021)] * 2
    assert rows[0][3] != rows[1][3] and len(rows[0][3]) == 64
    assert rows[0][4] == 99.26 and rows[1][4] == 100.0 and rows[1][5] == "优秀"


def test_submitting_twice_records_once(web, tmp_path):
    job, _ = submit(web, SAMPLE)
    again = web.post(f"/check/{job}/submit")
    assert again.status_code == 200 and "已提交登记" in again.text
    db = sqlite3.connect(tmp_path / "data" / "register.sqlite3")
    assert db.execute("SELECT count(*) FROM submissions").fetchone()[0] == 1


def test_unreadable_cannot_be_submitted(web):
    response = web.post("/check", files={"file": ("假的.xlsx", b"not a workbook", "text/plain")})
    job = job_id(response)
    assert "提交登记" not in response.text
    refused = web.post(f"/check/{job}/submit")
    assert refused.status_code == 400 and "不能提交" in refused.text


def test_unknown_entry_is_404(web):
    assert web.get("/register/1").status_code == 404
    assert web.post("/check/" + "x" * 43 + "/submit").status_code == 404
