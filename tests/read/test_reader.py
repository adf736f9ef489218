"""Every input variant of issue 2 §3: the reader finds the tables by their labels, wherever and
however they are written, and reads the same figures."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from xlscore.read import book as book_mod

from conftest import (
    CLEAN,
    CLEAN_USAGE,
    COLS,
    ROWS,
    SEED_000,
    SEED_002,
    SEED_002_USAGE,
    codes,
    figures,
    findings_of,
    foundation_findings,
    run_check,
    write_scoring,
)


@pytest.fixture
def seed002(book):
    """The reference report: seed 002 laid out like samples/002."""
    return run_check(book(SEED_002, usage=SEED_002_USAGE, name="reference.xlsx").path)


def same_figures(got: dict, want: dict) -> None:
    assert got["status"] == "ok", got["error"]
    assert got["fund"] == want["fund"]
    assert got["fund_stated"] == want["fund_stated"]
    assert [(u["item"], u["total"], u["fiscal"], u["other"]) for u in got["usage"]] == \
        [(u["item"], u["total"], u["fiscal"], u["other"]) for u in want["usage"]]
    assert [f[:2] for f in foundation_findings(got)] == [f[:2] for f in foundation_findings(want)]


# --- merged cells and two-row headers -----------------------------------------------------------


def test_two_row_header_without_merging(book, seed002):
    same_figures(run_check(book(SEED_002, usage=SEED_002_USAGE, merged_header=False).path), seed002)


def test_one_row_header_with_full_column_names(book, seed002):
    def one_row(wb, lay):
        ws = wb[lay.sheet]
        for rng in list(ws.merged_cells.ranges):
            ws.unmerge_cells(str(rng))
        for j in range(12):
            ws.cell(row=lay.top, column=lay.left + j).value = None
        names = ["项目", "行次", "合计", "财政资金小计", "中央级", "市级", "区县级", "乡镇级", "其他资金小计",
                 "单位自筹", "银行贷款等", "社会资本"]
        for j, name in enumerate(names):
            ws.cell(row=lay.top + 1, column=lay.left + j, value=name)
    same_figures(run_check(book(SEED_002, usage=SEED_002_USAGE, edit=one_row).path), seed002)


def test_merged_label_cells(book, seed002):
    def merge_labels(wb, lay):
        ws = wb[lay.sheet]
        for row in ROWS:
            r = lay.row_of(row)
            ws.cell(row=r, column=lay.left + 1).value = None
            ws.merge_cells(start_row=r, start_column=lay.left, end_row=r, end_column=lay.left + 1)
    same_figures(run_check(book(SEED_002, usage=SEED_002_USAGE, edit=merge_labels).path), seed002)


def test_merged_value_applies_to_the_whole_range(book):
    def merge_zero(wb, lay):
        ws = wb[lay.sheet]
        r = lay.row_of("balance")
        first, last = lay.col_of("self_raised"), lay.col_of("social")
        for c in range(first, last + 1):
            ws.cell(row=r, column=c).value = None
        ws.cell(row=r, column=first).value = 0
        ws.merge_cells(start_row=r, start_column=first, end_row=r, end_column=last)
    report = run_check(book(SEED_002, usage=SEED_002_USAGE, edit=merge_zero).path)
    stated = report["fund_stated"]["balance"]
    assert stated["self_raised"] == stated["loans"] == stated["social"] == 0


def test_merged_value_finding_points_at_the_merged_range_anchor(book):
    def merge_bad(wb, lay):
        ws = wb[lay.sheet]
        r = lay.row_of("balance")
        ws.cell(row=r, column=lay.col_of("total")).value = 5  # wrong: should be 0
        ws.cell(row=r, column=lay.col_of("fiscal")).value = None
        ws.merge_cells(start_row=r, start_column=lay.col_of("total"), end_row=r, end_column=lay.col_of("fiscal"))
    lay = book(CLEAN, usage=CLEAN_USAGE, edit=merge_bad)
    report = run_check(lay.path)
    cells = {f["cell"] for f in findings_of(report, "FUND_FORMULA")}
    assert cells == {lay.cell("balance", "total")}  # C11 for both 合计 and 财政资金小计 (D11 is inside C11:D11)


# --- blank versus 0 ---------------------------------------------------------------------------


def test_blank_stays_null_and_zero_stays_zero(book):
    report = run_check(book(SEED_002, usage=SEED_002_USAGE).path)
    stated, fund = report["fund_stated"], report["fund"]
    assert stated["budget"]["central"] is None  # blank in the seed
    assert stated["budget"]["other"] == 0  # 0 in the seed
    assert stated["balance"]["central"] == 0
    assert fund["budget"]["central"] is None
    assert fund["budget"]["other"] == 0
    assert report["usage"][0]["other"] is None


@pytest.mark.parametrize("mark", ["-", "—", "／", "无"])
def test_dash_and_none_marks_are_blank(book, mark):
    lay = book(CLEAN, usage=CLEAN_USAGE, cells={"E7": mark})
    report = run_check(lay.path)
    assert report["fund_stated"]["budget"]["central"] is None
    assert "VALUE_UNPARSED" not in codes(report)


# --- numbers stored as text -------------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("2,070,000", 2_070_000),
    ("2070000", 2_070_000),
    ("2,070,000元", 2_070_000),
    ("2,070,000.00 元", 2_070_000),
    ("207万元", 2_070_000),
    ("２，０７０，０００", 2_070_000),
    ("２０７万元", 2_070_000),
    (" 2 070 000 ", 2_070_000),
    ("¥2,070,000", 2_070_000),
])
def test_amount_as_text(book, text, value):
    lay = book(CLEAN, usage=CLEAN_USAGE, cells={"C9": text})
    report = run_check(lay.path)
    assert report["fund_stated"]["arrived"]["total"] == value
    assert foundation_findings(report) == []


def test_all_amounts_as_text(book, seed002):
    same_figures(run_check(book(SEED_002, usage=SEED_002_USAGE, amounts_as_text=True).path), seed002)


def test_cell_unit_wins_over_the_table_unit(book):
    # A 万元 table where one amount says its own unit in 元.
    lay = book(CLEAN, unit="万元", usage=CLEAN_USAGE, cells={"C9": "2,070,000元"})
    report = run_check(lay.path)
    assert report["fund_stated"]["arrived"]["total"] == 2_070_000
    assert foundation_findings(report) == []


# --- rates, whichever way they are written ---------------------------------------------------


@pytest.mark.parametrize("rates", ["number", "fraction", "text"])
def test_rates_are_read_as_percent(book, rates):
    report = run_check(book(SEED_000, rates=rates).path)
    assert report["fund_stated"]["execution_rate"]["total"] == 107.49
    assert report["fund_stated"]["spend_rate"]["total"] == 100
    assert report["fund"]["execution_rate"]["total"] == 107.49
    assert "FUND_FORMULA" not in codes(report)
    assert "FUND_RATE_OVER_100" in codes(report)


@pytest.mark.parametrize("raw, fmt", [
    ("107.49%", None),
    ("１０７．４９％", None),
    ("107.49", None),  # text in a (%) row
    (107.49, None),  # number in a (%) row
    (1.0749, "0.00%"),  # builtin percent format
    (1.0749, "0.0000%"),  # custom percent format
    (1.0749, "#,##0.00%"),
])
def test_one_rate_cell(book, raw, fmt):
    lay = book(SEED_000, cells={"C12": raw}, formats={"C12": fmt} if fmt else None)
    report = run_check(lay.path)
    assert report["fund_stated"]["execution_rate"]["total"] == pytest.approx(107.49)
    assert "FUND_FORMULA" not in codes(report)


def test_fraction_in_a_percent_cell_is_checked_as_a_percent(book):
    # 0.649 shown as 64.9% is wrong for 64.99%; the finding shows it as a percent.
    lay = book(figures(SEED_002, spend_rate={"total": 64.9}), usage=SEED_002_USAGE, rates="fraction")
    found = findings_of(run_check(lay.path), "FUND_FORMULA")
    assert [f["cell"] for f in found] == [lay.cell("spend_rate", "total")]
    assert "64.90%" in found[0]["message"]


def test_literal_percent_sign_in_the_format_is_not_a_percent_format(book):
    # 107.49 with the format 0.00"%" shows "107.49%": the value is already in percent.
    lay = book(SEED_000, cells={"C12": 107.49}, formats={"C12": '0.00"%"'})
    report = run_check(lay.path)
    assert report["fund_stated"]["execution_rate"]["total"] == 107.49
    assert "FUND_FORMULA" not in codes(report)


# --- the unit declared near the table --------------------------------------------------------


@pytest.mark.parametrize("unit, text", [
    ("万元", "单位：万元"),
    ("万元", "单位:万元"),
    ("万元", "（单位：万元）"),
    ("万元", "金额单位：万元"),
    ("万元", "单位：人民币万元"),
    ("元", "（单位：元）"),
    ("元", "单位：元"),
])
def test_unit_line_above_the_table(book, seed002, unit, text):
    report = run_check(book(SEED_002, unit=unit, unit_text=text, usage=SEED_002_USAGE).path)
    assert report["source_unit"] == unit
    assert report["unit"] == "元"
    assert report["fund"]["arrived"]["total"] == 2_070_000
    assert report["fund_stated"]["budget"]["total"] == 2_070_000
    assert report["fund"]["spend_rate"]["total"] == pytest.approx(64.99, abs=0.01)
    # The usage table is written in the same unit (542,543 元 = 54.25 万元).
    assert [u["total"] for u in report["usage"]] == [270_000, 542_500 if unit == "万元" else 542_543, 532_800]
    assert not {"FUND_FORMULA", "FUND_SUM", "USAGE_SPENT"} & set(codes(report))


def test_unit_in_the_label_column_two_rows_up(book):
    def unit_label(wb, lay):
        ws = wb[lay.sheet]
        ws.cell(row=lay.top - 1, column=lay.left + 11).value = None
        ws.cell(row=lay.top - 2, column=lay.left, value="（单位：万元）")
    lay = book(SEED_002, unit="万元", usage=SEED_002_USAGE, project=False, edit=unit_label)
    report = run_check(lay.path)
    assert report["source_unit"] == "万元"
    assert report["fund_stated"]["arrived"]["total"] == 2_070_000


def test_unit_in_the_header_cell(book):
    def header_unit(wb, lay):
        ws = wb[lay.sheet]
        ws.cell(row=lay.top - 1, column=lay.left + 11).value = None
        ws.cell(row=lay.top, column=lay.left + 2, value="合计（万元）")
    report = run_check(book(SEED_002, unit="万元", usage=SEED_002_USAGE, edit=header_unit).path)
    assert report["source_unit"] == "万元"
    assert report["fund_stated"]["spent"]["total"] == 1_345_300  # 134.53 万元


def test_no_unit_means_yuan(book):
    report = run_check(book(SEED_002, usage=SEED_002_USAGE).path)
    assert report["source_unit"] == "元"
    assert report["fund_stated"]["spent"]["total"] == 1_345_343


# --- formulas without a cached value ---------------------------------------------------------


def test_openpyxl_formulas_have_no_cached_value(book):
    lay = book(CLEAN, usage=CLEAN_USAGE, cells={"C11": "=C9-C10"})
    loaded = book_mod.load(lay.path)
    sheet = loaded.sheet(lay.sheet)
    assert sheet.raw(10, 2) is None  # what calamine sees: nothing cached
    assert sheet.value(10, 2) == 0  # computed: 2,070,000 − 2,070,000


@pytest.mark.parametrize("cells", [
    {"C11": "=C9-C10"},
    {"D11": "=SUM(E11:H11)", "C11": "=D11+I11"},
    {"C12": "=ROUND(C9/C7*100,2)"},
    {"C12": "=IF(C7=0,\"\",C9/C7*100)"},
    {"C12": "=IFERROR(C9/C7*100,0)"},
    {"C7": "=D7+I7", "D7": "=SUM(E7:H7)", "I7": "=SUM(J7:L7)"},
    {"C9": "=SUM(C7:C7)"},
    {"C10": "='数据 表'!B2", "D10": "=数据!B2"},
])
def test_formulas_are_computed(book, cells):
    def data_sheet(wb, lay):
        wb.create_sheet("数据 表")["B2"] = 2_070_000
        wb.create_sheet("数据")["B2"] = 2_070_000
    lay = book(CLEAN, usage=CLEAN_USAGE, cells=cells, edit=data_sheet)
    report = run_check(lay.path)
    assert report["fund_stated"] == run_check(book(CLEAN, usage=CLEAN_USAGE).path)["fund_stated"]
    assert foundation_findings(report) == []


def test_computed_formula_that_disagrees_is_flagged(book):
    lay = book(figures(SEED_002), usage=SEED_002_USAGE, cells={"C11": "=C9+C10"})
    report = run_check(lay.path)
    assert report["fund_stated"]["balance"]["total"] == 2_070_000 + 1_345_343
    assert [f["cell"] for f in findings_of(report, "FUND_FORMULA")] == ["C11"]


def test_rate_formula_in_a_percent_cell(book):
    lay = book(SEED_002, usage=SEED_002_USAGE, cells={"C14": "=C10/C9"}, formats={"C14": "0.00%"})
    report = run_check(lay.path)
    assert report["fund_stated"]["spend_rate"]["total"] == pytest.approx(64.9924, abs=1e-4)
    assert "FUND_FORMULA" not in codes(report)


def test_div0_formula_shows_no_rate(book):
    zero = {"total": 0, "fiscal": 0, "city": 0, "other": 0}
    lay = book(figures(budget=zero), usage=CLEAN_USAGE, cells={"C12": "=C9/C7*100"})
    report = run_check(lay.path)
    assert report["fund_stated"]["execution_rate"]["total"] is None
    assert report["fund"]["execution_rate"]["total"] is None
    assert "FORMULA_UNCOMPUTED" not in codes(report)
    assert "VALUE_UNPARSED" not in codes(report)


@pytest.mark.parametrize("formula", [
    '=VLOOKUP("x",A1:B2,2,FALSE)',
    '=INDIRECT("C9")-C10',
    "='不存在的表'!B2",
    "=C11+1",  # refers to itself
    "=C9-",  # malformed
])
def test_unsupported_formula_is_flagged_never_zero(book, formula):
    lay = book(CLEAN, usage=CLEAN_USAGE, cells={"C11": formula})
    report = run_check(lay.path)
    assert report["fund_stated"]["balance"]["total"] is None
    found = findings_of(report, "FORMULA_UNCOMPUTED")
    assert [(f["sheet"], f["cell"]) for f in found] == [("资金安排情况", "C11")]
    assert "C11" not in [f["cell"] for f in findings_of(report, "FUND_FORMULA")]


def test_formula_depending_on_an_unsupported_one_is_flagged_too(book):
    lay = book(CLEAN, usage=CLEAN_USAGE, cells={"D11": '=VLOOKUP("x",A1:B2,2,FALSE)', "C11": "=D11+I11"})
    report = run_check(lay.path)
    assert report["fund_stated"]["balance"]["total"] is None
    assert {f["cell"] for f in findings_of(report, "FORMULA_UNCOMPUTED")} == {"C11", "D11"}


# --- header synonyms --------------------------------------------------------------------------


def test_fund_row_and_column_synonyms(book, seed002):
    def synonyms(wb, lay):
        ws = wb[lay.sheet]
        for row, text in [("budget", "1.预算数"), ("input", "实际投入"), ("arrived", "到位资金"),
                          ("spent", "实际支出数"), ("balance", "结余资金"), ("execution_rate", "预算执行率（%）"),
                          ("arrival_rate", "到位率"), ("spend_rate", "资金实际\n支出率(%)")]:
            ws.cell(row=lay.row_of(row), column=lay.left, value=text)
        ws.cell(row=lay.top, column=lay.left + 2, value="总计")
        ws.cell(row=lay.top + 1, column=lay.left + 5, value="市本级")
        ws.cell(row=lay.top + 1, column=lay.left + 11, value="社会资金")
    same_figures(run_check(book(SEED_002, usage=SEED_002_USAGE, edit=synonyms).path), seed002)


def test_simple_template_with_three_columns_and_numbered_labels(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "资金"
    ws.append(["项目", "合计", "财政资金", "其他资金"])
    for row in [("（1）预算安排", 2_070_000, 2_070_000, 0), ("（2）项目实际投入", 2_070_000, 2_070_000, 0),
                ("（3）资金到位", 2_070_000, 2_070_000, 0), ("（4）实际支出", 1_345_343, 1_345_343, 0),
                ("（5）资金结余", 724_657, 724_657, 0), ("（6）预算执行率", "100%", "100%", None),
                ("（7）资金到位率", "100%", "100%", None), ("（8）资金实际支出率", "64.99%", "64.99%", None)]:
        ws.append(list(row))
    path = tmp_path / "simple.xlsx"
    wb.save(path)
    report = run_check(path)
    assert report["tables"]["fund"] == {"sheet": "资金", "cell": "A2"}
    assert report["fund_stated"]["budget"] == {**{c: None for c in COLS}, "total": 2_070_000, "fiscal": 2_070_000,
                                               "other": 0}
    assert report["fund"]["balance"]["total"] == 724_657
    assert report["fund"]["spend_rate"]["total"] == 64.99
    assert [f[0] for f in foundation_findings(report) if f[0] != "TABLE_MISSING"] == ["FUND_SPEND_LOW"]
    assert findings_of(report, "FUND_SPEND_LOW")[0]["cell"] == "B9"


@pytest.mark.parametrize("target, actual, score, rule", [
    ("标值", "业绩值", "评分结果", "评分标准"),
    ("目标值", "实际完成值", "自评得分", "评价标准"),
    ("年度指标值", "实际完成值", "得分", "评分标准"),
])
def test_scoring_table_header_synonyms(book, target, actual, score, rule):
    headers = ("一级指标", "二级指标", "三级指标", "权重", target, actual, score, rule, "数据来源及支持材料")

    def scoring(wb, lay):
        write_scoring(wb.create_sheet("绩效评分"), headers=headers)
    report = run_check(book(CLEAN, usage=CLEAN_USAGE, scoring=False, edit=scoring).path)
    assert report["tables"]["scoring"] == {"sheet": "绩效评分", "row": 2}
    assert "TABLE_MISSING" not in codes(report)
    [indicator] = report["indicators"]
    assert indicator["name"] == "培训计划完成率"
    assert indicator["weight"] == 100
    assert indicator["target"] == "100%" and indicator["actual"] == "100%"
    assert indicator["self_score"] == 100
    assert indicator["rule"].startswith("业绩值为100%得满分")


def test_usage_table_anchor_synonym(book):
    def rename(wb, lay):
        wb[lay.usage_sheet].cell(row=lay.usage_top, column=lay.left, value="支出内容")
    report = run_check(book(CLEAN, usage=CLEAN_USAGE, edit=rename).path)
    assert report["tables"]["usage"] is not None
    assert [u["item"] for u in report["usage"]] == ["会议费", "培训费"]


# --- anywhere in any sheet ---------------------------------------------------------------------


def test_table_at_an_offset_on_another_sheet(book):
    lay = book(SEED_000, top=9, left=3, sheet="Sheet9",
               usage=[("费用补贴", 73_096_200, 73_096_200, 0)], usage_sheet=None)
    report = run_check(lay.path)
    assert report["tables"]["fund"] == {"sheet": "Sheet9", "cell": "C11"}
    assert report["tables"]["usage"]["sheet"] == "Sheet9"
    assert report["fund"]["execution_rate"]["total"] == 107.49
    over = findings_of(report, "FUND_RATE_OVER_100")
    assert [(f["sheet"], f["cell"]) for f in over] == [("Sheet9", "E16")] == [("Sheet9", lay.cell("execution_rate", "total"))]
    assert report["usage"][0]["total"] == 73_096_200
    assert "USAGE_SPENT" not in codes(report)


def test_usage_table_below_the_fund_table(book, seed002):
    same_figures(run_check(book(SEED_002, usage=SEED_002_USAGE, usage_sheet=None).path), seed002)


def test_usage_table_in_wan(book):
    report = run_check(book(SEED_002, usage=SEED_002_USAGE, usage_unit="万元").path)
    assert [u["total"] for u in report["usage"]] == [270_000, 542_500, 532_800]  # 27.00, 54.25, 53.28 万元
    assert [(u["fiscal"], u["other"]) for u in report["usage"]] == [(270_000, None), (542_500, None), (532_800, None)]


def test_shuffled_and_renamed_sheets_give_the_same_figures(book, seed002):
    def shuffle(wb, lay):
        wb.move_sheet("自评价评分附件表", offset=-2)
        wb.move_sheet("资金使用情况", offset=-1)
        wb["资金安排情况"].title = "表3"
        wb["资金使用情况"].title = "Sheet2"
        wb["自评价评分附件表"].title = "附表1"
    lay = book(SEED_002, usage=SEED_002_USAGE, edit=shuffle)
    assert load_workbook(lay.path).sheetnames == ["附表1", "Sheet2", "表3"]
    report = run_check(lay.path)
    same_figures(report, seed002)
    assert report["tables"]["fund"]["sheet"] == "表3"
    assert findings_of(report, "FUND_SPEND_LOW")[0]["sheet"] == "表3"


def test_extra_sheets_before_the_tables(book, seed002):
    same_figures(run_check(book(SEED_002, usage=SEED_002_USAGE, extra_sheets=["封面", "填表说明"]).path), seed002)


def test_every_row_and_column_is_reported(book):
    report = run_check(book(CLEAN, usage=CLEAN_USAGE).path)
    for key in ("fund", "fund_stated"):
        assert list(report[key]) == list(ROWS)
        for row in ROWS:
            assert list(report[key][row]) == list(COLS)


def test_title_row_directly_above_the_header(book, seed002):
    def title(wb, lay):
        ws = wb[lay.sheet]
        ws.cell(row=lay.top - 1, column=lay.left, value="2021年度市级财政资金安排情况")
        ws.merge_cells(start_row=lay.top - 1, start_column=lay.left, end_row=lay.top - 1, end_column=lay.left + 9)
    report = run_check(book(SEED_002, usage=SEED_002_USAGE, unit="元", edit=title).path)
    same_figures(report, seed002)


# --- project header fields -------------------------------------------------------------------


def test_project_fields_label_and_value_cells(book):
    report = run_check(book(CLEAN, usage=CLEAN_USAGE).path)
    assert report["project"] == {"name": "测试项目专项经费", "department": "郑州市测试局", "year": 2021}


def test_project_fields_in_one_cell_each(book):
    def fields(wb, lay):
        ws = wb[lay.sheet]
        for r in (1, 2, 3):
            for c in (1, 2):
                ws.cell(row=r, column=c).value = None
        ws["A1"] = "项目名称：企业服务活动专项经费"
        ws["D1"] = "主管部门：郑州市工业和信息化局"
        ws["H1"] = "年度：2021年"
    report = run_check(book(CLEAN, usage=CLEAN_USAGE, edit=fields).path)
    assert report["project"] == {"name": "企业服务活动专项经费", "department": "郑州市工业和信息化局", "year": 2021}


def test_project_year_and_name_from_the_title(book):
    def title(wb, lay):
        ws = wb[lay.sheet]
        for r in (1, 2, 3):
            for c in (1, 2):
                ws.cell(row=r, column=c).value = None
        ws["A1"] = "2022年度企业服务活动专项经费项目支出绩效自评表"
    report = run_check(book(CLEAN, usage=CLEAN_USAGE, edit=title).path)
    assert report["project"]["year"] == 2022
    assert report["project"]["name"] == "企业服务活动专项经费"
    assert report["project"]["department"] is None


def test_project_fields_absent(book):
    report = run_check(book(CLEAN, usage=CLEAN_USAGE, project=False).path)
    assert report["project"] == {"name": None, "department": None, "year": None}


def test_formula_over_a_merged_range_counts_the_value_once(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws["A1"] = 5
    ws.merge_cells("A1:B1")
    ws["C1"] = "=SUM(A1:B1)"
    ws["D1"] = "=B1"
    path = tmp_path / "merged_formula.xlsx"
    wb.save(path)
    sheet = book_mod.load(path).sheets[0]
    assert sheet.value(0, 2) == 5
    assert sheet.value(0, 3) in (None, 0, "")


def test_unit_line_above_stacked_tables_covers_the_usage_table(tmp_path):
    # The 万元 sample declares （单位：万元） above the fund table; without the usage table's own
    # 资金情况（单位：万元） the same line still applies to the usage table below it.
    import shutil

    import openpyxl

    from xlscore.pipeline import check_file

    from conftest import ROOT

    src = ROOT / "samples" / "手工录入_铝工业转型升级专项资金_万元.xlsx"
    dst = tmp_path / "stacked.xlsx"
    shutil.copy(src, dst)
    wb = openpyxl.load_workbook(dst)
    ws = wb["Sheet1"]
    assert ws["B15"].value == "资金情况（单位：万元）"
    ws["B15"] = "资金情况"
    wb.save(dst)
    rep = check_file(dst).to_dict()
    assert rep["usage"][0]["total"] == 73_096_200
    assert not [f for f in rep["findings"] if f["code"].startswith("USAGE")]


def test_shared_formulas_without_cached_values_are_computed(tmp_path):
    # Excel stores a filled-right formula once (the master) and the other cells as
    # <f t="shared" si="0"/>; written by a program they carry no cached value either.
    import re
    import shutil
    import zipfile

    import openpyxl

    from xlscore.pipeline import check_file

    from conftest import ROOT

    src = tmp_path / "plain.xlsx"
    shutil.copy(ROOT / "samples" / "原表版式_002_企业服务活动专项经费.xlsx", src)
    wb = openpyxl.load_workbook(src)
    ws = wb["资金安排情况"]
    for col in "CDEFGHIJKL":
        ws[f"{col}11"] = f"={col}9-{col}10"
    wb.save(src)
    dst = tmp_path / "shared.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>C9-C10</f>", b'<f t="shared" ref="C11:L11" si="0">C9-C10</f>')
                data = re.sub(rb"<f>[D-L]9-[D-L]10</f>", b'<f t="shared" si="0"/>', data)
                assert data.count(b'si="0"') == 10
            zout.writestr(info, data)
    rep = check_file(dst).to_dict()
    assert rep["fund_stated"]["balance"]["total"] == 724_657
    assert rep["fund_stated"]["balance"]["city"] == 724_657
    assert rep["fund_stated"]["balance"]["central"] == 0
    assert not [f for f in rep["findings"] if f["code"] in ("FUND_FORMULA", "FORMULA_UNCOMPUTED")]


@pytest.mark.parametrize("prefix", ["", "x:"])
def test_formula_cells_without_a_cached_value_are_found_by_the_byte_scan(prefix):
    # Only formula cells that no cached value follows are evaluated: none, an empty <v/> or
    # <v></v>; a cell whose <v> holds a value keeps it. Some generators prefix every element.
    from xlscore.read.speed import SheetXml

    def c(ref, inner):
        return f'<{prefix}c r="{ref}">{inner}</{prefix}c>'

    f = f"{prefix}f"
    v = f"{prefix}v"
    cells = [
        c("A1", f"<{f}>1+1</{f}><{v}>2</{v}>"),  # cached
        c("B1", f"<{f}>2+2</{f}>"),  # no value
        c("C1", f"<{f}>3+3</{f}><{v}/>"),  # empty, self-closed
        c("D1", f"<{f}>4+4</{f}><{v}></{v}>"),  # empty
        c("A2", f'<{f} t="shared" ref="A2:C2" si="0">A1*2</{f}><{v}>4</{v}>'),  # shared master, cached
        c("B2", f'<{f} t="shared" si="0"/>'),  # shared child, no value
        c("C2", f'<{f} t="shared" si="0"/><{v}>9</{v}>'),  # shared child, cached
        c("D2", f"<{v}>5</{v}>"),  # a plain number
    ]
    typed = [  # typed text: an empty <v> is the cached "" a spreadsheet saved (row 3 ...)
        f'<{prefix}c r="A3" s="1" t="str"><{f}>IF(1,"","x")</{f}><{v}></{v}></{prefix}c>',
        f'<{prefix}c r="B3" t="str"><{f} t="shared" si="0"/><{v}/></{prefix}c>',
        f'<{prefix}c r="C3" t="str"><{f}>5+5</{f}></{prefix}c>',  # ... but with no <v> there is none
    ]
    data = (f'<{prefix}worksheet xmlns:x="urn:x"><{prefix}sheetData><{prefix}row r="1">' + "".join(cells[:4])
            + f'</{prefix}row><{prefix}row r="2">' + "".join(cells[4:])
            + f'</{prefix}row><{prefix}row r="3">' + "".join(typed)
            + f"</{prefix}row></{prefix}sheetData></{prefix}worksheet>").encode()
    formulas, shared = SheetXml(data).uncached_formulas()
    assert formulas == {(0, 1): "2+2", (0, 2): "3+3", (0, 3): "4+4", (2, 2): "5+5"}
    assert shared == {(1, 1): ((1, 0), "A1*2")}  # B2 is A2's shared formula, moved one column: B1*2


def test_a_merged_range_over_whole_columns_is_followed_only_near_the_data():
    from xlscore.read.book import MERGE_MARGIN, Sheet

    sheet = Sheet("x", [["a", None], [None, "b"]], [(0, 0, 1_048_575, 0), (0, 1, 0, 16_383)])
    assert len(sheet._cover) <= 2 * (2 + MERGE_MARGIN + 1)  # covered cells followed, both ranges
    assert sheet.value(5, 0) == "a" and sheet.anchor(40, 0) == (0, 0)
    assert sheet.value(1, 1) == "b" and not sheet.is_merged_child(0, 0) and sheet.is_merged_child(0, 3)
    assert sheet.strings == [(0, 0, "a"), (1, 1, "b")]


def test_sheets_of_one_layout_read_their_own_values_and_rows_clip_the_merged_ranges():
    from xlscore.read.book import MERGE_MARGIN, Sheet

    merged = [(0, 0, 0, 2), (1, 0, 400, 0)]
    a = Sheet("a", [["x", None, None], ["y"]], list(merged))
    b = Sheet("b", [["z", None, None], ["w"]], list(merged))
    assert a.value(0, 2) == "x" and b.value(0, 2) == "z" and b.value(30, 0) == "w"
    longer = Sheet("c", [["x"]] * 100, list(merged))  # more rows: the tall range is followed further
    assert longer.anchor(100 + MERGE_MARGIN - 1, 0) == (1, 0) and a.anchor(100 + MERGE_MARGIN - 1, 0) == (100 + MERGE_MARGIN - 1, 0)


def test_a_merged_level_weight_is_read_once_for_its_rows(tmp_path):
    # B3 is the 一级 weight merged over the rows of 投入和管理目标: unreadable, it is one finding
    # (the block's cell), not one per row of the block
    import openpyxl

    from conftest import ROOT, findings_of, run_check

    wb = openpyxl.load_workbook(ROOT / "samples" / "000_铝工业转型升级专项资金.xlsx")
    sheet = wb["自评价评分附件表"]
    assert "B3" in {str(r).split(":")[0] for r in sheet.merged_cells.ranges}
    sheet["B3"] = "二十分"
    path = tmp_path / "一级权重写成文字.xlsx"
    wb.save(path)
    found = [(f["sheet"], f["cell"]) for f in findings_of(run_check(path), "VALUE_UNPARSED")]
    assert found == [("自评价评分附件表", "B3")]


@pytest.mark.parametrize("number", [float("inf"), float("-inf"), float("nan")])
def test_an_infinite_or_nan_amount_is_unparsed_not_a_crash(number):
    from xlscore.read.book import Sheet
    from xlscore.tables.reading import read_amount, read_rate

    findings = []
    assert read_amount(Sheet("s", [[number]]), 0, 0, 1.0, findings).value is None
    assert read_rate(Sheet("s", [[number]]), 0, 0, findings).value is None
    assert [(f.code, f.cell) for f in findings] == [("VALUE_UNPARSED", "A1")] * 2


def test_one_merged_cell_over_both_level_weights_is_reported_for_each_level(tmp_path):
    # B66:D66 merged: the 一级 weight column (B) and the 二级 weight column (D) share one cell; an
    # unreadable text there is a finding for each level, as before the reading was shared by block
    import openpyxl

    from conftest import ROOT, findings_of, run_check

    wb = openpyxl.load_workbook(ROOT / "samples" / "000_铝工业转型升级专项资金.xlsx")
    sheet = wb["自评价评分附件表"]
    sheet.unmerge_cells("B66:B68")
    sheet["B67"], sheet["B68"] = 10, 10
    sheet["B66"], sheet["C66"], sheet["D66"] = "十分", None, None
    sheet.merge_cells("B66:D66")
    path = tmp_path / "合并跨两级权重.xlsx"
    wb.save(path)
    found = findings_of(run_check(path), "VALUE_UNPARSED")
    assert [(f["cell"], "一级" in f["message"], "二级" in f["message"]) for f in found] == [
        ("B66", True, False), ("B66", False, True)]


def test_xml_text_is_unescaped_as_xml_not_html():
    # Formula texts, number formats, sheet names and part names are XML character data: the five
    # named entities and numeric references are decoded, once (``&amp;lt;`` stays the text ``&lt;``).
    from xlscore.read.speed import unescape as _unescape

    assert _unescape('IF(A1=0,&quot;&quot;,1)') == 'IF(A1=0,"",1)'
    assert _unescape("&amp;lt;&amp;#65;") == "&lt;&#65;"
    assert _unescape("&#65;&#x4e2d;&lt;&gt;&apos;&amp;") == "A中<>'&"
    assert _unescape("&nbsp;&#0;") == "&nbsp;&#0;"  # not XML: left as written


def test_cells_are_shown_as_read_empty_as_none_and_dates_as_their_text(tmp_path):
    # calamine gives "" for an empty cell and datetime objects for dates; every way a reader asks
    # (value, raw, cell, strings, rows) shows None and the date's text
    import datetime

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws.append(["填报日期", datetime.date(2024, 3, 1), None, 0.0, "", True])
    ws.append([None, "单位：元", 12.5])
    ws.merge_cells("B2:C2")
    path = tmp_path / "dates.xlsx"
    wb.save(path)
    sheet = book_mod.load(path).sheet("表")
    date_text = sheet.value(0, 1)
    assert isinstance(date_text, str) and date_text.startswith("2024-03-01")
    assert sheet.raw(0, 1) == date_text and sheet.cell(0, 1) == (0, 1, date_text)
    assert [sheet.value(0, c) for c in (2, 3, 4, 5)] == [None, 0.0, None, True]
    assert [sheet.raw(0, c) for c in (2, 3, 4)] == [None, 0.0, None]
    assert sheet.value(1, 0) is None and sheet.value(1, 2) == "单位：元"  # B2:C2 merged
    assert sheet.strings == [(0, 0, "填报日期"), (0, 1, date_text), (1, 1, "单位：元")]
    assert sheet.rows[0][:5] == ["填报日期", date_text, None, 0.0, None] and sheet.rows[1][0] is None
