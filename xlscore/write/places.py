"""Where a finding stands, said as a reader of the printed copy would say it.

A printed sheet has no row numbers or column letters, so each finding names its place by the
labels on the page: the table, the row's label and the column's — ``资金安排情况表 · 资金到位率(7)
· 市级``, ``评分表 · 财务监控有效性 · 自评得分`` — with the A1 reference beside it for the screen.
The tables and what each column and row was read as come from the report's ``layout`` part; the
scoring table's rows are named by their indicators.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.utils.cell import coordinate_from_string, range_boundaries

from ..findings.finding import Finding
from ..findings.report import Report
from ..read.book import Book
from ..read.textnum import clean
from ..tables.labels import ROW_ZH
from ..tables.layout import BUDGET_ZH, TABLE_ZH, role_zh
from ..tables.scoresheet import GRADE_WORDS, TOTAL_WORDS

SEP = " · "
HEADER_ROW = "表头"


@dataclass
class _Part:
    """One part of a table as the layout reports it, 1-based rows and columns."""

    table: str
    sheet: str
    top: int
    bottom: int
    left: int
    right: int
    columns: dict[int, tuple[str, str]] = field(default_factory=dict)  # column -> (role, header)
    rows: dict[int, tuple[str, str]] = field(default_factory=dict)  # row -> (role, label)

    def holds(self, sheet: str, row: int, col: int) -> bool:
        return sheet == self.sheet and self.top <= row <= self.bottom and self.left <= col <= self.right


class Places:
    """The label path of any cell of one project's workbook (see :meth:`of`)."""

    def __init__(self, report: Report, book: Book | None = None):
        self.book = book
        self.parts: list[_Part] = []
        for table in report.layout or []:
            for part in table.get("parts", []):
                left, top, right, bottom = range_boundaries(part["range"])
                columns = {range_boundaries(f"{c['column']}1")[0]: (c["role"], c.get("header") or "")
                           for c in part.get("columns", [])}
                rows = {r["row"]: (r["role"], r.get("label") or "") for r in part.get("rows", [])}
                self.parts.append(_Part(table["table"], part["sheet"], top, bottom, left, right, columns, rows))
        # the scoring table's indicators by sheet, each with its first row (1-based)
        self.indicators: dict[str, list[tuple[int, str]]] = {}
        for ind in report.indicators or []:
            if ind.get("sheet") and ind.get("row"):
                self.indicators.setdefault(ind["sheet"], []).append((ind["row"], ind["name"]))
        for rows in self.indicators.values():
            rows.sort()

    def of(self, finding: Finding) -> str | None:
        """The label path of a finding's cell (None when it names no cell)."""
        if not finding.sheet or not finding.cell:
            return None
        return self.label(finding.sheet, finding.cell)

    def label(self, sheet: str, ref: str) -> str:
        letters, row = coordinate_from_string(ref)
        col = range_boundaries(f"{letters}1")[0]
        # the scoring table before the budget block: on the national form the block stands inside
        # the range of the table's first part
        for part in sorted(self.parts, key=lambda p: p.table != "budget"):
            if part.holds(sheet, row, col):
                return SEP.join(w for w in (TABLE_ZH.get(part.table, part.table), *self._within(part, row, col)) if w)
        return SEP.join(w for w in (sheet, self._left_label(sheet, row, col)) if w)

    def _within(self, part: _Part, row: int, col: int) -> tuple[str, str]:
        role, header = part.columns.get(col, ("", ""))
        if part.table == "scoring":
            return self._indicator(part, row, col), _plain(role_zh("scoring", role)) if role else self._header(part, col)
        if part.table == "fund":
            row_role, label = part.rows.get(row, ("", ""))
            name = ROW_ZH.get(row_role) or clean(label) or self._first_text(part, row)
            return name or HEADER_ROW, _fund_column(header) if header else role_zh("fund", role)
        if part.table == "budget":
            row_role, label = part.rows.get(row, ("", ""))
            name = BUDGET_ZH.get(row_role) or clean(label) or self._first_text(part, row)
            return name or HEADER_ROW, BUDGET_ZH.get(role, "") or _last(header)
        name = self._first_text(part, row)  # the usage table: each row named by its item
        return name or HEADER_ROW, _last(header) or role_zh(part.table, role)

    def _indicator(self, part: _Part, row: int, col: int) -> str:
        """The indicator a row of the scoring table belongs to, or the row's own label (总计,
        评价等级, the header)."""
        own = self._first_text(part, row)
        if own and own.replace(" ", "") in (*TOTAL_WORDS, *GRADE_WORDS):
            return own
        found = None
        for first, name in self.indicators.get(part.sheet, []):
            if first > row:
                break
            found = name
        return found or HEADER_ROW

    def _header(self, part: _Part, col: int) -> str:
        return self._text(part.sheet, part.top, col)

    def _first_text(self, part: _Part, row: int) -> str:
        """The first text in the row within the part's columns (a row's label)."""
        for c in range(part.left, part.right + 1):
            text = self._text(part.sheet, row, c)
            if text and not _numeric(text):
                return text
        return ""

    def _left_label(self, sheet: str, row: int, col: int) -> str:
        """Outside every table: the nearest text to the left in the row (项目名称, 自评等级 …)."""
        for c in range(col - 1, 0, -1):
            text = self._text(sheet, row, c)
            if text and not _numeric(text):
                return text
        return ""

    def _text(self, sheet: str, row: int, col: int) -> str:
        if self.book is None:
            return ""
        found = self.book.sheet(sheet)
        if found is None:
            return ""
        value = found.value(row - 1, col - 1)
        return clean(value) if isinstance(value, str) else ""


def _plain(name: str) -> str:
    """A column's name without its alternative: 目标值（标值） -> 目标值."""
    return name.split("（")[0]


def _last(header: str) -> str:
    return header.split(" / ")[-1].strip() if header else ""


def _fund_column(header: str) -> str:
    """A fund-table column as its header says it: 市级, 合计; a subtotal with its group, 财政资金小计."""
    parts = [p.strip() for p in header.split(" / ") if p.strip()]
    if len(parts) > 1 and parts[-1] in ("小计", "合计"):
        return "".join(parts[-2:])
    return parts[-1] if parts else ""


def _numeric(text: str) -> bool:
    try:
        float(text.replace(",", "").rstrip("%"))
    except ValueError:
        return False
    return True
