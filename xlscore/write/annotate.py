"""Write the annotated review copy of a workbook.

The department's values stay exactly as they were. Added: the 复核业绩值/复核得分/复核说明 of every
indicator (in the table's own 复核 columns, or three new columns after it), a fill and a comment on
every cell a finding points at, the 复核结果 sheet first, and a print layout on every sheet.
"""

from __future__ import annotations

import copy
import io

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.worksheet.merge import MergedCellRange

from ..findings.catalog import CATALOG, SEVERITIES
from ..findings.finding import Finding, make
from ..read.speed import give_style, held_cells, place, style_token
from ..score import scheme as scheme_mod
from ..score.analysis import Analysis
from ..tables.scoresheet import ScoreSheet
from . import convert, losses, marks, places, printsetup, reviewsheet, xlsxload

REVIEW_COLUMNS = (("review_actual", "复核业绩值"), ("review_score", "复核得分"), ("review_note", "复核说明"))
AUTHOR = "复核意见"
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
    _mark(workbook, analyses)
    _layout(workbook, analyses)
    titles = []
    for analysis in reversed(analyses):  # each built at the front: the first project's ends first
        report = analysis.report
        title = review_title(report)
        scheme = scheme_title(analysis)
        reviewsheet.build(workbook, report, dropped, title, scheme=scheme,
                          places=places.Places(report, analysis.book), numbers=numbered(report.findings),
                          messages={id(f): paper_message(f, scheme) for f in report.findings})
        printsetup.page(workbook[title], project=report.project.name, title_rows=(1, 1))
        titles.append(title)
    workbook.active = 0
    for ws in workbook.worksheets:
        ws.sheet_view.tabSelected = ws.title == titles[-1]
    return workbook


def _review_columns(workbook, analysis: Analysis) -> None:
    """The 复核 columns of every part of the scoring table (a table continued on another sheet
    has them on each), filled row by row, and the review's total and grade. The 复核说明 of a row
    also gives, by number, each finding on the indicator's cells: the reason stands on paper
    where the reader looks, not only in a comment."""
    scoring = analysis.scoring
    numbers, title = numbered(analysis.report.findings), scheme_title(analysis)
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
        rows = [(row, scored) for row, scored in scoring.results
                if row.sheet == part.sheet and part.first <= row.row <= part.last_row]
        for index, (row, scored) in enumerate(rows):
            r = row.row + 1
            below = rows[index + 1][0].row + 1 if index + 1 < len(rows) else part.last_row + 2
            note = _note(scored.note, [f for f in analysis.report.findings if f.sheet == part.sheet
                                       and f.cell and r <= _row_of(f.cell) < below], numbers, title)
            like = ws.cell(row=r, column=cols.get("self_score", cols["name"]) + 1)
            for key, value in (("review_actual", scored.review_actual), ("review_score", scored.review),
                               ("review_note", note)):
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


def _row_of(ref: str) -> int:
    return coordinate_from_string(ref)[1]


def _note(note: str | None, findings: list[Finding], numbers: dict[int, str], title: str | None) -> str | None:
    """The 复核说明 of an indicator: the review's own note, then each finding on its rows with its
    number, title and message (the note left out where a message already says it)."""
    lines = [f"{numbers[id(f)]}{CATALOG[f.code].title}：{paper_message(f, title)}" for f in findings]
    if note and not any(note in line for line in lines):
        lines.insert(0, note)
    return "\n".join(lines) or note


def _copy_style(source, target) -> None:
    """The source cell's whole style."""
    if source.has_style:
        give_style(target, style_token(source))


def numbered(findings: list[Finding]) -> dict[int, str]:
    """The marker of each finding of a project by ``id``: its 序号 in the review sheet's list."""
    return {id(finding): marks.marker(number) for number, finding in enumerate(findings, 1)}


def paper_message(finding: Finding, scheme_title: str | None) -> str:
    """A finding's message as the copy prints it: the scheme by its Chinese name, not its id."""
    entry = CATALOG[finding.code]
    if scheme_title and "scheme" in entry.fields and "scheme" in finding.data:
        return entry.message({**finding.data, "scheme": scheme_title})
    return finding.message


def scheme_title(analysis: Analysis) -> str | None:
    """The Chinese name of the scheme the project was scored by."""
    scheme = analysis.scoring.scheme if analysis.scoring is not None else None
    if scheme is None and analysis.report.scheme:
        try:
            scheme = scheme_mod.load(analysis.report.scheme)
        except Exception:  # a bureau's own scheme given by a path that is gone: its id is all there is
            return None
    return getattr(scheme, "title", None) or None


def _mark(workbook, analyses: list[Analysis]) -> None:
    """Each cell a finding points at: the findings' numbers after its value (in its number format;
    the value is untouched), a frame whose line tells the worst severity, the severity's fill, and
    a comment with each finding's title and message."""
    by_cell: dict[tuple[str, str], list[tuple[str, Finding, str]]] = {}
    for analysis in analyses:
        numbers = numbered(analysis.report.findings)
        title = scheme_title(analysis)
        for finding in analysis.report.findings:
            if finding.sheet and finding.cell and finding.sheet in workbook.sheetnames:
                by_cell.setdefault((finding.sheet, finding.cell), []).append(
                    (numbers[id(finding)], finding, paper_message(finding, title)))
    for (sheet, ref), group in by_cell.items():
        ws = workbook[sheet]
        top, left, bottom, right = _span(ws, ref)
        cell = ws.cell(row=top, column=left)
        worst = min((f for _, f, _ in group), key=lambda f: SEVERITIES.index(f.severity)).severity
        cell.fill = copy.copy(reviewsheet.FILLS[worst])
        shown = "".join(m for m, _, _ in group)
        value = _read_value(analyses, sheet, top, left)
        cell.number_format = marks.marked_format(cell.number_format, shown)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and right == left:
            # a number too wide for its column prints as ###: the column made wide enough
            needed = printsetup.text_width(f"{marks.shown_number(value, cell.number_format)} {shown}",
                                           printsetup.cell_size(cell)) + 2
            letter = get_column_letter(left)
            if printsetup.column_width(ws, left) < needed:
                ws.column_dimensions[letter].width = round(needed, 1)
        # The frame on the rim of a merged range for Excel and WPS, which draw each cell's own
        # edges, and whole on its first cell for LibreOffice, which draws the range by that cell.
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                if (r, c) == (top, left) or r in (top, bottom) or c in (left, right):
                    rim = ws.cell(row=r, column=c)
                    first = (r, c) == (top, left)
                    rim.border = marks.edges(worst, rim.border, first or r == top, first or r == bottom,
                                             first or c == left, first or c == right)
        text = "\n".join(f"{m}【{CATALOG[f.code].title}】{message}" for m, f, message in group)
        if cell.comment is not None and not _own_comment(cell.comment):
            text += f"\n—— 原批注（{cell.comment.author or '填报单位'}）：{cell.comment.text}"
        lines = sum(printsetup.lines_needed(part, 40) for part in text.split("\n"))
        cell.comment = Comment(text, AUTHOR, height=min(600, 20 + 16 * lines), width=320)


def _read_value(analyses: list[Analysis], sheet: str, row: int, col: int):
    """The value the review read in a cell (a formula's result), 1-based."""
    for analysis in analyses:
        book = analysis.workbook or analysis.book
        found = book.sheet(sheet) if book is not None else None
        if found is not None:
            return found.value(row - 1, col - 1)
    return None


def _own_comment(comment) -> bool:
    return any(author in (comment.author or "") for author in (AUTHOR, "xlscore"))


def _span(ws, ref: str) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) of the merged range holding ``ref``, or of the cell itself."""
    letters, row = coordinate_from_string(ref)
    col = column_index_from_string(letters)
    merged = _range_at(ws, row, col)
    if merged is not None:
        return merged.min_row, merged.min_col, merged.max_row, merged.max_col
    return row, col, row, col


def _range_at(ws, row: int, col: int):
    """The merged range holding the cell (1-based), or None."""
    for merged in ws.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= col <= merged.max_col:
            return merged
    return None


def _layout(workbook, analyses: list[Analysis]) -> None:
    """Print layout of the department's sheets: the header rows of the sheet's table repeated on
    every page, and on a sheet with a scoring table page breaks that keep each 一级 block (else
    each indicator) on one page, the 一级 label written again on each page of a block longer
    than a page."""
    titles: dict[str, list[tuple[int, int]]] = {}
    names: dict[str, list[str]] = {}  # sheet -> the projects whose tables stand on it
    scoring: dict[str, list[tuple[Analysis, object]]] = {}  # sheet -> the scoring parts on it
    for analysis in analyses:
        before = {sheet: len(spans) for sheet, spans in titles.items()}
        _titles(workbook, analysis, titles)
        for sheet, spans in titles.items():
            if len(spans) > before.get(sheet, 0) and analysis.report.project.name:
                names.setdefault(sheet, []).append(analysis.report.project.name)
        if analysis.scoring is not None:
            for part in analysis.scoring.table.parts:
                scoring.setdefault(part.sheet, []).append((analysis, part))
    for ws in workbook.worksheets:
        spans = sorted(titles.get(ws.title, []))
        # the page header names the sheet's project (the workbook's first when a sheet holds several)
        own = list(dict.fromkeys(names.get(ws.title, [])))
        name = own[0] if len(own) == 1 else analyses[0].report.project.name
        # The header rows of the sheet's last table repeat on every page from the one they stand on
        # (Excel, WPS and LibreOffice print no title rows on the pages above them); a sheet with no
        # table repeats its title line.
        rows = spans[-1] if spans else _title_line(ws)
        printsetup.page(ws, project=name, title_rows=rows)
        if ws.title in scoring:
            _paginate(ws, scoring[ws.title], rows)


def _title_line(ws) -> tuple[int, int] | None:
    """The first row holding a value, among the first five (a sheet's title)."""
    rows = [cell.row for cell in held_cells(ws) if cell.row <= 5 and cell.value not in (None, "")]
    return (min(rows), min(rows)) if rows else None


def _paginate(ws, parts: list, title_rows: tuple[int, int] | None) -> None:
    """Page breaks on a sheet holding scoring tables, and the 一级 labels repeated where a page
    starts inside their block."""
    height = lambda r: printsetup.row_points(ws, r)  # noqa: E731
    last_row, last_col = printsetup.used_range(ws)
    titles = sum(height(r) for r in range(title_rows[0], title_rows[1] + 1)) if title_rows else 0.0
    pages = printsetup.Pages(height, printsetup.page_room(ws, last_col), titles)
    blocks, level1 = [], []
    r = 1
    for analysis, part in sorted(parts, key=lambda item: item[1].top):
        units = _units(ws, analysis, part)
        if not units or units[0][0] < r:
            continue
        blocks += [printsetup.Block(x, x) for x in range(r, part.top + 1)]  # the rows above the table
        first_row = units[0][0]
        units[0] = (part.top + 1, *units[0][1:])  # its header kept with its first indicator
        units[-1] = (units[-1][0], max(units[-1][1], part.last_row + 1), units[-1][2])  # its 总计, 评价等级 with its last
        for group in _groups(units):
            block = _nest(group)
            blocks.append(block)
            if group[0][2] is not None:
                level1.append((block, part, max(group[0][0], first_row)))
        r = units[-1][1] + 1
    blocks += [printsetup.Block(x, x) for x in range(r, last_row + 1)]  # what stands below the tables
    for block in blocks:
        pages.place(block)
    if pages.breaks:
        printsetup.set_breaks(ws, pages.breaks)
    for block, part, first in level1:
        if block.splits:
            _repeat_level1(ws, part, first, block.splits)
    _labels_on_top(ws, pages.breaks)


def _labels_on_top(ws, breaks: list[int]) -> None:
    """A label merged over rows that a page break cuts (and that was not written again on each
    page) printed at the top of its range, on the first of its pages — centred, it would stand
    on the cut, half on each page."""
    for merged in ws.merged_cells.ranges:
        if merged.max_row > merged.min_row and any(merged.min_row <= b < merged.max_row for b in breaks):
            cell = ws.cell(row=merged.min_row, column=merged.min_col)
            if cell.value is None:
                continue
            align = cell.alignment
            cell.alignment = Alignment(horizontal=align.horizontal, vertical="top", wrap_text=align.wrap_text,
                                       indent=align.indent, text_rotation=align.text_rotation,
                                       shrink_to_fit=align.shrink_to_fit)


def _units(ws, analysis: Analysis, part) -> list[tuple[int, int, object]]:
    """(first row, last row, 一级 key) of each indicator of a scoring part, 1-based: its
    own row and the rows of its elements below it."""
    rows = sorted((row for row, _ in analysis.scoring.results
                   if row.sheet == part.sheet and part.first <= row.row <= part.last_row), key=lambda row: row.row)
    table = analysis.scoring.table
    end = part.last_row + 1
    if table.total_row is not None and table.end_sheet == part.sheet and part.first <= table.total_row <= part.last_row:
        end = table.total_row  # the 总计 row (0-based) is the row after the last indicator's (1-based)
    # an indicator's rows begin where its 一级 or 二级 label does, when that stands above it (a
    # 二级 label row with no indicator of its own opens the block below, not the one above)
    levels = [c + 1 for c, role in part.roles.items() if role in ("level1", "level1_weight", "level2", "level2_weight")]
    starts = []
    for index, row in enumerate(rows):
        above = rows[index - 1].row + 1 if index else part.first
        start = row.row + 1
        for col in levels:
            merged = _merged_at(ws, row.row + 1, col)
            if merged is not None and above < merged.min_row < start:
                start = merged.min_row
        starts.append(start)
    units = []
    for index, row in enumerate(rows):
        last = starts[index + 1] - 1 if index + 1 < len(rows) else end
        units.append((starts[index], max(starts[index], last), row.level1_key))
    return units


def _groups(units: list[tuple]) -> list[list[tuple]]:
    """Consecutive units of the same 一级 block; a unit with none stands alone."""
    groups: list[list[tuple]] = []
    for unit in units:
        if groups and unit[2] is not None and groups[-1][-1][2] == unit[2]:
            groups[-1].append(unit)
        else:
            groups.append([unit])
    return groups


def _nest(units: list[tuple]) -> printsetup.Block:
    if len(units) == 1:
        return printsetup.Block(units[0][0], units[0][1])
    return printsetup.Block(units[0][0], units[-1][1], [printsetup.Block(u[0], u[1]) for u in units])


def _repeat_level1(ws, part, first_row: int, splits: list[int]) -> None:
    """Split the merged 一级 name cell of the block whose first indicator is ``first_row`` at each
    row where a page starts, the name written again in each piece — only where the 一级 weight is
    one merged cell over the whole block: under one weight the pieces read again as one block
    (tests/tables/test_level1_continued.py)."""
    name_col = next((c + 1 for c, role in part.roles.items() if role == "level1"), None)
    weight_col = next((c + 1 for c, role in part.roles.items() if role == "level1_weight"), None)
    if name_col is None or weight_col is None:
        return
    name = _merged_at(ws, first_row, name_col)
    weight = _merged_at(ws, first_row, weight_col)
    if name is None or weight is None or name.min_col != name.max_col:
        return
    cuts = sorted(r for r in splits if name.min_row < r <= name.max_row and weight.min_row < r <= weight.max_row)
    if not cuts:
        return
    anchor = ws.cell(row=name.min_row, column=name_col)
    letter = get_column_letter(name_col)
    ws.merged_cells.remove(name)
    for top, bottom in zip([name.min_row, *cuts], [c - 1 for c in cuts] + [name.max_row]):
        if top != name.min_row:
            piece = Cell(ws, row=top, column=name_col)
            give_style(piece, style_token(anchor))
            place(ws, piece)
            convert.put(piece, anchor.value)
        if bottom > top:
            ws.merged_cells.add(MergedCellRange(ws, f"{letter}{top}:{letter}{bottom}"))


def _merged_at(ws, row: int, col: int):
    """The range merged over several rows that holds the cell, or None."""
    merged = _range_at(ws, row, col)
    return merged if merged is not None and merged.max_row > merged.min_row else None


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


