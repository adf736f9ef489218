"""Find and read the fund table (资金安排情况) wherever it stands in a workbook.

The table is recognised by its row labels (预算安排, 资金到位, 实际支出, …) standing in one column,
and its columns by the one- or two-row header above the first labelled row (合计; 财政资金 over
小计/中央级/市级/区县级/乡镇级; 其他资金 over 小计/单位自筹/银行贷款等/社会资本), merged or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from . import labels
from .book import Book, Sheet, a1
from .findings import Finding
from .reading import Stated, read_amount, read_rate, table_unit
from .textnum import declared_unit, norm, unit_factor

MIN_ROW_LABELS = 4


@dataclass
class FundTable:
    """The fund table (资金安排情况) as located: its rows, columns, unit and stated figures."""

    sheet: str
    label_col: int
    rows: dict[str, int]  # row key -> 0-based sheet row
    cols: dict[str, int]  # col key -> 0-based sheet column
    header_top: int
    unit: str  # the unit the table declares ('元' or '万元'), '元' when it declares none
    stated: dict[str, dict[str, Stated]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def cell(self, row: str, col: str) -> str:
        return a1(self.rows[row], self.cols[col]) if row in self.rows and col in self.cols else ""

    def is_blank(self) -> bool:
        """No amount stated at all (a blank form)."""
        return all(cell.blank for row in ("budget", "input", "arrived", "spent")
                   for cell in self.stated.get(row, {}).values())

    def label_cell(self, row: str) -> str | None:
        return a1(self.rows[row], self.label_col) if row in self.rows else None


def _label_hits(sheet: Sheet) -> dict[int, dict[str, int]]:
    """Column -> {row key: first sheet row} for every fund-row label in the sheet."""
    hits: dict[int, dict[str, int]] = {}
    for r, c, text in sheet.texts:
        key = labels.FUND_ROW_BY_KEY.get(text)
        if key:
            hits.setdefault(c, {}).setdefault(key, r)
    return hits


def _header_rows(sheet: Sheet, first: int, label_col: int) -> list[int]:
    """The header rows directly above the first data row (one or two, at most four)."""
    rows = []
    for r in range(first - 1, max(first - 5, -1), -1):
        values = {norm(sheet.value(r, c)) for c in range(label_col, sheet.ncols)} - {""}
        values = {v for v in values if not _unit_line(v)}
        if len(values) < 2 or not any(labels.is_fund_header(v) for v in values):
            break
        rows.append(r)
    return sorted(rows)


@lru_cache(maxsize=4096)
def _unit_line(text: str) -> bool:
    """A short text that only declares the unit (``单位：万元``) is no header."""
    return bool(declared_unit(text)) and len(text) <= 12


def locate(book: Book) -> FundTable | None:
    """The first fund table of the workbook (sheets in order), or None."""
    for sheet in book.sheets:
        hits = _label_hits(sheet)
        best = max(hits.items(), key=lambda item: len(item[1]), default=None)
        if best is None or len(best[1]) < MIN_ROW_LABELS:
            continue
        label_col, rows = best
        first = min(rows.values())
        header_rows = _header_rows(sheet, first, label_col)
        cols: dict[str, int] = {}
        for c in range(label_col + 1, sheet.ncols):
            path = []
            for r in header_rows:
                text = norm(sheet.value(r, c))
                if text and text not in path:
                    path.append(text)
            key = labels.fund_column(path) if path else None
            if key and key not in cols:
                cols[key] = c
        if not cols:
            continue
        header_top = header_rows[0] if header_rows else first
        own = [sheet.value(r, c) for r in header_rows for c in range(label_col, sheet.ncols)]
        own += [sheet.value(r, label_col) for r in rows.values()]
        unit = table_unit(sheet, header_top, own)
        table = FundTable(sheet.name, label_col, rows, cols, header_top, unit)
        _read(sheet, table)
        return table
    return None


def _read(sheet: Sheet, table: FundTable) -> None:
    factor = unit_factor(table.unit)
    for row_key, r in table.rows.items():
        line = {}
        for col_key, c in table.cols.items():
            if row_key in labels.RATE_ROWS:
                line[col_key] = read_rate(sheet, r, c, table.findings)
            else:
                line[col_key] = read_amount(sheet, r, c, factor, table.findings)
        table.stated[row_key] = line
