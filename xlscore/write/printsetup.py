"""Print layout of every sheet of the copies xlscore writes: A4 landscape, one page wide, header
rows repeated, print area on the used range, long text wrapped with row heights to match,
the project name in the page header, 第 &P 页 共 &N 页 in the footer, comments at the end."""

from __future__ import annotations

import copy
import math
import unicodedata

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

DEFAULT_WIDTH = 8.43
LINE_POINTS = 15.0  # one line of 11-point CJK text
MAX_ROW_POINTS = 409.0
# Excel's limit on a page header: its three parts with their codes (&C, &10, && …), in UTF-16 units.
# A longer one makes the workbook one Excel will not open as it is.
MAX_HEADER = 255


def text_width(text: str) -> float:
    """Width of text in column-width units: a CJK character is two, others about one."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)


def lines_needed(text: str, width: float) -> int:
    usable = max(width - 1.0, 1.0)
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in str(text).split("\n"))


def column_width(ws, col: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(col))
    return dim.width if dim is not None and dim.width else DEFAULT_WIDTH


def held_cells(ws):
    """The cells ``ws`` holds: each one its file wrote (formatted or not) and each one written
    since. openpyxl has no public way to visit only these: ``iter_rows``, ``ws.values`` and
    ``ws[range]`` visit — and make — every cell of the rectangle up to ``max_row`` × ``max_column``,
    which one formatted empty cell at ZZ50000 makes 35 million cells (11 GB)."""
    return ws._cells.values()


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
            key = tuple(cell._style or ())  # a cell the file gave no style has none here
            if key not in wrapped:
                align = cell.alignment
                cell.alignment = Alignment(horizontal=align.horizontal, vertical=align.vertical or "center",
                                           wrap_text=True, indent=align.indent, text_rotation=align.text_rotation)
                wrapped[key] = copy.copy(cell._style)
            else:
                cell._style = copy.copy(wrapped[key])


def fit_rows(ws, rows: range) -> None:
    """Row heights that show every wrapped text in full (rows spanned by a vertical merge keep theirs)."""
    spans = {}
    vertical = set()
    for merged in ws.merged_cells.ranges:
        width = sum(column_width(ws, c) for c in range(merged.min_col, merged.max_col + 1))
        spans[(merged.min_row, merged.min_col)] = width
        if merged.max_row > merged.min_row:
            vertical.add((merged.min_row, merged.min_col))
    texts: dict[int, list] = {}  # row -> its cells holding text, among those held (see held_cells)
    for cell in held_cells(ws):
        if cell.row in rows and isinstance(cell.value, str):
            texts.setdefault(cell.row, []).append(cell)
    for r in rows:
        lines = 1
        for cell in texts.get(r, ()):
            if (r, cell.column) in vertical:
                continue
            if "\n" not in cell.value and not cell.alignment.wrap_text:  # (each .alignment makes a proxy)
                continue
            width = spans.get((r, cell.column), column_width(ws, cell.column))
            lines = max(lines, lines_needed(cell.value, width))
        if lines > 1:
            height = min(MAX_ROW_POINTS, lines * LINE_POINTS + 3)
            current = ws.row_dimensions[r].height
            if current is None or current < height:
                ws.row_dimensions[r].height = height


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
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.7, header=0.3, footer=0.3)
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
