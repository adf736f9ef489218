"""Blank 附表 templates (`xlscore template`) and the samples filled from them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from xlscore.pipeline import check_file
from xlscore.score import scheme as scheme_mod

from conftest import ROOT, run_cli

TEMPLATES = ROOT / "workbook_templates"
SCHEMES = [s.id for s in scheme_mod.available()]
ANNEX = [s for s in SCHEMES if not s.startswith("national")]  # the 附表 layout (fund, usage, scoring sheets)
SOFFICE = shutil.which("soffice")
sys.path.insert(0, str(ROOT / "tools"))


def template_of(scheme_id: str) -> Path:
    return TEMPLATES / f"自评表模板_{scheme_id}.xlsx"


@pytest.mark.parametrize("scheme_id", SCHEMES)
def test_committed_templates_match_the_generator(tmp_path, scheme_id):
    import make_templates

    make_templates.main([str(tmp_path)])
    assert (tmp_path / template_of(scheme_id).name).read_bytes() == template_of(scheme_id).read_bytes(), \
        "workbook_templates/ 已过期：运行 make templates"


def test_committed_samples_match_the_filled_template(tmp_path):
    import fill_samples

    fill_samples.main([str(tmp_path)])
    for made in tmp_path.glob("*.xlsx"):
        assert made.read_bytes() == (ROOT / "samples" / made.name).read_bytes(), f"{made.name} 已过期：运行 make samples"


@pytest.mark.parametrize("scheme_id", SCHEMES)
def test_blank_template_checks_clean(scheme_id):
    report = check_file(template_of(scheme_id)).to_dict()
    assert report["status"] == "ok" and report["scheme"] == scheme_id
    assert {f["code"] for f in report["findings"]} == {"TABLE_BLANK"}
    assert report["tables"]["scoring"]
    if scheme_id in ANNEX:
        assert report["tables"]["fund"] and report["tables"]["usage"]
    else:
        assert report["tables"]["budget"]


@pytest.mark.parametrize("scheme_id", SCHEMES)
def test_every_input_validated_every_formula_locked(scheme_id):
    wb = openpyxl.load_workbook(template_of(scheme_id))
    for ws in wb.worksheets:
        assert ws.protection.sheet and not ws.protection.password
        covered = set()
        for dv in ws.data_validations.dataValidation:
            assert dv.prompt and dv.error  # Chinese input message and error alert
            for rng in dv.sqref.ranges:
                covered |= {(r, c) for r in range(rng.min_row, rng.max_row + 1) for c in range(rng.min_col, rng.max_col + 1)}
        merged_children = {(r, c) for m in ws.merged_cells.ranges for r in range(m.min_row, m.max_row + 1)
                           for c in range(m.min_col, m.max_col + 1) if (r, c) != (m.min_row, m.min_col)}
        inputs = formulas = 0
        for row in ws.iter_rows():
            for cell in row:
                if (cell.row, cell.column) in merged_children:
                    continue
                if cell.data_type == "f":
                    formulas += 1
                    assert cell.protection.locked, f"{ws.title}!{cell.coordinate} 公式未锁定"
                if cell.protection.locked is False:
                    inputs += 1
                    assert (cell.row, cell.column) in covered, f"{ws.title}!{cell.coordinate} 输入单元格没有数据验证"
        if ws.title in ("资金安排情况", "资金使用情况", "自评价评分附件表", "项目支出绩效自评表"):
            assert inputs and formulas


@pytest.mark.parametrize("scheme_id", ANNEX)
def test_print_layout(scheme_id):
    wb = openpyxl.load_workbook(template_of(scheme_id))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0 and ws.print_area
        assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text
    assert wb["自评价评分附件表"].print_title_rows == "$2:$2"
    assert wb["资金安排情况"].print_title_rows == "$3:$4"


def _fill_seed000(path: Path, dest: Path) -> None:
    """Seed 000's amounts typed into the 市级 column (F) of the blank template, as openpyxl writes
    them: every formula then has no cached value."""
    wb = openpyxl.load_workbook(path)
    ws = wb["资金安排情况"]
    for row, amount in ((5, 68_000_000), (6, 73_096_200), (7, 73_096_200), (8, 73_096_200)):
        ws[f"F{row}"] = amount
    wb.save(dest)


@pytest.mark.parametrize("scheme_id", ANNEX)
def test_filled_template_recomputed_by_xlscore(tmp_path, scheme_id):
    dest = tmp_path / "filled.xlsx"
    _fill_seed000(template_of(scheme_id), dest)
    report = check_file(dest).to_dict()
    assert report["fund"]["execution_rate"]["total"] == 107.49
    assert report["fund_stated"]["execution_rate"]["total"] == 107.49  # the template's own formula, evaluated
    assert report["fund_stated"]["budget"]["total"] == 68_000_000
    assert "FUND_RATE_OVER_100" in {f["code"] for f in report["findings"]}
    assert not {f["code"] for f in report["findings"]} & {"FUND_FORMULA", "FUND_SUM", "FORMULA_UNCOMPUTED"}


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) 未安装")
def test_filled_template_recomputed_by_libreoffice(tmp_path):
    dest = tmp_path / "filled.xlsx"
    _fill_seed000(template_of("municipal"), dest)
    out = tmp_path / "lo"
    subprocess.run([SOFFICE, "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(dest)],
                   check=True, capture_output=True, timeout=180)
    recalculated = out / "filled.xlsx"
    sheet = CalamineWorkbook.from_path(str(recalculated)).get_sheet_by_name("资金安排情况").to_python()
    assert sheet[9][2] == pytest.approx(107.49)  # C10, cached by LibreOffice
    report = check_file(recalculated).to_dict()
    assert report["fund"]["execution_rate"]["total"] == 107.49
    assert "FUND_RATE_OVER_100" in {f["code"] for f in report["findings"]}


def test_checklist_yes_no_cells_are_read(tmp_path):
    wb = openpyxl.load_workbook(template_of("municipal"))
    ws = wb["自评价评分附件表"]
    name_row = next(c.row for c in ws["E"] if c.value == "财务监控有效性")
    ws[f"F{name_row}"] = 2.22
    ws[f"I{name_row}"] = 2.22
    for offset, answer in ((1, "是"), (2, "是"), (3, "否")):
        ws[f"G{name_row + offset}"] = answer
    dest = tmp_path / "checklist.xlsx"
    wb.save(dest)
    report = check_file(dest).to_dict()
    row = next(i for i in report["indicators"] if i["name"] == "财务监控有效性")
    assert row["review_score"] == 1.48 and "要素3" in row["review_note"]


def test_formulas_carry_values():
    blank = CalamineWorkbook.from_path(str(template_of("municipal"))).get_sheet_by_name("资金安排情况").to_python()
    assert blank[9][2] == ""  # no rate without a budget: empty, never 0
    filled = CalamineWorkbook.from_path(str(ROOT / "samples" / "000_铝工业转型升级专项资金.xlsx"))
    fund = filled.get_sheet_by_name("资金安排情况").to_python()
    assert fund[4][2] == 68_000_000 and fund[9][2] == pytest.approx(107.49)


def test_template_samples_score_like_the_seed_layout():
    for key, name in (("000", "铝工业转型升级专项资金"), ("002", "企业服务活动专项经费")):
        made = check_file(ROOT / "samples" / f"{key}_{name}.xlsx").to_dict()
        laid = check_file(ROOT / "samples" / f"原表版式_{key}_{name}.xlsx").to_dict()
        for row in made["fund"]:  # the seed states 其他资金小计 0 where the template leaves it empty
            for col in ("total", "fiscal", "city"):
                assert made["fund"][row][col] == laid["fund"][row][col], (row, col)
        assert made["totals"]["review_score"] == laid["totals"]["review_score"]
        assert sorted((i["name"], i["review_score"]) for i in made["indicators"]) == \
            sorted((i["name"], i["review_score"]) for i in laid["indicators"])
        assert sorted(f["code"] for f in made["findings"]) == sorted(f["code"] for f in laid["findings"])


def test_template_cli(tmp_path):
    dest = tmp_path / "t.xlsx"
    result = run_cli("template", "provincial-2017", "--out", str(dest), "--project", "测试项目",
                     "--department", "某某局", "--year", "2022")
    assert result.exit_code == 0 and dest.exists()
    report = check_file(dest).to_dict()
    assert report["project"] == {"name": "测试项目", "department": "某某局", "year": 2022}
    assert report["scheme"] == "provincial-2017"
    assert run_cli("template", "nosuch", "--out", str(tmp_path / "x.xlsx")).exit_code == 2
    assert "模板" in run_cli("template", "--help").output or "空白" in run_cli("template", "--help").output


def test_the_national_title_is_not_named_twice(tmp_path):
    """national-2020 is titled by the form itself: its guide says so once (issue 21, item 7)."""
    dest = tmp_path / "全国.xlsx"
    assert run_cli("template", "national-2020", "--out", str(dest)).exit_code == 0
    titles = [str(ws.cell(1, 1).value) for ws in openpyxl.load_workbook(dest)]
    assert "项目支出绩效自评表（财预〔2020〕10号）" in titles
    assert not [title for title in titles if title.count("项目支出绩效自评表") > 1], titles
