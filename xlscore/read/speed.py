"""The speed code, fenced: what xlscore does only to be fast. Everywhere else is plain Python.

Each thing here is kept because it saves 5% or more of a `make bench` figure, measured as said
below. What it holds, what it saves and what it costs:

* :func:`memo` — a function of a text (or a few hashable values) remembered for the life of the
  process, up to 65,536 answers each. A folder's workbooks come from the same templates, so the
  same labels, figures, formulas and rules are normalised, parsed and matched in file after file.
  The functions given to it are pure and return values nobody changes; the cost is memory (a few
  MB at most). ``xlscore check`` of the bench corpus (200 workbooks, one process) without all of
  them takes 2.3 times as long; without each group, longer by: text normalisation and number
  parsing (read.textnum) 44%, element matching (score.elements) 27%, rule parsing (score.rules)
  21%, formula compilation (read.formula) 21%, scheme detection and name keys (score.scheme) 12%,
  the scoring table's header words (tables.scoresheet) 7%, measures (tables.measure) 7%, the
  merged-cell cover a template's sheets share (read.book) 7%; the bundled schemes, loaded once
  (score.scheme.load: 16 ms a load, twice a check's whole time per workbook). Memos that gave less than 5% (cell
  references, decimals, the fund table's and the header's lookups) were removed.
* the zip parts — :func:`inflate` reads a part straight from the workbook's bytes with zlib-ng
  (one call, about twice as fast as the system zlib on a sheet, instead of zipfile's reader
  objects), and :func:`stored_zip` writes the parts calamine reads, already inflated and checked,
  into a zip with nothing compressed, so calamine need not inflate them again (its own inflating is
  a fifth of its time on a template's workbook). One local-header layout serves both.
* the workbook's XML read with byte searches and regular expressions instead of an XML parser:
  :class:`SheetXml` (a cell's style, the formulas without a cached value), :func:`value_extent`
  (how far a sheet's values reach), :func:`percent_styles`, :func:`sheet_parts` and
  :func:`relationship_targets`. Every part had its prolog checked for a DTD first, and nothing here
  expands entities; what the searches cannot be sure of (a namespace prefix, a comment among the
  cells) goes to the parsers of the plain modules.
* openpyxl's private parts, where its public ones cost too much: the merged cells of a workbook
  opened for the annotated copy bound once per distinct style (:func:`load_workbook`,
  :func:`merge_cells`; on load openpyxl builds, hashes and compares Border and Protection objects
  for every edge cell of every merged range, about two thirds of ``load_workbook`` for the 附表
  workbooks: loading the bench corpus takes 2.5–3.0 s this way and 7.9–8.2 s the plain way; the
  result is the same workbook, tested part by part, and only with the openpyxl versions read and
  checked (3.1.2–3.1.5), others load the plain way); a cell's style copied as its index into the
  workbook's style table (:func:`style_token`, :func:`give_style`, as openpyxl's own
  ``copy_worksheet`` does, instead of six style objects assigned one by one); and the cells a sheet
  holds (:func:`held_cells`, :func:`place`): openpyxl's public ways visit — and make — every cell
  of the rectangle up to ``max_row`` × ``max_column``, which one formatted empty cell at ZZ50000
  makes 35 million cells (11 GB).
"""

from __future__ import annotations

import contextlib
import re
import struct
import threading
import zipfile
from copy import copy
from functools import lru_cache
from pathlib import PurePosixPath

from zlib_ng import zlib_ng

from .cellref import col_index, col_letter

MEMO_SIZE = 1 << 16


def memo(func):
    """``func`` remembered by its arguments (told apart by type too: ``1``, ``1.0`` and ``True``
    are three keys)."""
    return lru_cache(maxsize=MEMO_SIZE, typed=True)(func)


# --- zip parts --------------------------------------------------------------------------------

_LOCAL = struct.Struct("<4s5H3L2H")  # signature, version, flags, method, time, date, CRC, sizes, name and extra lengths
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_DOS_DATE = (1 << 5) | 1  # 1980-01-01: the zip format's earliest date




def inflate(whole: bytes, info: zipfile.ZipInfo, size: int, compressed: int) -> bytes:
    """Up to ``size`` bytes of a part, inflated from its first ``compressed`` bytes, read straight
    from the workbook's bytes (one zlib call instead of zipfile's reader objects)."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
        raise zipfile.BadZipFile(f"{info.filename}: 不支持的压缩方式")
    at = info.header_offset
    header = whole[at:at + _LOCAL.size]
    if len(header) < _LOCAL.size or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"{info.filename}: 部件头损坏")
    fields = _LOCAL.unpack(header)
    start = at + _LOCAL.size + fields[-2] + fields[-1]
    raw = whole[start:start + compressed]
    if info.compress_type == zipfile.ZIP_STORED:
        return raw[:size]
    try:
        return zlib_ng.decompressobj(-15).decompress(raw, size)
    except zlib_ng.error as exc:
        raise zipfile.BadZipFile(f"{info.filename}: {exc}") from None


def read_member(whole: bytes, info: zipfile.ZipInfo) -> bytes:
    """A whole part, never inflated past its declared size, checked against its CRC."""
    data = inflate(whole, info, info.file_size + 1, info.compress_size)
    if len(data) != info.file_size or zlib_ng.crc32(data) != info.CRC:
        raise zipfile.BadZipFile(f"{info.filename}: 校验不符")
    return data


def stored_zip(parts: list[tuple[str, bytes, int]]) -> bytes:
    """A zip of (name, bytes, CRC) parts with nothing compressed. Written here rather than with
    :mod:`zipfile`, which would work out every part's CRC again (with the system zlib, at about the
    cost of what the copy saves); the CRCs given are the workbook's own, already checked against
    the inflated bytes."""
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, data, crc in parts:
        raw = name.encode("utf-8")
        flags = 0 if raw.isascii() else 0x800  # the name in UTF-8
        chunks += (_LOCAL.pack(b"PK\x03\x04", 20, flags, 0, 0, _DOS_DATE, crc, len(data), len(data), len(raw), 0),
                   raw, data)
        central += (_CENTRAL.pack(b"PK\x01\x02", 20, 20, flags, 0, 0, _DOS_DATE, crc, len(data), len(data),
                                  len(raw), 0, 0, 0, 0, 0, offset), raw)
        offset += _LOCAL.size + len(raw) + len(data)
    directory = b"".join(central)
    return b"".join([*chunks, directory, _END.pack(b"PK\x05\x06", 0, 0, len(parts), len(parts), len(directory),
                                                   offset, 0)])




# --- the workbook's XML, by byte searches ------------------------------------------------------

_CELL_RE = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF_RE = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_STYLE_RE = re.compile(rb'\bs="(\d+)"')
_FORMULA_RE = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_SHARED_RE = re.compile(rb'\bt="shared"')
_SI_RE = re.compile(rb'\bsi="(\d+)"')



@memo
def _col_index(letters: bytes) -> int:
    return col_index(letters.decode("ascii"))



class SheetXml:
    """A worksheet part's cells, found with byte searches (C speed) rather than parsed: a cell's
    style by its ``r="G12"`` attribute, and the formulas whose cached value is missing only where
    ``</f>`` or a shared ``<f …/>`` occurs."""

    def __init__(self, data: bytes):
        self._data = data
        self._end = _cells_end(data)
        self._cursor = 0

    def style(self, row: int, col: int) -> int:
        """The style index (``s="…"``) of the cell at 0-based (row, col); 0 when it has none."""
        data = self._data
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

    def uncached_formulas(self) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], tuple[tuple[int, int], str] | None]]:
        """(cell -> formula text, cell -> (master cell, master text) or None) of the formulas whose
        cached value is missing: the second for the cells of a shared formula, which carry only its
        index (None when no cell carries that index's text). A cell without a cached value has
        its ``</f>`` (or a self-closing ``<f …/>``) followed by nothing but an empty ``<v>`` and
        ``</c>``: those are found with byte searches, and only their cells are parsed."""
        data = self._data
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
            key, f_tag, text, _cell_attrs = cell
            if text:
                formulas[key] = text
                continue
            shared = _SHARED_RE.search(f_tag) and _SI_RE.search(f_tag)
            if shared:
                children[key] = shared.group(1)
        masters = _shared_masters(data, prefix) if children else {}
        return formulas, {key: masters.get(index) for key, index in children.items()}


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
    return unescape(raw.decode("utf-8", "replace")).strip() if raw else ""


_NAMED = {"lt": "<", "gt": ">", "quot": '"', "apos": "'", "amp": "&"}  # XML's five; &amp; last (see _unescape)
_NAMED_ENTITIES = tuple((f"&{name};", char) for name, char in _NAMED.items())
_REFERENCE_RE = re.compile(r"&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(" + "|".join(_NAMED) + "));")


def unescape(text: str) -> str:
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


@memo
def _col_letters(col: int) -> bytes:
    return col_letter(col).encode("ascii")



_PERCENT_BUILTIN = {9, 10}

def is_percent_code(code: str) -> bool:
    """A number-format code shows percent when it has a % outside quotes and escapes."""
    unquoted = re.sub(r'"[^"]*"|\\.', "", code)
    return "%" in unquoted


_NUMFMT_RE = re.compile(rb'<(?:\w+:)?numFmt\b[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"')
_CELLXFS_RE = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF_RE = re.compile(rb"<(?:\w+:)?xf\b([^>]*)")
_FMTID_RE = re.compile(rb'\bnumFmtId="(\d+)"')
_C_TAG_RE = re.compile(rb"<(?:\w+:)?c\b")



@memo
def percent_styles(data: bytes) -> frozenset[int]:
    """Indexes of the cell formats (``s="…"``) that show percent, read from ``xl/styles.xml``.

    Regular expressions over the part (already checked to carry no DTD): the number formats, then
    each cell format <xf> of <cellXfs> in order. Remembered by the part's content: the workbooks of
    a batch come from a handful of templates and share their styles part byte for byte."""
    codes = {int(m.group(1)): unescape(m.group(2).decode("utf-8", "replace"))
             for m in _NUMFMT_RE.finditer(data)}
    block = _CELLXFS_RE.search(data)
    percent = set()
    for index, xf in enumerate(_XF_RE.finditer(block.group(1) if block else b"")):
        found = _FMTID_RE.search(xf.group(1))
        fmt_id = int(found.group(1)) if found else 0
        if fmt_id in _PERCENT_BUILTIN or is_percent_code(codes.get(fmt_id, "")):
            percent.add(index)
    return frozenset(percent)


@memo
def sheet_parts(workbook: bytes, rels: bytes) -> dict[str, str]:
    """Sheet name -> zip part, from workbook.xml and its relationships (by regular expressions:
    both parts were checked to carry no DTD). Remembered by content; the result is not to be changed."""
    targets = relationship_targets(rels)
    parts = {}
    for found in _SHEET_RE.finditer(workbook):
        attrs = _attrs(found.group(1))
        rid = next((v for k, v in attrs.items() if k.endswith(b":id")), None)
        name = attrs.get(b"name")
        if rid in targets and name is not None:
            parts[unescape(name.decode("utf-8", "replace"))] = targets[rid]
    return parts


def relationship_targets(rels: bytes) -> dict[bytes, str]:
    """Relationship id -> the zip part it leads to, from a workbook's relationships part."""
    targets = {}
    for found in _REL_RE.finditer(rels):
        attrs = _attrs(found.group(1))
        target = attrs.get(b"Target", b"").decode("utf-8", "replace")
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        targets[attrs.get(b"Id")] = _normpath(unescape(part))
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


# A cell written as spreadsheet programs write it: its reference first (upper-case letters, a row
# within Excel's), then only the attributes a cell may have, then a value, a formula or an inline
# string. A cell written otherwise (a lower-case or second reference, attributes in another
# order) is not matched, and sends the sheet to the parser (see value_extent).
_VALUE_CELL_RE = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"(?: (?:s|t|cm|vm|ph)="[^"<>]*")*>\s*<[vfi]')


def value_extent(data: bytes) -> tuple[int, int] | None:
    """(rows, columns) from A1 to the last cell of a worksheet part that holds a value, a formula or
    an inline string, by byte searches; None when they cannot be sure of it (read.extent then
    parses the part). They are sure when
    the cells are in no namespace prefix, no comment, CDATA section or processing instruction
    stands among them (where text could look like a cell), and every element that closes with
    ``</c`` — every cell that can hold anything — is a cell that :data:`_VALUE_CELL_RE` reads."""
    start = data.find(b"sheetData")
    if start == -1:
        return 0, 0
    if data[start - 1:start] != b"<":
        return None  # in a namespace prefix (<x:sheetData>)
    end = data.rfind(b"sheetData")  # the last one closes the cells (however many sheetData there are)
    for mark in (b":c", b"<!", b"<?"):
        if data.find(mark, start, end) != -1:
            return None
    cells = _VALUE_CELL_RE.findall(data, start, end)
    if len(cells) != data.count(b"</c", start, end):
        return None
    if not cells:
        return 0, 0
    rows = max(int(row) for _, row in cells)
    letters = max({col for col, _ in cells}, key=lambda col: (len(col), col))
    return rows, col_index(letters.decode("ascii")) + 1


# --- openpyxl ---------------------------------------------------------------------------------

def _openpyxl() -> None:
    """Import what this section uses of openpyxl, once, when first used (a start-up guard:
    openpyxl costs 250 ms to import, and a check never needs it)."""
    global openpyxl, MergedCell, excel, Border, StyleArray, CellRange, MultiCellRange, MergedCellRange, _Reader
    if _Reader is not None:
        return
    import openpyxl
    from openpyxl.cell.cell import MergedCell
    from openpyxl.reader import excel
    from openpyxl.styles.borders import Border
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.worksheet._reader import WorksheetReader
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
    from openpyxl.worksheet.merge import MergedCellRange

    class Reader(WorksheetReader):
        def bind_merged_cells(self):
            if not self.parser.merged_cells:
                return
            memo: dict = {}  # style indexes are the workbook's; one memo per sheet is enough
            ranges = [_merge(self.ws, merge.ref, memo) for merge in self.parser.merged_cells.mergeCell]
            self.ws.merged_cells = MultiCellRange(ranges)

    _Reader = Reader


_Reader = None  # (and openpyxl's names above: set by _openpyxl)


def load_workbook(source, **options):
    """``openpyxl.load_workbook(source, **options)`` of a file object, with the merged cells bound
    as described in this module's docstring (openpyxl's private reader swapped for the call)."""
    _openpyxl()
    if not fast_binding_applies():
        return openpyxl.load_workbook(source, **options)
    with _binding():
        return openpyxl.load_workbook(source, **options)


CHECKED_VERSIONS = ("3.1.",)  # MergedCellRange.format and the reader's binding: the same in 3.1.2–3.1.5
EDGES = ("top", "left", "right", "bottom")  # the order MergedCellRange.format applies them in
_SWAP = threading.Lock()


def fast_binding_applies(version: str | None = None) -> bool:
    """Whether the openpyxl installed (or ``version``) is one whose binding code was read and checked."""
    if version is None:
        _openpyxl()
        version = openpyxl.__version__
    return version.startswith(CHECKED_VERSIONS)


def merge_cells(ws, ref: str, memo: dict) -> None:
    """``ws.merge_cells(ref)``, with the borders and protection set the way :func:`load_workbook` sets them
    (``memo``: one dict for the merges of one sheet)."""
    _openpyxl()
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


def style_token(cell):
    """A cell's whole style, as its index into the workbook's style table, to give to other cells."""
    return copy(cell._style)


def give_style(cell, token) -> None:
    """Give ``cell`` the style ``token`` (from :func:`style_token`)."""
    cell._style = copy(token)


def style_key(cell) -> tuple:
    """A hashable key of a cell's whole style (a cell the file gave no style has an empty one)."""
    return tuple(cell._style or ())


def held_cells(ws):
    """The cells ``ws`` holds: each one its file wrote (formatted or not) and each one written since."""
    return ws._cells.values()


def place(ws, cell) -> None:
    """Put ``cell`` (made for ``ws``: a MergedCell, or a Cell in a merged range's place) into ``ws``."""
    ws._cells[(cell.row, cell.column)] = cell
