"""Find and read the usage table (资金使用情况): spending by item, fiscal and other funds.

Recognised by its first header cell (项目支出内容), with a one- or two-row header above item rows;
its 合计 row may stand first or last.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..findings.finding import Finding
from ..read.book import Book, Sheet, a1
from ..read.textnum import clean, label_key, norm, unit_factor
from . import labels
from .reading import Stated, header_path, read_amount, table_unit

STOP_WORDS = ("三级指标", "一级指标", "行次", "预算安排", "评分", "注:", "说明", "填表", "附表", "项目绩效")


@dataclass(slots=True)
class UsageRow:
    """One line of the usage table: its item and its stated amounts."""

    item: str
    row: int
    values: dict[str, Stated]  # total / fiscal / other / earmarked


@dataclass
class UsageTable:
    """The usage table (资金使用情况) as located: its columns, unit, lines and total."""

    sheet: str
    label_col: int
    cols: dict[str, int]
    unit: str
    items: list[UsageRow] = field(default_factory=list)
    total: UsageRow | None = None
    header_top: int = 0
    findings: list[Finding] = field(default_factory=list)

    def body(self) -> range:
        """The sheet rows of its lines and total (0-based; just below the header when it has none)."""
        rows = [row.row for row in self.items] + ([self.total.row] if self.total is not None else [])
        return range(min(rows), max(rows) + 1) if rows else range(self.header_top + 1, self.header_top + 1)


def _anchor(sheet: Sheet) -> tuple[int, int] | None:
    for r, c, text in sheet.texts:
        if text in labels.USAGE_ANCHORS:
            return r, c
    return None


def locate(book: Book) -> UsageTable | None:
    for sheet in book.sheets:
        found = _anchor(sheet)
        if found is None:
            continue
        top, label_col = found
        # Header rows: the anchor row and those below it still inside the anchor's merged range or
        # still holding header words (两行表头).
        header_rows = [top]
        r = top + 1
        while r < sheet.nrows and r <= top + 3:
            if sheet.anchor(r, label_col) == (top, label_col) or (
                    not norm(sheet.raw(r, label_col)) and _holds_column_words(sheet, r, label_col)):
                header_rows.append(r)
                r += 1
            else:
                break
        cols: dict[str, int] = {}
        for c in range(label_col + 1, sheet.ncols):
            path = header_path(sheet, header_rows, c)
            key = labels.usage_column(path) if path else None
            if key and key not in cols:
                cols[key] = c
        if "total" not in cols and "fiscal" not in cols:
            continue
        own = [sheet.value(hr, c) for hr in header_rows for c in range(sheet.ncols)]
        unit = table_unit(sheet, top, own)
        table = UsageTable(sheet.name, label_col, cols, unit, header_top=top)
        _read(sheet, table, header_rows[-1] + 1)
        return table
    return None


def _holds_column_words(sheet: Sheet, r: int, label_col: int) -> bool:
    """Whether row ``r`` names a usage column right of the label column (a header's second row)."""
    for c in range(label_col + 1, sheet.ncols):
        text = norm(sheet.value(r, c))
        if text and labels.usage_column([text]):
            return True
    return False


def _read(sheet: Sheet, table: UsageTable, first: int) -> None:
    factor = unit_factor(table.unit)
    for r in range(first, sheet.nrows):
        label = sheet.value(r, table.label_col)
        text = clean(label)
        raw_values = [sheet.value(r, c) for c in table.cols.values()]
        if not text and all(v in (None, "") for v in raw_values):
            break
        words = norm(text)
        if any(word in words for word in STOP_WORDS) or labels.fund_row(text):
            break
        values = {key: read_amount(sheet, r, c, factor, table.findings) for key, c in table.cols.items()}
        row = UsageRow(text or a1(r, table.label_col), r, values)
        if label_key(text) in labels.USAGE_TOTAL_ROW:
            table.total = row
        else:
            table.items.append(row)
