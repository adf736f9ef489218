"""财政局批量复核 through Starlette's TestClient: uploads (files, a .zip), the batch in its
background thread, the progress page, the summary table, each file's page, and the downloads."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from webtools import SAMPLES, client  # noqa: E402

from xlscore.batch.summary import COLUMNS  # noqa: E402

WORKBOOKS = sorted(SAMPLES.glob("*.xlsx"))


def wait(web, response):
    """The batch's page once its thread is done (the thread joined: no timing)."""
    job = str(response.url).rstrip("/").rsplit("/", 1)[1]
    thread = web.app.state.threads[job]
    thread.join()
    return job, web.get(f"/batch/{job}")


def post_files(web, paths, names=None):
    files = [("files", ((names or {}).get(p, p.name), p.read_bytes())) for p in paths]
    return web.post("/batch", files=files)


@pytest.fixture
def web(tmp_path):
    return client(tmp_path / "data")


def test_batch_form(web):
    form = web.get("/batch")
    assert form.status_code == 200 and 'name="files"' in form.text and "multiple" in form.text
    assert "<script" not in form.text


def test_progress_page_refreshes(web):
    response = post_files(web, WORKBOOKS[:2])
    assert response.status_code == 200
    job = str(response.url).rsplit("/", 1)[1]
    if "批量复核进行中" in response.text:
        assert '<meta http-equiv="refresh" content="2">' in response.text and "<progress" in response.text
    web.app.state.threads[job].join()
    done = web.get(f"/batch/{job}")
    assert "批量复核结果" in done.text and 'http-equiv="refresh"' not in done.text


def test_progress_page_while_queued(web):
    """The page of a batch not yet done (its batch held back by the one-at-a-time lock)."""
    from xlscore.web import batch

    with batch.RUNNING:
        response = post_files(web, WORKBOOKS[:1])
        assert "批量复核进行中" in response.text and "排队" in response.text
        assert '<meta http-equiv="refresh" content="2">' in response.text
        job = str(response.url).rsplit("/", 1)[1]
        for tail in ("summary.xlsx", "copies.zip", "replies.zip", "file/0", "copy/0"):
            assert web.get(f"/batch/{job}/{tail}").status_code == 404
    web.app.state.threads[job].join()


def test_batch_of_files(web):
    job, page = wait(web, post_files(web, WORKBOOKS))
    text = page.text
    for column in COLUMNS:
        if column != "来源邮件":
            assert f">{column}</a>" in text
    for path in WORKBOOKS:
        assert path.name in text
    assert "107.49%" in text  # 预算执行率 of sample 000, as a percentage
    # each file's page, and its copy
    for n in range(len(WORKBOOKS)):
        file_page = web.get(f"/batch/{job}/file/{n}")
        assert file_page.status_code == 200 and "检查结果" in file_page.text and "评分" in file_page.text
        copy = web.get(f"/batch/{job}/copy/{n}")
        assert copy.status_code == 200
        assert any(s.startswith("复核结果") for s in load_workbook(io.BytesIO(copy.content)).sheetnames)
    assert web.get(f"/batch/{job}/file/{len(WORKBOOKS)}").status_code == 404
    # downloads
    summary = web.get(f"/batch/{job}/summary.xlsx")
    assert summary.status_code == 200
    book = load_workbook(io.BytesIO(summary.content))
    assert "汇总" in book.sheetnames
    copies = zipfile.ZipFile(io.BytesIO(web.get(f"/batch/{job}/copies.zip").content))
    assert len(copies.namelist()) == len(WORKBOOKS)
    assert all(name.endswith("_复核.xlsx") for name in copies.namelist())
    replies = zipfile.ZipFile(io.BytesIO(web.get(f"/batch/{job}/replies.zip").content))
    assert replies.namelist() and all(name.startswith("回复/") for name in replies.namelist())
    assert any("整改通知" in name for name in replies.namelist())


def test_sorting(web):
    job, _page = wait(web, post_files(web, WORKBOOKS))
    up = web.get(f"/batch/{job}", params={"sort": "复核得分", "desc": "0"}).text
    down = web.get(f"/batch/{job}", params={"sort": "复核得分", "desc": "1"}).text
    first_up = up.index("全国表样例")  # 88.37: lowest review score
    assert first_up < up.index("000_铝工业")
    assert down.index("全国表样例") > down.index("000_铝工业")


def test_zip_upload(web, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("来信/" + WORKBOOKS[0].name, WORKBOOKS[0].read_bytes())
        archive.writestr("../../逃逸.xlsx", WORKBOOKS[1].read_bytes())
        archive.writestr("说明.txt", b"hello")
    response = web.post("/batch", files=[("files", ("收件.zip", buffer.getvalue(), "application/zip"))])
    job, page = wait(web, response)
    assert WORKBOOKS[0].name in page.text
    assert "说明.txt" in page.text and "不是工作簿或邮件" in page.text
    assert "不安全" in page.text
    assert not list(tmp_path.rglob("逃逸.xlsx"))


def test_zip_name_in_gbk():
    from xlscore.web.jobs import _zip_name

    info = zipfile.ZipInfo("x")
    info.filename = "自评表.xlsx".encode("gbk").decode("cp437")
    info.flag_bits = 0
    assert _zip_name(info) == "自评表.xlsx"
    info.filename, info.flag_bits = "自评表.xlsx", 0x800
    assert _zip_name(info) == "自评表.xlsx"


def test_truncated_zip(web):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in WORKBOOKS[:3]:
            archive.writestr(path.name, path.read_bytes())
    cut = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    response = web.post("/batch", files=[("files", ("收件.zip", cut, "application/zip"))])
    assert response.status_code == 400 and "压缩包已损坏或不完整" in response.text
    assert not list((web.app.state.data / "jobs").iterdir())  # nothing left of it
    assert post_files(web, WORKBOOKS[:1]).status_code == 200  # still serving


def test_text_file_named_xlsx_in_batch(web, tmp_path):
    fake = tmp_path / "假表.xlsx"
    fake.write_text("not a workbook\n" * 20)
    job, page = wait(web, post_files(web, [fake, WORKBOOKS[0]]))
    assert "假表.xlsx" in page.text and "无法读取" in page.text
    numbers = [n for n in range(2) if "假表.xlsx" in web.get(f"/batch/{job}/file/{n}").text]
    assert numbers
    file_page = web.get(f"/batch/{job}/file/{numbers[0]}")
    assert "无法读取" in file_page.text and "下载批注副本" not in file_page.text
    assert web.get(f"/batch/{job}/copy/{numbers[0]}").status_code == 404


def test_nothing_to_do(web):
    response = web.post("/batch", files=[("files", ("a.txt", b"x"))])
    assert response.status_code == 400 and "没有工作簿" in response.text
    assert web.post("/batch", data={"x": "1"}).status_code == 400


def test_oversized_batch(tmp_path):
    web = client(tmp_path / "data", max_batch=1024 * 1024)
    response = web.post("/batch", files=[("files", ("大.zip", b"0" * (2 * 1024 * 1024)))])
    assert response.status_code == 413 and "超过 1 MB" in response.text
    assert post_files(web, WORKBOOKS[:1]).status_code == 200


def test_another_jobs_id_is_404(web):
    job, _page = wait(web, post_files(web, WORKBOOKS[:1]))
    other = job[:-1] + ("A" if job[-1] != "A" else "B")
    for tail in ("", "/summary.xlsx", "/copies.zip", "/replies.zip", "/file/0", "/copy/0"):
        assert web.get(f"/batch/{other}{tail}").status_code == 404
        assert web.get(f"/batch/{job}{tail}").status_code == 200
    check_job = job  # a batch's id is not a self-check's
    assert web.get(f"/check/{check_job}").status_code == 404
