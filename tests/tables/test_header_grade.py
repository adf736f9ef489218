"""Issue 18, classes 6 and 7: when a review is complete and earns a grade; the header fields
(several ``label：value`` pairs in a cell, the year in a title) and a grade stated in the header
block, checked against the review like the scoring table's 评价等级 row."""

from __future__ import annotations

import json

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font

from xlscore.batch.summary import write_summary
from xlscore.pipeline import check_file
from xlscore.review import score_file

from conftest import ROOT, SAMPLE_000, edited_copy, findings_of, run_cli

NATIONAL = ROOT / "samples" / "全国表样例_农村饮水安全工程维修养护补助资金.xlsx"
SCORING = "自评价评分附件表"
FUND = "资金安排情况"
SCHEMA = ROOT / "xlscore" / "schema" / "report.schema.json"


def _edit(tmp_path, edit, src=SAMPLE_000, name="edited.xlsx"):
    return edited_copy(src, tmp_path, name, edit)


def _report(path) -> dict:
    return check_file(path).to_dict()


def _assert_valid(report: dict) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(report))
    assert not errors, [e.message for e in errors[:5]]


def _by_name(report: dict) -> dict:
    return {i["name"]: i for i in report["indicators"]}


# -- class 6: complete and grade ---------------------------------------------------------------

def _manual(wb):
    """企业申报评审工作完成及时性 (weight 10): 基本及时 for 及时 is a reviewer's call (6–8 points);
    the department's 7 is kept as a stand-in."""
    ws = wb[SCORING]
    ws["G14"], ws["H14"] = "基本及时", 7
    ws["H24"] = 97


def _unparsed(wb):
    wb[SCORING]["I12"] = "视情况给分"  # 奖补计划完成率 (weight 10): a rule no one can apply


def test_a_manual_row_leaves_the_review_incomplete_and_ungraded(tmp_path):
    report = _report(_edit(tmp_path, _manual))
    row = _by_name(report)["企业申报评审工作完成及时性"]
    assert row["review_score"] == 7 and row["reviewed"] is False
    totals, grade = report["totals"], report["grade"]
    assert totals["review_complete"] is False and totals["unreviewed"] == ["企业申报评审工作完成及时性"]
    # the department's 7 is not passed off as the review: the review total leaves the row out
    assert totals["review_score"] == 89.26 and totals["review_range"] == [95.26, 97.26]
    assert grade["review"] is None and grade["self"] == "优秀"
    assert grade["review_withheld"].startswith("复核未完成：1 项指标需人工评分")
    assert "企业申报评审工作完成及时性" in grade["review_withheld"] and "95.26–97.26" in grade["review_withheld"]
    assert all(i["reviewed"] for i in report["indicators"] if i["name"] != "企业申报评审工作完成及时性")
    _assert_valid(report)


def test_an_unparsed_rule_gets_no_final_grade(tmp_path):
    report = _report(_edit(tmp_path, _unparsed))
    assert findings_of(report, "RULE_UNPARSED")
    assert report["totals"]["review_complete"] is False and report["totals"]["unreviewed"] == ["奖补计划完成率"]
    assert report["totals"]["review_score"] == 89.26 and report["totals"]["review_range"] == [89.26, 99.26]
    assert report["grade"]["review"] is None  # (not 良好 for the 89.26 scored so far)
    assert "奖补计划完成率：评分标准无法识别" in report["grade"]["review_withheld"]
    _assert_valid(report)


def test_a_total_over_100_gets_no_grade(tmp_path):
    def edit(wb):  # the 530 of the issue: one weight misread as 440
        ws = wb[SCORING]
        ws["E12"], ws["H12"] = 440, 440
    report = _report(_edit(tmp_path, edit))
    assert report["totals"]["self_score"] == 530 and report["totals"]["review_score"] == 529.26
    grade = report["grade"]
    assert grade["self"] is None and grade["review"] is None
    assert grade["self_withheld"].startswith("总分超过满分：自评总分 530.00 分超过满分 100 分")
    assert grade["review_withheld"].startswith("总分超过满分：复核总分 529.26 分")
    assert not findings_of(report, "GRADE_MISMATCH")  # no grade to compare the stated 优秀 with
    _assert_valid(report)


def test_an_incomplete_review_still_catches_a_grade_out_of_reach(tmp_path):
    def stated(text):
        return lambda wb: (_unparsed(wb), wb[SCORING].__setitem__("H25", text))
    # 89.26 reviewed, 10 points pending: 优秀 or 良好 are both possible, 中 is not
    assert not findings_of(_report(_edit(tmp_path, stated("优秀"), name="a.xlsx")), "GRADE_MISMATCH")
    hits = findings_of(_report(_edit(tmp_path, stated("中"), name="b.xlsx")), "GRADE_MISMATCH")
    assert [h["cell"] for h in hits] == ["H25"]
    assert "“优秀或良好”" in hits[0]["message"] and "89.26–99.26" in hits[0]["message"]


def test_the_grade_shown_says_why_it_is_withheld(tmp_path):
    path = _edit(tmp_path, _manual)
    summary = run_cli("check", path).output.strip().splitlines()[-1]
    assert "等级 自评 优秀 / 复核 未评定（复核未完成：" in summary and "企业申报评审工作完成及时性" in summary

    result = score_file(path, tmp_path / "out")
    sheet = openpyxl.load_workbook(result.workbook)["复核结果"]
    line = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "评价等级")
    assert line[4] == "未评定" and line[6].startswith("复核未完成：")
    total = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "总分")
    assert total[4] == 89.26 and "95.26–97.26" in total[6]

    out = tmp_path / "batch"
    out.mkdir()
    reports = [result.report.to_dict(), _report(SAMPLE_000)]
    reports[1]["file"] = "另一份.xlsx"
    (out / "reports.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in reports),
                                       encoding="utf-8")
    ws = openpyxl.load_workbook(write_summary(out))["汇总"]
    header = [c.value for c in ws[1]]
    grades = {line["来源文件"]: line["复核等级"] for line in (dict(zip(header, row)) for row in ws.iter_rows(min_row=2, values_only=True))
              if isinstance(line["序号"], int)}  # not the 合计 and note rows
    assert grades == {result.report.file: "未评定（复核未完成）", "另一份.xlsx": "优秀"}


# -- class 7: header fields --------------------------------------------------------------------

def _fields(cell_text: str, title: str | None = None):
    def edit(wb):
        ws = wb[FUND]
        for ref in ("A1", "B1", "A2", "B2", "A3", "B3"):
            ws[ref] = None
        ws["A1"] = cell_text
        if title is not None:
            ws["A4"] = title
    return edit


@pytest.mark.parametrize("text", [
    "项目名称：某某项目　主管部门：某某局　评价年度：2021年",
    "项目名称:某某项目 主管部门:某某局 评价年度:2021年",
    "项目名称：某某项目主管部门：某某局评价年度：2021年",
    "项目名称： 某某项目  主管部门:某某局　　评价年度： 2021年度",
    "项目名称：某某项目；主管部门：某某局；联系人：张三；评价年度：2021年",
])
def test_several_pairs_in_one_cell(tmp_path, text):
    report = _report(_edit(tmp_path, _fields(text)))
    assert report["project"] == {"name": "某某项目", "department": "某某局", "year": 2021}


@pytest.mark.parametrize("title", ["某某专项资金项目支出绩效自评表（2021年度）", "某某专项资金项目支出绩效自评表（2021年）",
                                   "某某专项资金项目支出绩效自评表(2021年度)"])
def test_the_year_in_a_title(tmp_path, title):
    report = _report(_edit(tmp_path, _fields("主管部门：某某局", title)))
    assert report["project"] == {"name": "某某专项资金", "department": "某某局", "year": 2021}


# -- class 7: a grade stated in the header block -------------------------------------------------

def _header(**cells):
    """Cells of the fund sheet's header block (row 2, right of 主管部门); a Font or rich text as is."""
    def edit(wb):
        ws = wb[FUND]
        for ref, value in cells.items():
            if isinstance(value, tuple):
                ws[ref], ws[ref].font = value
            else:
                ws[ref] = value
    return edit


def _mismatches(report) -> list[str]:
    return [f"{f['sheet']}!{f['cell']}" for f in findings_of(report, "GRADE_MISMATCH")]


STRUCK = Font(strike=True)


@pytest.mark.parametrize("edit, cell, text", [
    (_header(D2="自评等级：良"), "D2", "良"),
    (_header(D2="自评等级", E2="良好"), "E2", "良好"),
    (_header(D2="自评等级：□优 ☑良 □中 □低 □差"), "D2", "良"),
    (_header(D2="自评等级：优 良√ 中 低 差"), "D2", "良"),
    (_header(D2="自评等级：优秀（ ） 良好（√） 中（ ） 差（ ）"), "D2", "良好"),
    (_header(D2="自评等级", E2="□优秀", F2="■良好", G2="□中", H2="□差"), "F2", "良好"),
    (_header(D2="评价等级", E2=("优秀", STRUCK), F2="良好", G2=("中", STRUCK), H2=("差", STRUCK)), "F2", "良好"),
    (_header(D2=CellRichText("自评等级：", TextBlock(InlineFont(strike=True), "优 "), TextBlock(InlineFont(), "良"),
                             TextBlock(InlineFont(strike=True), " 中 低 差"))), "D2", "良"),
], ids=["one-cell", "two-cells", "ticked-before", "ticked-after", "ticked-brackets", "ticked-cells",
        "struck-cells", "struck-rich-text"])
def test_a_wrong_stated_grade_in_the_header(tmp_path, edit, cell, text):
    report = _report(_edit(tmp_path, edit))
    assert report["grade"]["review"] == "优秀"
    assert report["grade"]["stated_header"] == [{"text": text, "sheet": FUND, "cell": cell}]
    assert _mismatches(report) == [f"{FUND}!{cell}"]
    _assert_valid(report)


@pytest.mark.parametrize("edit", [
    _header(D2="自评等级：优"), _header(D2="自评等级：☑优 □良 □中 □低 □差"), _header(D2="自评等级", E2="优秀（99分）"),
    _header(D2="评价等级", E2="优秀", F2=("良好", STRUCK), G2=("中", STRUCK), H2=("差", STRUCK)),
], ids=["alias", "ticked", "with-score", "struck"])
def test_a_right_stated_grade_in_the_header(tmp_path, edit):
    report = _report(_edit(tmp_path, edit))
    assert len(report["grade"]["stated_header"]) == 1 and not _mismatches(report)


def test_grade_bands_and_blank_choices_are_no_stated_grade(tmp_path):
    report = _report(_edit(tmp_path, _header(D2="评价等级：优秀 ≥90、良好 80–90、中 60–80、差 <60",
                                             D3="自评等级", E3="优", F3="良", G3="中", H3="差")))
    assert report["grade"]["stated_header"] == [] and not _mismatches(report)


def test_both_stated_grades_are_checked(tmp_path):
    table_right = _report(_edit(tmp_path, _header(D2="自评等级：良"), name="a.xlsx"))
    assert _mismatches(table_right) == [f"{FUND}!D2"]  # H25 says 优秀, rightly
    def table_wrong(wb):
        _header(D2="自评等级：优")(wb)
        wb[SCORING]["H25"] = "良好"
    report = _report(_edit(tmp_path, table_wrong, name="b.xlsx"))
    assert _mismatches(report) == [f"{SCORING}!H25"]
    assert report["grade"]["stated"] == "良好" and report["grade"]["stated_header"][0]["text"] == "优"


def test_the_tables_own_grade_row_is_not_a_header_grade(tmp_path):
    """The national form's 自评等级 row (a label cell, the grade six columns right) is the table's."""
    def edit(wb):
        wb["项目支出绩效自评表"]["H26"] = "良"
    report = _report(_edit(tmp_path, edit, src=NATIONAL))
    assert report["grade"]["stated"] == "良" and report["grade"]["stated_header"] == []
    assert _mismatches(report) == ["项目支出绩效自评表!H26"]  # 94.37–96.37 whatever the pending row scores
