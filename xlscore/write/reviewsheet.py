"""The 复核结果 sheet placed first in an annotated copy: who and what, the totals and grades, the
fund figures (or the national form's budget block) recomputed beside the stated ones, every
indicator's review, every finding numbered as its cell is marked and located by the labels on the
page, the legend of the marks, and a line for the reviewer's signature.

Everything on it is for a reader of the printed page: Chinese only (no finding codes, the scheme
by its name, the file by its name), and paged by hand — a table that goes on to the next page
has its heading and column headers written again there, and the sheet's title repeats on every
page."""

from __future__ import annotations

from pathlib import PurePath

from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange

from ..findings.catalog import CATALOG, SEVERITIES, SEVERITY_ZH
from ..findings.finding import Finding
from ..findings.report import Report
from ..read.book import REVIEW_MARK, REVIEW_SHEET
from ..read.speed import give_style, place, style_token
from ..tables.budget import ROW_ZH as BUDGET_ROW_ZH
from ..tables.budget import ROWS as BUDGET_ROWS
from ..tables.labels import AMOUNT_ROWS, RATE_ROWS, ROW_ZH
from . import marks, printsetup
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
TITLE = REVIEW_MARK  # the title is what marks the sheet as the review's (read.book skips it)
TITLE_POINTS = 24.0
WITHHELD = "未评定"
LEGEND = "有问题的单元格在副本中加框，值后注有编号（①②…），即下表的序号；框线粗细表示严重程度：错误粗、警告中、提示虚线"


class _Writer:
    """Writes the sheet row by row and pages it: a row that does not fit on what is left of the
    page starts a new one, where the open table's heading and column headers are written again."""

    def __init__(self, ws):
        self.ws = ws
        self.row = 1
        self._styles: dict[tuple, object] = {}  # style signature -> the first styled cell's StyleArray
        # every row's height is set here, so the plan is exact in Excel (and LibreOffice fits more)
        self.room = printsetup.page_room(ws, len(WIDTHS), fill=0.99)
        self.used = 0.0
        self.breaks: list[int] = []
        self.table: tuple[str, list[str]] | None = None  # the open table: its heading and headers

    # --- cells ---------------------------------------------------------------------------------
    def cell(self, col: int, value, *, style: str = "", fill=None, fmt: str | None = None):
        cell = self.ws.cell(row=self.row, column=col)
        put(cell, value)
        signature = (style, id(fill), fmt)
        if signature in self._styles:  # assigning style objects is slow in openpyxl; reuse the index
            give_style(cell, self._styles[signature])
            return cell
        self._apply(cell, style, fill, fmt)
        self._styles[signature] = style_token(cell)
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
        style = style_token(ws.cell(row=row, column=first))
        for col in range(first + 1, last + 1):
            cell = MergedCell(ws, row=row, column=col)
            give_style(cell, style)
            place(ws, cell)

    # --- rows and pages ------------------------------------------------------------------------
    @staticmethod
    def height(texts: list[tuple[int, int, object]]) -> float:
        """The height of a row holding each (first column, last column, value)."""
        points = printsetup.LINE_POINTS
        for first, last, value in texts:
            if value is None:
                continue
            width = sum(WIDTHS[first - 1:last])
            if printsetup.lines_needed(str(value), width) > 1:
                points = max(points, printsetup.text_points(str(value), width))
        return points

    def fits(self, points: float) -> bool:
        return self.used + points <= self.room or self.used <= TITLE_POINTS

    def need(self, points: float) -> None:
        """A new page unless ``points`` more fit on this one; the open table goes on there."""
        if self.fits(points):
            return
        self.breaks.append(self.row - 1)
        self.used = TITLE_POINTS  # the title row repeats on every page
        if self.table is not None:
            heading, labels = self.table
            self._heading(f"{heading}（续）")
            self._header_row(labels)

    def end(self, points: float | None = None) -> None:
        """Close the row just written, ``points`` high (one line where None)."""
        points = points or printsetup.LINE_POINTS
        self.ws.row_dimensions[self.row].height = points  # every row's: the pages are planned on them
        self.used += points
        self.row += 1

    def skip(self) -> None:
        """A blank row (none at the top of a page)."""
        if self.used > TITLE_POINTS:
            self.end()

    def line(self, specs: list[tuple], *, points: float | None = None, keep: float = 0.0) -> None:
        """One row of (column, value, style, fill, fmt, last column) cells, the last three optional;
        on the same page as the ``keep`` points that follow it."""
        texts = [(spec[0], spec[5] if len(spec) > 5 else spec[0], spec[1]) for spec in specs]
        points = points or self.height(texts)
        self.need(points + keep)
        for spec in specs:
            col, value, style = spec[:3]
            fill = spec[3] if len(spec) > 3 else None
            fmt = spec[4] if len(spec) > 4 else None
            last = spec[5] if len(spec) > 5 else col
            self.cell(col, value, style=style, fill=fill, fmt=fmt)
            if last > col:
                self.merge(col, last)
        self.end(points)

    def _heading(self, title: str) -> None:
        self.cell(1, title, style="bold")
        self.merge(1, len(WIDTHS))
        self.end()

    def _header_row(self, labels: list[str]) -> None:
        spans = _spans(labels)
        points = self.height([(first, last, label) for first, last, label in spans])
        for first, last, label in spans:
            self.cell(first, label, style="box bold center", fill=HEAD_FILL)
            if last > first:
                self.merge(first, last)
        self.end(points)

    def section(self, title: str, labels: list[str] | None, first_row: float = printsetup.LINE_POINTS) -> None:
        """A table's heading and column headers, kept on one page with its first row."""
        self.table = None
        header = self.height([(a, b, t) for a, b, t in _spans(labels)]) if labels else 0.0
        self.need(2 * printsetup.LINE_POINTS + header + first_row)
        self.skip()
        self._heading(title)
        if labels:
            self._header_row(labels)
            self.table = (title, labels)

    def close(self) -> None:
        self.table = None


def _spans(labels: list[str]) -> list[tuple[int, int, str]]:
    """(first column, last column, label) of a header whose empty labels widen the one before."""
    spans: list[list] = []
    for col, label in enumerate(labels, 1):
        if label == "" and spans and col > 1 and spans[-1][2] != "":
            spans[-1][1] = col
        else:
            spans.append([col, col, label])
    return [tuple(span) for span in spans]


def _num(value):
    return None if value is None else round(value, 2)


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


def _titled(findings: list[Finding], numbers: dict[int, str]) -> str | None:
    """Findings by number and title: ①比率超过 100%；③资金表计算不符."""
    return "；".join(f"{numbers[id(f)]}{CATALOG[f.code].title}" for f in findings) or None


def _row_of(finding: Finding) -> int | None:
    if not finding.cell:
        return None
    digits = "".join(ch for ch in finding.cell if ch.isdigit())
    return int(digits) if digits else None


def _budget_rows(report: Report) -> tuple[str | None, dict[int, str]]:
    """The sheet of the national form's budget block and its rows (1-based) by role."""
    for table in report.layout or []:
        if table.get("table") == "budget":
            part = table["parts"][0]
            return part["sheet"], {row["row"]: row["role"] for row in part.get("rows", [])}
    return None, {}


def is_budget_form(report: Report) -> bool:
    """Whether the project's money is in the national form's budget block (预算执行情况)."""
    return (report.tables or {}).get("budget") is not None or "budget_full" in (report.fund or {})


def build(workbook, report: Report, dropped: list[str], title: str = REVIEW_SHEET, *,
          scheme: str | None = None, places=None, numbers: dict[int, str] | None = None,
          messages: dict[int, str] | None = None) -> None:
    """The review sheet ``title`` at the front of ``workbook``. ``scheme`` is the scheme's Chinese
    name, ``places`` a :class:`places.Places` of the project, ``numbers`` each finding's marker
    and ``messages`` its message as printed (both by ``id``)."""
    ws = workbook.create_sheet(title, 0)
    for col, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    numbers = numbers if numbers is not None else {id(f): marks.marker(i) for i, f in enumerate(report.findings, 1)}
    messages = messages or {}
    w = _Writer(ws)
    w.cell(1, TITLE, style="bold center").font = Font(bold=True, size=14)
    w.merge(1, len(WIDTHS))
    w.end(TITLE_POINTS)
    w.skip()
    project = report.project
    for label, value in (("项目名称", project.name), ("主管部门", project.department), ("年度", project.year),
                         ("来源文件", PurePath(report.file).name if report.file else None),
                         ("指标体系", scheme or ("未识别" if not report.scheme else None))):
        w.cell(1, label, style="bold")
        w.merge(1, 2)
        w.cell(3, str(value) if value is not None else "—")
        w.merge(3, len(WIDTHS))
        w.end(w.height([(3, len(WIDTHS), value)]))

    _totals(w, report)
    if is_budget_form(report):
        _budget(w, report, numbers)
    else:
        _fund(w, report, numbers)
    if report.indicators:
        _indicators(w, report, numbers)
    lost = "副本未能保留原工作簿中的：" + "、".join(dropped) + "。请对照原件查看。" if dropped else None
    tail = 3 * printsetup.LINE_POINTS  # the signature line, two blank rows above it
    if lost:
        tail += printsetup.LINE_POINTS + w.height([(1, len(WIDTHS), lost)])
    _findings(w, report, workbook, numbers, messages, places, tail)
    if lost:
        w.skip()
        w.line([(1, lost, "bold", None, None, len(WIDTHS))])
    w.need(3 * printsetup.LINE_POINTS)
    w.skip()
    w.skip()
    w.line([(1, "复核人（签字）：____________________        复核日期：______年____月____日", "", None, None,
             len(WIDTHS))])
    printsetup.set_breaks(ws, w.breaks)


def _totals(w: _Writer, report: Report) -> None:
    totals, grade = report.totals or {}, report.grade or {}
    w.section("一、总分与等级", ["", "项目", "表中填写", "自评（各项之和）", "复核", "差异", "说明"])
    diff = None
    if totals.get("review_score") is not None and totals.get("self_score") is not None:
        diff = round(totals["review_score"] - totals["self_score"], 2)
    for values in (("总分", totals.get("stated"), totals.get("self_score"), totals.get("review_score"), diff,
                    _total_note(totals)),
                   ("评价等级", _stated_grades(grade), _grade(grade, "self"), _grade(grade, "review"), None,
                    _grade_note(grade))):
        specs = [(1, None, "box")]
        for col, value in enumerate(values, 2):
            specs.append((col, value, "box" + (" center" if 3 <= col <= 6 else ""),
                          FILLS["warning"] if value == WITHHELD else None, "0.00"))
        w.line(specs)
    w.close()


def _fund(w: _Writer, report: Report, numbers: dict[int, str]) -> None:
    w.section("二、资金安排情况（合计列；金额单位：元，比率单位：%）",
              ["行次", "项目", "表中填写", "重新计算", "差额", "", "说明"])
    for index, key in enumerate((*AMOUNT_ROWS, *RATE_ROWS), 1):
        stated = (report.fund_stated.get(key) or {}).get("total")
        computed = (report.fund.get(key) or {}).get("total")
        gap = None if stated is None or computed is None else round(stated - computed, 2)
        fmt = "#,##0.00" if key in AMOUNT_ROWS else '0.00"%"'
        flagged = [f for f in report.findings if f.code.startswith("FUND") and (f.message.startswith(ROW_ZH[key])
                                                                        or f.data.get("fund_row") == key)]
        w.line([(1, f"({index})", "box center"), (2, ROW_ZH[key].split("(")[0], "box"),
                (3, _num(stated), "box", None, fmt), (4, _num(computed), "box", None, fmt),
                (5, gap if gap else None, "box", FILLS["error"] if gap else None, fmt, 6),
                (7, _titled(flagged, numbers), "box")])
    w.close()


def _budget(w: _Writer, report: Report, numbers: dict[int, str]) -> None:
    """The national form's 预算执行情况: each line's budgets, spending and rate as stated, the rate
    recomputed where it differs, and the 预算执行率 line's score."""
    unit = report.unit or "元"
    w.section(f"二、预算执行情况（金额单位：{unit}，执行率单位：%）",
              ["", "资金", "年初预算数", "全年预算数", "全年执行数", "执行率", "说明"])
    sheet, rows = _budget_rows(report)
    role_of = {row: role for row, role in rows.items()}
    on_block = [f for f in report.findings if f.sheet == sheet and _row_of(f) in role_of]
    stated, fund = report.fund_stated or {}, report.fund or {}
    for key in BUDGET_ROWS:
        figures = [(stated.get(col) or {}).get(key) for col in ("budget_initial", "budget_full", "executed")]
        rate = (stated.get("rate") or {}).get(key)
        computed = (fund.get("rate") or {}).get(key)
        notes = []
        if computed is not None and (rate is None or abs(rate - computed) > 0.005):
            notes.append(f"执行率重新计算为 {computed:.2f}%")
        flagged = _titled([f for f in on_block if role_of.get(_row_of(f)) == key], numbers)
        if flagged:
            notes.append(flagged)
        differs = computed is not None and rate is not None and abs(rate - computed) > 0.005
        w.line([(1, None, "box"), (2, BUDGET_ROW_ZH[key], "box"),
                *[(col, _num(value), "box", None, "#,##0.00") for col, value in zip((3, 4, 5), figures)],
                (6, _num(rate if rate is not None else computed), "box center",
                 FILLS["error"] if differs else None, '0.00"%"'),
                (7, "；".join(notes) or None, "box")])
    weight = next((ind["weight"] for ind in report.indicators or []
                   if ind.get("sheet") == sheet and ind.get("row") in role_of), None)
    said = (stated.get("score") or {}).get("total")
    score = (fund.get("score") or {}).get("total")
    parts = [f"分值 {weight:.2f}" if weight is not None else None,
             f"表中填写 {said:.2f}" if said is not None else "表中未填写",
             f"重新计算 {score:.2f}" if score is not None else None]
    gap = said is not None and score is not None and abs(said - score) > 0.005
    w.line([(1, None, "box"), (2, "预算执行率得分", "box"),
            (3, "，".join(p for p in parts if p), "box", FILLS["error"] if gap else None, None, 6),
            (7, "得分 = 执行率 × 分值，不超过分值", "box")])
    w.close()


def _indicators(w: _Writer, report: Report, numbers: dict[int, str]) -> None:
    w.section("三、指标复核", ["序号", "三级指标", "权重", "自评得分", "复核得分", "差异", "复核说明"])
    for index, ind in enumerate(report.indicators, 1):
        gap = None
        if ind["review_score"] is not None and ind["self_score"] is not None:
            gap = round(ind["review_score"] - ind["self_score"], 2) or None
        own = [numbers[id(f)] for f in report.findings if f.indicator == ind["name"] and f.sheet == ind.get("sheet")]
        note = ind["review_note"] or ""
        if own:
            note = f"{note}（见{''.join(own)}）" if note else f"见{''.join(own)}"
        w.line([(1, index, "box center"), (2, ind["name"], "box"), (3, ind["weight"], "box center", None, "0.00"),
                (4, ind["self_score"], "box center", None, "0.00"),
                (5, ind["review_score"], "box center",
                 FILLS["warning"] if ind["review_score"] is None or not ind.get("reviewed", True) else None, "0.00"),
                (6, gap, "box center", FILLS["error"] if gap else None, "0.00"),
                (7, note or None, "box")])
    w.close()


def _where(finding: Finding, places, workbook) -> str:
    """A finding's place by the labels on the page, with its cell reference beside it."""
    label = places.of(finding) if places is not None else None
    if label is None and finding.indicator:
        label = f"评分表 · {finding.indicator}"
    if finding.sheet and finding.cell:
        return f"{label or finding.sheet}\n（{finding.sheet}!{finding.cell}）"
    return label or finding.sheet or "整个工作簿"


def _findings(w: _Writer, report: Report, workbook, numbers: dict[int, str], messages: dict[int, str],
              places, tail: float) -> None:
    """Section 四: the legend of the marks, then each finding by number; the last on the page of
    the ``tail`` points that follow the table (the signature is never alone on a page)."""
    w.need(4 * printsetup.LINE_POINTS)
    w.skip()
    w.cell(1, f"四、检查结果（共 {len(report.findings)} 项）", style="bold")
    w.merge(1, 3)
    for col, severity in zip((4, 5, 6), SEVERITIES):
        w.cell(col, SEVERITY_ZH[severity], style="center", fill=FILLS[severity]).border = marks.frame(severity)
    w.cell(7, LEGEND)
    w.end(w.height([(7, 7, LEGEND)]))
    if not report.findings:
        w.line([(1, "未发现问题。", "", None, None, len(WIDTHS))], keep=tail)
        return
    labels = ["序号", "问题", "严重程度", "位置", "", "", "说明"]
    w._header_row(labels)
    w.table = ("四、检查结果", labels)
    for index, finding in enumerate(report.findings, 1):
        where = _where(finding, places, workbook)
        message = messages.get(id(finding), finding.message)
        w.line([(1, numbers[id(finding)], "box center"), (2, CATALOG[finding.code].title, "box"),
                (3, SEVERITY_ZH[finding.severity], "box center", FILLS[finding.severity]),
                (4, where, "box", None, None, 6), (7, message, "box")],
               keep=tail if index == len(report.findings) else 0.0)
        if finding.sheet and finding.cell and finding.sheet in workbook.sheetnames:
            # on the screen the number leads to the cell (a link's text does not wrap in every
            # program, so it is the one-character number, not the place)
            link = w.ws.cell(row=w.row - 1, column=1)
            link.hyperlink = f"#'{finding.sheet}'!{finding.cell}"
            link.font = Font(color="0563C1", underline="single")
    w.close()
