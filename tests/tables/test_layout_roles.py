"""Deciding what each cell of a scoring table is, whoever laid it out (issue 18, classes 1, 3, 4, 5).

Each test builds a layout departments really use from a sample and checks that the review is the
one the sample gets, or that a slip the layout hides is found.
"""

import openpyxl
import pytest

from xlscore.pipeline import check_file
from xlscore.read.textnum import Unparsed, parse_score
from xlscore.tables.measure import measure_in_text, parse_measure

from conftest import SAMPLE_000, edited_copy

SCORING = "自评价评分附件表"


def review(path):
    rep = check_file(path).to_dict()
    return {
        "totals": {k: rep["totals"].get(k) for k in ("weight", "self_score", "review_score")},
        "indicators": [(i["name"], i["weight"], i["self_score"], i["review_score"]) for i in rep["indicators"]],
        "codes": sorted(f["code"] for f in rep["findings"]),
    }, rep


def _copy(tmp_path, name, edit, src=SAMPLE_000):
    return edited_copy(src, tmp_path, name, edit)


# --- class 1: a 分值 column holding the 一级 weights --------------------------------------------


def _printed_annex(wb):
    """Seed 000's printed 附表1: 一级指标 | 分值 (the 一级 weight, merged) | (二级 weights) | 三级指标 | 权重 …"""
    ws = wb[SCORING]
    ws.unmerge_cells("A2:C2")
    ws["B2"] = "分值"


def test_fen_zhi_column_is_the_level1_weight(tmp_path):
    expected, _ = review(SAMPLE_000)
    got, rep = review(_copy(tmp_path, "printed.xlsx", _printed_annex))
    assert got == expected
    columns = {c["column"]: c["role"] for c in rep["layout"][-1]["parts"][0]["columns"]}
    assert columns["B"] == "level1_weight" and columns["C"] == "level2_weight" and columns["E"] == "weight"


def test_named_level_weight_columns(tmp_path):
    def edit(wb):
        _printed_annex(wb)
        ws = wb[SCORING]
        ws["B2"], ws["C2"] = "一级指标权重", "二级指标权重"
    expected, _ = review(SAMPLE_000)
    got, _ = review(_copy(tmp_path, "named.xlsx", edit))
    assert got == expected


def test_fen_zhi_and_quan_zhong_both_wrong_is_said_once(tmp_path):
    """Two columns either of which may be the weights, neither adding up: one finding naming both,
    not a cascade of sums."""
    path = tmp_path / "doubt.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SCORING
    ws.append(["三级指标", "权重", "分值", "业绩值", "评分结果", "评分标准"])
    for name, w1, w2 in (("甲", 30, 40), ("乙", 30, 20), ("丙", 30, 35)):
        ws.append([name, w1, w2, "100%", w1, "业绩值为100%得满分，每降低1%扣权重分的1%"])
    wb.save(path)
    rep = check_file(path).to_dict()
    codes = [f["code"] for f in rep["findings"]]
    assert codes.count("LAYOUT_AMBIGUOUS") == 1 and "WEIGHT_SUM" not in codes
    finding = next(f for f in rep["findings"] if f["code"] == "LAYOUT_AMBIGUOUS")
    assert "权重" in finding["message"] and "分值" in finding["message"]
    # the same table with the 权重 column adding up reads it without doubt
    ws["B4"] = 40
    wb.save(path)
    rep = check_file(path).to_dict()
    assert not {f["code"] for f in rep["findings"]} & {"LAYOUT_AMBIGUOUS", "WEIGHT_SUM"}
    assert [i["weight"] for i in rep["indicators"]] == [30, 30, 40]


def test_unmerged_level_cells_kept_on_first_row_only(tmp_path):
    """A department that unmerges the 一级/二级 blocks keeps each value on the block's first row."""
    def edit(wb):
        ws = wb[SCORING]
        for merged in [m for m in ws.merged_cells.ranges if m.min_col <= 3 and m.min_row > 2]:
            ws.unmerge_cells(str(merged))
    expected, _ = review(SAMPLE_000)
    got, _ = review(_copy(tmp_path, "unmerged.xlsx", edit))
    assert got == expected


# --- class 3: a table continued on another sheet or under a repeated header ---------------------


def _split(wb, at_row):
    """Rows from ``at_row`` on move to a sheet ``附表1（续）`` under a copy of the header."""
    ws = wb[SCORING]
    ws.title = "附表1"
    new = wb.create_sheet("附表1（续）")
    width = ws.max_column
    for c in range(1, width + 1):
        new.cell(1, c).value = ws.cell(2, c).value
        new.cell(1, c).number_format = ws.cell(2, c).number_format
    new.merge_cells("A1:C1")
    merges = [m for m in ws.merged_cells.ranges if m.min_row >= at_row]
    for r in range(at_row, ws.max_row + 1):
        for c in range(1, width + 1):
            src, dst = ws.cell(r, c), new.cell(r - at_row + 2, c)
            dst.value, dst.number_format = src.value, src.number_format
    for m in merges:
        ws.unmerge_cells(str(m))
        new.merge_cells(start_row=m.min_row - at_row + 2, start_column=m.min_col,
                        end_row=m.max_row - at_row + 2, end_column=m.max_col)
    for r in range(at_row, ws.max_row + 1):
        for c in range(1, width + 1):
            ws.cell(r, c).value = None


def test_table_continued_on_next_sheet(tmp_path):
    expected, base = review(SAMPLE_000)
    got, rep = review(_copy(tmp_path, "split.xlsx", lambda wb: _split(wb, 16)))
    assert got == expected
    assert rep["grade"]["stated"] == base["grade"]["stated"] and rep["totals"]["stated"] == base["totals"]["stated"]
    assert [p["sheet"] for p in rep["layout"][-1]["parts"]] == ["附表1", "附表1（续）"]


def test_header_repeated_at_a_page_break(tmp_path):
    """The header copied above the 效果目标 block, as a department does at a page break."""
    def edit(wb):
        ws = wb[SCORING]
        merges = [m for m in ws.merged_cells.ranges]
        for m in merges:
            ws.unmerge_cells(str(m))
        ws.insert_rows(16)
        for c in range(1, ws.max_column + 1):
            ws.cell(16, c).value = ws.cell(2, c).value
        for m in merges:
            shift = 1 if m.min_row >= 16 else 0
            ws.merge_cells(start_row=m.min_row + shift, start_column=m.min_col,
                           end_row=m.max_row + shift, end_column=m.max_col)
        ws.merge_cells("A16:C16")
    expected, _ = review(SAMPLE_000)
    got, _ = review(_copy(tmp_path, "repeated.xlsx", edit))
    assert got == expected


# --- class 4: numbers written with their unit or label ------------------------------------------


def test_scores_and_weights_written_with_fen(tmp_path):
    def edit(wb):
        ws = wb[SCORING]
        for r in range(3, 24):
            for col in "EH":
                if isinstance(ws[f"{col}{r}"].value, (int, float)):
                    ws[f"{col}{r}"] = f"{ws[f'{col}{r}'].value:g}分"
    expected, _ = review(SAMPLE_000)
    got, _ = review(_copy(tmp_path, "fen.xlsx", edit))
    assert got == expected


@pytest.mark.parametrize("text, number, percent", [
    ("盈利率15%", 15, True), ("节电率35%", 35, True), ("完成104%", 104, True), ("财政投入乘数12", 12, False),
    ("48个", 48, False), ("满意度≥90%", 90, True), ("完成率为98.5%", 98.5, True),
])
def test_actual_after_its_label(text, number, percent):
    measure = parse_measure(text)
    assert (measure.number, measure.percent) == (number, percent)


@pytest.mark.parametrize("text", ["下降5%", "约90%", "增长3%", "第3名"])
def test_words_that_change_the_figure_are_not_labels(text):
    assert parse_measure(text).number is None


def test_score_with_fen():
    assert parse_score("2.22分").value == 2.22
    assert parse_score(" ２分 ").value == 2
    with pytest.raises(Unparsed) as caught:
        parse_score("约2分")
    assert caught.value.text == "约2分"


# --- class 5: the provincial form's grounds (自评依据) as the actual ---------------------------


@pytest.mark.parametrize("text, name, number", [
    ("经测算，本项目盈利率15%，高于行业平均水平", "盈利率", 15),
    ("2017年新增就业机会48个，新增利税率8%", "新增利税", 8),
    ("项目单位产品节电率35%", "新项目节电量", 35),
    ("制度健全，执行到位", "制度健全性", None),
    ("2017年计划3项，完成2项", "技术规范", None),  # two figures, none after the name: words
])
def test_figure_in_the_grounds(text, name, number):
    assert measure_in_text(text, name).number == number


def provincial(path, rows):
    """Seed 004's indicator table as printed: no 业绩值 column; the unit's grounds beside its score."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效评价指标表"
    ws.append(["先进制造业发展专项资金绩效评价指标表"])
    ws.append(["评价指标", None, None, "自评情况", None, "指标说明", None, None])
    ws.append(["一级指标及权重", "二级指标及权重", "三级指标", "权重(%)", "自评得分", "评价标准",
               "指标内容/计算公式", "得分的依据和理由"])
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


PROVINCIAL_ROWS = [
    ("项目绩效(100)", "经济效益(100)", "财政投入乘数", 25, 2, "财政投入乘数≥50：4分；20-50：3分；10-20：2分；0-10：0-1分",
     "财政投入后带动其他资金投入额/财政资金", "财政投入乘数12"),
    (None, None, "盈利率", 25, 3, "盈利率≥20%：3分；10%-20%：2分；0-10%：1分；亏损：0分。",
     "盈利率=项目年增利润总额/项目产品年销售收入", "经测算，本项目盈利率15%"),
    (None, None, "新项目节电量", 25, 2, "项目单位产品节电率≥30%：2分；0-30%：0-1分。",
     "节电率=(原用电量-现用电量)/原用电量", "节电率35%"),
    (None, None, "新增利税", 25, 2, "新增利税率≥10%：3分；5%-10%：2分；0-5%：1分；亏损：0分。",
     "新增利税率=(项目实施后的利税-项目实施前的利税)/项目目前利税", "新增利税率8%"),
]


def test_provincial_grounds_are_the_actual(tmp_path):
    rep = check_file(provincial(tmp_path / "p.xlsx", PROVINCIAL_ROWS)).to_dict()
    rows = {i["name"]: i for i in rep["indicators"]}
    assert rows["盈利率"]["actual"] == "经测算，本项目盈利率15%"
    assert rows["盈利率"]["review_score"] == 2  # 10%-20%: 2分 — the unit's 3 is a tier slip
    mismatch = [f for f in rep["findings"] if f["code"] == "SCORE_MISMATCH"]
    assert [f["cell"] for f in mismatch] == ["E5"]
    assert rows["新项目节电量"]["review_score"] == 2 and rows["新增利税"]["review_score"] == 2
    roles = {c["header"]: c["role"] for c in rep["layout"][-1]["parts"][0]["columns"]}
    assert roles["得分的依据和理由"] == "basis"


# --- what was read, shown ------------------------------------------------------------------------


def test_explain_shows_each_column_in_chinese(tmp_path):
    from conftest import run_cli

    result = run_cli("check", "--explain", _copy(tmp_path, "printed.xlsx", _printed_annex))
    out = result.stdout
    assert "评分表：工作表“自评价评分附件表” A2:M25" in out
    assert "B 列 “分值” → 一级指标权重" in out and "E 列 “权重” → 三级指标权重" in out
    assert "资金安排情况表：工作表“资金安排情况”" in out and "“预算安排” → 预算安排(1)" in out
    layout_lines = out.split("\n")[: out.split("\n").index(next(l for l in out.split("\n") if "FUND_RATE_OVER_100" in l))]
    assert not any(word in line for line in layout_lines for word in ("level1", "weight", "None"))


def test_name_cell_merged_sideways_with_its_level2_cell(tmp_path):
    """One 二级 holding one 三级, typed as one merged cell over both columns: the row is read."""
    path = tmp_path / "sideways.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["一级指标", "二级指标", "三级指标", "权重", "目标值", "业绩值", "评分结果", "评分标准"])
    ws.append(["产出", "完成率A", None, 50, "≥90%", "95%", 50, "业绩值≥90%得满分，80%-90%得一半，80%以下不得分"])
    ws.append([None, "完成率", "完成率B", 50, "≥90%", "95%", 50, "业绩值≥90%得满分，80%-90%得一半，80%以下不得分"])
    ws.append(["总计", None, None, 100, None, None, 100, None])
    ws.merge_cells("B2:C2")
    wb.save(path)
    rep = check_file(path).to_dict()
    assert [i["name"] for i in rep["indicators"]] == ["完成率A", "完成率B"]
    assert rep["totals"]["weight"] == 100 and not {"WEIGHT_SUM", "TOTAL_MISMATCH"} & {f["code"] for f in rep["findings"]}


def test_grade_typed_across_its_row_still_gets_a_copy(tmp_path):
    from xlscore.review import score_file

    path = _copy(tmp_path, "merged_grade.xlsx", lambda wb: wb[SCORING].merge_cells("H25:M25"))
    result = score_file(path, tmp_path / "out")
    assert result.workbook is not None and "COPY_FAILED" not in {f.code for f in result.report.findings}
    ws = openpyxl.load_workbook(result.workbook)[SCORING]
    assert ws["H25"].value == "优秀"  # the department's grade stays as it was


def test_explain_names_the_national_budget_rows():
    from conftest import SAMPLES, run_cli

    out = run_cli("check", "--explain", SAMPLES / "全国表样例_农村饮水安全工程维修养护补助资金.xlsx").stdout
    assert "第 6 行 “年度资金总额” → 年度资金总额" in out and "“其中：当年财政拨款” → 财政拨款" in out
