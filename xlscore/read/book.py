"""A workbook as xlscore reads it: every sheet's values on a grid, merged ranges expanded.

Values come from python-calamine (fast, reads .xlsx/.xlsm/.xlsb/.xls/.ods). What calamine does
not tell — whether a cell is percent-formatted, and the formula of a cell that has no cached value
(written by a program, never opened in a spreadsheet) — comes lazily from :mod:`cells`, only
for the cells a table reader asks about; so do an .ods's merged ranges, which calamine does not
read, as each sheet is loaded.
"""

from __future__ import annotations

import datetime as _dt
import io
import os
import weakref
from dataclasses import InitVar, dataclass, field
from itertools import product
from pathlib import Path

import python_calamine as pc

from . import cells, extent, formula
from .cellref import a1
from .errors import WorkbookError
from .files import WORKBOOK_PART, WORKBOOK_RELS_PART, FileKind, Opened, open_workbook, stored_copy
from .speed import memo
from .textnum import label_key

REVIEW_SHEET = "复核结果"  # the sheet xlscore adds to an annotated copy
REVIEW_MARK = "项目支出绩效自评复核结果"  # its A1 title (older copies add （xlscore）)
MERGE_MARGIN = 50  # rows/columns past the data that merged ranges are followed into


@dataclass(frozen=True)
class Uncomputed:
    """A formula cell with no cached value that xlscore could not evaluate."""

    formula: str
    reason: str


_IN_PROGRESS = Uncomputed("", "循环引用")  # the mark of a formula being evaluated


@memo  # the sheets of one template repeat its merged ranges exactly; the cover is only read
def _cover_of(merged: tuple, last_row: int, last_col: int) -> dict:
    """Covered cell -> its range's anchor, for every covered cell that is not an anchor."""
    cover: dict = {}
    for r0, c0, r1, c1 in merged:
        if r0 > last_row or c0 > last_col:
            continue
        cover.update(dict.fromkeys(
            product(range(r0, min(r1, last_row) + 1), range(c0, min(c1, last_col) + 1)), (r0, c0)))
    for r0, c0, _r1, _c1 in merged:
        cover.pop((r0, c0), None)
    return cover


def _merge_reach(rows: list[list[object]]) -> tuple[int, int]:
    """The last row and column merged ranges are followed to: a little past the cells that hold
    data (a merge over a whole column, A1:A1048576, covers nothing a reader looks at down there)."""
    return len(rows) + MERGE_MARGIN, max(map(len, rows), default=0) + MERGE_MARGIN


@dataclass
class Sheet:
    """One worksheet's values on a grid, with its merged ranges and its cell details."""

    name: str
    rows: list[list[object]]  # None for empty; numbers as float; text as str
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    info: cells.SheetInfo | None = None
    book: InitVar["Book | None"] = None  # held weakly (see __post_init__)
    # (row, col) -> the anchor of the merged range covering that cell, for every covered cell that
    # is not its range's anchor (see _cover_of; shared between sheets, never changed).
    _cover: dict = field(default_factory=dict, repr=False)
    _computed: dict[tuple[int, int], object] = field(default_factory=dict, repr=False)
    _texts: list | None = field(default=None, repr=False)
    _strings: list | None = field(default=None, repr=False)
    _ncols: int | None = field(default=None, repr=False)
    _formulas: dict | None = field(default=None, repr=False)  # (row, col) -> formula with no cached value
    _book: "weakref.ref | None" = field(default=None, repr=False)

    def __post_init__(self, book: "Book | None") -> None:
        # A weak reference: a Book and its Sheets then form no reference cycle, and a workbook is
        # freed the moment it is done with, not at the next garbage collection.
        self._book = weakref.ref(book) if book is not None else None
        if self.merged:
            self._cover = _cover_of(tuple(self.merged), *_merge_reach(self.rows))

    @property
    def strings(self) -> list[tuple[int, int, str]]:
        """(row, col, text) of every text cell that is not a merged range's covered cell, in
        reading order — computed once and shared by the readers that look for words."""
        if self._strings is None:
            cover = self._cover
            if cover:
                self._strings = [(r, c, value) for r, line in enumerate(self.rows)
                                 for c, value in enumerate(line) if isinstance(value, str) and (r, c) not in cover]
            else:
                self._strings = [(r, c, value) for r, line in enumerate(self.rows)
                                 for c, value in enumerate(line) if isinstance(value, str)]
        return self._strings

    @property
    def texts(self) -> list[tuple[int, int, str]]:
        """(row, col, label key) of :attr:`strings` — what the table locators match."""
        if self._texts is None:
            self._texts = [(r, c, label_key(value)) for r, c, value in self.strings]
        return self._texts

    @property
    def nrows(self) -> int:
        return len(self.rows)

    @property
    def ncols(self) -> int:
        if self._ncols is None:
            self._ncols = max((len(row) for row in self.rows), default=0)
        return self._ncols

    def anchor(self, row: int, col: int) -> tuple[int, int]:
        """The top-left cell of the merged range holding (row, col), or the cell itself."""
        return self._cover.get((row, col), (row, col)) if self._cover else (row, col)

    def cell(self, row: int, col: int) -> tuple[int, int, object]:
        """(row, col, value) of the cell that shows in (row, col): the anchor of the merged range
        holding it (or the cell itself) and :meth:`value` there — one call for the readers that
        report a cell by its address."""
        if self._cover:
            row, col = self._cover.get((row, col), (row, col))
        if row >= 0 and col >= 0:  # the stored value when there is one (no second cover lookup)
            try:
                value = self.rows[row][col]
            except IndexError:
                value = None
            if value is not None:
                return row, col, value
        return row, col, self.value(row, col)

    def column_anchors(self, col: int, start: int, stop: int) -> list[tuple[int, int]]:
        """The distinct cells that show in rows ``start``..``stop``-1 of column ``col`` (each merged
        range once, by its anchor), top to bottom."""
        cover = self._cover
        return list(dict.fromkeys([cover.get((r, col), (r, col)) for r in range(start, stop)]))

    def is_merged_child(self, row: int, col: int) -> bool:
        return (row, col) in self._cover

    def raw(self, row: int, col: int) -> object:
        """The stored value of a cell, without merge expansion or formula evaluation."""
        if row >= 0 and col >= 0:
            try:
                return self.rows[row][col]
            except IndexError:
                pass
        return None

    def value(self, row: int, col: int) -> object:
        """The value that shows in (row, col): merged ranges expanded, formulas without a cached
        value evaluated (an :class:`Uncomputed` when that is not possible)."""
        if self._cover:
            anchor = self._cover.get((row, col))
            if anchor is not None:
                row, col = anchor
        if row < 0 or col < 0:
            return None
        try:
            value = self.rows[row][col]
        except IndexError:
            value = None
        if value is not None:
            return value
        formulas = self._formulas
        if formulas is None:  # asked once per sheet, at its first empty cell
            formulas = self._formulas = self.info.formulas() if self.info is not None else {}
        if formulas:
            text = formulas.get((row, col))
            if text is not None:
                return self._evaluate(row, col, text)
        return None

    def _evaluate(self, row: int, col: int, text: str) -> object:
        key = (row, col)
        computed = self._computed
        if key in computed:
            return computed[key]
        computed[key] = _IN_PROGRESS  # met again while it is evaluated: a circular reference
        try:
            result = formula.evaluate(text, self._resolve)
        except formula.FormulaError as exc:
            result = Uncomputed(text, str(exc))
        computed[key] = result
        return result

    def _resolve(self, sheet_name: str | None, row: int, col: int) -> object:
        sheet = self
        if sheet_name is not None:
            book = self._book() if self._book is not None else None
            sheet = book.sheet(sheet_name) if book is not None else None
            if sheet is None:
                raise formula.FormulaError(f"引用了不存在的工作表“{sheet_name}”")
        key = (row, col)
        if key in sheet._cover:
            return None  # a spreadsheet sees the covered cells of a merged range as empty
        value = sheet._computed.get(key)  # a formula already evaluated (most references)
        if value is None:
            value = sheet.value(row, col)  # not covered: its stored value, or its formula's
            if value is None:
                return None
        if isinstance(value, Uncomputed):
            raise formula.FormulaError(f"引用的单元格 {a1(row, col)} 无法计算")
        return value

    def is_percent(self, row: int, col: int) -> bool | None:
        """Whether the cell is percent-formatted; None when the format cannot be known."""
        if self.info is None:
            return None
        row, col = self.anchor(row, col)
        return self.info.is_percent(row, col)


@dataclass
class Book:
    """A workbook as read: its worksheets in order, and the bytes they were read from (checked by
    :func:`files.open_workbook`; whatever reads the workbook again — the annotated copy, the fonts
    of a header — reads these, never the file, which may have changed since)."""

    path: Path
    kind: FileKind
    sheets: list[Sheet]
    data: bytes = field(default=b"", repr=False)

    def sheet(self, name: str) -> Sheet | None:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        return None


_DATES = (_dt.date, _dt.time, _dt.timedelta)  # a datetime is a date


def _line(values: list) -> list:
    """One row as xlscore keeps it: empty cells None, dates and times as their text. (Most cells
    are calamine's "" for empty: the text test comes first, and a number is never compared with "".)"""
    return [(v or None) if isinstance(v, str) else str(v) if isinstance(v, _DATES) else v for v in values]


def load(path: str | os.PathLike) -> Book:
    """Read every worksheet of ``path``; raise :class:`WorkbookError` for an unusable file."""

    path = Path(path)
    opened = open_workbook(path)  # read once: calamine, the cell details and the copy share the bytes
    try:
        extent.check(opened)  # no workbook whose sheets' grids pass the limit reaches calamine
        details = cells.for_file(opened)
        copy = _stored_copy(opened, details)
        if copy is not None:
            try:
                return _read(pc.CalamineWorkbook.from_filelike(io.BytesIO(copy)), path, opened, details)
            except Exception:  # noqa: BLE001 - the workbook's own bytes are read below, and its errors reported
                pass
        # By content, not by extension (the content decided the kind).
        return _read(pc.CalamineWorkbook.from_filelike(io.BytesIO(opened.data)), path, opened, details)
    except WorkbookError:
        raise
    except Exception as exc:  # calamine raises many types for damaged files; its words are English
        said = str(exc).lower()
        if isinstance(exc, pc.PasswordError) or "password" in said or "encrypt" in said:
            raise WorkbookError("FILE_ENCRYPTED", "reader_password") from None
        raise WorkbookError("FILE_CORRUPT", "unreadable") from None


def _stored_copy(opened, details) -> bytes | None:
    """An .xlsx's parts for calamine with nothing left to inflate (see files.stored_copy), when the
    workbook and its relationships were inflated whole, so that the sheets' parts are known."""
    if opened.kind.kind != "xlsx" or details is None or not {WORKBOOK_PART, WORKBOOK_RELS_PART} <= opened.parts.keys():
        return None
    return stored_copy(opened, details.parts.values())


def _read(workbook, path: Path, opened: Opened, details) -> Book:
    """The worksheets calamine reads, with their cell details."""
    book = Book(path, opened.kind, [], opened.data)
    for meta in workbook.sheets_metadata:
        if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet"):
            continue
        raw = workbook.get_sheet_by_name(meta.name)
        grid = raw.to_python(skip_empty_area=False)
        if meta.name.startswith(REVIEW_SHEET) and grid and grid[0] and REVIEW_MARK in str(grid[0][0]):
            continue  # xlscore's own review sheet in an annotated copy is not the department's
        merged = [
            (r0, c0, r1, c1) for (r0, c0), (r1, c1) in (raw.merged_cell_ranges or [])
        ]
        rows = [_line(line) for line in grid]
        info = details.sheet(meta.name) if details else None
        if not merged and info is not None:  # calamine reads no merged ranges from an .ods
            merged = info.merged_ranges(*_merge_reach(rows))
        book.sheets.append(Sheet(meta.name, rows, merged, info, book))
    workbook.close()
    return book
