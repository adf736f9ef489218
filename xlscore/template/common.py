"""What the blank 附表 workbooks of every scheme share: the filled-in values a sample carries
(:class:`Fill`), the 填表说明 sheet, the finishing of a workbook (formulas computed, row heights
fitted, every input validated), and the sheet names of the municipal 附表.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..read.cellref import a1
from ..write.printsetup import lines_needed
from .sheetmodel import SheetModel, evaluate_all

FUND_SHEET, USAGE_SHEET, SCORE_SHEET, GUIDE_SHEET = "资金安排情况", "资金使用情况", "自评价评分附件表", "填表说明"
HEADER_FIELDS = ("项目名称", "主管部门", "实施单位", "年度", "联系人", "联系电话", "填报日期")


@dataclass
class IndicatorFill:
    """What a department writes for one indicator."""

    weight: float | None = None
    level2_weight: float | None = None
    elements: list[bool] | None = None  # 是/否 per element, for checklist indicators
    actual: object = None
    score: float | None = None
    source: str | None = None
    # for the project's own indicators only
    name: str | None = None
    target: object = None
    rule: str | None = None


@dataclass
class Fill:
    project: dict[str, object] = field(default_factory=dict)  # HEADER_FIELDS -> value
    fund: dict[str, dict[str, float]] = field(default_factory=dict)  # row -> leaf column -> 元
    usage: list[tuple] = field(default_factory=list)  # (item, fiscal, other, earmarked)
    indicators: dict[str, IndicatorFill] = field(default_factory=dict)  # scheme indicator name -> fill
    custom: dict[str, list[IndicatorFill]] = field(default_factory=dict)  # 一级 name -> own indicators
    remark: str | None = None  # a note printed on the 填表说明 sheet (e.g. that a sample's figures are made up)


def sheet_ref(sheet: str, row: int, col: int) -> str:
    return f"'{sheet}'!{a1(row, col)}"


# --- 填表说明 ----------------------------------------------------------------------------------

NOTES_ANNEX = [
    "1. 只需填写浅黄色底纹的单元格；灰色单元格为标题或公式，已锁定（工作表保护没有密码）。",
    "2. 资金安排情况：按资金来源填写预算安排、项目实际投入、资金到位、实际支出的各级金额（单位：元）；"
    "小计、合计、资金结余和各项比率自动计算。比率超过 100% 会标黄，请在表下说明原因。",
    "3. 资金使用情况：逐项填写支出内容及财政资金、其他资金支出数；合计自动计算，并与实际支出(4)核对，差额不为 0 时标红。",
    "4. 自评价评分附件表：要素类指标逐个要素选择“是/否”，业绩值自动汇总；其他指标填写业绩值、评分结果和数据来源；"
    "本项目的产出、效果指标填在空行中。权重合计不为 100 或得分超过权重时标红。",
    "5. 复核业绩值、复核得分、复核说明三列由财政部门填写。",
]
NOTES_NATIONAL = [
    "1. 只需填写浅黄色底纹的单元格；灰色单元格为标题或公式，已锁定（工作表保护没有密码）。",
    "2. 项目资金（万元）：填写当年财政拨款、上年结转资金、其他资金的年初预算数、全年预算数、全年执行数；"
    "年度资金总额、执行率（全年执行数 ÷ 全年预算数）和得分（执行率 × 分值 10，不超过 10）自动计算。",
    "3. 绩效指标：在各二级指标下填写三级指标、年度指标值、实际完成值、分值和得分；产出指标 50 分、效益指标 30 分、"
    "满意度指标 10 分，连同预算执行率 10 分共 100 分。定量指标完成得满分，未完成按完成比例计分；定性指标按"
    "达成（80–100%）、部分达成（60–80%）、未达成（0–60%）计分。",
    "4. 未完成的指标须填写偏差原因分析及改进措施。总分不为 100、得分超过分值时标红。",
]


def is_national(scheme) -> bool:
    """The national form: its first-level indicators include the 预算执行率 line itself."""
    return any(level.name == "预算执行率" for level in scheme.level1)


def guide_sheet(scheme, fill: Fill | None) -> SheetModel:
    sheet = SheetModel(GUIDE_SHEET)
    sheet.widths = {0: 16, 1: 60}
    form = "项目支出绩效自评表"  # a scheme titled by the form itself (national-2020) is not named twice
    title = scheme.title if scheme.title.startswith(form) else f"{form}（{scheme.title}）"
    sheet.merge(0, 0, 0, 1, title, "title")
    row = 2
    for label in () if is_national(scheme) else HEADER_FIELDS:  # the national form has its own header
        sheet.put(row, 0, label, "label_bold")
        value = (fill.project.get(label) if fill else None)
        cell = sheet.put(row, 1, value, "input_text", input=True)
        if label == "年度":
            cell.style = "input_int"
            cell.validation = {"validate": "integer", "criteria": "between", "minimum": 2000, "maximum": 2100,
                               "input_title": "年度", "input_message": "填写四位年份，如 2021",
                               "error_title": "年度有误", "error_message": "请填写 2000–2100 之间的四位年份"}
        row += 1
    row += 1
    notes = [
        "填表说明",
        *(NOTES_NATIONAL if is_national(scheme) else NOTES_ANNEX),
        f"指标体系：{scheme.id}（{scheme.title}）",
        "评价等级：" + "、".join(_band_text(scheme, i) for i in range(len(scheme.grades))),
    ]
    if fill is not None and fill.remark:
        notes.append(fill.remark)
    for i, text in enumerate(notes):
        sheet.merge(row, 0, row, 1, text, "label_bold" if i == 0 else "wrap")
        sheet.heights[row] = 15 if i == 0 or len(text) < 60 else 30
        row += 1
    return sheet


def _band_text(scheme, i: int) -> str:
    grades = scheme.grades
    band = grades[i]
    if i == 0:
        return f"{band.name}（≥{band.min:g} 分）"
    upper = grades[i - 1].min
    if band.min <= 0:
        return f"{band.name}（<{upper:g} 分）"
    return f"{band.name}（{band.min:g}–{upper:g} 分）"


def finish(sheets: list[SheetModel]) -> list[SheetModel]:
    """Compute every formula's value, fit row heights, and validate every input cell."""
    evaluate_all(sheets)
    for sheet in sheets:
        fit_heights(sheet)
        for cell in sheet.cells.values():
            if cell.input and cell.validation is None:
                cell.validation = TEXT_CHECK
    return sheets


TEXT_CHECK = {"validate": "length", "criteria": "<=", "value": 2000, "ignore_blank": True,
              "input_title": "填写文字", "input_message": "按实际情况填写（不超过 2000 字）",
              "error_title": "内容过长", "error_message": "内容不超过 2000 字"}


WRAPPING = {"wrap", "wrap_locked", "name", "element", "formula_wrap", "input_wrap", "input_text", "level", "header", "note"}
SMALL = {"wrap_locked", "element", "formula_wrap", "input_wrap"}  # 9-point text


def fit_heights(sheet: SheetModel) -> None:
    """Row heights that show each wrapped text whole (cells merged over several rows excepted)."""
    spans = {(r0, c0): (r1, c1) for r0, c0, r1, c1, _, _ in sheet.merges}
    for (row, col), cell in sheet.cells.items():
        if cell.style not in WRAPPING or not isinstance(cell.value, str) or not cell.value:
            continue
        r1, c1 = spans.get((row, col), (row, col))
        if r1 > row:
            continue
        width = sum(sheet.widths.get(c, 8.43) for c in range(col, c1 + 1))
        scale = 0.9 if cell.style in SMALL else 1.0
        height = lines_needed(cell.value, width / scale) * 15 * scale + 4
        if height > sheet.heights.get(row, 15):
            sheet.heights[row] = min(height, 409)
