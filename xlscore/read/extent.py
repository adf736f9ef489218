"""How far each worksheet's data reaches, measured from the workbook's bytes before calamine reads
a sheet, and the refusal of a workbook whose sheets' data reach too far.

calamine gives a sheet a grid of every cell between its first and its last cell that holds a value
(32 bytes a cell), and xlscore pads that grid to start at A1: one value at XFD1048576 is a grid of
17 billion cells (calamine aborts the process asking for 512 GiB), one at NTP20000 200 million
cells (9.5 GB). What is measured here is that grid: from A1 to the last row and the last column
holding a value, formula or text — a cell that is only formatted (an empty styled cell at
ZZ50000), and a sheet's declared dimension, reach nothing. A workbook whose grids pass
:data:`MAX_CELLS` together is refused with FILE_TOO_LARGE before calamine is asked for any sheet;
in every other, the grids, and so everything read from them, stay within that.

* .xlsx/.xlsm — the sheet's XML: byte searches over the part already inflated for the cell details
  (see :func:`files._refuse_dtd`) in the usual case, where every cell that holds something is
  written the way spreadsheet programs write it (``<c r="B7" s="3"><v>…``); any other sheet is
  streamed through a SAX parser, which places cells the way calamine does (a cell without ``r``
  follows the one before it, a row without ``r`` the row before it).
* .ods — ``content.xml`` streamed through a SAX parser: a repeated row or cell counts as many rows
  or columns as it repeats, but only a cell that holds something extends the grid (the empty cells
  repeated to the end of a sheet that LibreOffice writes cost nothing).
* .xls — xlrd reads each sheet's value records (without formatting, so blank formatted cells are
  not counted) and gives its rows and columns.
* .xlsb — the sheet's records: a row header gives the row of the cells after it, each cell record
  with a value (the ones calamine reads; a blank formatted cell is a record of its own) its column.

Everything is read from the bytes :func:`files.open_workbook` read once and checked; the file is
never opened again.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.sax.handler import ContentHandler, feature_namespaces

from .cellref import col_index, col_letter
from .errors import WorkbookError
from .files import WORKBOOK_PART, WORKBOOK_RELS_PART, Opened, is_sheet_part
from .speed import relationship_targets, sheet_parts, value_extent

# The most cells the grids of a workbook's sheets may hold together (each grid rows × columns from
# A1 to its last value). A self-evaluation workbook's sheets have a few thousand cells; 200,000 rows
# of 10 columns are 2 million. A workbook of this many keeps a worker under half a GiB (about 40
# bytes a cell while a sheet is read; tests/test_far_data.py measures it).
MAX_CELLS = 8_000_000


@dataclass(frozen=True)
class Extent:
    """A sheet's grid: from A1 to its last row and last column that hold a value (0 and 0 for a
    sheet that holds none)."""

    rows: int = 0
    cols: int = 0

    @property
    def cells(self) -> int:
        return self.rows * self.cols

    def union(self, other: "Extent") -> "Extent":
        return Extent(max(self.rows, other.rows), max(self.cols, other.cols))


def check(opened: Opened) -> None:
    """Refuse the workbook (FILE_TOO_LARGE) when its sheets' grids hold more than :data:`MAX_CELLS`
    cells together (xlscore keeps every sheet's grid while it reads the workbook), naming the
    largest; FILE_CORRUPT when a sheet cannot be measured because its XML is malformed."""
    extents = measure(opened)
    total = sum(extent.cells for extent in extents.values())
    if total <= MAX_CELLS:
        return
    name, largest = max(extents.items(), key=lambda item: item[1].cells)
    where = (f"工作表“{name}”的数据延伸到第 {largest.rows} 行、第 {col_letter(largest.cols - 1)} 列"
             f"（{largest.rows} 行 × {largest.cols} 列，共 {largest.cells:,} 个单元格）")
    if largest.cells < total:
        where += f"，全部工作表共 {total:,} 个单元格"
    raise WorkbookError("FILE_TOO_LARGE", "cells", where=where, limit=f"{MAX_CELLS:,}")


def measure(opened: Opened) -> dict[str, Extent]:
    """Sheet name (or, for a sheet part no sheet name leads to, the part's name) -> its extent."""
    kind = opened.kind.kind
    if kind == "xlsx":
        return _xlsx_extents(opened)
    if kind == "ods":
        return _ods_extents(opened)
    if kind == "xls":
        return _xls_extents(opened.data)
    if kind == "xlsb":
        return _xlsb_extents(opened)
    return {}


# --- .xlsx ----------------------------------------------------------------------------------------

def _xlsx_extents(opened: Opened) -> dict[str, Extent]:
    """Every sheet part's extent, by the sheet's name. The parts are the ones the workbook's
    relationships name (what calamine reads); a sheet part that no sheet name leads to is measured
    too, under its part name, so that no part calamine may read goes unmeasured."""
    workbook, rels = _part(opened, WORKBOOK_PART), _part(opened, WORKBOOK_RELS_PART)
    names = {part: name for name, part in sheet_parts(workbook, rels).items()} if workbook and rels else {}
    parts = set(names) | {part for part in opened.parts if is_sheet_part(part)}
    extents = {}
    for part in sorted(parts):
        extent = _sheet_extent(opened, part)
        if extent is not None:
            extents[names.get(part, part)] = extent
    return extents


def _part(opened: Opened, name: str) -> bytes | None:
    if name in opened.parts:
        return opened.parts[name]
    try:
        return opened.archive.read(name)
    except KeyError:
        return None


def _sheet_extent(opened: Opened, part: str) -> Extent | None:
    """The extent of one sheet part of an .xlsx; None when the package has no such part."""
    data = opened.parts.get(part)
    if data is not None:
        reach = value_extent(data)
        return Extent(*reach) if reach is not None else parsed_extent(io.BytesIO(data), part)
    try:
        info = opened.archive.getinfo(part)
    except KeyError:
        return None
    with opened.archive.open(info) as stream:  # a part too large to be inflated whole is streamed
        return parsed_extent(stream, part)


def parsed_extent(stream, part: str) -> Extent:
    """The extent of a worksheet part read by an XML parser (streamed: memory stays small)."""
    return _parsed(stream, part, _XlsxCells()).extent


_REF_RE = re.compile(r"([A-Za-z]+)([0-9]+)")


class _XlsxCells(ContentHandler):
    """A sheet's cells as calamine places them: by their ``r``, else after the cell before them in
    their row; a row by its ``r``, else after the row before it. A cell holds something when it
    has any child element (a value, a formula, an inline string)."""

    def __init__(self):
        super().__init__()
        self.extent = Extent()
        self._in_data = False
        self._row = -1  # the current row element's index
        self._col = -1  # the column of the cell before, in this row
        self._cell: tuple[int, int] | None = None  # the open cell's position
        self._filled = False

    def startElementNS(self, name, qname, attrs):
        local = name[1]
        if local == "sheetData":
            self._in_data = True
        elif not self._in_data:
            return
        elif self._cell is not None:
            self._filled = True
        elif local == "row":
            row = attrs.get((None, "r"))
            self._row = int(row) - 1 if row is not None and row.isdigit() else self._row + 1
            self._col = -1
        elif local == "c":
            ref = _REF_RE.fullmatch(attrs.get((None, "r")) or "")
            if ref is not None:
                self._cell = (int(ref.group(2)) - 1, col_index(ref.group(1)))
            else:
                self._cell = (self._row, self._col + 1)
            self._col = self._cell[1]
            self._filled = False

    def endElementNS(self, name, qname):
        local = name[1]
        if local == "sheetData":
            self._in_data = False
        elif local == "c" and self._cell is not None:
            if self._filled:
                row, col = self._cell
                self.extent = self.extent.union(Extent(row + 1, col + 1))
            self._cell = None


def _parsed(stream, part: str, handler):
    """``handler``, after it has been given the SAX events of ``stream``, the XML of ``part``
    (parsed by defusedxml: no DTD, no entities; events only, nothing is kept)."""
    from xml.sax import SAXException  # start-up guard (with the parser below)

    from defusedxml.sax import make_parser  # start-up guard: 40 ms; only .ods and unusual sheets are parsed

    parser = make_parser()
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(handler)
    try:
        parser.parse(stream)
    except (SAXException, ValueError, zipfile.BadZipFile, OSError, EOFError):
        raise WorkbookError("FILE_CORRUPT", "xml", part=part) from None
    return handler


# --- .ods -----------------------------------------------------------------------------------------

_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ODS_CELLS = ("table-cell", "covered-table-cell")


def _repeat(attrs, name: str) -> int:
    """A repeat count as written; 1 when it is missing or not a positive whole number."""
    text = attrs.get((_TABLE_NS, name))
    return max(int(text), 1) if text and text.isascii() and text.isdigit() else 1


@dataclass
class _Table:
    """Where the SAX events of one .ods table are: its name and extent so far, the row being read
    (its index and how many times it repeats), and the cell being read (its column, how many
    times it repeats, whether it holds anything; ``cell_cols`` 0 between cells)."""

    name: str
    extent: Extent = Extent()
    row: int = 0
    rows: int = 1
    col: int = 0
    cell_cols: int = 0
    filled: bool = False


class _OdsTables(ContentHandler):
    """Each table's extent. A row repeated n times moves the next row down n rows, a cell
    repeated n times the next cell right n columns; a cell that holds something (a value type,
    or any element: a paragraph, an annotation) extends its table's extent over all its
    repetitions. A table nested in a cell is measured on its own (and fills that cell)."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, Extent] = {}
        self._open: list[_Table] = []  # the tables being read, innermost last

    def startElementNS(self, name, qname, attrs):
        uri, local = name
        table = self._open[-1] if self._open else None
        if table is not None and table.cell_cols:
            table.filled = True  # any element inside a cell is content
        if uri != _TABLE_NS:
            return
        if local == "table":
            self._open.append(_Table(attrs.get((_TABLE_NS, "name")) or ""))
        elif table is None or table.cell_cols:
            return
        elif local == "table-row":
            table.rows, table.col = _repeat(attrs, "number-rows-repeated"), 0
        elif local in _ODS_CELLS:
            table.cell_cols = _repeat(attrs, "number-columns-repeated")
            table.filled = (_OFFICE_NS, "value-type") in attrs

    def endElementNS(self, name, qname):
        uri, local = name
        if uri != _TABLE_NS or not self._open:
            return
        table = self._open[-1]
        if local == "table":
            self._open.pop()
            self.tables[table.name] = self.tables.get(table.name, Extent()).union(table.extent)
        elif local in _ODS_CELLS and table.cell_cols:
            if table.filled:
                table.extent = table.extent.union(Extent(table.row + table.rows, table.col + table.cell_cols))
            table.col += table.cell_cols
            table.cell_cols = 0
        elif local == "table-row" and not table.cell_cols:
            table.row += table.rows


def _ods_extents(opened: Opened) -> dict[str, Extent]:
    try:
        info = opened.archive.getinfo("content.xml")
    except KeyError:
        return {}
    with opened.archive.open(info) as stream:
        return _parsed(stream, "content.xml", _OdsTables()).tables


# --- .xls -----------------------------------------------------------------------------------------

def _xls_extents(data: bytes) -> dict[str, Extent]:
    """Each sheet's rows and columns as xlrd reads its value records: without formatting (so a
    blank formatted cell is no cell) and with ragged rows (so no row is padded to the widest)."""
    import xlrd  # start-up guard: 25 ms, .xls only

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True)
    except Exception:  # noqa: BLE001 - what xlrd cannot open, calamine reports as it finds it
        return {}
    extents = {}
    try:
        for index, name in enumerate(book.sheet_names()):
            try:
                sheet = book.sheet_by_index(index)
            except Exception:  # noqa: BLE001 - a damaged sheet: calamine says what it finds
                continue
            extents[name] = Extent(sheet.nrows, sheet.ncols)
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return extents


# --- .xlsb ----------------------------------------------------------------------------------------

XLSB_WORKBOOK_PART, XLSB_RELS_PART = "xl/workbook.bin", "xl/_rels/workbook.bin.rels"
_ROW_HEADER = 0x0000  # BrtRowHdr: its row (4 bytes) is the row of the cell records that follow
_VALUE_CELLS = range(0x0002, 0x000C)  # BrtCellRk … BrtFmlaError: a cell with a value, its column first
_SHEET = 0x009C  # BrtBundleSh, in the workbook part: a sheet's relationship id and name


def _records(data: bytes):
    """(type, start, size) of each record of a binary part (MS-XLSB 2.1.4): its type in one or two
    bytes and its size in up to four, seven bits of each byte, then its body. A record cut short
    ends the part."""
    at, end = 0, len(data)
    while at < end:
        kind = data[at]
        at += 1
        if kind & 0x80:
            if at >= end:
                return
            kind = (kind & 0x7F) | (data[at] & 0x7F) << 7
            at += 1
        size = 0
        for shift in (0, 7, 14, 21):
            if at >= end:
                return
            byte = data[at]
            at += 1
            size |= (byte & 0x7F) << shift
            if not byte & 0x80:
                break
        yield kind, at, size
        at += size


def _u32(data: bytes, at: int) -> int:
    return int.from_bytes(data[at:at + 4], "little")


def _xlsb_sheet_extent(data: bytes) -> Extent:
    extent, row = Extent(), 0
    for kind, at, size in _records(data):
        if kind == _ROW_HEADER and size >= 4:
            row = _u32(data, at)
        elif kind in _VALUE_CELLS and size >= 4:
            extent = extent.union(Extent(row + 1, _u32(data, at) + 1))
    return extent


def _wide_string(data: bytes, at: int) -> tuple[str, int]:
    """An XLWideString at ``at`` (a 4-byte count of UTF-16 units, then the units) and where it ends."""
    count = _u32(data, at)
    count = 0 if count == 0xFFFFFFFF else count  # XLNullableWideString's null
    end = at + 4 + 2 * count
    return data[at + 4:end].decode("utf-16-le", "replace"), end


def _xlsb_names(workbook: bytes, rels: bytes) -> dict[str, str]:
    """Sheet part -> sheet name, from the workbook part's BrtBundleSh records and its relationships."""
    targets = relationship_targets(rels)
    names = {}
    for kind, at, size in _records(workbook):
        if kind == _SHEET and size >= 12:
            rid, after = _wide_string(workbook, at + 8)  # after hsState and iTabID
            name, _ = _wide_string(workbook, after)
            part = targets.get(rid.encode("utf-8"))
            if part is not None:
                names[part] = name
    return names


def _xlsb_extents(opened: Opened) -> dict[str, Extent]:
    """Each sheet's extent, by its name; every sheet part of the package when the workbook names
    none (calamine reads the parts the workbook names). A part is read whole: its size was
    checked against the limits when the file was opened."""
    workbook, rels = _part(opened, XLSB_WORKBOOK_PART), _part(opened, XLSB_RELS_PART)
    names = _xlsb_names(workbook, rels) if workbook and rels else {}
    parts = set(names) or {info.filename for info in opened.archive.infolist() if is_sheet_part(info.filename)}
    extents = {}
    for part in sorted(parts):
        data = _part(opened, part)
        if data is not None:
            extents[names.get(part, part)] = _xlsb_sheet_extent(data)
    return extents
