"""The municipal 附表 workbook of a scheme, blank or filled for the samples.

Sheets: 填表说明 (how to fill, header fields, scheme and grade bands), 资金安排情况 (inputs for the
leaf amounts, formulas for every subtotal and for rows (5)–(8)), 资金使用情况 (item rows, row and
column totals, a visible check against 实际支出(4)), 自评价评分附件表 (the scheme's indicators,
one 是/否 cell per checklist element, empty rows for the project's own indicators, totals and grade).
Input cells are unlocked, shaded and validated; everything else is locked; sheets are protected
without a password; formulas are written with their computed values.
"""

from __future__ import annotations

from ..read.cellref import a1
from ..tables.labels import FUND_COLS
from ..tables.measure import parse_measure
from .common import FUND_SHEET, SCORE_SHEET, USAGE_SHEET, Fill, IndicatorFill, finish, guide_sheet, sheet_ref
from .sheetmodel import SheetModel

FUND_LABELS = (("budget", "预算安排", "(1)"), ("input", "项目实际投入", "(2)"), ("arrived", "资金到位", "(3)"),
               ("spent", "实际支出", "(4)"), ("balance", "资金结余", "(5)=(3)-(4)"),
               ("execution_rate", "预算执行率(%)", "(6)=(3)/(1)"), ("arrival_rate", "资金到位率(%)", "(7)=(3)/(2)"),
               ("spend_rate", "资金实际支出率(%)", "(8)=(4)/(3)"))
FUND_TOP = 4  # first data row (0-based); header rows 2-3
FUND_COL = {key: 2 + i for i, key in enumerate(FUND_COLS)}  # total in C … social in L
LEAVES = ("central", "city", "county", "township", "self_raised", "loans", "social")
USAGE_ITEMS = 12
USAGE_TOTAL_ROW = 4  # 0-based; header rows 2-3
CUSTOM_ROWS = 8  # empty rows for a 一级 without (enough) scheme indicators
# scoring-table columns
L1, L1W, L2, L2W, NAME, WEIGHT, TARGET, ACTUAL, SCORE, RULE, SOURCE, R_ACTUAL, R_SCORE, R_NOTE = range(14)
SCORE_HEADERS = {L1: "一级指标", L2: "二级指标", NAME: "三级指标", WEIGHT: "权重", TARGET: "目标值", ACTUAL: "业绩值",
                 SCORE: "评分结果", RULE: "评分标准", SOURCE: "数据来源及支持材料（附件）", R_ACTUAL: "复核业绩值",
                 R_SCORE: "复核得分", R_NOTE: "复核说明"}
QUALITATIVE_PREFIXES = ("", "基本", "部分", "未")


# --- 资金安排情况 ------------------------------------------------------------------------------

def fund_sheet(fill: Fill | None) -> SheetModel:
    sheet = SheetModel(FUND_SHEET)
    sheet.widths = {0: 18, 1: 12, **{c: 13 for c in range(2, 12)}}
    sheet.merge(0, 0, 0, 11, "资金安排情况", "title")
    sheet.put(1, 11, "单位：元", "unit")
    sheet.merge(2, 0, 3, 0, "项目", "header")
    sheet.merge(2, 1, 3, 1, "行次", "header")
    sheet.merge(2, 2, 3, 2, "合计", "header")
    sheet.merge(2, 3, 2, 7, "财政资金", "header")
    sheet.merge(2, 8, 2, 11, "其他资金", "header")
    for c, text in zip(range(3, 12), ("小计", "中央级", "市级", "区县级", "乡镇级", "小计", "单位自筹", "银行贷款等", "社会资本")):
        sheet.put(3, c, text, "header")
    sheet.title_rows = (2, 3)
    rows = {key: FUND_TOP + i for i, (key, _, _) in enumerate(FUND_LABELS)}
    amount_check = {"validate": "decimal", "criteria": ">=", "value": 0, "ignore_blank": True,
                    "input_title": "金额（元）", "input_message": "填写金额（元），不小于 0；没有的留空",
                    "error_title": "金额有误", "error_message": "金额必须是不小于 0 的数字（单位：元）"}
    for key, label, code in FUND_LABELS:
        r = rows[key]
        sheet.put(r, 0, label, "label")
        sheet.put(r, 1, code, "center")
        if key in ("budget", "input", "arrived", "spent"):
            for col in LEAVES:
                value = (fill.fund.get(key, {}).get(col) if fill else None)
                sheet.put(r, FUND_COL[col], value, "input_amount", validation=amount_check, input=True)
            d, e, h, i, j, l_ = (a1(r, FUND_COL[k]) for k in ("fiscal", "central", "township", "other", "self_raised", "social"))
            sheet.formula(r, FUND_COL["fiscal"], f'IF(COUNT({e}:{h})=0,"",SUM({e}:{h}))', "formula_amount")
            sheet.formula(r, FUND_COL["other"], f'IF(COUNT({j}:{l_})=0,"",SUM({j}:{l_}))', "formula_amount")
            sheet.formula(r, FUND_COL["total"], f'IF(COUNT({d},{i})=0,"",SUM({d},{i}))', "formula_amount")
        elif key == "balance":
            for col in FUND_COLS:
                c = FUND_COL[col]
                arrived, spent = a1(rows["arrived"], c), a1(rows["spent"], c)
                sheet.formula(r, c, f'IF(COUNT({arrived},{spent})=0,"",SUM({arrived})-SUM({spent}))', "formula_amount")
        else:
            num, den = {"execution_rate": ("arrived", "budget"), "arrival_rate": ("arrived", "input"),
                        "spend_rate": ("spent", "arrived")}[key]
            for col in FUND_COLS:
                c = FUND_COL[col]
                n, d_ = a1(rows[num], c), a1(rows[den], c)
                sheet.formula(r, c, f'IF(SUM({d_})=0,"",ROUND(SUM({n})/SUM({d_})*100,2))', "formula_rate")
    first, last = a1(rows["execution_rate"], 2), a1(rows["spend_rate"], 11)
    sheet.conditional.append((f"{first}:{last}", {"type": "cell", "criteria": ">", "value": 100, "format": "warn"}))
    sheet.conditional.append((f"{a1(rows['balance'], 2)}:{a1(rows['balance'], 11)}",
                              {"type": "cell", "criteria": "<", "value": 0, "format": "bad"}))
    note = rows["spend_rate"] + 2
    sheet.merge(note, 0, note, 11, "比率超过 100%（黄色）或资金结余为负（红色）时，请在下方写明原因；"
                "资金实际支出率偏低的，请写明结余原因。", "note")
    sheet.put(note + 1, 0, "结余原因：", "label_bold")
    sheet.merge(note + 1, 1, note + 1, 11, None, "input_text")
    sheet.cells[(note + 1, 1)].input = True
    sheet.heights[note + 1] = 45
    return sheet


# --- 资金使用情况 ------------------------------------------------------------------------------

def usage_sheet(fill: Fill | None) -> SheetModel:
    sheet = SheetModel(USAGE_SHEET)
    sheet.widths = {0: 24, 1: 16, 2: 16, 3: 16, 4: 16}
    sheet.merge(0, 0, 0, 4, "资金使用情况", "title")
    sheet.merge(2, 0, 3, 0, "项目支出内容", "header")
    sheet.merge(2, 1, 2, 3, "资金情况（单位：元）", "header")
    sheet.merge(2, 4, 3, 4, "财政资金专款专用数", "header")
    for c, text in zip((1, 2, 3), ("合计", "财政资金支出数", "其他资金支出数")):
        sheet.put(3, c, text, "header")
    sheet.title_rows = (2, 3)
    top = USAGE_TOTAL_ROW
    first, last = top + 1, top + USAGE_ITEMS
    sheet.put(top, 0, "合计", "label_bold")
    for c in (1, 2, 3, 4):
        rng = f"{a1(first, c)}:{a1(last, c)}"
        sheet.formula(top, c, f'IF(COUNT({rng})=0,"",SUM({rng}))', "formula_amount")
    amount = {"validate": "decimal", "criteria": ">=", "value": 0, "ignore_blank": True,
              "input_title": "金额（元）", "input_message": "填写该项支出金额（元），不小于 0",
              "error_title": "金额有误", "error_message": "金额必须是不小于 0 的数字（单位：元）"}
    items = list(fill.usage) if fill else []
    for i in range(USAGE_ITEMS):
        r = first + i
        item = items[i] if i < len(items) else (None, None, None, None)
        sheet.put(r, 0, item[0], "input_text", input=True, validation={
            "validate": "length", "criteria": "<=", "value": 100, "ignore_blank": True,
            "input_title": "支出内容", "input_message": "填写支出内容，如 会议费、培训费",
            "error_title": "内容过长", "error_message": "支出内容不超过 100 个字"})
        for c, value in zip((2, 3, 4), item[1:4]):
            sheet.put(r, c, value, "input_amount", validation=amount, input=True)
        sheet.formula(r, 1, f'IF(COUNT({a1(r, 2)}:{a1(r, 3)})=0,"",SUM({a1(r, 2)}:{a1(r, 3)}))', "formula_amount")
    check = last + 2
    spent = sheet_ref(FUND_SHEET, FUND_TOP + 3, FUND_COL["total"])
    sheet.put(check, 0, "核对：合计 − 实际支出(4)", "label_bold")
    sheet.formula(check, 1, f'IF(COUNT({a1(top, 1)},{spent})=0,"",SUM({a1(top, 1)})-SUM({spent}))', "formula_amount")
    sheet.merge(check, 2, check, 4, "差额应为 0；不为 0 时标红，请核对各项支出或资金安排情况表的实际支出", "note")
    sheet.conditional.append((a1(check, 1), {"type": "cell", "criteria": "not between", "minimum": -0.005,
                                             "maximum": 0.005, "format": "bad"}))
    return sheet


# --- 自评价评分附件表 --------------------------------------------------------------------------

def _score_validation(row: int) -> dict:
    weight, score = a1(row, WEIGHT), a1(row, SCORE)
    return {"validate": "custom", "value": f"=AND(ISNUMBER({score}),{score}>=0,{score}<=N({weight}))",
            "ignore_blank": True, "input_title": "评分结果", "input_message": "按评分标准填写得分，不超过权重",
            "error_title": "得分有误", "error_message": "得分应为 0 到权重之间的数字"}


_WEIGHT_CHECK = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100, "ignore_blank": True,
                 "input_title": "权重", "input_message": "填写该指标的权重（分值），0–100",
                 "error_title": "权重有误", "error_message": "权重应为 0 到 100 之间的数字"}


def _target_cell(spec) -> tuple[object, str]:
    if not spec.target:
        return None, "input_text"
    measure = parse_measure(spec.target)
    if measure.percent and measure.op is None:
        return measure.number / 100, "locked_percent"
    return spec.target, "locked_text"


def _actual_validation(spec) -> dict | None:
    if not spec.target:
        return None
    measure = parse_measure(spec.target)
    if measure.number is not None:
        return {"validate": "decimal", "criteria": ">=", "value": 0, "ignore_blank": True,
                "input_title": "业绩值", "input_message": f"填写实际完成值（目标 {spec.target}）",
                "error_title": "业绩值有误", "error_message": "业绩值应为不小于 0 的数字（百分比直接输入，如 98%）"}
    words = [f"{p}{spec.target}" for p in QUALITATIVE_PREFIXES]
    return {"validate": "list", "source": words, "input_title": "业绩值",
            "input_message": f"从列表中选择（目标：{spec.target}）", "error_title": "业绩值有误",
            "error_message": "请从下拉列表中选择"}


def score_sheet(scheme, fill: Fill | None) -> SheetModel:
    sheet = SheetModel(SCORE_SHEET)
    sheet.widths = {L1: 10, L1W: 6, L2: 10, L2W: 6, NAME: 16, WEIGHT: 7, TARGET: 10, ACTUAL: 30, SCORE: 8,
                    RULE: 26, SOURCE: 24, R_ACTUAL: 10, R_SCORE: 8, R_NOTE: 26}
    sheet.merge(0, 0, 0, R_NOTE, "附表1.自评价评分附件表", "title")
    sheet.merge(1, L1, 1, L1W, SCORE_HEADERS[L1], "header")
    sheet.merge(1, L2, 1, L2W, SCORE_HEADERS[L2], "header")
    for col, text in SCORE_HEADERS.items():
        if col not in (L1, L2):
            sheet.put(1, col, text, "header")
    sheet.title_rows = (1, 1)
    row = 2
    first_row = row
    blank = fill is None or not (fill.indicators or fill.custom)  # a form to be filled, not a filled one
    fills = {} if blank else fill.indicators
    # The scheme's usual weights are written in only where they make a complete table (every
    # indicator used, weights adding up); otherwise the department chooses and weighs its own.
    complete = all(
        abs(sum(s.weight or 0 for s in scheme.indicators if s.level1 == lv.name) - (lv.weight or 0)) < 0.005
        for lv in scheme.level1)
    for level in scheme.level1:
        block_top = row
        specs = [s for s in scheme.indicators if s.level1 == level.name]
        spans: list[tuple[str | None, int, int]] = []
        for spec in specs:
            start = row
            row = _scheme_rows(sheet, scheme, spec, fills.get(spec.name), row, blank and complete)
            spans.append((spec.level2, start, row - 1))
        _level2_cells(sheet, scheme, spans)
        own = [] if blank else fill.custom.get(level.name, [])
        blank_rows = (CUSTOM_ROWS if len(specs) < 4 else 2) if blank else 0
        for item in [*own, *([None] * blank_rows)]:
            row = _custom_row(sheet, item, row)
        if row == block_top:
            continue
        sheet.merge(block_top, L1, row - 1, L1, level.name, "level")
        sheet.merge(block_top, L1W, row - 1, L1W, level.weight, "level_number")
    last = row - 1
    weights, scores = f"{a1(first_row, WEIGHT)}:{a1(last, WEIGHT)}", f"{a1(first_row, SCORE)}:{a1(last, SCORE)}"
    sheet.merge(row, L1, row, NAME, "总计", "header")
    sheet.formula(row, WEIGHT, f"SUM({weights})", "formula_number")
    sheet.formula(row, SCORE, f'IF(COUNT({scores})=0,"",SUM({scores}))', "formula_number")
    sheet.conditional.append((a1(row, WEIGHT), {"type": "formula", "format": "bad",  # red once scores are filled
                                                "criteria": f"=AND(COUNT({scores})>0,ABS({a1(row, WEIGHT)}-100)>0.005)"}))
    total = a1(row, SCORE)
    grade = '""'
    for band in reversed(scheme.grades):
        grade = f'IF({total}>={band.min:g},"{band.name}",{grade})' if band.min > 0 else f'"{band.name}"'
    sheet.merge(row + 1, L1, row + 1, NAME, "评价等级", "header")
    sheet.formula(row + 1, SCORE, f'IF({total}="","",{grade})', "formula_text")
    sheet.conditional.append((f"{a1(first_row, SCORE)}:{a1(last, SCORE)}",
                              {"type": "formula", "criteria": f"=AND(ISNUMBER({a1(first_row, SCORE)}),"
                               f"{a1(first_row, SCORE)}>N({a1(first_row, WEIGHT)}))", "format": "bad"}))
    return sheet


def _level2_cells(sheet: SheetModel, scheme, spans: list[tuple[str | None, int, int]]) -> None:
    """A scheme's named 二级 (name and weight) merged over its indicators' rows, locked."""
    weights = {level.name: level.weight for level in scheme.level2}
    i = 0
    while i < len(spans):
        name, start, end = spans[i]
        j = i
        while j + 1 < len(spans) and spans[j + 1][0] == name:
            j += 1
        end = spans[j][2]
        if name is not None:
            sheet.merge(start, L2, end, L2, name, "level")
            sheet.merge(start, L2W, end, L2W, weights.get(name), "level_number")
        i = j + 1


def _common(sheet: SheetModel, row: int, end: int, spec_fill: IndicatorFill | None, weight_default, blank: bool) -> None:
    """The cells every indicator has: weight, score, source, 二级 weight, review columns."""
    weight = spec_fill.weight if spec_fill else (weight_default if blank else None)
    for col, value, style, extra in (
        (WEIGHT, weight, "input_number", {"validation": _WEIGHT_CHECK}),
        (SCORE, spec_fill.score if spec_fill else None, "input_number", {"validation": _score_validation(row)}),
        (SOURCE, spec_fill.source if spec_fill else None, "input_wrap", {}),
        (L2W, spec_fill.level2_weight if spec_fill else None, "input_number", {"validation": _WEIGHT_CHECK}),
    ):
        if end > row:
            sheet.merge(row, col, end, col, value, style)
            sheet.cells[(row, col)].input = True
            sheet.cells[(row, col)].validation = extra.get("validation")
        else:
            sheet.put(row, col, value, style, input=True, **extra)
    for col in (L2, R_ACTUAL, R_SCORE, R_NOTE):
        if end > row:
            sheet.merge(row, col, end, col, None, "review" if col != L2 else "input_text")
        else:
            sheet.put(row, col, None, "review" if col != L2 else "input_text")
        if col == L2:
            sheet.cells[(row, col)].input = True


def _scheme_rows(sheet: SheetModel, scheme, spec, spec_fill: IndicatorFill | None, row: int, blank: bool) -> int:
    elements = list(spec.elements)
    end = row + len(elements)
    if end > row:
        sheet.merge(row, NAME, end, NAME, spec.name, "name")
        sheet.merge(row, RULE, end, RULE, spec.rule, "wrap_locked")
    else:
        sheet.put(row, NAME, spec.name, "name")
        sheet.put(row, RULE, spec.rule, "wrap_locked")
    _common(sheet, row, end, spec_fill, spec.weight, blank)
    target, style = _target_cell(spec)
    if elements:
        sheet.put(row, TARGET, spec.target, "locked_text")
        parts = []
        for i, element in enumerate(elements, 1):
            r = row + i
            met = None
            if spec_fill is not None and spec_fill.elements is not None:
                met = "是" if spec_fill.elements[i - 1] else "否"
            sheet.put(r, TARGET, met, "input_choice", input=True, validation={
                "validate": "list", "source": ["是", "否"], "input_title": f"要素{i}",
                "input_message": "具备该要素选“是”，否则选“否”", "error_title": "请选择", "error_message": "只能选择“是”或“否”"})
            sheet.put(r, ACTUAL, f"要素{i}：{element}", "element")
            text = element.replace('"', '""')
            parts.append(f'IF({a1(r, TARGET)}="是","{text};","")')
        sheet.formula(row, ACTUAL, "&".join(parts), "formula_wrap")
        return end + 1
    if spec.fund_row in ("execution_rate", "arrival_rate", "spend_rate"):
        index = [key for key, _, _ in FUND_LABELS].index(spec.fund_row)
        ref = sheet_ref(FUND_SHEET, FUND_TOP + index, FUND_COL["total"])
        sheet.put(row, TARGET, target, style, input=target is None)
        sheet.formula(row, ACTUAL, f'IF({ref}="","",{ref}/100)', "formula_percent")
        return row + 1
    sheet.put(row, TARGET, target, style, input=target is None)
    actual = spec_fill.actual if spec_fill else None
    actual_style = "input_percent" if style == "locked_percent" else "input_text"
    sheet.put(row, ACTUAL, actual, actual_style, input=True, validation=_actual_validation(spec))
    return row + 1


def _custom_row(sheet: SheetModel, item: IndicatorFill | None, row: int) -> int:
    sheet.put(row, NAME, item.name if item else None, "input_text", input=True)
    _common(sheet, row, row, item, None, False)
    target, actual = (item.target, item.actual) if item else (None, None)
    for col, value in ((TARGET, target), (ACTUAL, actual)):
        sheet.put(row, col, value, "input_text" if not isinstance(value, (int, float)) else "input_number", input=True)
    sheet.put(row, RULE, item.rule if item else None, "input_wrap", input=True)
    return row + 1


def build(scheme, fill: Fill | None = None) -> list[SheetModel]:
    return finish([guide_sheet(scheme, fill), fund_sheet(fill), usage_sheet(fill), score_sheet(scheme, fill)])
