"""The national form of 财预〔2020〕10号: budget block, rules, template round trip, mixed batches."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from xlscore.batch import runner as batch
from xlscore.batch.inbox import discover
from xlscore.batch.summary import write_summary
from xlscore.pipeline import check_file

from conftest import ROOT, set_cells

SAMPLE = ROOT / "samples" / "全国表样例_农村饮水安全工程维修养护补助资金.xlsx"
TEMPLATE = ROOT / "workbook_templates" / "自评表模板_national-2020.xlsx"


def _codes(report):
    return [(f["code"], f["cell"]) for f in report["findings"]]


def test_sample_reads_as_the_national_form():
    report = check_file(SAMPLE).to_dict()
    assert report["scheme"] == "national-2020" and report["source_unit"] == "万元"
    assert report["project"] == {"name": "农村饮水安全工程维修养护补助资金", "department": "某县水利局", "year": 2021}
    fund = report["fund"]
    assert set(fund) == {"budget_initial", "budget_full", "executed", "rate", "score"}
    assert fund["budget_full"]["total"] == 5_200_000 and fund["executed"]["total"] == 4_940_000
    assert fund["budget_full"]["carryover"] == 300_000
    assert fund["rate"]["total"] == 95.0 and fund["score"]["total"] == 9.5
    first = report["indicators"][0]
    assert first["name"] == "预算执行率" and first["weight"] == 10 and first["review_score"] == 9.5
    assert report["totals"]["weight"] == 100 and report["totals"]["self_score"] == 94.7
    # 工程长效运行管护机制 (基本健全 for 健全) waits for a reviewer: its 7 is the department's, not the review's
    assert report["totals"]["review_score"] == 88.37 and report["totals"]["review_range"] == [94.37, 96.37]
    assert report["grade"]["review"] is None and report["grade"]["review_withheld"].startswith("复核未完成")
    codes = {f["code"] for f in report["findings"]}
    assert codes == {"MANUAL_REVIEW", "DEVIATION_MISSING", "SCORE_MISMATCH"}
    assert "TABLE_MISSING" not in codes


def _edit(tmp_path, edits: dict[str, object]) -> dict:
    return check_file(set_cells(SAMPLE, tmp_path, "项目支出绩效自评表", edits)).to_dict()


def test_stated_rate_and_score_that_do_not_follow_are_flagged(tmp_path):
    report = _edit(tmp_path, {"G6": 1.0, "H6": 10})  # 执行率 100%, 得分 10 while 494 ÷ 520 = 95%
    codes = _codes(report)
    assert ("FUND_FORMULA", "G6") in codes and ("FUND_FORMULA", "H6") in codes
    assert report["indicators"][0]["review_score"] == 9.5
    assert ("SCORE_MISMATCH", "H6") in codes


def test_budget_total_must_be_the_sum_of_its_sources(tmp_path):
    report = _edit(tmp_path, {"D6": 600})  # stated 全年预算数 600 while 470 + 30 + 20 = 520
    assert ("FUND_SUM", "D6") in _codes(report)


def test_rate_over_100_flagged_and_score_capped(tmp_path):
    report = _edit(tmp_path, {"E7": 480, "G6": None, "H6": None})  # executed 527.5 of 520
    assert report["fund"]["rate"]["total"] == pytest.approx(101.44, abs=0.01)
    assert report["fund"]["score"]["total"] == 10
    assert ("FUND_RATE_OVER_100", "G6") in _codes(report) or any(c == "FUND_RATE_OVER_100" for c, _ in _codes(report))


@pytest.mark.parametrize("target,actual,weight,expected", [
    ("≥120处", "126处", 10, 10), ("≥120处", "108处", 10, 9), ("100%", "92%", 10, 9.2), ("≤4.5万元", "3.9万元", 5, 5),
    ("≤4.5万元", "5万元", 5, 4.5), ("≥90%", "87%", 10, 9.67), ("≥90%", "90%", 10, 10),
])
def test_quantitative_rules_of_the_standard(tmp_path, target, actual, weight, expected):
    report = _edit(tmp_path, {"E13": target, "F13": actual, "G13": weight, "H13": None})
    row = next(i for i in report["indicators"] if i["name"] == "维修养护工程处数")
    assert row["review_score"] == expected


@pytest.mark.parametrize("actual,self_score,expected", [
    ("健全", 10, 10), ("基本健全", 7, 7), ("基本健全", 9, 8), ("不健全", 7, 6), ("未建立", 2, 2)])
def test_qualitative_bands_of_the_standard(tmp_path, actual, self_score, expected):
    report = _edit(tmp_path, {"F23": actual, "H23": self_score})
    row = next(i for i in report["indicators"] if i["name"] == "工程长效运行管护机制")
    assert row["review_score"] == expected


def test_unmet_without_reason_is_a_warning(tmp_path):
    report = _edit(tmp_path, {"I17": None})  # 工程完工及时率 92% with its reason removed
    assert ("DEVIATION_MISSING", "I17") in _codes(report)
    report = _edit(tmp_path, {"I24": "部分群众反映维修响应慢，将开通报修热线"})
    assert not [c for c, cell in _codes(report) if c == "DEVIATION_MISSING"]


def test_template_round_trip(tmp_path):
    dest = tmp_path / "filled.xlsx"
    wb = openpyxl.load_workbook(TEMPLATE)
    ws = wb["项目支出绩效自评表"]
    ws["B3"] = "测试项目"
    for row, values in ((7, (100, 100, 80)), (8, (10, 10, 10))):
        for col, value in zip("CDE", values):
            ws[f"{col}{row}"] = value
    ws["D14"], ws["E14"], ws["F14"], ws["G14"], ws["H14"] = "培训人次", "≥100人次", "120人次", 50, 50
    wb.save(dest)
    report = check_file(dest).to_dict()  # every formula computed by xlscore (openpyxl keeps no values)
    assert report["fund"]["rate"]["total"] == pytest.approx(81.82, abs=0.01)
    assert report["fund_stated"]["rate"]["total"] == pytest.approx(81.82, abs=0.01)
    assert report["indicators"][0]["review_score"] == pytest.approx(8.18, abs=0.01)
    assert not {c for c, _ in _codes(report)} & {"FUND_FORMULA", "FUND_SUM", "FORMULA_UNCOMPUTED"}


def test_annotated_copy_adds_review_columns(tmp_path):
    from xlscore.review import score_file

    result = score_file(SAMPLE, tmp_path)
    ws = openpyxl.load_workbook(result.workbook)["项目支出绩效自评表"]
    assert [ws[f"{c}12"].value for c in "JKL"] == ["复核业绩值", "复核得分", "复核说明"]
    assert ws["K24"].value == 9.67 and ws["H24"].value == 9
    assert "【自评与复核不一致】" in ws["H24"].comment.text


def test_batch_mixes_schemes(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(SAMPLE, inbox / "全国表.xlsx")
    shutil.copy(ROOT / "samples" / "002_企业服务活动专项经费.xlsx", inbox / "市级表.xlsx")
    wb = openpyxl.load_workbook(ROOT / "workbook_templates" / "自评表模板_provincial-2017.xlsx")
    ws = wb["自评价评分附件表"]
    for row in range(3, ws.max_row + 1):
        weight = ws[f"F{row}"].value
        if isinstance(weight, (int, float)) and ws[f"E{row}"].value:
            ws[f"H{row}"] = "好"
            ws[f"I{row}"] = weight
    fund = wb["资金安排情况"]
    for row, amount in ((5, 1_000_000), (6, 1_000_000), (7, 1_000_000), (8, 950_000)):
        fund[f"F{row}"] = amount
    wb.save(inbox / "省级表.xlsx")
    out = tmp_path / "out"
    outcome = batch.run_batch(discover([inbox], out), out, jobs=2)
    assert outcome.exit_code == 0 and outcome.done == 3
    summary = write_summary(out)
    ws = openpyxl.load_workbook(summary)["汇总"]
    header = [c.value for c in ws[1]]
    rows = {row["来源文件"]: row for row in (dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True))}
    assert rows["全国表.xlsx"]["预算安排（元）"] == 5_200_000 and rows["全国表.xlsx"]["复核等级"] == "未评定（复核未完成）"
    assert rows["市级表.xlsx"]["复核得分"] == 100
    assert rows["省级表.xlsx"]["实际支出（元）"] == 950_000
    import json

    schemes = {json.loads(line)["file"]: json.loads(line)["scheme"] for line in (out / "reports.jsonl").read_text("utf-8").splitlines()}
    assert schemes == {"全国表.xlsx": "national-2020", "市级表.xlsx": "municipal", "省级表.xlsx": "provincial-2017"}
