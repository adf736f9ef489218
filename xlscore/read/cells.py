"""What calamine does not expose: number formats, formulas without a cached value, .ods merges.

Read lazily and only for the sheets a reader asks about:

* .xlsx/.xlsm — one regular-expression pass over the sheet's XML collects each cell's style index
  and any formula whose cached value is missing; ``xl/styles.xml`` says which styles are percent.
* .ods — ``content.xml`` marks percent cells with ``office:value-type="percentage"``, and merged
  ranges with ``table:number-rows-spanned`` / ``table:number-columns-spanned`` (calamine reads
  none from an .ods).
* .xls — xlrd with ``formatting_info`` gives each cell's format string.

Everything is read from the bytes :func:`files.open_workbook` read once and checked (for size,
duplicate parts and DTDs) before anything here runs; the file itself is never opened again.
"""

from __future__ import annotations

import zipfile
from functools import cached_property

from defusedxml import ElementTree as SafeET

from . import formula
from .errors import WorkbookError
from .files import STYLES_PART, WORKBOOK_PART, WORKBOOK_RELS_PART, Opened
from .speed import SheetXml, is_percent_code, percent_styles, read_member, sheet_parts


class SheetInfo:
    """Per-cell facts for one sheet. Subclasses fill ``_percent`` and ``_formulas`` lazily."""

    def is_percent(self, row: int, col: int) -> bool | None:
        return None

    def formulas(self) -> dict[tuple[int, int], str]:
        """(row, col) -> formula text of every formula cell whose cached value is missing."""
        return {}

    def merged_ranges(self, last_row: int, last_col: int) -> list[tuple[int, int, int, int]]:
        """(r0, c0, r1, c1) of the merged ranges the file records where calamine reads none (an
        .ods), those anchored within ``last_row``/``last_col`` and clipped to them."""
        return []


class _XlsxSheet(SheetInfo):
    """Facts for the cells asked about, from the sheet's XML (read.speed.SheetXml finds them)."""

    def __init__(self, book: "_XlsxInfo", part: str):
        self._book = book
        self._part = part
        self._xml: SheetXml | None = None
        self._percent: dict[tuple[int, int], bool] = {}
        self._formulas: dict[tuple[int, int], str] | None = None

    def _sheet(self) -> SheetXml:
        if self._xml is None:
            self._xml = SheetXml(self._book.read(self._part) or b"")
        return self._xml

    def is_percent(self, row: int, col: int) -> bool | None:
        key = (row, col)
        if key not in self._percent:
            percent = self._book.percent_styles  # (no percent format in the workbook: no search)
            self._percent[key] = bool(percent) and self._sheet().style(row, col) in percent
        return self._percent[key]

    def formulas(self) -> dict[tuple[int, int], str]:
        if self._formulas is None:
            self._formulas = self._uncached_formulas()
        return self._formulas

    def _uncached_formulas(self) -> dict[tuple[int, int], str]:
        formulas, shared = self._sheet().uncached_formulas()
        # Cells of a shared formula carry only its index: their formula is the master's, moved.
        for key, master in shared.items():
            if master is None:
                formulas[key] = "共享公式（缺少主公式）"
                continue
            (row, col), text = master
            try:
                formulas[key] = formula.shift(text, key[0] - row, key[1] - col)
            except formula.FormulaError:
                formulas[key] = text
        return formulas

class _XlsxInfo:
    def __init__(self, opened: Opened):
        self._data = opened.data  # the workbook's bytes, as :func:`files.open_workbook` read them
        self._parts = opened.parts  # the parts it inflated whole
        self.archive = opened.archive  # the zip it checked, over those bytes

    def read(self, name: str) -> bytes | None:
        """A part's bytes. Every part had its prolog checked for a DTD by :func:`files.open_workbook`
        (the only place an XML parser honours one; nothing here expands entities)."""
        if name in self._parts:
            return self._parts[name]
        try:
            info = self.archive.getinfo(name)
        except KeyError:
            return None
        try:
            return read_member(self._data, info)
        except (zipfile.BadZipFile, OSError, EOFError):
            raise WorkbookError("FILE_CORRUPT", "part", part=name) from None

    @cached_property
    def percent_styles(self) -> frozenset[int]:
        data = self.read(STYLES_PART)
        return percent_styles(data) if data else frozenset()

    @cached_property
    def parts(self) -> dict[str, str]:
        """Sheet name -> zip part of its XML."""
        workbook = self.read(WORKBOOK_PART)
        rels = self.read(WORKBOOK_RELS_PART)
        return sheet_parts(workbook, rels) if workbook and rels else {}

    def sheet(self, name: str) -> SheetInfo | None:
        part = self.parts.get(name)
        return _XlsxSheet(self, part) if part else None


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_CELLS = (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell")
# The elements of a table that hold its rows (besides the rows themselves), nested as they may be.
_ODS_ROW_GROUPS = frozenset(f"{_ODS_TABLE}{name}" for name in ("table-rows", "table-header-rows", "table-row-group"))
_ODS_PERCENT_LIMIT = 10_000  # a percent cell repeated over more cells than this is a whole-column format


class _OdsTable:
    """One table of an .ods ``content.xml``: its percent cells, and its spanned cells as written
    (``(row, col, rows repeated, columns repeated, rows spanned, columns spanned)``), their
    repetitions counted in the positions but not expanded."""

    def __init__(self, percent: set[tuple[int, int]], spans: list[tuple[int, int, int, int, int, int]]):
        self.percent = percent
        self.spans = spans

    def merged_ranges(self, last_row: int, last_col: int) -> list[tuple[int, int, int, int]]:
        """(r0, c0, r1, c1) of every merged range whose anchor lies within ``last_row``/``last_col``,
        clipped to them (a row repeated to the sheet's end, or a merge down a whole column, gives
        only the ranges a reader can see)."""
        merged = []
        for row, col, rows_repeated, cols_repeated, rows_spanned, cols_spanned in self.spans:
            for r in range(row, min(row + rows_repeated, last_row + 1)):
                for c in range(col, min(col + cols_repeated, last_col + 1)):
                    merged.append((r, c, min(r + rows_spanned - 1, last_row), min(c + cols_spanned - 1, last_col)))
        return merged


def _count(text: str | None) -> int:
    """A repeat or span count as written; 1 when it is missing or not a positive whole number."""
    if text and text.isascii() and text.isdigit():
        return max(int(text), 1)
    return 1


def _ods_rows(element):
    """The ``table:table-row`` elements of a table, in order, through its row groups (and not
    into a table nested in a cell)."""
    for child in element:
        if child.tag == f"{_ODS_TABLE}table-row":
            yield child
        elif child.tag in _ODS_ROW_GROUPS:
            yield from _ods_rows(child)


def _ods_table(table) -> _OdsTable:
    """The facts of one ``table:table``. Each row and cell element is visited once: a repeated
    row or column adds its count to the position, whatever the count (1048576 for the rest of a
    sheet)."""
    T = _ODS_TABLE
    percent: set[tuple[int, int]] = set()
    spans: list[tuple[int, int, int, int, int, int]] = []
    row_index = 0
    for row in _ods_rows(table):
        rows_repeated = _count(row.get(f"{T}number-rows-repeated"))
        col_index = 0
        for cell in row:
            if cell.tag not in _ODS_CELLS:
                continue
            cols_repeated = _count(cell.get(f"{T}number-columns-repeated"))
            if (cell.get(f"{_ODS_OFFICE}value-type") == "percentage"
                    and cols_repeated * rows_repeated < _ODS_PERCENT_LIMIT):
                for r in range(row_index, row_index + rows_repeated):
                    for c in range(col_index, col_index + cols_repeated):
                        percent.add((r, c))
            if cell.tag == _ODS_CELLS[0]:
                rows_spanned = _count(cell.get(f"{T}number-rows-spanned"))
                cols_spanned = _count(cell.get(f"{T}number-columns-spanned"))
                if rows_spanned > 1 or cols_spanned > 1:
                    spans.append((row_index, col_index, rows_repeated, cols_repeated, rows_spanned, cols_spanned))
            col_index += cols_repeated
        row_index += rows_repeated
    return _OdsTable(percent, spans)


def _ods_tables(content: bytes) -> dict[str, _OdsTable]:
    """Table name -> its facts, from an .ods ``content.xml`` (parsed with defusedxml)."""

    root = SafeET.fromstring(content)
    return {table.get(f"{_ODS_TABLE}name"): _ods_table(table) for table in root.iter(f"{_ODS_TABLE}table")}


class _OdsSheet(SheetInfo):
    def __init__(self, table: _OdsTable | None):
        self._table = table

    def is_percent(self, row: int, col: int) -> bool | None:
        return self._table is not None and (row, col) in self._table.percent

    def merged_ranges(self, last_row: int, last_col: int) -> list[tuple[int, int, int, int]]:
        return self._table.merged_ranges(last_row, last_col) if self._table is not None else []


class _OdsInfo:
    def __init__(self, archive: zipfile.ZipFile):
        self._archive = archive  # the zip :func:`files.open_workbook` checked

    @cached_property
    def tables(self) -> dict[str, _OdsTable]:
        return _ods_tables(self._archive.read("content.xml"))

    def sheet(self, name: str) -> SheetInfo | None:
        return _OdsSheet(self.tables.get(name))


class _XlsSheet(SheetInfo):
    def __init__(self, info: "_XlsInfo", name: str):
        self._info = info
        self._name = name

    def is_percent(self, row: int, col: int) -> bool | None:
        return self._info.is_percent(self._name, row, col)


class _XlsInfo:
    def __init__(self, data: bytes):
        self._data = data  # the workbook's bytes, as :func:`files.open_workbook` read them

    @cached_property
    def book(self):
        import xlrd  # start-up guard: 25 ms, .xls only

        try:
            return xlrd.open_workbook(file_contents=self._data, formatting_info=True, on_demand=True)
        except Exception:
            return None

    def is_percent(self, name: str, row: int, col: int) -> bool | None:
        book = self.book
        if book is None:
            return None
        try:
            sheet = book.sheet_by_name(name)
            xf = book.xf_list[sheet.cell_xf_index(row, col)]
            fmt = book.format_map.get(xf.format_key)
        except Exception:
            return None
        return bool(fmt and is_percent_code(fmt.format_str))

    def sheet(self, name: str) -> SheetInfo | None:
        return _XlsSheet(self, name)


def for_file(opened: Opened):
    """The lazy cell-detail reader for a workbook read and checked by :func:`files.open_workbook`
    (its bytes, its zip and the parts inflated while it was checked), or None where none applies."""
    kind = opened.kind.kind
    if kind == "xlsx":
        return _XlsxInfo(opened)
    if kind == "ods":
        return _OdsInfo(opened.archive)
    if kind == "xls":
        return _XlsInfo(opened.data)
    return None
