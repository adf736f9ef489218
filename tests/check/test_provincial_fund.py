"""The provincial fund table (issue 18, class 8): seed 004's 附件1 (先进制造业发展专项资金绩效报告)
asks for 项目资金到位情况 "including 财政资金, 单位自筹资金 etc."; units type it as a small table
``项目 | 合计 | 财政资金 | 其他资金`` (or ``财政资金 | 单位自筹``) with rows 预算安排 / 资金到位 / 实际支出,
sometimes 资金结余 and rates, sometimes transposed, in 元 or 万元. Each layout: a clean table gives no
fund finding (and no TABLE_MISSING), and one slip is found at its cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from xlscore.review import score_file

from conftest import CLEAN, build_book, run_check, write_scoring

# Figures in 元 (rates in percent): row -> {col: value}.
SOURCES = ("total", "fiscal", "other")


def _line(total, fiscal, other):
    return {"total": total, "fiscal": fiscal, "other": other}


# As the issue names it: three rows.
PRINTED_CLEAN = {
    "budget": _line(3_000_000, 2_000_000, 1_000_000),
    "arrived": _line(3_000_000, 2_000_000, 1_000_000),
    "spent": _line(2_850_000, 1_950_000, 900_000),
}
# Transposed, with the balance and two rates.
TRANSPOSED_CLEAN = {
    **PRINTED_CLEAN,
    "balance": _line(150_000, 50_000, 100_000),
    "arrival_rate": _line(100, 100, 100),
    "spend_rate": _line(95, 97.5, 90),
}
# 单位自筹 instead of 其他资金, in 万元, and a 执行率 whose label says it is 实际支出 ÷ 到位资金
# (95%; 实际支出 ÷ 年度预算 would be 88.67%).
SELF_RAISED_CLEAN = {
    "budget": _line(3_000_000, 2_000_000, 1_000_000),
    "arrived": _line(2_800_000, 1_900_000, 900_000),
    "spent": _line(2_660_000, 1_805_000, 855_000),
    "balance": _line(140_000, 95_000, 45_000),
    "execution_rate": _line(95, 95, 95),
}


@dataclass
class Layout:
    cells: dict  # (row, col) -> A1

    def cell(self, row: str, col: str) -> str:
        return self.cells[(row, col)]


def _fig(base: dict, **rows: dict) -> dict:
    out = {row: dict(cols) for row, cols in base.items()}
    for row, cols in rows.items():
        out[row].update(cols)
    return out


def _sheet(wb: Workbook):
    ws = wb.active
    ws.title = "绩效报告"
    ws["A1"] = "先进制造业发展专项资金绩效报告"
    ws["A2"] = "（2017年度）"
    ws["A3"] = "二、项目资金使用及管理情况"
    ws["A4"] = "(一) 项目资金到位情况（包括财政资金、单位自筹资金等）"
    return ws


def _save(wb: Workbook, path, scoring: bool = True) -> None:
    if scoring:
        write_scoring(wb.create_sheet("自评价评分附件表"))
    wb.save(path)


def build_printed(path, fig=PRINTED_CLEAN) -> Layout:
    """Items down the side, 合计 | 财政资金 | 其他资金 across, amounts in 元, as numbers."""
    wb = Workbook()
    ws = _sheet(wb)
    ws["D5"] = "单位：元"
    labels = {"budget": "预算安排", "arrived": "资金到位", "spent": "实际支出"}
    for j, text in enumerate(("项目", "合计", "财政资金", "其他资金")):
        ws.cell(6, 1 + j, text)
    cells = {}
    for i, (row, label) in enumerate(labels.items()):
        ws.cell(7 + i, 1, label)
        for j, col in enumerate(SOURCES):
            ws.cell(7 + i, 2 + j, fig[row][col])
            cells[(row, col)] = f"{get_column_letter(2 + j)}{7 + i}"
    _save(wb, path)
    return Layout(cells)


def build_transposed(path, fig=TRANSPOSED_CLEAN, scoring: bool = True) -> Layout:
    """Sources (合计 / 财政资金 / 其他资金) down the side, items across; rates as text percentages."""
    wb = Workbook()
    ws = _sheet(wb)
    labels = {"budget": "预算安排（元）", "arrived": "资金到位（元）", "spent": "实际支出（元）",
              "balance": "资金结余（元）", "arrival_rate": "资金到位率(%)", "spend_rate": "资金支出率(%)"}
    ws.cell(6, 2, "资金来源")
    cells = {}
    for j, (row, label) in enumerate(labels.items()):
        ws.cell(6, 3 + j, label)
    for i, (col, label) in enumerate(zip(SOURCES, ("合计", "其中：财政资金", "其他资金"))):
        ws.cell(7 + i, 2, label)
        for j, row in enumerate(labels):
            value = fig[row][col]
            ws.cell(7 + i, 3 + j, f"{value:.2f}%" if row.endswith("rate") else value)
            cells[(row, col)] = f"{get_column_letter(3 + j)}{7 + i}"
    _save(wb, path, scoring)
    return Layout(cells)


def build_self_raised(path, fig=SELF_RAISED_CLEAN) -> Layout:
    """合计 | 财政资金 | 单位自筹 in 万元 (declared above the table), amounts written as text."""
    wb = Workbook()
    ws = _sheet(wb)
    ws["E5"] = "金额单位：万元"
    labels = {"budget": "年度预算", "arrived": "到位资金", "spent": "实际支出", "balance": "结余资金",
              "execution_rate": "执行率（实际支出/到位资金）"}
    for j, text in enumerate(("项　目", "合计", "财政资金", "单位自筹")):
        ws.cell(6, 2 + j, text)
    cells = {}
    for i, (row, label) in enumerate(labels.items()):
        ws.cell(7 + i, 2, f"{i + 1}.{label}")
        for j, col in enumerate(SOURCES):
            value = fig[row][col]
            ws.cell(7 + i, 3 + j, f"{value:.2f}%" if row.endswith("rate") else f"{value / 10000:,.2f}")
            cells[(row, col)] = f"{get_column_letter(3 + j)}{7 + i}"
    _save(wb, path)
    return Layout(cells)


def fund_findings(report: dict) -> list[tuple[str, str]]:
    return [(f["code"], f["cell"]) for f in report["findings"]
            if f["code"].startswith("FUND") or f["code"] in ("TABLE_MISSING", "VALUE_UNPARSED")]


# -- clean tables -------------------------------------------------------------------------------------
@pytest.mark.parametrize("build, fig", [
    (build_printed, PRINTED_CLEAN), (build_transposed, TRANSPOSED_CLEAN), (build_self_raised, SELF_RAISED_CLEAN),
], ids=["printed", "transposed", "self_raised_wan"])
def test_clean_provincial_table_is_read_and_gives_no_fund_finding(tmp_path, build, fig):
    path = tmp_path / "p.xlsx"
    build(path, fig)
    report = run_check(path)
    assert fund_findings(report) == []
    assert report["tables"]["fund"]["sheet"] == "绩效报告"
    for row, cols in fig.items():
        for col, value in cols.items():
            assert report["fund_stated"][row][col] == pytest.approx(value), (row, col)
    # the rows a provincial table does not have are not made up
    assert report["fund"]["input"]["total"] is None


def test_report_carries_the_provincial_figures_in_the_existing_keys(tmp_path):
    build_printed(tmp_path / "p.xlsx")
    fund = run_check(tmp_path / "p.xlsx")["fund"]
    assert fund["balance"]["total"] == 150_000
    assert fund["arrival_rate"]["total"] == 100  # 资金到位 ÷ 预算安排, as 附件2 defines it
    assert fund["spend_rate"]["total"] == 95  # 实际支出 ÷ 资金到位
    assert fund["execution_rate"]["total"] == 95  # 实际支出 ÷ 预算安排
    assert fund["spend_rate"]["other"] == 90


def test_self_raised_is_the_other_funds_and_the_rate_follows_its_label(tmp_path):
    build_self_raised(tmp_path / "p.xlsx")
    fund = run_check(tmp_path / "p.xlsx")["fund"]
    assert fund["budget"]["other"] == 1_000_000  # 单位自筹, in 元
    assert fund["execution_rate"]["total"] == 95  # 实际支出 ÷ 到位资金, as its label says
    assert fund["arrival_rate"]["total"] == pytest.approx(93.33, abs=0.01)


# -- one slip each ------------------------------------------------------------------------------------
SLIPS = [
    # printed: the 合计 of 实际支出 does not add up
    ("printed", build_printed, _fig(PRINTED_CLEAN, spent={"total": 2_950_000}), "FUND_SUM", ("spent", "total")),
    # printed: a negative amount (the 合计 follows it)
    ("printed_negative", build_printed, _fig(PRINTED_CLEAN, budget=_line(2_000_000, 2_000_000, 0),
                                             arrived=_line(2_000_000, 2_000_000, 0),
                                             spent=_line(1_949_000, 1_950_000, -1_000)),
     "FUND_NEGATIVE", ("spent", "other")),
    # printed: little spent and no reason given for the balance
    ("printed_spend_low", build_printed, _fig(PRINTED_CLEAN, spent=_line(2_400_000, 1_600_000, 800_000)),
     "FUND_SPEND_LOW", ("spent", "total")),
    # transposed: a wrong balance of the fiscal funds
    ("transposed", build_transposed, _fig(TRANSPOSED_CLEAN, balance={"fiscal": 60_000}), "FUND_FORMULA",
     ("balance", "fiscal")),
    # transposed: more money arrived than the budget (everything else consistent)
    ("transposed_over", build_transposed, _fig(
        TRANSPOSED_CLEAN, arrived=_line(3_200_000, 2_200_000, 1_000_000), spent=_line(3_050_000, 2_150_000, 900_000),
        balance=_line(150_000, 50_000, 100_000), arrival_rate=_line(106.67, 110, 100),
        spend_rate=_line(95.31, 97.73, 90)), "FUND_RATE_OVER_100", ("arrival_rate", "total")),
    # 单位自筹 / 万元: the execution rate stated against the budget, where its label says 到位资金
    ("self_raised", build_self_raised, _fig(SELF_RAISED_CLEAN, execution_rate={"total": 88.67}), "FUND_FORMULA",
     ("execution_rate", "total")),
    # 单位自筹 / 万元: more spent than arrived
    ("self_raised_spent", build_self_raised, _fig(
        SELF_RAISED_CLEAN, spent={"total": 2_755_000, "other": 950_000}, balance={"total": 45_000, "other": -50_000},
        execution_rate={"total": 98.39, "other": 105.56}), "FUND_SPENT_OVER_ARRIVED", ("spent", "other")),
]


@pytest.mark.parametrize("build, fig, code, where", [s[1:] for s in SLIPS], ids=[s[0] for s in SLIPS])
def test_a_slip_in_a_provincial_table_is_found_at_its_cell(tmp_path, build, fig, code, where):
    path = tmp_path / "p.xlsx"
    layout = build(path, fig)
    report = run_check(path)
    assert fund_findings(report) == [(code, layout.cell(*where))]
    finding = next(f for f in report["findings"] if f["code"] == code)
    assert finding["sheet"] == "绩效报告"


def test_messages_name_the_provincial_rows_and_columns_in_the_tables_words(tmp_path):
    build_self_raised(tmp_path / "p.xlsx", _fig(SELF_RAISED_CLEAN, execution_rate={"total": 88.67}))
    (finding,) = [f for f in run_check(tmp_path / "p.xlsx")["findings"] if f["code"] == "FUND_FORMULA"]
    assert finding["message"].startswith("执行率（合计）应为 95.00%")
    assert "实际支出÷到位资金 = 266 万元 ÷ 280 万元" in finding["message"]
    build_printed(tmp_path / "q.xlsx", _fig(PRINTED_CLEAN, spent={"total": 2_950_000}))
    (finding,) = [f for f in run_check(tmp_path / "q.xlsx")["findings"] if f["code"] == "FUND_SUM"]
    assert finding["message"] == "实际支出的合计应为财政资金+其他资金之和 2,850,000 元，表中填写 2,950,000 元"


def test_a_provincial_table_needs_no_usage_table_but_a_municipal_one_does(tmp_path):
    build_printed(tmp_path / "p.xlsx")
    assert not [f for f in run_check(tmp_path / "p.xlsx")["findings"] if f["code"] == "TABLE_MISSING"]
    build_book(tmp_path / "m.xlsx", CLEAN)  # no usage table
    missing = [f["message"] for f in run_check(tmp_path / "m.xlsx")["findings"] if f["code"] == "TABLE_MISSING"]
    assert missing == ["未找到资金使用情况表，相关核对未进行"]


def test_rate_names_in_a_scoring_table_are_not_taken_for_the_fund_table(tmp_path):
    """A scoring sheet before the fund sheet, with 资金到位率 / 资金支出率 / 预算执行率 and 合计 / 财政资金
    cells around them, is no (transposed) fund table: the table on 绩效报告 is."""
    build_printed(tmp_path / "p.xlsx", _fig(PRINTED_CLEAN, spent={"total": 2_950_000}))
    wb = openpyxl.load_workbook(tmp_path / "p.xlsx")
    ws = wb.create_sheet("指标", 0)
    for j, text in enumerate(("三级指标", "权重(%)", "自评得分", "资金到位率", "资金支出率", "预算执行率")):
        ws.cell(1, 1 + j, text)
    ws.cell(2, 1, "合计")
    ws.cell(3, 1, "财政资金")
    wb.save(tmp_path / "p.xlsx")
    report = run_check(tmp_path / "p.xlsx")
    assert report["tables"]["fund"] == {"sheet": "绩效报告", "cell": "A7"}
    assert fund_findings(report) == [("FUND_SUM", "B9")]


def test_the_annotated_copy_marks_the_slip_and_lists_it_on_the_review_sheet(tmp_path):
    # (no scoring sheet: the copy of conftest's minimal scoring sheet fails in printsetup.wrap_columns,
    # for the municipal build_book workbooks too — not this module's concern)
    layout = build_transposed(tmp_path / "p.xlsx", _fig(TRANSPOSED_CLEAN, balance={"total": 160_000}), scoring=False)
    result = score_file(tmp_path / "p.xlsx", tmp_path / "out")
    wb = openpyxl.load_workbook(result.workbook)
    marked = wb["绩效报告"][layout.cell("balance", "total")]
    assert "【资金表计算不符】" in marked.comment.text
    review = wb["复核结果"]
    rows = [[c.value for c in row] for row in review.iter_rows()]
    balance = next(r for r in rows if "资金结余" in r)
    assert 160_000 in balance and 150_000 in balance
    assert any(isinstance(v, str) and v.endswith("资金表计算不符") for v in balance)  # by number and title


def _write(path, header: list, rows: list, unit: str | None = None) -> None:
    """A small table: ``header`` across row 3 from column A, ``rows`` below it."""
    wb = Workbook()
    ws = _sheet(wb)
    ws.delete_rows(3, 2)
    if unit:
        ws["F2"] = f"单位：{unit}"
    for j, text in enumerate(header):
        ws.cell(3, 1 + j, text)
    for i, line in enumerate(rows):
        for j, value in enumerate(line):
            ws.cell(4 + i, 1 + j, value)
    _save(wb, path)


def test_a_breakdown_after_其中_is_summed_into_the_other_funds(tmp_path):
    """Transposed, 其他资金 followed by 其中：单位自筹 and 银行贷款: both are parts of 其他资金, not
    sources beside it; a slip in 银行贷款 shows at 其他资金 (it no longer adds up), 合计 still does."""
    rows = [("合计", 300, 300, 270, 90), ("财政资金", 200, 200, 190, 95), ("其他资金", 100, 100, 80, 80),
            ("其中：单位自筹", 60, 60, 50, 83.33), ("银行贷款", 40, 40, 30, 75)]
    header = ["资金来源", "年度预算", "实际到位", "实际支出", "执行率(%)"]
    _write(tmp_path / "clean.xlsx", header, rows, "万元")
    report = run_check(tmp_path / "clean.xlsx")
    assert fund_findings(report) == []
    assert report["fund"]["budget"]["loans"] == 400_000
    rows[4] = ("银行贷款", 50, 40, 30, 60)  # budget mistyped, its rate computed from it
    _write(tmp_path / "slip.xlsx", header, rows, "万元")
    assert fund_findings(run_check(tmp_path / "slip.xlsx")) == [("FUND_SUM", "B6")]


def test_a_source_column_xlscore_cannot_name_stops_the_cross_column_sums_only(tmp_path):
    """合计 | 财政资金 | 省级 | 市县配套 | 其他资金: 省级 / 市县配套 are no sources xlscore knows, so which
    columns add up to which is not known and no sum is checked; each column's own arithmetic is."""
    header = ["项目", "合计", "财政资金", "省级", "市县配套", "其他资金"]
    rows = [("预算安排", 300, 200, 150, 50, 100), ("资金到位", 300, 200, 150, 50, 100),
            ("实际支出", 290, 200, 150, 50, 110)]
    _write(tmp_path / "p.xlsx", header, rows)
    assert fund_findings(run_check(tmp_path / "p.xlsx")) == [("FUND_SPENT_OVER_ARRIVED", "F6")]
