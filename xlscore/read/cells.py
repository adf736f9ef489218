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

import re
import zipfile
from functools import cached_property, lru_cache
from pathlib import PurePosixPath

from . import formula
from .cellref import col_index, col_letter
from .files import STYLES_PART, WORKBOOK_PART, WORKBOOK_RELS_PART, Opened, read_member

_PERCENT_BUILTIN = {9, 10}

_CELL_RE = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF_RE = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_STYLE_RE = re.compile(rb'\bs="(\d+)"')
_FORMULA_RE = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_SHARED_RE = re.compile(rb'\bt="shared"')
_SI_RE = re.compile(rb'\bsi="(\d+)"')


@lru_cache(maxsize=1024)
def _col_index(letters: bytes) -> int:
    return col_index(letters.decode("ascii"))


def _is_percent_code(code: str) -> bool:
    """A number-format code shows percent when it has a % outside quotes and escapes."""
    unquoted = re.sub(r'"[^"]*"|\\.', "", code)
    return "%" in unquoted


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
    """Facts for the cells asked about, found in the sheet XML with byte searches (C speed):
    a cell's style by its ``r="G12"`` attribute, and formulas only where ``<f`` occurs."""

    def __init__(self, book: "_XlsxInfo", part: str):
        self._book = book
        self._part = part
        self._data: bytes | None = None
        self._percent: dict[tuple[int, int], bool] = {}
        self._formulas: dict[tuple[int, int], str] | None = None
        self._cursor = 0
        self._end = 0  # where the cells end (see _cells_end)

    def _bytes(self) -> bytes:
        if self._data is None:
            self._data = self._book.read(self._part) or b""
            self._end = _cells_end(self._data)
        return self._data

    def is_percent(self, row: int, col: int) -> bool | None:
        key = (row, col)
        if key not in self._percent:
            percent = self._book.percent_styles  # (no percent format in the workbook: no search)
            self._percent[key] = bool(percent) and self._style(row, col) in percent
        return self._percent[key]

    def _style(self, row: int, col: int) -> int:
        data = self._bytes()
        cells_end = self._end
        ref = b' r="%b%d"' % (_col_letters(col), row + 1)
        # Readers ask about cells mostly in sheet order: search on from the last cell found first,
        # then from the start up to there.
        cursor = self._cursor
        at = data.find(ref, cursor, cells_end)
        if at == -1:
            at = data.find(ref, 0, min(cursor + len(ref), cells_end))
        while at != -1:
            start = data.rfind(b"<", 0, at)
            end = data.find(b">", at)
            tag = data[start:end]
            if _C_TAG_RE.match(tag):
                self._cursor = end
                style = _STYLE_RE.search(tag)
                return int(style.group(1)) if style else 0
            at = data.find(ref, at + 1, cells_end)
        return 0

    def formulas(self) -> dict[tuple[int, int], str]:
        if self._formulas is None:
            self._formulas = self._scan_formulas()
        return self._formulas

    def _scan_formulas(self) -> dict[tuple[int, int], str]:
        """Formulas whose cached value is missing. A cell without one has its ``</f>`` (or a
        self-closing ``<f …/>``) followed by nothing but an empty ``<v>`` and ``</c>``: those are
        found with byte searches, and only their cells are parsed."""
        data = self._bytes()
        formulas: dict[tuple[int, int], str] = {}
        prefix = _prefix(data)
        children: dict[tuple[int, int], bytes] = {}
        opener = b"<" + prefix + b"c "
        for at, empty_value in _uncached_formula_ends(data, prefix, self._end):
            start = data.rfind(opener, 0, at)
            if start == -1:
                continue
            if empty_value and _STRING_TYPE_RE.search(data, start, data.find(b">", start)):
                # Typed text with an empty <v>: the cached text "" that Excel, WPS and LibreOffice
                # save for a formula that shows nothing (IF(COUNT(J5:L5)=0,"",…)); told by the
                # cell's start tag alone (a template has dozens). xlsxwriter writes an empty <v>
                # without the type to ask for a recalculation: that one is evaluated.
                continue
            cell = _cell_from(data, start)
            if cell is None:
                continue
            key, f_tag, text, cell_attrs = cell
            if text:
                formulas[key] = text
                continue
            shared = _SHARED_RE.search(f_tag) and _SI_RE.search(f_tag)
            if shared:
                children[key] = shared.group(1)
        if children:
            masters = _shared_masters(data, prefix)
            # Cells of a shared formula carry only its index: their formula is the master's, moved.
            for key, index in children.items():
                if index not in masters:
                    formulas[key] = "共享公式（缺少主公式）"
                    continue
                (row, col), text = masters[index]
                try:
                    formulas[key] = formula.shift(text, key[0] - row, key[1] - col)
                except formula.FormulaError:
                    formulas[key] = text
        return formulas


def _cells_end(data: bytes) -> int:
    """Where a sheet's cells end: at the close of its ``<sheetData>``. What follows it (data
    validations, merged ranges, conditional formats: two thirds of a template's scoring sheet)
    holds no cell, so the searches for formulas and styles stop there."""
    at = data.rfind(b"sheetData>")
    if at > 1 and data[data.rfind(b"<", 0, at) + 1:][:1] == b"/":  # </sheetData> or </x:sheetData>
        return at
    return len(data)


def _prefix(data: bytes) -> bytes:
    """The namespace prefix the sheet's elements carry (``x:`` in some generators' output), or b""."""
    if b"<c " in data or b"<row" in data:
        return b""
    found = re.search(rb"<(\w+:)(?:row|c)[\s>/]", data)
    return found.group(1) if found else b""


# What may follow a formula element in a cell with no cached value: nothing but an empty <v>, then </c>.
# (The group is the empty <v>, when there is one.)
_NO_VALUE_RE = re.compile(rb"\s*(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>")
_SHARED = b't="shared"'  # the attribute of a shared formula's <f>
_EMPTY_START = (b"<", b" ", b"\t", b"\r", b"\n", b"")  # what may follow "<v>" in an empty value
_STRING_TYPE_RE = re.compile(rb"""\bt=["']str["']""")  # a <c> of text type


def _uncached_formula_ends(data: bytes, prefix: bytes, stop: int) -> list[tuple[int, bool]]:
    """Positions inside the formula elements before ``stop`` that no cached value follows: a
    closing ``</f>``, or a self-closing ``<f t="shared" …/>`` (a shared formula's other cells; a
    self-closing formula that is not shared has no text to evaluate), each followed by nothing but
    an empty ``<v>`` and ``</c>``; with each, whether that empty ``<v>`` is there. The candidates
    are found with byte searches and only they are matched (a regular expression over the whole
    sheet stopped at every ``<``)."""
    found = []
    closer = b"</" + prefix + b"f>"
    value = b"<" + prefix + b"v>"
    after_value = len(closer) + len(value)
    at = data.find(closer, 0, stop)
    while at != -1:
        # The usual cell, ``</f><v>7309.62</v>``, is told at a glance; the rest are matched.
        if not (data.startswith(value, at + len(closer))
                and data[at + after_value:at + after_value + 1] not in _EMPTY_START):
            empty = _NO_VALUE_RE.match(data, at + len(closer))
            if empty:
                found.append((at, empty.group(1) is not None))
        at = data.find(closer, at + len(closer), stop)
    opener = b"<" + prefix + b"f "
    at = data.find(_SHARED, 0, stop)
    while at != -1:
        start = data.rfind(b"<", 0, at)
        end = data.find(b">", at)
        if end == -1:
            break
        empty = (data.startswith(opener, start) and data[at - 1] in b" \t\r\n" and data[end - 1] == 0x2F  # b"/"
                 and _NO_VALUE_RE.match(data, end + 1))
        if empty:
            found.append((start, empty.group(1) is not None))
        at = data.find(_SHARED, end, stop)
    found.sort()  # sheet order (the two searches each keep it)
    return found


_CELL_F_RE = re.compile(
    rb'<(?:\w+:)?c\b([^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*)>\s*(<(?:\w+:)?f\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?f>))')


def _cell_at(data: bytes, prefix: bytes, at: int) -> tuple[tuple[int, int], bytes, str, bytes] | None:
    """The (row, col), ``<f>`` tag, formula text and ``<c>`` attributes of the cell holding
    position ``at``."""
    start = data.rfind(b"<" + prefix + b"c ", 0, at)
    return _cell_from(data, start) if start != -1 else None


def _cell_from(data: bytes, start: int) -> tuple[tuple[int, int], bytes, str, bytes] | None:
    """:func:`_cell_at` of the cell whose start tag begins at ``start``."""
    quick = _CELL_F_RE.match(data, start)  # the usual order: the formula first in its cell
    if quick is not None:
        attrs, letters, digits, f_tag, raw = quick.group(1, 2, 3, 4, 5)
        return (int(digits) - 1, _col_index(letters)), f_tag, _formula_text(raw), attrs
    match = _CELL_RE.match(data, start)
    if match is None:
        return None
    ref = _REF_RE.search(match.group(1))
    found = _FORMULA_RE.search(match.group(2) or b"")
    if ref is None or found is None:
        return None
    return ((int(ref.group(2)) - 1, _col_index(ref.group(1))), found.group(0), _formula_text(found.group(1)),
            match.group(1))


def _formula_text(raw: bytes | None) -> str:
    """The text of an ``<f>`` element's content, XML entities decoded."""
    return _unescape(raw.decode("utf-8", "replace")).strip() if raw else ""


_NAMED = {"lt": "<", "gt": ">", "quot": '"', "apos": "'", "amp": "&"}  # XML's five; &amp; last (see _unescape)
_NAMED_ENTITIES = tuple((f"&{name};", char) for name, char in _NAMED.items())
_REFERENCE_RE = re.compile(r"&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(" + "|".join(_NAMED) + "));")


def _unescape(text: str) -> str:
    """XML character data with its references decoded: the five named entities (a formula's
    ``""`` is stored as ``&quot;&quot;``) and numeric character references. Plain replacements
    when there is no numeric one (the usual case), else one pass of a regular expression, so that
    ``&amp;#65;`` stays the text ``&#65;``."""
    if "&" not in text:
        return text
    if "&#" not in text:
        for entity, char in _NAMED_ENTITIES:
            text = text.replace(entity, char)
        return text
    return _REFERENCE_RE.sub(_reference, text)


def _reference(match: re.Match) -> str:
    hex_digits, digits, name = match.groups()
    if name:
        return _NAMED[name]
    code = int(hex_digits, 16) if hex_digits else int(digits)
    return chr(code) if 0 < code <= 0x10FFFF else match.group(0)


def _shared_masters(data: bytes, prefix: bytes) -> dict[bytes, tuple[tuple[int, int], str]]:
    """Shared-formula index -> (cell, formula text) of the cell that carries the text."""
    masters: dict[bytes, tuple[tuple[int, int], str]] = {}
    opener = b"<" + prefix + b"f "
    at = data.find(opener)
    while at != -1:
        end = data.find(b">", at)
        if end == -1:
            break
        if data[end - 1:end] != b"/" and _SHARED_RE.search(data, at, end):
            index = _SI_RE.search(data, at, end)
            cell = _cell_at(data, prefix, at)
            if index and cell and cell[2]:
                masters[index.group(1)] = (cell[0], cell[2])
        at = data.find(opener, end)
    return masters


@lru_cache(maxsize=1024)
def _col_letters(col: int) -> bytes:
    return col_letter(col).encode("ascii")


_NUMFMT_RE = re.compile(rb'<(?:\w+:)?numFmt\b[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"')
_CELLXFS_RE = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF_RE = re.compile(rb"<(?:\w+:)?xf\b([^>]*)")
_FMTID_RE = re.compile(rb'\bnumFmtId="(\d+)"')
_C_TAG_RE = re.compile(rb"<(?:\w+:)?c\b")


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
        from .errors import WorkbookError

        try:
            return read_member(self._data, info)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise WorkbookError("FILE_CORRUPT", f"工作簿部件 {name} 已损坏，无法解压（{exc}）") from None

    @cached_property
    def percent_styles(self) -> frozenset[int]:
        data = self.read(STYLES_PART)
        return _percent_styles(data) if data else frozenset()

    @cached_property
    def parts(self) -> dict[str, str]:
        """Sheet name -> zip part of its XML."""
        workbook = self.read(WORKBOOK_PART)
        rels = self.read(WORKBOOK_RELS_PART)
        return sheet_parts(workbook, rels) if workbook and rels else {}

    def sheet(self, name: str) -> SheetInfo | None:
        part = self.parts.get(name)
        return _XlsxSheet(self, part) if part else None


@lru_cache(maxsize=64)
def _percent_styles(data: bytes) -> frozenset[int]:
    """Indexes of the cell formats (``s="…"``) that show percent, read from ``xl/styles.xml``.

    Regular expressions over the part (already checked to carry no DTD): the number formats, then
    each cell format <xf> of <cellXfs> in order. Cached by the part's content: the workbooks of a
    batch come from a handful of templates and share their styles part byte for byte."""
    codes = {int(m.group(1)): _unescape(m.group(2).decode("utf-8", "replace"))
             for m in _NUMFMT_RE.finditer(data)}
    block = _CELLXFS_RE.search(data)
    percent = set()
    for index, xf in enumerate(_XF_RE.finditer(block.group(1) if block else b"")):
        found = _FMTID_RE.search(xf.group(1))
        fmt_id = int(found.group(1)) if found else 0
        if fmt_id in _PERCENT_BUILTIN or _is_percent_code(codes.get(fmt_id, "")):
            percent.add(index)
    return frozenset(percent)


@lru_cache(maxsize=64)
def sheet_parts(workbook: bytes, rels: bytes) -> dict[str, str]:
    """Sheet name -> zip part, from workbook.xml and its relationships (by regular expressions:
    both parts were checked to carry no DTD). Cached by content; the result must not be changed."""
    targets = relationship_targets(rels)
    parts = {}
    for found in _SHEET_RE.finditer(workbook):
        attrs = _attrs(found.group(1))
        rid = next((v for k, v in attrs.items() if k.endswith(b":id")), None)
        name = attrs.get(b"name")
        if rid in targets and name is not None:
            parts[_unescape(name.decode("utf-8", "replace"))] = targets[rid]
    return parts


def relationship_targets(rels: bytes) -> dict[bytes, str]:
    """Relationship id -> the zip part it leads to, from a workbook's relationships part."""
    targets = {}
    for found in _REL_RE.finditer(rels):
        attrs = _attrs(found.group(1))
        target = attrs.get(b"Target", b"").decode("utf-8", "replace")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        targets[attrs.get(b"Id")] = _normpath(_unescape(part))
    return targets


_REL_RE = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_SHEET_RE = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_ATTR_RE = re.compile(rb'([\w:.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')


def _attrs(text: bytes) -> dict[bytes, bytes]:
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTR_RE.finditer(text)}


def _normpath(part: str) -> str:
    out: list[str] = []
    for piece in part.split("/"):
        if piece == "..":
            if out:
                out.pop()
        elif piece and piece != ".":
            out.append(piece)
    return "/".join(out)


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
    from defusedxml import ElementTree as SafeET  # only .ods needs an XML tree

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
        import xlrd

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
        return bool(fmt and _is_percent_code(fmt.format_str))

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
