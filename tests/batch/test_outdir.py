"""The output folder: never an input's own folder, never written over where xlscore did not write,
and one run at a time (`xlscore score IN --out OUT`)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, run_cli

SEED000 = ROOT / "samples" / "000_铝工业转型升级专项资金.xlsx"
SEED002 = ROOT / "samples" / "002_企业服务活动专项经费.xlsx"


def _hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}


@pytest.fixture()
def folder(tmp_path):
    root = tmp_path / "收件箱"
    root.mkdir()
    shutil.copy(SEED000, root / "a.xlsx")
    shutil.copy(SEED002, root / "b.xlsx")
    return root


def _department_book(path: Path, text: str = "部门自己的表") -> Path:
    wb = openpyxl.Workbook()
    wb.active["A1"] = text
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def test_output_folder_equal_to_the_input_folder_is_refused(folder):
    _department_book(folder / "汇总.xlsx", "本部门自己的汇总")
    before = _hashes(folder)
    result = run_cli("score", folder, "--out", folder, "--jobs", "1")
    assert result.exit_code == 2, result.output
    assert result.exception is None
    assert str(folder) in result.output and "输入文件夹" in result.output
    assert _hashes(folder) == before  # nothing written, nothing replaced
    again = run_cli("score", folder, "--out", folder, "--jobs", "1")
    assert again.exit_code == 2 and _hashes(folder) == before


def test_a_single_file_scored_into_its_own_folder_is_refused(folder):
    before = _hashes(folder)
    result = run_cli("score", folder / "a.xlsx", "--out", folder)
    assert result.exit_code == 2, result.output
    assert "输入文件" in result.output and str(folder) in result.output
    assert _hashes(folder) == before


def test_an_output_folder_holding_the_input_folder_is_refused(folder, tmp_path):
    before = _hashes(folder)
    result = run_cli("score", folder, "--out", tmp_path, "--jobs", "1")
    assert result.exit_code == 2, result.output
    assert _hashes(folder) == before


def test_an_output_folder_inside_the_input_is_refused_once_it_holds_the_departments_workbooks(folder):
    out = folder / "复核结果"
    for _ in range(2):  # holding only its own outputs, it is passed over and its outputs replaced
        result = run_cli("score", folder, "--out", out, "--jobs", "1")
        assert result.exit_code == 0, result.output
    assert (out / "a_复核.xlsx").exists() and not (out / "复核结果").exists()
    shutil.copy(SEED000, out / "c.xlsx")  # a department's workbook put among them
    before = _hashes(folder)
    result = run_cli("score", folder, "--out", out, "--jobs", "1")
    assert result.exit_code == 2, result.output
    assert "c.xlsx" in result.output
    assert _hashes(folder) == before


def test_a_department_summary_in_the_output_folder_is_not_overwritten(folder, tmp_path):
    out = tmp_path / "out"
    theirs = _department_book(out / "汇总.xlsx", "部门的汇总")
    data = theirs.read_bytes()
    result = run_cli("score", folder / "a.xlsx", folder / "b.xlsx", "--out", out)
    assert result.exit_code == 1, result.output  # a.xlsx has an error; a single-file run writes no 汇总.xlsx
    batch = run_cli("score", folder, "--out", out, "--jobs", "1")
    assert batch.exit_code == 2, batch.output
    assert "汇总.xlsx" in batch.output and "不是 xlscore 写出" in batch.output
    assert theirs.read_bytes() == data
    assert not (out / "reports.jsonl").exists()
    theirs.unlink()
    shutil.copy(ROOT / "tests" / "fixtures" / "handlaid002.ods", folder / "c.ods")  # its copy is written another way
    for _ in range(2):  # xlscore's own outputs of every kind are replaced
        result = run_cli("score", folder, "--out", out, "--jobs", "1")
        assert result.exit_code == 0, result.output
    assert (out / "c_复核.xlsx").exists() and (out / "汇总.xlsx").exists()
    _department_book(out / "汇总.xlsx", "部门的汇总")
    assert run_cli("score", folder, "--out", out, "--jobs", "1").exit_code == 2


def test_a_review_copy_not_written_by_xlscore_is_not_overwritten(folder, tmp_path):
    out = tmp_path / "out"
    theirs = _department_book(out / "a_复核.xlsx", "部门自己的复核表")
    data = theirs.read_bytes()
    for args in (("score", folder / "a.xlsx", "--out", out), ("score", folder, "--out", out, "--jobs", "1")):
        result = run_cli(*args)
        assert result.exit_code == 2, result.output
        assert "a_复核.xlsx" in result.output
        assert theirs.read_bytes() == data


def test_foreign_reports_jsonl_and_json_are_not_overwritten(folder, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "reports.jsonl").write_text("部门的记录\n", encoding="utf-8")
    result = run_cli("score", folder, "--out", out, "--jobs", "1")
    assert result.exit_code == 2 and "reports.jsonl" in result.output
    assert (out / "reports.jsonl").read_text(encoding="utf-8") == "部门的记录\n"
    (out / "reports.jsonl").unlink()
    (out / "报告").mkdir()
    (out / "报告" / "b_复核.json").write_text('{"备注": "部门的"}', encoding="utf-8")
    result = run_cli("score", folder / "b.xlsx", "--out", out)
    assert result.exit_code == 2 and "b_复核.json" in result.output
    assert (out / "报告" / "b_复核.json").read_text(encoding="utf-8") == '{"备注": "部门的"}'


# --- one run at a time ------------------------------------------------------------------------

def test_a_second_run_into_a_busy_output_folder_is_refused(folder, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (out / ".xlscore.lock").write_text(f"{other.pid}\n", encoding="ascii")
        for args in (("score", folder, "--out", out, "--jobs", "1"), ("score", folder / "a.xlsx", "--out", out)):
            result = run_cli(*args)
            assert result.exit_code == 2, result.output
            assert "正在运行" in result.output and str(other.pid) in result.output
        assert (out / ".xlscore.lock").read_text(encoding="ascii").strip() == str(other.pid)
        assert not (out / "reports.jsonl").exists() and not (out / "a_复核.xlsx").exists()
    finally:
        other.kill()
        other.wait()


def test_a_lock_left_by_a_process_that_is_gone_is_taken_over_and_removed(folder, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    (out / ".xlscore.lock").write_text(f"{gone.pid}\n", encoding="ascii")
    result = run_cli("score", folder, "--out", out, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert (out / "reports.jsonl").exists()
    assert not (out / ".xlscore.lock").exists()


def test_the_lock_is_held_while_the_batch_runs_and_removed_on_every_exit(folder, tmp_path, monkeypatch):
    from xlscore.batch import runner as batch

    out = tmp_path / "out"
    seen = {}
    real = batch.run_batch

    def watched(*args, **kwargs):
        lock = out / ".xlscore.lock"
        seen["pid"] = lock.read_text(encoding="ascii").strip()
        seen["second"] = run_cli("score", folder / "a.xlsx", "--out", out)
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "run_batch", watched)
    result = run_cli("score", folder, "--out", out, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert seen["pid"] == str(os.getpid())
    assert seen["second"].exit_code == 2 and "正在运行" in seen["second"].output
    assert not (out / ".xlscore.lock").exists()

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(batch, "run_batch", broken)
    run_cli("score", folder, "--out", out, "--jobs", "1")
    assert not (out / ".xlscore.lock").exists()
    _department_book(out / "a_复核.xlsx")
    refused = run_cli("score", folder / "a.xlsx", "--out", out)
    assert refused.exit_code == 2 and not (out / ".xlscore.lock").exists()
