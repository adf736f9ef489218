"""Turn a workbook openpyxl cannot open (.xls, .ods, .xlsb) into an openpyxl workbook.

The copy keeps every value exactly, merged ranges and percent formats — what the review needs —
but not fonts, borders or widths (the reviewer is told, see :mod:`losses`).
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Side
from openpyxl.utils import get_column_letter

from ..read.book import Book, Sheet, a1
from . import printsetup, xlsxload

_THIN = Side(style="thin", color="808080")
BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
MAX_WIDTH = 30.0


def put(cell, value: object) -> None:
    """Write a value so that text stays text: '=HYPERLINK(…)' or '+cmd|…' is never a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def to_openpyxl(book: Book) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in book.sheets:
        _copy_sheet(sheet, workbook.create_sheet(sheet.name[:31]))
    return workbook


def _copy_sheet(sheet: Sheet, ws) -> None:
    widths: dict[int, float] = {}
    for r, line in enumerate(sheet.rows):
        for c, value in enumerate(line):
            if value is None or sheet.is_merged_child(r, c):
                continue
            cell = ws.cell(row=r + 1, column=c + 1)
            if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
                value = int(value)
            put(cell, value)
            if isinstance(value, (int, float)) and sheet.is_percent(r, c):
                cell.number_format = "0.00%"
            # the original's look is lost: give every filled cell a plain table look instead
            cell.border = BOX
            text = str(value)
            long = printsetup.text_width(text) > MAX_WIDTH or "\n" in text
            cell.alignment = Alignment(vertical="center", wrap_text=long)
            if not any(r0 == r and c0 == c and c1 > c0 for r0, c0, _, c1 in sheet.merged):
                widths[c] = max(widths.get(c, 0.0), min(printsetup.text_width(text) + 2, MAX_WIDTH))
    for c, width in widths.items():
        ws.column_dimensions[get_column_letter(c + 1)].width = max(width, 6)
    memo: dict = {}
    for r0, c0, r1, c1 in sheet.merged:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                ws.cell(row=r + 1, column=c + 1).border = BOX
        if (r0, c0) != (r1, c1):
            xlsxload.merge(ws, f"{a1(r0, c0)}:{a1(r1, c1)}", memo)
