"""The command line (issue 2 §7): text lines, summary, exit codes, JSON, Chinese help, codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from xlscore.findings.catalog import CATALOG

from conftest import (
    CLEAN,
    CLEAN_USAGE,
    ROOT,
    SAMPLE_002,
    SEED_002,
    SEED_002_USAGE,
    figures,
    run_check,
    run_cli,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
CODE_RE = r"[A-Z][A-Z0-9_]+"
LINE_RE = re.compile(rf"^(?P<file>.+?):(?:(?P<sheet>[^!]+?)(?:!(?P<cell>[A-Z]{{1,3}}\d+))?:)? (?P<code>{CODE_RE}) (?P<rest>.+)$")
SUMMARY_RE = re.compile(r"^(?P<file>.+): 共 (?P<n>\d+) 项 —— 错误 (?P<e>\d+)，警告 (?P<w>\d+)，提示 (?P<i>\d+)")


@pytest.fixture
def wrong(book):
    """Seed 002 with 资金结余 stated 0: one error (FUND_FORMULA at C11), one warning (FUND_SPEND_LOW)."""
    return book(figures(SEED_002, balance={"total": 0}), usage=SEED_002_USAGE, name="wrong.xlsx")


@pytest.fixture
def clean(book):
    return book(CLEAN, usage=CLEAN_USAGE, name="clean.xlsx")


def test_text_lines(wrong):
    result = run_cli("check", wrong.path)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    report = run_check(wrong.path)
    assert len(lines) == len(report["findings"]) + 1
    *finding_lines, summary = lines
    for line, finding in zip(finding_lines, report["findings"]):
        m = LINE_RE.match(line)
        assert m, line
        assert m["file"] == str(wrong.path)
        assert m["code"] == finding["code"]
        if finding["sheet"]:
            assert m["sheet"] == finding["sheet"]
        if finding["cell"]:
            assert m["cell"] == finding["cell"]
        assert finding["message"] in line
    expected = (f"{wrong.path}:资金安排情况!C11: FUND_FORMULA [错误] 资金结余(5)（合计）应为 724,657 元"
                f"（资金到位(3) − 实际支出(4) = 2,070,000 元 − 1,345,343 元），表中填写 0 元")
    assert expected in lines
    assert any(line.startswith(f"{wrong.path}:资金安排情况!C14: FUND_SPEND_LOW ") for line in lines)
    m = SUMMARY_RE.match(summary)
    assert m, summary
    counts = report["counts"]
    assert (int(m["n"]), int(m["e"]), int(m["w"]), int(m["i"])) == (
        len(report["findings"]), counts["error"], counts["warning"], counts["info"])
    assert counts["error"] >= 1 and counts["warning"] >= 1


def test_text_line_for_a_finding_without_a_cell(book):
    lay = book(CLEAN, name="no_usage.xlsx")
    lines = run_cli("check", lay.path).output.splitlines()
    missing = [line for line in lines if " TABLE_MISSING " in line]
    assert missing == [f"{lay.path}: TABLE_MISSING [警告] 未找到资金使用情况表，相关核对未进行"]


def test_exit_0_without_errors(clean):
    result = run_cli("check", clean.path)
    assert result.exit_code == 0, result.output
    assert SUMMARY_RE.match(result.output.splitlines()[-1])
    assert not [line for line in result.output.splitlines() if "[错误]" in line]


def test_exit_1_with_errors(wrong):
    assert run_cli("check", wrong.path).exit_code == 1
    assert run_cli("check", "--format", "json", wrong.path).exit_code == 1


def test_exit_1_not_for_warnings_only(book):
    lay = book(SEED_002, usage=SEED_002_USAGE, name="warn.xlsx")  # FUND_SPEND_LOW is a warning
    result = run_cli("check", lay.path)
    assert " FUND_SPEND_LOW [警告] " in result.output
    assert result.exit_code == 0


def test_exit_2_for_an_unreadable_file(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("hello", encoding="utf-8")
    result = run_cli("check", bad)
    assert result.exit_code == 2
    assert result.output.splitlines()[0].startswith(f"{bad}: FILE_NOT_WORKBOOK ")
    assert CJK.search(result.output)


def test_exit_code_is_the_worst_of_several_files(clean, wrong, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("hello", encoding="utf-8")
    assert run_cli("check", clean.path, clean.path).exit_code == 0
    assert run_cli("check", clean.path, wrong.path).exit_code == 1
    assert run_cli("check", wrong.path, bad, clean.path).exit_code == 2
    output = run_cli("check", clean.path, wrong.path).output
    assert len([line for line in output.splitlines() if SUMMARY_RE.match(line)]) == 2


def test_json_format(wrong):
    result = run_cli("check", "--format", "json", wrong.path)
    report = json.loads(result.stdout)
    assert report == json.loads(json.dumps(run_check(wrong.path), ensure_ascii=False))
    assert report["file"] == str(wrong.path)
    assert report["status"] == "ok" and report["error"] is None
    assert report["unit"] == "元" and report["source_unit"] == "元"
    assert report["fund"]["balance"]["total"] == 724_657
    assert report["fund_stated"]["balance"]["total"] == 0
    assert {"code": "FUND_FORMULA", "severity": "error", "sheet": "资金安排情况", "cell": "C11"}.items() <= \
        next(f for f in report["findings"] if f["code"] == "FUND_FORMULA").items()
    assert "资金结余" in result.stdout  # not \\u-escaped


def test_json_several_files_one_object_per_line(clean, wrong):
    result = run_cli("check", "--format", "json", clean.path, wrong.path)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert [json.loads(line)["file"] for line in lines] == [str(clean.path), str(wrong.path)]
    assert result.exit_code == 1


def test_format_choice_is_validated(clean):
    result = run_cli("check", "--format", "xml", clean.path)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_main_help_is_chinese():
    result = run_cli("--help")
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("用法：xlscore")
    assert "项目支出绩效自评表" in out
    assert "命令" in out and "选项" in out
    assert "检查自评表" in out and "列出全部检查结果代码" in out
    for english in ("Usage:", "Options:", "Commands:", "Show this message and exit", "Show the version"):
        assert english not in out
    assert run_cli("-h").output == out


def test_check_help_is_chinese():
    result = run_cli("check", "--help")
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("用法：xlscore check")
    assert "退出码" in out and "输出格式" in out
    for english in ("Usage:", "Options:", "Show this message and exit"):
        assert english not in out


def test_check_help_has_no_english_leftovers():
    assert "default" not in run_cli("check", "--help").output


def test_codes_lists_every_catalog_code():
    result = run_cli("codes")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.splitlines() if line.strip()]
    assert listed == list(CATALOG)
    for line in result.output.splitlines():
        assert CJK.search(line)
    for code in ("FUND_FORMULA", "FUND_SUM", "FUND_RATE_OVER_100", "USAGE_TOTAL", "VALUE_UNPARSED",
                 "FILE_NOT_WORKBOOK", "FILE_CORRUPT", "FILE_ENCRYPTED", "FILE_TOO_LARGE", "NO_TABLES"):
        assert code in listed


def test_codes_markdown_lists_every_code():
    out = run_cli("codes", "--markdown").output
    for code in CATALOG:
        assert f"`{code}`" in out


def test_version():
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.output.startswith("xlscore ")


def test_console_script_and_module(tmp_path):
    script = Path(sys.executable).parent / "xlscore"
    if not script.exists():
        pytest.skip("console script not installed next to the interpreter")
    bad = tmp_path / "bad.xlsx"
    bad.write_text("hello", encoding="utf-8")
    done = subprocess.run([str(script), "check", str(bad)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert "FILE_NOT_WORKBOOK" in done.stdout
    done = subprocess.run([sys.executable, "-m", "xlscore", "check", str(SAMPLE_002)], capture_output=True,
                          text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "FUND_SPEND_LOW" in done.stdout
