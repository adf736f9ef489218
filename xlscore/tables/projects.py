"""Several projects in one workbook: each reviewed as its own.

A department may send one workbook for three projects: one sheet each (fund, usage and scoring
table on every sheet), the blocks one below another on one sheet, or the fund tables on some
sheets and the scoring tables on others. Each scoring table is one project. Its fund and usage
tables are the ones between the end of the previous project's scoring table and its own end
(the same sheet above it, or the sheets before it). Where that does not give each project one
fund table but there are as many fund tables as scoring tables, they are paired in order, and the
report says so (PROJECTS_PAIRED).

A project is a view of the workbook (:class:`xlscore.read.book.Book`) holding only its own rows: the
cells keep their addresses, so findings point into the department's sheets as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..read.book import Book, Sheet
from . import fund as fund_mod
from . import scoresheet

Spans = dict[str, list[tuple[int, int]]]  # sheet name -> the row ranges (inclusive) of a view


@dataclass
class Project:
    """One project's view of the workbook, and how it was paired with its fund table."""

    book: Book
    index: int  # 1-based
    count: int
    paired_by_order: bool = False
    more_after: bool = False  # the last of MAX_PROJECTS, with scoring tables after it left unreviewed


def view(book: Book, spans: Spans) -> Book:
    """The workbook with only the rows of ``spans`` (a sheet not in it is left out)."""
    sheets = []
    for sheet in book.sheets:
        ranges = spans.get(sheet.name)
        if not ranges:
            continue
        rows = [line if any(lo <= r <= hi for lo, hi in ranges) else [] for r, line in enumerate(sheet.rows)]
        sheets.append(Sheet(sheet.name, rows, sheet.merged, sheet.info, book))
    return Book(book.path, book.kind, sheets, book.data)


def _whole(book: Book) -> Spans:
    return {sheet.name: [(0, max(sheet.nrows - 1, 0))] for sheet in book.sheets}


def _cut(book: Book, spans: Spans, sheet_name: str, row: int) -> tuple[Spans, Spans]:
    """``spans`` cut after ``row`` of ``sheet_name``: what comes up to it (that row and the sheets
    before it included), and what comes after."""
    names = [sheet.name for sheet in book.sheets]
    at = names.index(sheet_name)
    before: Spans = {}
    after: Spans = {}
    for name, ranges in spans.items():
        here = names.index(name)
        if name == sheet_name:
            up = [(lo, min(hi, row)) for lo, hi in ranges if lo <= row]
            down = [(max(lo, row + 1), hi) for lo, hi in ranges if hi > row]
        else:
            up, down = (ranges, []) if here < at else ([], ranges)
        if up:
            before[name] = up
        if down:
            after[name] = down
    return before, after


def _fund_end(table: fund_mod.FundTable) -> int:
    return max(table.cols.values()) if table.transposed else max(table.rows.values())


def _fund_tables(book: Book, spans: Spans) -> list[tuple[str, int, int]]:
    """(sheet, first row, last row) of every fund table within ``spans``."""
    found = []
    while spans:
        table = fund_mod.locate(view(book, spans))
        if table is None:
            break
        top = min(table.header_top, table.label_col) if table.transposed else table.header_top
        end = _fund_end(table)
        found.append((table.sheet, top, end))
        spans = _cut(book, spans, table.sheet, end)[1]
    return found


MAX_PROJECTS = 100  # a workbook's projects reviewed one by one; what follows the 100th stays with it


def _several_headers(book: Book) -> bool:
    """Whether the workbook holds more than one scoring-table header (a repeated or continued
    header counts too: :func:`split` tells those apart)."""
    count = 0
    for sheet in book.sheets:
        rows = scoresheet.header_rows(sheet)
        while rows is not None:
            count += 1
            if count > 1:
                return True
            rows = scoresheet.header_rows(sheet, rows[-1] + 1)
    return False


def split(book: Book) -> list[Project]:
    """The projects of a workbook: one (the whole workbook) unless it holds several scoring tables."""
    if not _several_headers(book):
        return [Project(book, 1, 1)]
    regions: list[Spans] = []
    spans = _whole(book)
    while spans and len(regions) < MAX_PROJECTS:
        table = scoresheet.read(view(book, spans))
        if table is None or not table.rows:
            break
        last = table.parts[-1]
        region, spans = _cut(book, spans, last.sheet, last.last_row)
        regions.append(region)
    if len(regions) <= 1:
        return [Project(book, 1, 1)]
    more = bool(spans) and len(regions) == MAX_PROJECTS and scoresheet.read(view(book, spans)) is not None
    if spans:  # what follows the last scoring table (a closing note, a signature) belongs to it
        regions[-1] = {**regions[-1], **{name: regions[-1].get(name, []) + ranges for name, ranges in spans.items()}}
    funds = [_fund_tables(book, region) for region in regions]
    count = len(regions)
    if all(len(found) <= 1 for found in funds) or sum(map(len, funds)) != count:
        return [Project(view(book, region), i, count, more_after=more and i == count)
                for i, region in enumerate(regions, start=1)]
    # The fund tables stand apart from their scoring tables (资金1, 资金2, …, 评分1, 评分2, …):
    # paired in order, each with the rows around it up to the next fund table.
    tables = [t for found in funds for t in found]
    projects = []
    for i, region in enumerate(regions):
        own: Spans = {name: list(ranges) for name, ranges in region.items()}
        for sheet_name, top, end in tables:  # no other project's fund table
            if sheet_name in own:
                own[sheet_name] = [piece for lo, hi in own[sheet_name]
                                   for piece in ((lo, min(hi, top - 1)), (max(lo, end + 1), hi)) if piece[0] <= piece[1]]
        sheet_name, top, end = tables[i]
        following = [t for t in tables[i + 1:] if t[0] == sheet_name]
        stop = following[0][1] - 1 if following else max(s.nrows for s in book.sheets if s.name == sheet_name)
        previous = [t for t in tables[:i] if t[0] == sheet_name]
        start = previous[-1][2] + 1 if previous else 0
        own.setdefault(sheet_name, []).append((start, stop))
        projects.append(Project(view(book, own), i + 1, count, paired_by_order=True, more_after=more and i + 1 == count))
    return projects
