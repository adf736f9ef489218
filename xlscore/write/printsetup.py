"""Print layout of every sheet of the copies xlscore writes: A4 landscape, one page wide, header
rows repeated, print area on the used range, long text wrapped with row heights to match,
page breaks that keep a block of rows on one page where it fits, the project name in the page
header, 第 &P 页 共 &N 页 in the footer, comments at the end.

Where a page ends is estimated from the column widths and row heights as Excel measures them
(a column-width unit is the width of a digit of the default font, Calibri 11: 7 pixels), with a
margin: LibreOffice and WPS, whose units come out a little wider, fit a little more on a page, so
a break placed here comes no later than theirs would."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.properties import PageSetupProperties

from ..read.speed import give_style, held_cells, style_key, style_token

DEFAULT_WIDTH = 8.43
DEFAULT_SIZE = 11.0  # points: the default font's size
LINE_POINTS = 16.0  # one line of 11-point CJK text (宋体 and 等线 need 14–15, Noto Sans CJK 16)
ROW_PAD = 3.0  # points above and below the lines of a wrapped cell
WRAP_SLACK = 0.92  # the part of a column's width a wrapped line fills
MAX_ROW_POINTS = 409.0
# The page: A4 landscape, in points, and the margins every sheet is given (inches).
PAGE_WIDTH, PAGE_HEIGHT = 841.89, 595.28
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.7, "bottom": 0.7, "header": 0.3, "footer": 0.3}
WIDTH_POINTS = 5.25  # one column-width unit: 7 pixels at 96 per inch
ROOM = 0.95  # the part of a page the breaks plan to fill
# Excel's limit on a page header: its three parts with their codes (&C, &10, && …), in UTF-16 units.
# A longer one makes the workbook one Excel will not open as it is.
MAX_HEADER = 255


def text_width(text: str, size: float = DEFAULT_SIZE) -> float:
    """Width of text in column-width units: a CJK character of 11 points is two, others about
    one; other sizes in proportion."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text) * size / DEFAULT_SIZE


def lines_needed(text: str, width: float, size: float = DEFAULT_SIZE) -> int:
    usable = max(width - 1.0, 1.0)
    return sum(max(1, math.ceil(text_width(part, size) / usable)) for part in str(text).split("\n"))


def line_points(size: float = DEFAULT_SIZE) -> float:
    """The height of one line of wrapped text of ``size`` points."""
    return LINE_POINTS * size / DEFAULT_SIZE


def text_points(text: str, width: float, size: float = DEFAULT_SIZE) -> float:
    """The row height that shows ``text`` wrapped in ``width`` in full (a line holds a little less
    than its width: the programs wrap whole words and numbers, not characters)."""
    return min(MAX_ROW_POINTS, lines_needed(text, width * WRAP_SLACK, size) * line_points(size) + ROW_PAD)


def column_width(ws, col: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(col))
    return dim.width if dim is not None and dim.width else DEFAULT_WIDTH


def used_range(ws) -> tuple[int, int]:
    """Last row and column holding a value (or a merged range), 1-based."""
    last_row = last_col = 1
    for cell in held_cells(ws):
        if cell.value is not None and cell.value != "":
            last_row, last_col = max(last_row, cell.row), max(last_col, cell.column)
    for merged in ws.merged_cells.ranges:
        last_row, last_col = max(last_row, merged.max_row), max(last_col, merged.max_col)
    return last_row, last_col


def wrap_columns(ws, widths: dict[int, float], rows: range) -> None:
    """Set the long-text columns (1-based index -> width) and wrap their cells in ``rows``."""
    wrapped: dict[object, object] = {}  # a cell style -> the same style wrapped (assigning styles is slow)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
        for r in rows:
            cell = ws.cell(row=r, column=col)
            if cell.value is None:
                continue
            key = style_key(cell)
            if key not in wrapped:
                align = cell.alignment
                cell.alignment = Alignment(horizontal=align.horizontal, vertical=align.vertical or "center",
                                           wrap_text=True, indent=align.indent, text_rotation=align.text_rotation)
                wrapped[key] = style_token(cell)
            else:
                give_style(cell, wrapped[key])


def cell_size(cell) -> float:
    """The size of a cell's font, in points."""
    size = cell.font.sz if cell.font is not None else None
    return float(size) if size else DEFAULT_SIZE


def _shown_text(cell) -> str | None:
    """The text a cell shows that may need more than one line: text typed in, not a formula's
    (whose result is a number or a word) nor a number."""
    value = cell.value
    if not isinstance(value, str) or cell.data_type == "f":
        return None
    if "\n" not in value and not cell.alignment.wrap_text:  # (each .alignment makes a proxy)
        return None
    return value


def fit_rows(ws, rows: range) -> None:
    """Row heights that show every wrapped text in full, measured in its font's size. A text
    merged over several rows gets the height it lacks added to the range's last row."""
    spans = {}
    vertical = {}
    for merged in ws.merged_cells.ranges:
        width = sum(column_width(ws, c) for c in range(merged.min_col, merged.max_col + 1))
        spans[(merged.min_row, merged.min_col)] = width
        if merged.max_row > merged.min_row:
            vertical[(merged.min_row, merged.min_col)] = merged.max_row
    texts: dict[int, list] = {}  # row -> its cells holding text, among those held (see held_cells)
    for cell in held_cells(ws):
        if cell.row in rows and isinstance(cell.value, str):
            texts.setdefault(cell.row, []).append(cell)
    tall = []  # (first row, last row, points) of the texts merged over several rows
    for r in rows:
        height = 0.0
        for cell in texts.get(r, ()):
            text = _shown_text(cell)
            if text is None:
                continue
            width = spans.get((r, cell.column), column_width(ws, cell.column))
            size = cell_size(cell)
            if lines_needed(text, width * WRAP_SLACK, size) < 2:
                continue
            points = text_points(text, width, size)
            if (r, cell.column) in vertical:
                tall.append((r, vertical[(r, cell.column)], points))
            else:
                height = max(height, points)
        current = ws.row_dimensions[r].height
        if height and (current is None or current < height):
            ws.row_dimensions[r].height = height
    for first, last, points in tall:
        if last > rows.stop - 1:
            continue
        have = sum(row_points(ws, r) for r in range(first, last + 1))
        if have < points:
            ws.row_dimensions[last].height = min(MAX_ROW_POINTS, row_points(ws, last) + points - have)


def row_points(ws, r: int) -> float:
    """A row's height as printed (the sheet's default where the row has none)."""
    dim = ws.row_dimensions.get(r) if r in ws.row_dimensions else None
    if dim is not None and dim.hidden:
        return 0.0
    if dim is not None and dim.height:
        return float(dim.height)
    return float(ws.sheet_format.defaultRowHeight or LINE_POINTS)


def page_scale(ws, last_col: int) -> float:
    """The scale a sheet prints at one page wide (Excel's: whole percents, never above 100)."""
    total = 0.0
    for c in range(1, last_col + 1):
        dim = ws.column_dimensions.get(get_column_letter(c))
        if dim is None or not dim.hidden:
            total += column_width(ws, c) * WIDTH_POINTS
    usable = PAGE_WIDTH - (MARGINS["left"] + MARGINS["right"]) * 72
    return 1.0 if total <= usable else math.floor(usable / total * 100) / 100


def page_room(ws, last_col: int, fill: float = ROOM) -> float:
    """The row height, in points, one page holds as planned (titles included): ``fill`` of what
    it holds in Excel (less than all where the row heights are estimates)."""
    usable = PAGE_HEIGHT - (MARGINS["top"] + MARGINS["bottom"]) * 72
    return usable / page_scale(ws, last_col) * fill


@dataclass
class Block:
    """Rows that go on one page where they fit (1-based, inclusive), or else split between its
    parts; ``splits`` gets the rows where a page starts inside it."""

    first: int
    last: int
    parts: list["Block"] = field(default_factory=list)
    splits: list[int] = field(default_factory=list)


class Pages:
    """Page breaks placed block by block: a block that does not fit on what is left of the page
    starts a new one; one that fits on no page is split between its parts (and a part that fits
    on no page runs over as it will, the next starting on a new page)."""

    def __init__(self, height, room: float, titles: float = 0.0, used: float = 0.0):
        self.height = height  # row -> points
        self.room, self.titles = room, titles
        self.used = used
        self.breaks: list[int] = []  # rows after which a page ends

    def _points(self, block: Block) -> float:
        return sum(self.height(r) for r in range(block.first, block.last + 1))

    def _new_page(self, before: int) -> None:
        if before - 1 not in self.breaks:
            self.breaks.append(before - 1)
        self.used = self.titles

    def place(self, block: Block, inside: list[Block] = ()) -> None:
        points = self._points(block)
        if self.used + points <= self.room:
            self.used += points
            return
        if self.used > self.titles and self.titles + points <= self.room:
            self._new_page(block.first)
            _split(inside, block.first)
            self.used += points
            return
        if block.parts:
            for part in block.parts:
                self.place(part, [*inside, block])
            return
        if self.used > self.titles:
            self._new_page(block.first)
            _split(inside, block.first)
        self.used += points
        if self.used > self.room:  # longer than a page: what follows starts on a page of its own
            self._new_page(block.last + 1)
            _split(inside, block.last + 1)


def _split(blocks: list[Block], row: int) -> None:
    for outer in blocks:
        if outer.first < row <= outer.last and row not in outer.splits:
            outer.splits.append(row)


def set_breaks(ws, breaks: list[int]) -> None:
    """Manual page breaks after the given rows (replacing any the sheet had)."""
    ws.row_breaks = RowBreak()
    for r in sorted(set(breaks)):
        if r >= 1:
            ws.row_breaks.append(Break(id=r))


def page(ws, *, project: str | None, title_rows: tuple[int, int] | None) -> None:
    """A4 landscape, one page wide, any height; titles, header/footer, comments at the end."""
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = "landscape"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    setup.cellComments = "atEnd"
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(**MARGINS)
    ws.print_options.horizontalCentered = True
    last_row, last_col = used_range(ws)
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    if title_rows is not None:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    if project:
        _header_text(ws.oddHeader, project)
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.size = 9


def _units(text: str) -> int:
    """The length of ``text`` as Excel counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _header_length(item) -> int:
    """The length of a header as written (``&L…&C…&R…``): each part that has a text, with its codes."""
    return sum(2 + _units(str(part)) for part in (item.left, item.center, item.right) if part.text is not None)


def _header_text(item, project: str) -> None:
    """The project name in the centre of the header ``item``, its ``&`` written ``&&``, cut with an
    ellipsis where the whole header would pass :data:`MAX_HEADER` (the file's own left and right
    parts, in a copy of an .xlsx, kept as they are)."""
    item.center.text = ""
    item.center.size = 10
    room = MAX_HEADER - _header_length(item)
    text = project.replace("&", "&&")
    if _units(text) > room:
        kept, used = [], _units("…")
        for ch in project:
            piece = "&&" if ch == "&" else ch
            used += _units(piece)
            if used > room:
                break
            kept.append(piece)
        text = "".join(kept) + "…" if room > 0 else ""
    item.center.text = text
