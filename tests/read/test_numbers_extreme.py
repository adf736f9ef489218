"""Figures beyond any fiscal table (1e200, a 21-digit amount, a 400-digit text, infinities) are
refused with VALUE_UNPARSED naming their cell, never a traceback or a silently rounded number; and
extreme figures that are accepted do not overflow any sum, rate or score."""

from __future__ import annotations

import json
import math

import openpyxl
import pytest

from xlscore.read.textnum import Unparsed, parse_number, parse_score
from xlscore.tables.measure import parse_measure

from conftest import ROOT, build_book, findings_of, run_check, run_cli, set_cells

NATIONAL = ROOT / "samples" / "全国表样例_农村饮水安全工程维修养护补助资金.xlsx"
HUGE = [1e200, "123456789012345678901", "1" + "0" * 400, "(9,999,999,999,999,999)"]


@pytest.mark.parametrize("raw", [1e200, -1e16, math.inf, -math.inf, math.nan, "123456789012345678901",
                                 "1" + "0" * 400, "１０００００００００００００００００", "1,000,000,000,000,000元",
                                 "1000000000000000%"])
def test_beyond_the_bound_is_refused(raw):
    with pytest.raises(Unparsed) as exc:
        parse_number(raw)
    assert exc.value.text and not any(word in exc.value.text for word in ("inf", "nan"))
    with pytest.raises(Unparsed):
        parse_score(f"{raw}分" if isinstance(raw, str) else raw)


def _unparsed_at(report: dict, cell: str) -> dict:
    found = [f for f in findings_of(report, "VALUE_UNPARSED") if f["cell"] == cell]
    assert found, (cell, [(f["code"], f["cell"]) for f in report["findings"]])
    return found[0]


@pytest.mark.parametrize("raw", HUGE)
def test_fund_table_amount_beyond_the_bound(tmp_path, raw):
    lay = build_book(tmp_path / "a.xlsx", usage=[("会议费", 1000000, 1000000, 0), ("培训费", 1070000, 1070000, 0)])
    ref = lay.cell("budget", "total")
    report = run_check(set_cells(lay.path, tmp_path, lay.sheet, {ref: raw}, "b.xlsx"))
    finding = _unparsed_at(report, ref)
    assert "超出可核算的范围" in finding["message"]


def test_amount_beyond_the_bound_only_in_its_unit(tmp_path):
    lay = build_book(tmp_path / "a.xlsx")
    ref = lay.cell("spent", "total")
    path = set_cells(lay.path, tmp_path, lay.sheet, {ref: "200,000,000亿元"}, "b.xlsx")  # 2e8 as written, 2e16 元
    assert "超出可核算的范围" in _unparsed_at(run_check(path), ref)["message"]


@pytest.mark.parametrize("raw", HUGE)
def test_usage_table_amount_beyond_the_bound(tmp_path, raw):
    lay = build_book(tmp_path / "a.xlsx", usage=[("会议费", 1000000, 1000000, 0), ("培训费", 1070000, 1070000, 0)])
    ref = lay.usage_cell("会议费", "total")
    _unparsed_at(run_check(set_cells(lay.path, tmp_path, lay.usage_sheet, {ref: raw}, "b.xlsx")), ref)


def _national(tmp_path, edits: dict[str, object]) -> dict:
    return run_check(set_cells(NATIONAL, tmp_path, "项目支出绩效自评表", edits, "national.xlsx"))


@pytest.mark.parametrize("raw", HUGE)
@pytest.mark.parametrize("ref", ["D6", "E7", "G13", "H13"])  # 全年预算数, 全年执行数, an indicator's weight and score
def test_national_form_figure_beyond_the_bound(tmp_path, raw, ref):
    _unparsed_at(_national(tmp_path, {ref: raw}), ref)


@pytest.mark.parametrize("raw", HUGE[:3])
def test_target_or_actual_beyond_the_bound_is_not_a_figure(tmp_path, raw):
    report = _national(tmp_path, {"E13": raw, "F13": raw})
    row = next(i for i in report["indicators"] if i["name"] == "维修养护工程处数")
    assert row["review_score"] is None or math.isfinite(row["review_score"])
    assert parse_measure(raw).number is None


@pytest.mark.parametrize("raw", [math.inf, -math.inf, math.nan, 1e200, "≥" + "9" * 20 + "%"])
def test_measure_beyond_the_bound_is_words(raw):
    measure = parse_measure(raw)
    assert measure.number is None and "inf" not in measure.text and "nan" not in measure.text


def test_extreme_accepted_figures_do_not_overflow(tmp_path):
    big = 999_999_999_999_999
    for raw in (big, "999,999,999,999,999", 1e-300, "0." + "0" * 300 + "1"):  # within the bound: read
        assert abs(parse_number(raw).value) < 1e15
    lay = build_book(tmp_path / "a.xlsx", usage=[("会议费", big, big, 0), ("培训费", 1e-300, 1e-300, 0)])
    wb = openpyxl.load_workbook(lay.path)
    ws = wb[lay.sheet]
    for col in ("total", "fiscal", "city"):
        ws[lay.cell("budget", col)] = 2e-6  # a denominator just over the zero threshold
        ws[lay.cell("arrived", col)] = big
        ws[lay.cell("spent", col)] = big
        ws[lay.cell("input", col)] = 1e-300
    wb.save(lay.path)
    report = run_check(lay.path)
    json.dumps(report, allow_nan=False)
    report = _national(tmp_path, {"D6": 1e-300, "E6": big, "E13": "≥0.0000001处", "F13": f"{big}处",
                                  "G13": 999_999_999, "H13": -999_999_999})
    json.dumps(report, allow_nan=False)


def test_check_of_a_folder_reports_the_bad_file_and_the_good_one(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    good = build_book(folder / "a_good.xlsx")
    bad = build_book(folder / "b_bad.xlsx")
    wb = openpyxl.load_workbook(bad.path)
    wb[bad.sheet][bad.cell("budget", "total")] = 1e200
    wb.save(bad.path)
    for name, raw in (("c_bad.xlsx", "123456789012345678901"), ("d_bad.xlsx", "1e400")):
        other = build_book(folder / name)
        wb = openpyxl.load_workbook(other.path)
        wb[other.sheet][other.cell("budget", "total")] = raw
        wb.save(other.path)
    result = run_cli("check", "--format", "json", folder)
    assert result.exception is None, result.exception
    assert "Traceback" not in result.output
    text = result.stdout
    for name in ("a_good.xlsx", "b_bad.xlsx", "c_bad.xlsx", "d_bad.xlsx"):
        assert name in text
    assert text.count("VALUE_UNPARSED") >= 3
    assert good.path.exists()


def _with_stored_value(src, dest, cell: str, token: str):
    """A copy of ``src`` whose cell ``cell`` stores ``token`` as its number (``<v>1e400</v>``: what
    openpyxl will not write, and another program may)."""
    import re
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'(<c r="' + cell.encode() + rb'"[^>]*>)<v>[^<]*</v>', rb"\1<v>" + token.encode() + b"</v>", data)
            zout.writestr(item, data)


@pytest.mark.parametrize("token,text", [("1e400", "无穷大"), ("-1e400", "负无穷大"), ("inf", "无穷大"), ("NaN", "非数值"),
                                        ("1E+308", "1e+308")])
def test_stored_number_beyond_the_bound(tmp_path, token, text):
    lay = build_book(tmp_path / "a.xlsx")
    ref = lay.cell("spent", "total")
    dest = tmp_path / "b.xlsx"
    _with_stored_value(lay.path, dest, ref, token)
    finding = _unparsed_at(run_check(dest), ref)
    assert f"“{text}”" in finding["message"]


@pytest.mark.parametrize("target", ["0." + "0" * 300 + "1", "≥0." + "0" * 300 + "1%", 1e-300])
@pytest.mark.parametrize("weight", [0.0, 10.0, 999_999_999_999_999.0])
def test_score_of_extreme_accepted_measures_is_a_number(target, weight):
    """A target nearer zero than any indicator is measured to is zero: a large actual over it is
    no infinity, and no weight times it a NaN."""
    actual = "-999999999999999"
    from xlscore.score.row import score_row

    from conftest import indicator_row

    for rule in (None, "业绩值为 100%得满分，每降低 1%扣权重分的 1%，扣完为止", "达到目标值得满分，未达到按比例得分"):
        scored = score_row(indicator_row(weight, actual, rule, target=target), None, None, None)
        assert scored.review is None or math.isfinite(scored.review)
        assert "inf" not in scored.note and "nan" not in scored.note


@pytest.mark.parametrize("raw", HUGE)
@pytest.mark.parametrize("ref", ["D3", "G3", "D4"])  # an indicator's 权重 and 评分结果, the 总计 weight
def test_scoring_table_figure_beyond_the_bound(tmp_path, raw, ref):
    lay = build_book(tmp_path / "a.xlsx")
    wb = openpyxl.load_workbook(lay.path)
    wb["自评价评分附件表"][ref] = raw
    wb.save(lay.path)
    report = run_check(lay.path)
    assert any(f["sheet"] == "自评价评分附件表" and f["cell"] == ref for f in findings_of(report, "VALUE_UNPARSED"))
    json.dumps(report, allow_nan=False)
