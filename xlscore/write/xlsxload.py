"""Open an .xlsx with openpyxl for the annotated copy, with the merged cells bound faster (and
merge the ranges of a copy rebuilt from an .xls/.ods the same way: :func:`merge`).

On load, openpyxl turns every merged range into MergedCells and gives the cells on its edges the
borders of its top-left cell, and every cell of it the top-left cell's protection
(``MergedCellRange.format``). Each of those assignments builds, hashes and compares Border and
Protection objects; for the 附表 workbooks (the template's scoring sheet alone has over a hundred
merged ranges) that is about two thirds of ``load_workbook``.

:func:`load` binds the merged ranges with the same assignments, made once per distinct
(style, edge) and then repeated as style indexes. The result is the same workbook: the same style
tables in the same order, the same style on every cell — ``tests/test_xlsxload.py`` saves both and
compares every part. The fast binding is used only with openpyxl 3.1.x, whose code for this was
read and found the same from 3.1.2 (the lowest version xlscore accepts) to 3.1.5; any other version
loads the plain way, and a later 3.1 release that changed it would fail that test.

The binding is swapped in for the duration of one ``load_workbook`` call, under a lock: two threads
loading at once take turns (openpyxl's loading holds the GIL anyway), and the plain reader is always
put back.
"""

from __future__ import annotations

import contextlib
import os
import threading
from copy import copy

import openpyxl
from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.reader import excel
from openpyxl.styles.borders import Border
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet._reader import WorksheetReader
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.merge import MergedCellRange

CHECKED_VERSIONS = ("3.1.",)  # MergedCellRange.format and the reader's binding: the same in 3.1.2–3.1.5
EDGES = ("top", "left", "right", "bottom")  # the order MergedCellRange.format applies them in
_SWAP = threading.Lock()


def fast_binding_applies(version: str = openpyxl.__version__) -> bool:
    return version.startswith(CHECKED_VERSIONS)


def load(path, **options):
    """``openpyxl.load_workbook(path, **options)``, with the merged cells bound as described above.
    A path is opened here: openpyxl refuses a name whose extension it does not see (``..xlsx``)."""
    if isinstance(path, (str, os.PathLike)):
        with open(path, "rb") as handle:
            return load(handle, **options)
    if not fast_binding_applies():
        return load_workbook(path, **options)
    with _binding():
        return load_workbook(path, **options)


def merge(ws, ref: str, memo: dict) -> None:
    """``ws.merge_cells(ref)``, with the borders and protection set the way :func:`load` sets them
    (``memo``: one dict for the merges of one sheet)."""
    if not fast_binding_applies():
        ws.merge_cells(ref)
        return
    ws.merged_cells.add(_merge(ws, ref, memo))


@contextlib.contextmanager
def _binding():
    with _SWAP:
        plain = excel.WorksheetReader
        excel.WorksheetReader = _Reader
        try:
            yield
        finally:
            excel.WorksheetReader = plain


class _Reader(WorksheetReader):
    def bind_merged_cells(self):
        if not self.parser.merged_cells:
            return
        memo: dict = {}  # style indexes are the workbook's; one memo per sheet is enough
        ranges = [_merge(self.ws, merge.ref, memo) for merge in self.parser.merged_cells.mergeCell]
        self.ws.merged_cells = MultiCellRange(ranges)


def _merge(ws, ref: str, memo: dict) -> MergedCellRange:
    """``MergedCellRange(ws, ref)`` then ``ws._clean_merge_range`` of it, step for step."""
    cells = ws._cells
    merged = MergedCellRange.__new__(MergedCellRange)
    merged.ws = ws
    CellRange.__init__(merged, range_string=ref)
    # MergedCellRange._get_borders: the top-left cell takes the bottom-right cell's right and bottom
    start = cells.get((merged.min_row, merged.min_col))
    if start is None:
        start = ws.cell(row=merged.min_row, column=merged.min_col)
    merged.start_cell = start
    end = cells.get((merged.max_row, merged.max_col))
    if end is not None:
        _add_border(start, ("end", _style(start).borderId, _style(end).borderId), memo,
                    lambda: Border(right=end.border.right, bottom=end.border.bottom))
    # Worksheet._clean_merge_range: every other cell becomes a MergedCell
    covered = merged.cells
    next(covered)
    for row, col in covered:
        cells[row, col] = MergedCell(ws, row, col)
    # MergedCellRange.format: the edges' borders...
    for name in EDGES:
        start_id = _style(start).borderId
        side_key = ("side", start_id, name)
        border = memo.get(side_key)
        if border is None:
            side = getattr(start.border, name)
            border = memo[side_key] = False if (side and side.style is None) else Border(**{name: side})
        if border is False:
            continue
        for coord in getattr(merged, name):
            cell = _cell(ws, coord)
            _add_border(cell, (start_id, name, _style(cell).borderId), memo, lambda: border)
    # ...and every cell the top-left cell's protection
    key = ("protection", _style(start).protectionId)
    index = memo.get(key)
    protection = copy(start.protection) if index is None else None
    for coord in merged.cells:
        cell = _cell(ws, coord)
        if index is None:
            cell.protection = protection
            index = memo[key] = cell._style.protectionId
        else:
            _style(cell).protectionId = index
    return merged


def _add_border(cell, key, memo: dict, border) -> None:
    """``cell.border += border()``, done once per key and then repeated as the index it gave."""
    index = memo.get(key)
    if index is None:
        cell.border += border()
        memo[key] = cell._style.borderId
    else:
        _style(cell).borderId = index


def _cell(ws, coord):
    cell = ws._cells.get(coord)
    if cell is None:
        cell = ws._cells[coord] = MergedCell(ws, row=coord[0], column=coord[1])
    return cell


def _style(cell) -> StyleArray:
    """The cell's style array, made as openpyxl's style descriptors make it when it has none."""
    if not cell._style:
        cell._style = StyleArray()
    return cell._style
