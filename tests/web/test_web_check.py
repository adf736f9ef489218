"""部门自查 through Starlette's TestClient: the page of one workbook, its annotated copy, and every
bad upload refused in Chinese while the service keeps serving."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webtools import OTHER, SAMPLE, client, job_id, upload  # noqa: E402

import hostile  # noqa: E402
from xlscore.review import score_file  # noqa: E402


@pytest.fixture
def web(tmp_path):
    return client(tmp_path / "data")


def expected_report(tmp_path, path: Path) -> dict:
    result = score_file(path, tmp_path / "expected")
    return json.loads(result.json.read_text(encoding="utf-8"))


def test_home_and_form(web):
    home = web.get("/")
    assert home.status_code == 200 and "部门自查" in home.text and "财政局批量复核" in home.text
    form = web.get("/check")
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.text and 'type="file"' in form.text
    assert "<script" not in form.text


def test_self_check_page_shows_findings_funds_and_scores(web, tmp_path):
    response = upload(web, SAMPLE)
    assert response.status_code == 200 and response.history and response.history[0].status_code == 303
    page = response.text
    report = expected_report(tmp_path, SAMPLE)
    assert report["findings"]
    for finding in report["findings"]:
        from html import escape
        assert escape(finding["message"]) in page
    from xlscore.findings.catalog import CATALOG
    for code in {f["code"] for f in report["findings"]}:
        assert CATALOG[code].title in page
    assert "资金安排情况!C10" in page  # a location: table, row label, column, and the cell
    assert "预算执行率(6)" in page
    assert "73,096,200.00 / 73,096,200.00" in page  # stated beside recomputed
    for indicator in report["indicators"]:
        assert str(indicator["name"]) in page
    assert f"{report['totals']['review_score']:,.2f}" in page
    assert report["project"]["department"] in page


def test_fund_difference_is_marked(web, tmp_path):
    """A stated figure changed (资金结余 合计, C9) is shown beside the recomputed one, marked."""
    from openpyxl import load_workbook as load

    book = load(SAMPLE)
    book["资金安排情况"]["C9"] = 12345
    changed = tmp_path / "改过.xlsx"
    book.save(changed)
    page = upload(web, changed).text
    row = next(part for part in page.split("<tr") if part.startswith(' class="diff"><td>资金结余'))
    assert "12,345.00 / 0.00 ≠" in row
    clean = upload(web, SAMPLE).text
    assert not any(part.startswith(' class="diff"><td>资金结余') for part in clean.split("<tr"))


def test_annotated_copy_download(web, tmp_path):
    response = upload(web, SAMPLE, "自评表.xlsx")
    job = job_id(response)
    copy = web.get(f"/check/{job}/copy")
    assert copy.status_code == 200
    assert "%E8%87%AA%E8%AF%84%E8%A1%A8_%E5%A4%8D%E6%A0%B8.xlsx" in copy.headers["content-disposition"]  # 自评表_复核.xlsx
    book = load_workbook(io.BytesIO(copy.content))
    assert any(name.startswith("复核结果") for name in book.sheetnames)


def test_upload_name_is_never_a_path(web, tmp_path):
    response = upload(web, SAMPLE, "../../../逃逸<script>.xlsx")
    assert response.status_code == 200
    assert "<script>" not in response.text and "&lt;script&gt;" in response.text
    data = tmp_path / "data"
    assert not any(p.name.startswith("逃逸") for p in tmp_path.rglob("*"))
    stored = [p.name for p in (data / "jobs").rglob("*") if p.is_file()]
    assert "workbook.xlsx" in stored


def test_another_jobs_id_is_404(web):
    job = job_id(upload(web, SAMPLE))
    other = job[:-1] + ("A" if job[-1] != "A" else "B")
    for path in (f"/check/{other}", f"/check/{other}/copy", "/check/..%2F..%2Fetc", "/check/short"):
        response = web.get(path)
        assert response.status_code == 404 and "未找到" in response.text
    assert web.get(f"/check/{job}").status_code == 200


def test_text_file_named_xlsx(web):
    response = web.post("/check", files={"file": ("假的.xlsx", b"this is not a workbook\n" * 10, "text/plain")})
    assert response.status_code == 200
    assert "无法读取" in response.text and "Traceback" not in response.text
    assert "下载批注副本" not in response.text
    assert upload(web, SAMPLE).status_code == 200  # still serving


def test_not_a_workbook_name(web):
    response = web.post("/check", files={"file": ("说明.txt", b"hello", "text/plain")})
    assert response.status_code == 400 and "不是工作簿" in response.text


def test_no_file(web):
    response = web.post("/check", files={"other": ("a.xlsx", b"", XLSX_TYPE)})
    assert response.status_code == 400 and "请选择" in response.text


def test_not_multipart(web):
    response = web.post("/check", content=b"--broken\r\nnonsense", headers={"content-type": "multipart/form-data"})
    assert response.status_code == 400 and "不完整" in response.text
    assert web.get("/").status_code == 200


def test_oversized_upload(tmp_path):
    web = client(tmp_path / "data", max_upload=1024 * 1024)
    response = web.post("/check", files={"file": ("大.xlsx", b"0" * (2 * 1024 * 1024), XLSX_TYPE)})
    assert response.status_code == 413 and "超过 1 MB" in response.text
    assert not list((tmp_path / "data").rglob("workbook.xlsx"))
    assert upload(web, SAMPLE).status_code == 200


def test_oversized_upload_without_length(tmp_path):
    """A chunked body (no Content-Length) is counted as it arrives."""
    web = client(tmp_path / "data", max_upload=1024 * 1024)
    boundary = "xlscoreboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\n\r\n".encode()
            + b"0" * (2 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode())

    def chunks():
        for at in range(0, len(body), 65536):
            yield body[at:at + 65536]
    response = web.post("/check", content=chunks(), headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 413 and "超过 1 MB" in response.text
    assert upload(web, SAMPLE).status_code == 200


HOSTILE_KINDS = ["xxe", "dtd_not_xml", "xml_bomb", "zip_bomb", "duplicate_members", "broken", "not_biff",
                 "formula_injection", "long_project", "huge_numbers", "zip_slip"]


def test_hostile_corpus(web, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    expects = hostile.build(corpus, HOSTILE_KINDS)
    files = [p for p in corpus.rglob("*") if p.is_file()]
    assert files
    for path in files:
        rel = path.relative_to(corpus).as_posix()
        response = upload(web, path)
        assert response.status_code in (200, 400), rel
        assert "Traceback" not in response.text
        expect = expects.get(rel)
        if expect is not None and "ok" not in expect.outcomes:
            assert "无法读取" in response.text, rel
            if expect.words:
                assert expect.words in response.text, rel
    assert upload(web, SAMPLE).status_code == 200


def test_other_sample(web):
    assert upload(web, OTHER).status_code == 200


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_a_national_form_shows_its_budget_block_and_no_english(web, tmp_path):
    from conftest import SAMPLES

    national = next(SAMPLES.glob("全国表样例_*.xlsx"))
    page = upload(web, national).text
    assert "预算执行情况" in page and "全年预算数（表中 / 复算）" in page and "年度资金总额" in page
    assert "5,200,000.00 / 5,200,000.00" in page  # 全年预算数 of the whole, stated beside recomputed
    assert "xlscore" not in page.split("</head>", 1)[1].replace("/xlscore", "")  # nothing English to read
