"""The national form (财预〔2020〕10号 项目支出绩效自评表) as a template, blank or filled.

One sheet laid out like the Ministry's form: header, the budget block in 万元 (inputs for 年初预算数,
全年预算数, 全年执行数 of 当年财政拨款 / 上年结转资金 / 其他资金; formulas for 年度资金总额, 执行率 and
得分 = 执行率 × 分值 capped at the 分值), 年度总体目标, and the indicator table with rows under each
一级/二级 heading, 总分 and 自评等级 as formulas. Same guard rails as the other templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..read.cellref import a1
from .common import TEXT_CHECK, Fill, finish, guide_sheet
from .sheetmodel import SheetModel

SHEET = "项目支出绩效自评表"
BUDGET_ROWS = (("total", "年度资金总额"), ("fiscal", "其中：当年财政拨款"), ("carryover", "上年结转资金"),
               ("other", "其他资金"))
ROWS_PER_LEVEL2 = {"数量指标": 3, "质量指标": 3}
DEFAULT_ROWS = 2
BUDGET_WEIGHT = 10


@dataclass
class NationalFill(Fill):
    """A filled national form: amounts in 万元 per budget row, the goals, and indicator rows
    (name, target, actual, weight, score, deviation) per 二级 heading."""

    implementer: str | None = None
    budget: dict[str, tuple] = field(default_factory=dict)  # row -> (年初预算数, 全年预算数, 全年执行数)
    budget_score: float | None = None
    goals: tuple[str, str] | None = None  # (预期目标, 实际完成情况)
    rows: dict[str, list[tuple]] = field(default_factory=dict)  # 二级 -> [(三级, 指标值, 完成值, 分值, 得分, 偏差原因)]


_AMOUNT = {"validate": "decimal", "criteria": ">=", "value": 0, "ignore_blank": True,
           "input_title": "金额（万元）", "input_message": "填写金额（万元），不小于 0",
           "error_title": "金额有误", "error_message": "金额必须是不小于 0 的数字（单位：万元）"}
_WEIGHT = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100, "ignore_blank": True,
           "input_title": "分值", "input_message": "该指标的分值（0–100）", "error_title": "分值有误",
           "error_message": "分值应为 0 到 100 之间的数字"}


def _score_check(row: int) -> dict:
    score, weight = a1(row, 7), a1(row, 6)
    return {"validate": "custom", "value": f"=AND(ISNUMBER({score}),{score}>=0,{score}<=N({weight}))",
            "ignore_blank": True, "input_title": "得分", "input_message": "按评分规则填写得分，不超过分值",
            "error_title": "得分有误", "error_message": "得分应为 0 到分值之间的数字"}


def national_sheet(scheme, fill: NationalFill | None) -> SheetModel:
    sheet = SheetModel(SHEET)
    sheet.widths = {0: 10, 1: 16, 2: 14, 3: 22, 4: 13, 5: 13, 6: 9, 7: 9, 8: 30}
    sheet.merge(0, 0, 0, 8, "项目支出绩效自评表", "title")
    sheet.put(1, 6, "年度", "label_bold")
    year = fill.project.get("年度") if fill else None
    sheet.merge(1, 7, 1, 8, year, "input_int")
    sheet.cells[(1, 7)].input = True
    sheet.cells[(1, 7)].validation = {"validate": "integer", "criteria": "between", "minimum": 2000, "maximum": 2100,
                                      "input_title": "年度", "input_message": "填写四位年份，如 2021",
                                      "error_title": "年度有误", "error_message": "请填写 2000–2100 之间的四位年份"}
    sheet.put(2, 0, "项目名称", "label_bold")
    sheet.merge(2, 1, 2, 8, fill.project.get("项目名称") if fill else None, "input_text")
    sheet.put(3, 0, "主管部门", "label_bold")
    sheet.merge(3, 1, 3, 3, fill.project.get("主管部门") if fill else None, "input_text")
    sheet.put(3, 4, "实施单位", "label_bold")
    sheet.merge(3, 5, 3, 8, fill.implementer if fill else None, "input_text")
    for cell in ((2, 1), (3, 1), (3, 5)):
        sheet.cells[cell].input = True
    # budget block, rows 4-8
    top = 4
    sheet.merge(top, 0, top + 4, 0, "项目资金（万元）", "level")
    for col, text in zip(range(1, 9), ("", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "")):
        sheet.put(top, col, text, "header")
    rows = {key: top + 1 + i for i, (key, _) in enumerate(BUDGET_ROWS)}
    for key, label in BUDGET_ROWS:
        r = rows[key]
        sheet.put(r, 1, label, "label")
        values = fill.budget.get(key, (None, None, None)) if fill else (None, None, None)
        for i, col in enumerate((2, 3, 4)):
            if key == "total":
                parts = ",".join(a1(rows[k], col) for k in ("fiscal", "carryover", "other"))
                sheet.formula(r, col, f'IF(COUNT({parts})=0,"",SUM({parts}))', "formula_amount")
            else:
                sheet.put(r, col, values[i], "input_amount", validation=_AMOUNT, input=True)
        full, done = a1(r, 3), a1(r, 4)
        sheet.formula(r, 6, f'IF(SUM({full})=0,"",ROUND(SUM({done})/SUM({full}),4))', "formula_percent")
        if key == "total":
            sheet.put(r, 5, BUDGET_WEIGHT, "formula_number")
            rate = a1(r, 6)
            sheet.formula(r, 7, f'IF({rate}="","",ROUND(MIN({rate},1)*{a1(r, 5)},2))', "formula_number")
        else:
            sheet.put(r, 5, "—", "center")
            sheet.put(r, 7, "—", "center")
        sheet.put(r, 8, None, "label")
    sheet.conditional.append((f"{a1(rows['total'], 6)}:{a1(rows['other'], 6)}",
                              {"type": "cell", "criteria": ">", "value": 1, "format": "warn"}))
    # goals, rows 9-10
    g = top + 5
    sheet.merge(g, 0, g + 1, 0, "年度总体目标", "level")
    sheet.merge(g, 1, g, 4, "预期目标", "header")
    sheet.merge(g, 5, g, 8, "实际完成情况", "header")
    goals = fill.goals if fill and fill.goals else (None, None)
    sheet.merge(g + 1, 1, g + 1, 4, goals[0], "input_wrap")
    sheet.merge(g + 1, 5, g + 1, 8, goals[1], "input_wrap")
    sheet.cells[(g + 1, 1)].input = sheet.cells[(g + 1, 5)].input = True
    sheet.heights[g + 1] = 60
    # indicator table
    h = g + 2
    for col, text in zip(range(1, 9), ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                                       "偏差原因分析及改进措施")):
        sheet.put(h, col, text, "header")
    sheet.title_rows = (h, h)
    r = h + 1
    first = r
    for level in scheme.level1:
        heads = [lv for lv in scheme.level2 if lv.level1 == level.name]
        if not heads:
            continue
        block = r
        for head in heads:
            items = list(fill.rows.get(head.name, [])) if fill else []
            count = max(len(items), 1) if fill else ROWS_PER_LEVEL2.get(head.name, DEFAULT_ROWS)
            start = r
            for i in range(count):
                item = items[i] if i < len(items) else (None,) * 6
                _indicator(sheet, r, item)
                r += 1
            sheet.merge(start, 2, r - 1, 2, head.name, "level")
        sheet.merge(block, 1, r - 1, 1, level.name, "level")
    last = r - 1
    sheet.merge(first - 1, 0, last, 0, "绩效指标", "level")
    weights, scores = f"{a1(first, 6)}:{a1(last, 6)}", f"{a1(first, 7)}:{a1(last, 7)}"
    total = rows["total"]
    sheet.merge(r, 0, r, 5, "总分", "header")
    sheet.formula(r, 6, f"SUM({a1(total, 5)},{weights})", "formula_number")
    sheet.formula(r, 7, f'IF(COUNT({scores})=0,"",SUM({a1(total, 7)},{scores}))', "formula_number")
    sheet.put(r, 8, None, "label")
    sheet.conditional.append((a1(r, 6), {"type": "formula", "format": "bad",  # red once weights are being filled
                                         "criteria": f"=AND(COUNT({weights})>0,ABS({a1(r, 6)}-100)>0.005)"}))
    sheet.conditional.append((scores, {"type": "formula", "criteria": f"=AND(ISNUMBER({a1(first, 7)}),"
                                       f"{a1(first, 7)}>N({a1(first, 6)}))", "format": "bad"}))
    grade = '""'
    for band in reversed(scheme.grades):
        grade = f'IF({a1(r, 7)}>={band.min:g},"{band.name}",{grade})' if band.min > 0 else f'"{band.name}"'
    sheet.merge(r + 1, 0, r + 1, 5, "自评等级", "header")
    sheet.formula(r + 1, 7, f'IF({a1(r, 7)}="","",{grade})', "formula_text")
    sheet.put(r + 1, 6, None, "label")
    sheet.put(r + 1, 8, None, "label")
    return sheet


def _indicator(sheet: SheetModel, r: int, item: tuple) -> None:
    name, target, actual, weight, score, deviation = item
    for col, value, style, check in ((3, name, "input_text", TEXT_CHECK), (4, target, "input_text", TEXT_CHECK),
                                     (5, actual, "input_text", TEXT_CHECK), (6, weight, "input_number", _WEIGHT),
                                     (7, score, "input_number", _score_check(r)),
                                     (8, deviation, "input_wrap", TEXT_CHECK)):
        sheet.put(r, col, value, style, validation=check, input=True)


def build(scheme, fill: NationalFill | None = None) -> list[SheetModel]:
    return finish([guide_sheet(scheme, fill), national_sheet(scheme, fill)])
