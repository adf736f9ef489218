"""汇总.xlsx as a report upward (issue 21, point 5) and ``score --pdf`` (point 4), on the summary of
``samples/``: every figure checked against the reports it is made from."""

from __future__ import annotations

import json
import shutil
import zipfile

import openpyxl
import pytest

from xlscore.batch import summary
from xlscore.write import pdf

from conftest import ROOT, run_cli

SAMPLES = ROOT / "samples"


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """``xlscore score samples/ --out OUT``: the summary and the reports it came from."""
    out = tmp_path_factory.mktemp("summary") / "out"
    result = run_cli("score", SAMPLES, "--out", out)
    assert result.exit_code == 0, result.output
    reports = [json.loads(line) for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    return out, openpyxl.load_workbook(out / summary.SUMMARY), {r["file"]: r for r in reports}


def _rows(ws) -> tuple[list[dict], dict | None]:
    """The data rows of a sheet (as header -> value) and its 合计 row, if any."""
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    body = [dict(zip(header, row)) for row in rows[1:] if any(v is not None for v in row)]
    data = [row for row in body if row.get("单位") != "合计" and row.get(header[0]) is not None
            and not str(row.get(header[0])).startswith("说明")]
    total = next((row for row in body if row.get("单位") == "合计"), None)
    return data, total


def _fund(report: dict, *keys: str):
    for key in keys:
        value = ((report.get("fund") or {}).get(key) or {}).get("total")
        if value is not None:
            return value
    return None


def test_execution_and_spend_rate_are_apart_and_named(scored):
    _, book, reports = scored
    rows, _ = _rows(book["汇总"])
    header = [c.value for c in book["汇总"][1]]
    assert "预算执行率" in header and "资金实际支出率" in header and "执行率" not in header
    by_file = {row["来源文件"]: row for row in rows}
    seed002 = by_file["002_企业服务活动专项经费.xlsx"]
    assert seed002["预算执行率"] == pytest.approx(1.0) and seed002["资金实际支出率"] == pytest.approx(0.6499)
    assert book["汇总"].cell(2 + rows.index(seed002), header.index("资金实际支出率") + 1).number_format == "0.00%"
    for name, row in by_file.items():
        report = reports[name]
        if report["scheme"].startswith("national"):  # 全年执行数 ÷ 全年预算数; no money arrived on that form
            assert row["预算执行率"] == pytest.approx(_fund(report, "rate") / 100)
            assert row["预算执行率"] == pytest.approx(_fund(report, "executed") / _fund(report, "budget_full"), abs=1e-4)
            assert row["资金实际支出率"] is None
        else:  # municipal (6) = 资金到位 ÷ 预算安排 and (8) = 实际支出 ÷ 资金到位
            assert row["预算执行率"] == pytest.approx(_fund(report, "arrived") / _fund(report, "budget"), abs=1e-4)
            assert row["资金实际支出率"] == pytest.approx(_fund(report, "spent") / _fund(report, "arrived"), abs=1e-4)
            assert row["资金到位（元）"] == _fund(report, "arrived")
        assert row["预算安排（元）"] == _fund(report, "budget", "budget_full")
        assert row["实际支出（元）"] == _fund(report, "spent", "executed")


def test_the_totals_row_sums_the_projects(scored):
    _, book, reports = scored
    rows, total = _rows(book["汇总"])
    assert total is not None and len(rows) == len(reports)
    budgets = [_fund(r, "budget", "budget_full") for r in reports.values()]
    spent = [_fund(r, "spent", "executed") for r in reports.values()]
    assert total["预算安排（元）"] == pytest.approx(sum(budgets))
    assert total["实际支出（元）"] == pytest.approx(sum(spent))
    both = [r for r in reports.values() if _fund(r, "spend_rate") is not None]
    assert total["资金实际支出率"] == pytest.approx(sum(_fund(r, "spent") for r in both) /
                                             sum(_fund(r, "arrived") for r in both), abs=1e-4)
    assert total["错误数"] == sum(r["counts"]["error"] for r in reports.values())
    assert total["警告数"] == sum(r["counts"]["warning"] for r in reports.values())
    reviews = [r["totals"]["review_score"] for r in reports.values()]
    assert total["复核得分"] == pytest.approx(round(sum(reviews) / len(reviews), 2))
    assert total["项目"] == f"{len(reports)} 个"
    note = [c.value for row in book["汇总"].iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("说明")]
    assert note and "(6) = 资金到位 ÷ 预算安排" in note[0] and "全年执行数 ÷ 全年预算数" in note[0]


def test_by_department(scored):
    _, book, reports = scored
    assert "按单位" in book.sheetnames
    rows, total = _rows(book["按单位"])
    departments = sorted({r["project"]["department"] for r in reports.values()})
    assert [row["单位"] for row in rows] == departments
    for row in rows:
        mine = [r for r in reports.values() if r["project"]["department"] == row["单位"]]
        assert row["项目数"] == len(mine)
        assert row["预算安排（元）"] == pytest.approx(sum(_fund(r, "budget", "budget_full") for r in mine))
        assert row["实际支出（元）"] == pytest.approx(sum(_fund(r, "spent", "executed") for r in mine))
        assert row["平均自评得分"] == pytest.approx(round(sum(r["totals"]["self_score"] for r in mine) / len(mine), 2))
        assert row["平均复核得分"] == pytest.approx(round(sum(r["totals"]["review_score"] for r in mine) / len(mine), 2))
        graded = [summary.unified_grade(r["grade"]["review"]) for r in mine if r["grade"]["review"]]
        for grade in set(graded):
            assert f"{grade} {graded.count(grade)}" in row["复核等级"]
    assert total["项目数"] == len(reports) and total["错误数"] == sum(r["counts"]["error"] for r in reports.values())
    # 郑州市工业和信息化局: six workbooks, every one 优秀 on review
    assert next(row for row in rows if row["单位"] == "郑州市工业和信息化局")["复核等级"] == "优秀 6"


def test_one_grade_scale_with_the_forms_own_word_beside(scored):
    assert [summary.unified_grade(w) for w in ("优", "优秀", "良", "良好", "中", "中等", "低", "差", "不合格")] == \
        ["优秀", "优秀", "良好", "良好", "中等", "中等", "低", "差", "差"]
    _, book, reports = scored
    rows, _ = _rows(book["汇总"])
    by_file = {row["来源文件"]: row for row in rows}
    national = by_file["全国表样例_农村饮水安全工程维修养护补助资金.xlsx"]
    assert reports["全国表样例_农村饮水安全工程维修养护补助资金.xlsx"]["grade"]["self"] == "优"
    assert national["自评等级"] == "优秀（优）"  # the national form's 优 is the municipal 优秀
    assert national["复核等级"].startswith("未评定（复核未完成")
    assert by_file["002_企业服务活动专项经费.xlsx"]["自评等级"] == "优秀"
    grades = [row[0] for row in book["图表"].iter_rows(min_row=2, max_col=1, values_only=True) if row[0]]
    assert grades == ["优秀", "未评定"]  # one bar for 优秀 and 优


def test_findings_by_severity_then_file(scored):
    _, book, reports = scored
    rows = list(book["检查结果"].iter_rows(min_row=2, values_only=True))
    header = [c.value for c in book["检查结果"][1]]
    assert len(rows) == sum(len(r["findings"]) for r in reports.values())
    order = {"错误": 0, "警告": 1, "提示": 2}
    keys = [(order[row[header.index("严重程度")]], row[header.index("文件")]) for row in rows]
    assert keys == sorted(keys) and {k[0] for k in keys} == {0, 1, 2}
    assert "代码" not in header and "问题" in header  # the finding's Chinese title, not its code
    assert all(not any(isinstance(v, str) and "_" in v and v.isupper() for v in row) for row in rows)


def test_charts_a_reader_learns_from(scored):
    out, _, _ = scored
    with zipfile.ZipFile(out / summary.SUMMARY) as archive:
        charts = [archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2
    assert any("<c:barChart>" in c and "复核得分与自评得分之差" in c and "<c:barDir val=\"bar\"/>" in c for c in charts)
    assert any("评价等级分布" in c for c in charts)
    assert not any("<c:scatterChart>" in c for c in charts)


def test_pages_a4_landscape_one_page_wide_no_empty_sheet(scored):
    _, book, reports = scored
    assert all(r["status"] == "ok" for r in reports.values())
    assert "无法读取" not in book.sheetnames  # nothing unreadable: no empty page for it
    assert book.sheetnames == ["汇总", "按单位", "检查结果", "图表", "已跳过"]  # samples/README.md was passed over
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.page_setup.fitToWidth in (None, 1) and ws.sheet_properties.pageSetUpPr.fitToPage  # 1 is the default
        if ws.title != "图表":
            assert ws.print_title_rows == "$1:$1" and ws.page_setup.fitToHeight == 0
    main = book["汇总"]
    assert "来源邮件" not in [c.value for c in main[1]]  # no sample came by e-mail: no empty column
    widths = sum(main.column_dimensions[c].width for c in main.column_dimensions if main.column_dimensions[c].width)
    assert widths < 190  # fit to width stays readable (the old first page was 220 characters wide)


def test_nothing_passed_over_no_skipped_sheet(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(SAMPLES / "002_企业服务活动专项经费.xlsx", inbox / "a.xlsx")
    result = run_cli("score", inbox, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(tmp_path / "out" / summary.SUMMARY).sheetnames == ["汇总", "按单位", "检查结果", "图表"]


@pytest.mark.skipif(pdf.program() is None, reason="LibreOffice (soffice) is not installed here")
def test_pdf_beside_each_copy_and_the_summary(tmp_path):
    inbox = tmp_path / "in"
    (inbox / "甲").mkdir(parents=True)
    shutil.copy(SAMPLES / "002_企业服务活动专项经费.xlsx", inbox / "甲" / "a.xlsx")
    shutil.copy(SAMPLES / "全国表样例_农村饮水安全工程维修养护补助资金.xlsx", inbox / "b.xlsx")
    out = tmp_path / "out"
    result = run_cli("score", inbox, "--out", out, "--pdf")
    assert result.exit_code == 0, result.output
    for made in (out / "甲" / "a_复核.pdf", out / "b_复核.pdf", out / "汇总.pdf"):
        assert made.read_bytes().startswith(b"%PDF"), made
    assert not (out / ".xlscore-tmp").exists()  # LibreOffice's profile went with the run's temporary folder
    assert "已写出：" in result.output and "汇总.pdf" in result.output


@pytest.mark.skipif(pdf.program() is None, reason="LibreOffice (soffice) is not installed here")
def test_pdf_of_a_single_file(tmp_path):
    result = run_cli("score", SAMPLES / "002_企业服务活动专项经费.xlsx", "--out", tmp_path, "--pdf")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "002_企业服务活动专项经费_复核.pdf").read_bytes().startswith(b"%PDF")


def test_pdf_without_libreoffice_says_so_and_keeps_the_exit_code(tmp_path, monkeypatch):
    plain = run_cli("score", SAMPLES / "000_铝工业转型升级专项资金.xlsx", "--out", tmp_path / "plain")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no soffice on PATH
    assert pdf.program() is None
    result = run_cli("score", SAMPLES / "000_铝工业转型升级专项资金.xlsx", "--out", tmp_path / "out", "--pdf")
    assert result.exit_code == plain.exit_code == 1, result.output  # seed 000 has an error finding
    assert "需要 LibreOffice" in result.output and "未生成 PDF" in result.output
    assert (tmp_path / "out" / "000_铝工业转型升级专项资金_复核.xlsx").exists()
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_pdf_time_limit_ends_libreoffice(tmp_path, monkeypatch):
    """A LibreOffice that hangs is ended at the time limit and the file named as not converted."""
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\nsleep 30\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf, "SECONDS", 0.5)
    monkeypatch.setattr(pdf, "PER_FILE", 0.0)
    book = tmp_path / "x.xlsx"
    shutil.copy(SAMPLES / "002_企业服务活动专项经费.xlsx", book)
    done = pdf.convert([book], str(fake), tmp_path)
    assert not done.written and done.failed == [(book, "LibreOffice 超过 0 秒未完成转换")]
    assert not (tmp_path / "x.pdf").exists()
