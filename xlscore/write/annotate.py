"""Write the annotated review copy of a workbook.

The department's values stay exactly as they were. Added: the 复核业绩值/复核得分/复核说明 of every
indicator (in the table's own 复核 columns, or three new columns after it), a fill and a comment on
every cell a finding points at, the 复核结果 sheet first, and a print layout on every sheet.
"""

from __future__ import annotations

import copy
import io

from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment

from ..findings.catalog import SEVERITIES
from ..findings.finding import Finding, make
from ..score.analysis import Analysis
from ..tables.scoresheet import ScoreSheet
from . import convert, losses, printsetup, reviewsheet, xlsxload

REVIEW_COLUMNS = (("review_actual", "复核业绩值"), ("review_score", "复核得分"), ("review_note", "复核说明"))
AUTHOR = "xlscore 复核"
# Long-text columns of the scoring table and the widths they print at.
TEXT_WIDTHS = {"name": 16, "target": 10, "actual": 30, "rule": 26, "source": 26, "definition": 22,
               "deviation": 22, "review_actual": 12, "review_note": 30}


def open_copy(analysis: Analysis):
    """An openpyxl workbook of the input: loaded (.xlsx/.xlsm, macros dropped) from the bytes the
    review was read from — never from the file again, which may have changed since — or rebuilt
    from the values read (.xls/.ods/.xlsb)."""
    if analysis.book.kind.kind == "xlsx":
        return xlsxload.load(io.BytesIO(analysis.book.data), keep_vba=False, keep_links=False, rich_text=True)
    return convert.to_openpyxl(analysis.workbook or analysis.book)


def review_title(report) -> str:
    """The review sheet of a report: 复核结果, or 复核结果（项目2） for the second of several projects."""
    part = report.part
    return reviewsheet.REVIEW_SHEET if not part else f"{reviewsheet.REVIEW_SHEET}（项目{part['index']}）"


def annotate(analyses: Analysis | list[Analysis]):
    """The annotated copy as an openpyxl workbook: every project of the workbook reviewed in it,
    each with its own review sheet first. Adds COPY_DROPS to the reports when the copy cannot keep
    something the input holds."""
    analyses = analyses if isinstance(analyses, list) else [analyses]
    first = analyses[0]
    dropped = losses.dropped(first.book.data, first.book.kind)
    workbook = open_copy(first)
    for analysis in analyses:
        if dropped:
            analysis.report.findings.append(make("COPY_DROPS", None, None, what="、".join(dropped)))
        if analysis.scoring is not None:
            _review_columns(workbook, analysis)
        _mark(workbook, analysis.report.findings)
    _layout(workbook, analyses)
    titles = []
    for analysis in reversed(analyses):  # each built at the front: the first project's ends first
        report = analysis.report
        title = review_title(report)
        reviewsheet.build(workbook, report, dropped, title)
        review = workbook[title]
        printsetup.fit_rows(review, range(1, review.max_row + 1))
        printsetup.page(review, project=report.project.name, title_rows=None)
        titles.append(title)
    workbook.active = 0
    for ws in workbook.worksheets:
        ws.sheet_view.tabSelected = ws.title == titles[-1]
    return workbook


def _review_columns(workbook, analysis: Analysis) -> None:
    """The 复核 columns of every part of the scoring table (a table continued on another sheet
    has them on each), filled row by row, and the review's total and grade."""
    scoring = analysis.scoring
    table: ScoreSheet = scoring.table
    for part in table.parts:
        ws = workbook[part.sheet]
        cols = part.cols
        header = part.header_row + 1
        last = max([*cols.values(), *part.roles, 0]) + 1
        template = ws.cell(row=header, column=cols.get("rule", cols.get("name", 0)) + 1)
        for key, label in REVIEW_COLUMNS:
            if key not in cols:
                last += 1
                cell = ws.cell(row=header, column=last)
                convert.put(cell, label)
                _copy_style(template, cell)
                cols[key] = last - 1
        for row, scored in scoring.results:
            if row.sheet != part.sheet or not part.first <= row.row <= part.last_row:
                continue  # the national form's 预算执行率 line stands in the budget block, not the table
            r = row.row + 1
            like = ws.cell(row=r, column=cols.get("self_score", cols["name"]) + 1)
            for key, value in (("review_actual", scored.review_actual), ("review_score", scored.review),
                               ("review_note", scored.note)):
                cell = ws.cell(row=r, column=cols[key] + 1)
                if isinstance(cell, MergedCell):
                    continue  # inside a range the department merged: the review sheet carries it
                convert.put(cell, value)
                _copy_style(like, cell)
                if key == "review_score":
                    cell.number_format = "0.00"
                elif key == "review_note":
                    cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    last_part = table.parts[-1]
    ws, score_col = workbook[last_part.sheet], last_part.cols["review_score"] + 1
    # The total and grade rows' 复核 cells, unless the department merged them into its own text
    # (a grade typed across the rest of the row): the review sheet states both in any case.
    if table.total_row is not None:
        cell = ws.cell(row=table.total_row + 1, column=score_col)
        if not isinstance(cell, MergedCell):
            convert.put(cell, scoring.totals.get("review_score"))
            cell.number_format = "0.00"
    if table.grade_ref is not None and scoring.grade.get("review"):
        grade_row = int("".join(ch for ch in table.grade_ref if ch.isdigit()))
        cell = ws.cell(row=grade_row, column=score_col)
        if not isinstance(cell, MergedCell):
            convert.put(cell, scoring.grade["review"])


def _copy_style(source, target) -> None:
    """The source cell's whole style, by its index into the workbook's style table (fast)."""
    if source.has_style:
        target._style = copy.copy(source._style)


def _mark(workbook, findings: list[Finding]) -> None:
    """Fill and comment each cell a finding points at; the value is untouched."""
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if finding.sheet and finding.cell and finding.sheet in workbook.sheetnames:
            by_cell.setdefault((finding.sheet, finding.cell), []).append(finding)
    for (sheet, ref), group in by_cell.items():
        cell = workbook[sheet][ref]
        worst = min(group, key=lambda f: SEVERITIES.index(f.severity)).severity
        cell.fill = copy.copy(reviewsheet.FILLS[worst])
        text = "\n".join(f"【{f.code}】{f.message}" for f in group)
        if cell.comment is not None and AUTHOR not in (cell.comment.author or ""):
            text += f"\n—— 原批注（{cell.comment.author or '填报单位'}）：{cell.comment.text}"
        lines = sum(printsetup.lines_needed(part, 40) for part in text.split("\n"))
        cell.comment = Comment(text, AUTHOR, height=min(600, 20 + 16 * lines), width=320)


def _layout(workbook, analyses: list[Analysis]) -> None:
    """Print layout of the department's sheets, with header rows of the table a sheet holds."""
    titles: dict[str, list[tuple[int, int]]] = {}
    names: dict[str, list[str]] = {}  # sheet -> the projects whose tables stand on it
    for analysis in analyses:
        before = {sheet: len(spans) for sheet, spans in titles.items()}
        _titles(workbook, analysis, titles)
        for sheet, spans in titles.items():
            if len(spans) > before.get(sheet, 0) and analysis.report.project.name:
                names.setdefault(sheet, []).append(analysis.report.project.name)
    for ws in workbook.worksheets:
        spans = titles.get(ws.title, [])
        # the page header names the sheet's project (the workbook's first when a sheet holds several)
        own = list(dict.fromkeys(names.get(ws.title, [])))
        name = own[0] if len(own) == 1 else analyses[0].report.project.name
        # header rows repeat on every page only where the sheet holds one table
        printsetup.page(ws, project=name, title_rows=spans[0] if len(spans) == 1 else None)


def _titles(workbook, analysis: Analysis, titles: dict[str, list[tuple[int, int]]]) -> None:
    """The header rows of each table of one project, by sheet; the scoring table's text columns wrapped."""
    if analysis.fund is not None:
        fund = analysis.fund
        first = min(fund.rows.values())
        titles.setdefault(fund.sheet, []).append((fund.header_top + 1, max(fund.header_top + 1, first)))
    if analysis.usage is not None:
        usage = analysis.usage
        first = usage.body().start
        titles.setdefault(usage.sheet, []).append((usage.header_top + 1, max(usage.header_top + 1, first)))
    if analysis.scoring is not None:
        for part in analysis.scoring.table.parts:
            titles.setdefault(part.sheet, []).append((part.top + 1, part.header_row + 1))
            ws = workbook[part.sheet]
            end = max(part.last_row + 1, part.header_row + 2)
            widths = {part.cols[k] + 1: w for k, w in TEXT_WIDTHS.items() if k in part.cols}
            printsetup.wrap_columns(ws, widths, range(part.header_row + 1, end + 1))
            printsetup.fit_rows(ws, range(part.header_row + 1, end + 1))  # only where text was wrapped


