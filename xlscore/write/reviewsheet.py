"""The 复核结果 sheet placed first in an annotated copy: who and what, the totals and grades, the
fund figures recomputed beside the stated ones, every indicator's review, every finding with a
link to its cell, the colour legend, and a line for the reviewer's signature."""

from __future__ import annotations

import copy

from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange

from ..findings.catalog import SEVERITY_ZH
from ..findings.report import Report
from ..read.book import REVIEW_SHEET
from ..tables.labels import AMOUNT_ROWS, RATE_ROWS, ROW_ZH
from .convert import put

FILLS = {  # the same three everywhere: cells flagged in the copy, the legend, the findings table
    "error": PatternFill("solid", fgColor="FFC7CE"),
    "warning": PatternFill("solid", fgColor="FFEB9C"),
    "info": PatternFill("solid", fgColor="DDEBF7"),
}
HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WIDTHS = (6, 22, 15, 22, 20, 10, 52)
TITLE = "项目支出绩效自评复核结果（xlscore）"


class _Writer:
    def __init__(self, ws):
        self.ws = ws
        self.row = 1
        self._styles: dict[tuple, object] = {}  # style signature -> the first styled cell's StyleArray

    def cell(self, col: int, value, *, style: str = "", fill=None, fmt: str | None = None):
        cell = self.ws.cell(row=self.row, column=col)
        put(cell, value)
        signature = (style, id(fill), fmt)
        if signature in self._styles:  # assigning style objects is slow in openpyxl; reuse the index
            cell._style = copy.copy(self._styles[signature])
            return cell
        self._apply(cell, style, fill, fmt)
        self._styles[signature] = copy.copy(cell._style)
        return cell

    @staticmethod
    def _apply(cell, style: str, fill, fmt: str | None) -> None:
        if "box" in style:
            cell.border = BOX
        if "bold" in style:
            cell.font = BOLD
        cell.alignment = CENTER if "center" in style else WRAP
        if fill is not None:
            cell.fill = fill
        if fmt:
            cell.number_format = fmt

    def merge(self, first: int, last: int) -> None:
        """Merge this row's columns ``first``..``last``, of which only the first is written yet. The
        covered cells take the first cell's style whole, so its border shows on every edge of the
        merged cell (openpyxl's ``merge_cells`` rebuilds each edge cell's border and protection
        through its style tables instead: about a quarter of the annotation work)."""
        ws, row = self.ws, self.row
        ws.merged_cells.add(MergedCellRange(ws, f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row}"))
        style = ws.cell(row=row, column=first)._style
        for col in range(first + 1, last + 1):
            cell = MergedCell(ws, row=row, column=col)
            cell._style = copy.copy(style)
            ws._cells[(row, col)] = cell

    def header(self, labels: list[str]) -> None:
        for col, label in enumerate(labels, 1):
            self.cell(col, label, style="box bold center", fill=HEAD_FILL)
        self.row += 1

    def section(self, title: str) -> None:
        self.row += 1
        self.cell(1, title, style="bold")
        self.merge(1, len(WIDTHS))
        self.row += 1


def _num(value):
    return None if value is None else round(value, 2)


WITHHELD = "未评定"


def _grade(grade: dict, who: str) -> str | None:
    return grade.get(who) or (WITHHELD if grade.get(f"{who}_withheld") else None)


def _stated_grades(grade: dict) -> str | None:
    """The grades the workbook states: the scoring table's 评价等级 row and the header block's."""
    header = [g["text"] for g in grade.get("stated_header") or []]
    if not header:
        return grade.get("stated")
    parts = ([f"评分表：{grade['stated']}"] if grade.get("stated") else []) + [f"表头：{text}" for text in header]
    return "；".join(parts)


def _total_note(totals: dict) -> str:
    if totals.get("review_complete", True):
        return ""
    names = totals.get("unreviewed") or []
    note = f"{len(names)} 项指标需人工评分，复核总分未含这些指标"
    span = totals.get("review_range")
    return note + (f"；人工复核后总分在 {span[0]:.2f}–{span[1]:.2f} 分之间" if span else "")


def _grade_note(grade: dict) -> str:
    """Why a grade is not given (自评 / 复核), for the 说明 column."""
    reasons = [grade.get("self_withheld"), grade.get("review_withheld")]
    return "；".join(dict.fromkeys(reason for reason in reasons if reason))


def build(workbook, report: Report, dropped: list[str], title: str = REVIEW_SHEET) -> None:
    ws = workbook.create_sheet(title, 0)
    for col, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    w = _Writer(ws)
    w.cell(1, TITLE, style="bold center").font = Font(bold=True, size=14)
    w.merge(1, len(WIDTHS))
    ws.row_dimensions[1].height = 24
    w.row = 3
    project = report.project
    for label, value in (("项目名称", project.name), ("主管部门", project.department), ("年度", project.year),
                         ("来源文件", report.file), ("指标体系", report.scheme or "未识别")):
        w.cell(1, label, style="bold")
        w.merge(1, 2)
        w.cell(3, str(value) if value is not None else "—")
        w.merge(3, len(WIDTHS))
        w.row += 1

    totals, grade = report.totals or {}, report.grade or {}
    w.section("一、总分与等级")
    w.header(["", "项目", "表中填写", "自评（各项之和）", "复核", "差异", "说明"])
    diff = None
    if totals.get("review_score") is not None and totals.get("self_score") is not None:
        diff = round(totals["review_score"] - totals["self_score"], 2)
    for values in (("总分", totals.get("stated"), totals.get("self_score"), totals.get("review_score"), diff,
                    _total_note(totals)),
                   ("评价等级", _stated_grades(grade), _grade(grade, "self"), _grade(grade, "review"), None,
                    _grade_note(grade))):
        w.cell(1, None, style="box")
        for col, value in enumerate(values, 2):
            w.cell(col, value, style="box" + (" center" if 3 <= col <= 6 else ""), fmt="0.00",
                   fill=FILLS["warning"] if value == WITHHELD else None)
        w.row += 1

    w.section("二、资金安排情况（合计列；金额单位：元，比率单位：%）")
    w.header(["行次", "项目", "表中填写", "重新计算", "差额", "", "说明"])
    for index, key in enumerate((*AMOUNT_ROWS, *RATE_ROWS), 1):
        stated = (report.fund_stated.get(key) or {}).get("total")
        computed = (report.fund.get(key) or {}).get("total")
        gap = None if stated is None or computed is None else round(stated - computed, 2)
        fmt = "#,##0.00" if key in AMOUNT_ROWS else '0.00"%"'
        flagged = [f for f in report.findings if f.code.startswith("FUND") and (f.message.startswith(ROW_ZH[key])
                                                                        or f.data.get("fund_row") == key)]
        w.cell(1, f"({index})", style="box center")
        w.cell(2, ROW_ZH[key].split("(")[0], style="box")
        w.cell(3, _num(stated), style="box", fmt=fmt)
        w.cell(4, _num(computed), style="box", fmt=fmt)
        w.cell(5, gap if gap else None, style="box", fmt=fmt, fill=FILLS["error"] if gap else None)
        w.cell(6, None, style="box")
        w.cell(7, "；".join(f.code for f in flagged) or None, style="box")
        w.row += 1

    if report.indicators:
        w.section("三、指标复核")
        w.header(["序号", "三级指标", "权重", "自评得分", "复核得分", "差异", "复核说明"])
        for index, ind in enumerate(report.indicators, 1):
            gap = None
            if ind["review_score"] is not None and ind["self_score"] is not None:
                gap = round(ind["review_score"] - ind["self_score"], 2) or None
            w.cell(1, index, style="box center")
            w.cell(2, ind["name"], style="box")
            w.cell(3, ind["weight"], style="box center", fmt="0.00")
            w.cell(4, ind["self_score"], style="box center", fmt="0.00")
            w.cell(5, ind["review_score"], style="box center", fmt="0.00",
                   fill=FILLS["warning"] if ind["review_score"] is None or not ind.get("reviewed", True) else None)
            w.cell(6, gap, style="box center", fmt="0.00", fill=FILLS["error"] if gap else None)
            w.cell(7, ind["review_note"], style="box")
            w.row += 1

    w.row += 1
    w.cell(1, f"四、检查结果（共 {len(report.findings)} 项）；单元格颜色：", style="bold")
    w.merge(1, 3)
    for col, severity in zip((4, 5, 6), ("error", "warning", "info")):
        w.cell(col, SEVERITY_ZH[severity], style="box center", fill=FILLS[severity])
    w.cell(7, "点击“位置”可跳到该单元格；说明也写在该单元格的批注中")
    w.row += 1
    w.header(["序号", "代码", "严重程度", "位置", "指标", "", "说明"])
    for index, finding in enumerate(report.findings, 1):
        w.cell(1, index, style="box center")
        w.cell(2, finding.code, style="box")
        w.cell(3, SEVERITY_ZH[finding.severity], style="box center", fill=FILLS[finding.severity])
        where = w.cell(4, finding.location or "—", style="box center")
        if finding.sheet and finding.cell and finding.sheet in workbook.sheetnames:
            where.hyperlink = f"#'{finding.sheet}'!{finding.cell}"
            where.font = Font(color="0563C1", underline="single")
        w.cell(5, finding.indicator, style="box")
        w.merge(5, 6)
        w.cell(7, finding.message, style="box")
        w.row += 1
    if dropped:
        w.row += 1
        w.cell(1, "副本未能保留原工作簿中的：" + "、".join(dropped) + "。请对照原件查看。", style="bold")
        w.merge(1, len(WIDTHS))
        w.row += 1
    w.row += 2
    w.cell(1, "复核人（签字）：____________________        复核日期：______年____月____日")
    w.merge(1, len(WIDTHS))
