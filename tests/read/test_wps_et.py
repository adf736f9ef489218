"""WPS's own .et files (issue 21, item 7): read as .xls where they hold a BIFF workbook stream, as most
do; refused, saying so, where they do not."""

from __future__ import annotations

import shutil

from conftest import ROOT, check_json, run_cli

XLS = ROOT / "tests" / "fixtures" / "handlaid002.xls"


def test_an_et_with_a_workbook_stream_is_read_as_xls(tmp_path):
    path = tmp_path / "自评表.et"
    shutil.copy(XLS, path)
    code, report = check_json(path)
    assert report["status"] == "ok" and report["totals"]["review_score"] == 100


def test_a_folder_finds_et_files(tmp_path):
    (tmp_path / "收件").mkdir()
    shutil.copy(XLS, tmp_path / "收件" / "自评表.et")
    result = run_cli("score", str(tmp_path / "收件"), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "自评表_复核.xlsx").exists()


def test_an_et_without_one_is_refused_saying_so(tmp_path):
    path = tmp_path / "自评表.et"
    data = XLS.read_bytes()
    assert "Workbook".encode("utf-16-le") in data
    path.write_bytes(data.replace("Workbook".encode("utf-16-le"), "Notebook".encode("utf-16-le")))
    code, report = check_json(path)
    assert code == 2 and report["error"]["code"] == "FILE_NOT_WORKBOOK"
    assert "WPS 表格文件（.et）" in report["error"]["message"] and "另存为" in report["error"]["message"]
