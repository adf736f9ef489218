"""xlscore.read.textnum: the numbers and units departments type into workbooks."""

from __future__ import annotations

import math

import pytest

from xlscore.read.textnum import (
    Parsed,
    Unparsed,
    clean,
    decimals_of,
    declared_unit,
    fmt_amount,
    fmt_rate,
    norm,
    parse_number,
    parse_year,
    unit_factor,
)


@pytest.mark.parametrize("raw, value, factor, percent, decimals", [
    (2070000, 2070000, None, False, 0),
    (107.49, 107.49, None, False, 2),
    (0.6499, 0.6499, None, False, 4),
    ("2,070,000", 2070000, None, False, 0),
    ("２，０７０，０００", 2070000, None, False, 0),
    ("724,657元", 724657, 1, False, 0),
    ("7,309.62万元", 7309.62, 10000, False, 2),
    ("207万元", 207, 10000, False, 0),
    ("3千元", 3, 1000, False, 0),
    ("1.5亿元", 1.5, 100_000_000, False, 1),
    ("107.49%", 107.49, None, True, 2),
    ("１００％", 100, None, True, 0),
    ("１０７．４９％", 107.49, None, True, 2),
    ("100 %", 100, None, True, 0),
    ("(1,234)", -1234, None, False, 0),
    ("（1,234）", -1234, None, False, 0),
    ("－5000", -5000, None, False, 0),
    ("−5000", -5000, None, False, 0),
    ("¥1,000", 1000, None, False, 0),
    ("￥1,000.50", 1000.5, None, False, 2),
    ("+5", 5, None, False, 0),
    (".5", 0.5, None, False, 1),
    ("0.00", 0, None, False, 2),
    (" 2 070 000 ", 2070000, None, False, 0),
    ("2,070,000.00 元", 2070000, 1, False, 2),
])
def test_parse_number(raw, value, factor, percent, decimals):
    parsed = parse_number(raw)
    assert parsed.value == pytest.approx(value)
    assert parsed.factor == factor
    assert parsed.percent is percent
    assert parsed.decimals == decimals
    assert not parsed.blank


@pytest.mark.parametrize("raw", [None, "", "   ", "-", "—", "——", "–", "－", "/", "／", "无", "空", "N/A", "n/a", "none"])
def test_blank_marks(raw):
    parsed = parse_number(raw)
    assert parsed.blank and parsed.value is None
    assert parsed == Parsed(None)


@pytest.mark.parametrize("raw", ["约200万", "见附件", "1.2.3", "1e5", "NaN", "inf", "人民币100元", "abc", True, False,
                                 float("nan"), float("inf")])
def test_unparsed(raw):
    with pytest.raises(Unparsed) as info:
        parse_number(raw)
    # a stored NaN or infinity is named in Chinese (the message quotes it), every other as written
    assert info.value.text == ({"nan": "非数值", "inf": "无穷大"}.get(str(raw), str(raw)) if isinstance(raw, float) else str(raw))


def test_zero_is_not_blank():
    assert parse_number(0).value == 0 and not parse_number(0).blank
    assert parse_number("0").value == 0 and not parse_number("0").blank


@pytest.mark.parametrize("text, unit", [
    ("单位：万元", "万元"),
    ("单位:万元", "万元"),
    ("单位 ：万元", "万元"),
    ("（单位：万元）", "万元"),
    ("(单位:万元)", "万元"),
    ("金额单位：万元", "万元"),
    ("单位：人民币万元", "万元"),
    ("（单位：元）", "元"),
    ("单位：元", "元"),
    ("单位：人民币元", "元"),
    ("资金情况（单位：元）", "元"),
    ("合计（万元）", "万元"),
    ("(万元)", "万元"),
    ("单位：千元", "千元"),
    ("单位：亿元", "亿元"),
    ("（单位：万元、%）", "万元"),
])
def test_declared_unit(text, unit):
    assert declared_unit(text) == unit


@pytest.mark.parametrize("text", ["单位名称：郑州市工业和信息化局", "单位：个", "合计", "预算安排", "", None, "项目名称：XX专项资金"])
def test_no_declared_unit(text):
    assert declared_unit(text) is None


def test_unit_factor():
    assert unit_factor("元") == 1
    assert unit_factor("万元") == 10_000
    assert unit_factor("千元") == 1_000
    assert unit_factor("亿元") == 100_000_000


def test_norm_and_clean():
    assert norm("资金实际\n支出率（%）") == "资金实际支出率(%)"
    assert norm("１００％") == "100%"
    assert norm(None) == ""
    assert clean("  会议费\u3000 ") == "会议费"
    assert clean(2021.0) == "2021"
    assert clean(None) == ""


@pytest.mark.parametrize("number, decimals", [(107.49, 2), (100.0, 0), (0.6499, 4), (0.1 + 0.2, 1), (1e-7, 0)])
def test_decimals_of(number, decimals):
    assert decimals_of(number) == decimals


@pytest.mark.parametrize("raw, year", [(2021, 2021), (2021.0, 2021), ("2021", 2021), ("2021年", 2021),
                                       ("2021年度", 2021), ("２０２１年", 2021), (2021.5, None), (1200, None),
                                       ("无", None), (None, None)])
def test_parse_year(raw, year):
    assert parse_year(raw) == year


def test_formatting():
    assert fmt_amount(73096200) == "73,096,200"
    assert fmt_amount(1234.5) == "1,234.50"
    assert fmt_amount(None) == "空"
    assert fmt_rate(107.49) == "107.49%"
    assert fmt_rate(64.99242) == "64.99%"
    assert fmt_rate(None) == "空"
    assert not math.isnan(parse_number("0.00").value)
