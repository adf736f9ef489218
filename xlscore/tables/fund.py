"""Find and read the fund table (资金安排情况) wherever it stands in a workbook.

The table is recognised by its row labels (预算安排, 资金到位, 实际支出, …) standing in one column,
and its columns by the one- or two-row header above the first labelled row (合计; 财政资金 over
小计/中央级/市级/区县级/乡镇级; 其他资金 over 小计/单位自筹/银行贷款等/社会资本), merged or not.

Two forms are read:

- the municipal 附表 (``form == "municipal"``): rows (1)..(8) with 项目实际投入(2), read exactly as
  its printed numbering defines them;
- the provincial table of a 绩效报告 (seed 004's 附件1, typed by the unit; ``form == "provincial"``):
  no 项目实际投入 row, the columns it has (合计 | 财政资金 | 其他资金, or 财政资金 | 单位自筹, …) and
  the rows it has (预算安排 / 资金到位 / 实际支出, maybe 资金结余 and rates), either as printed (items
  down the side, sources across) or transposed (sources down the side, items across). See
  :func:`_provincial_rates` for what its rates mean.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..findings.finding import Finding
from ..read.book import Book, Sheet, a1
from ..read.textnum import declared_unit, label_key, norm, unit_factor
from . import labels
from .labels import COL_ZH, FISCAL_LEVELS, FUND_ROW_PLAIN, OTHER_SOURCES, ROW_ZH
from .reading import Stated, header_path, read_amount, read_rate, table_unit

MIN_ROW_LABELS = 4
MIN_PROVINCIAL_AMOUNTS = 2  # of 预算安排 / 资金到位 / 实际支出: a table with fewer has nothing to reconcile
MIN_PROVINCIAL_COLS = 2
_MAIN_AMOUNTS = ("budget", "arrived", "spent")
MAX_SOURCE_ROWS = 12  # a transposed table's source labels are looked for this far below its item row

# What the municipal form's rates are: (6)=(3)÷(1), (7)=(3)÷(2), (8)=(4)÷(3).
MUNICIPAL_RATES = {
    "execution_rate": ("arrived", "budget"),
    "arrival_rate": ("arrived", "input"),
    "spend_rate": ("spent", "arrived"),
}
MUNICIPAL_RATE_RULES = {"execution_rate": "(3)÷(1)", "arrival_rate": "(3)÷(2)", "spend_rate": "(4)÷(3)"}


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
    form: str = "municipal"  # or "provincial" (see the module docstring)
    # A transposed table has its rows (预算安排, …) across and its columns (合计, 财政资金, …) down:
    # then ``rows`` maps to sheet columns, ``cols`` to sheet rows, and ``label_col`` is the sheet
    # row holding the row labels.
    transposed: bool = False
    # What the messages call a row / a column, what each rate is (numerator, denominator rows) and
    # how its rule is written, and which columns add up to which (the provincial form; the municipal
    # one keeps its fixed sums).
    row_names: dict[str, str] = field(default_factory=lambda: dict(ROW_ZH))
    row_words: dict[str, str] = field(default_factory=lambda: dict(FUND_ROW_PLAIN))
    col_names: dict[str, str] = field(default_factory=lambda: dict(COL_ZH))
    rate_of: dict[str, tuple[str, str]] = field(default_factory=lambda: dict(MUNICIPAL_RATES))
    rate_rules: dict[str, str] = field(default_factory=lambda: dict(MUNICIPAL_RATE_RULES))
    sums: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    def at(self, row: str, col: str) -> tuple[int, int]:
        """The 0-based sheet (row, column) of a figure."""
        if self.transposed:
            return self.cols[col], self.rows[row]
        return self.rows[row], self.cols[col]

    def cell(self, row: str, col: str) -> str:
        return a1(*self.at(row, col)) if row in self.rows and col in self.cols else ""

    def is_blank(self) -> bool:
        """No amount stated at all (a blank form)."""
        return all(cell.blank for row in ("budget", "input", "arrived", "spent")
                   for cell in self.stated.get(row, {}).values())

    def label_cell(self, row: str) -> str | None:
        if row not in self.rows:
            return None
        return a1(self.label_col, self.rows[row]) if self.transposed else a1(self.rows[row], self.label_col)


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


def _unit_line(text: str) -> bool:
    """A short text that only declares the unit (``单位：万元``) is no header."""
    return bool(declared_unit(text)) and len(text) <= 12


def locate(book: Book) -> FundTable | None:
    """The first fund table of the workbook (sheets in order), or None: on each sheet the
    municipal 附表 first (as it always was read), else the provincial table."""
    for sheet in book.sheets:
        table = _municipal(sheet) or _provincial_as_printed(sheet) or _provincial_transposed(sheet)
        if table is not None:
            _read(sheet, table)
            return table
    return None


def _columns(sheet: Sheet, header_rows: list[int], label_col: int) -> tuple[dict[str, int], dict[str, list[str]]]:
    """The fund columns right of ``label_col`` named by the header rows, and each one's header path."""
    cols: dict[str, int] = {}
    paths: dict[str, list[str]] = {}
    for c in range(label_col + 1, sheet.ncols):
        path = header_path(sheet, header_rows, c)
        key = labels.fund_column(path) if path else None
        if key and key not in cols:
            cols[key] = c
            paths[key] = path
    return cols, paths


def _as_printed(sheet: Sheet, label_col: int, rows: dict[str, int]) -> tuple[FundTable, dict] | None:
    first = min(rows.values())
    header_rows = _header_rows(sheet, first, label_col)
    cols, paths = _columns(sheet, header_rows, label_col)
    if not cols:
        return None
    header_top = header_rows[0] if header_rows else first
    own = [sheet.value(r, c) for r in header_rows for c in range(label_col, sheet.ncols)]
    own += [sheet.value(r, label_col) for r in rows.values()]
    unit = table_unit(sheet, header_top, own)
    return FundTable(sheet.name, label_col, rows, cols, header_top, unit), paths


def _municipal(sheet: Sheet) -> FundTable | None:
    hits = _label_hits(sheet)
    best = max(hits.items(), key=lambda item: len(item[1]), default=None)
    if best is None or len(best[1]) < MIN_ROW_LABELS:
        return None
    found = _as_printed(sheet, *best)
    if found is None:
        return None
    table, paths = found
    if "input" not in table.rows:  # no 项目实际投入(2): not the municipal form, whatever else it has
        _provincial_form(sheet, table, paths, _unread_columns(sheet, table))
    return table


# -- the provincial form ------------------------------------------------------------------------
def _enough_rows(rows: dict[str, int]) -> bool:
    return "input" not in rows and sum(key in rows for key in _MAIN_AMOUNTS) >= MIN_PROVINCIAL_AMOUNTS


def _provincial_as_printed(sheet: Sheet) -> FundTable | None:
    """Items (预算安排, 资金到位, 实际支出, …) down a column, sources (合计, 财政资金, …) across."""
    for label_col, rows in sorted(_label_hits(sheet).items(), key=lambda item: -len(item[1])):
        if not _enough_rows(rows):
            continue
        found = _as_printed(sheet, label_col, rows)
        if found is None or len(found[0].cols) < MIN_PROVINCIAL_COLS:
            continue
        _provincial_form(sheet, *found, _unread_columns(sheet, found[0]))
        return found[0]
    return None


def _provincial_transposed(sheet: Sheet) -> FundTable | None:
    """Items across a row, sources (合计, 财政资金, 其他资金 / 单位自筹) down the column left of them."""
    by_row: dict[int, dict[str, int]] = {}
    for r, c, text in sheet.texts:
        key = labels.FUND_ROW_BY_KEY.get(text)
        if key:
            by_row.setdefault(r, {}).setdefault(key, c)
    for label_row, items in sorted(by_row.items()):
        if not _enough_rows(items):
            continue
        for source_col in range(min(items.values()) - 1, -1, -1):
            sources, unread = _source_rows(sheet, label_row, source_col)
            if len(sources) >= MIN_PROVINCIAL_COLS:
                break
        else:
            continue
        cols = {key: r for key, (r, _) in sources.items()}
        paths = {key: path for key, (_, path) in sources.items()}
        own = [sheet.value(label_row, c) for c in range(source_col, sheet.ncols)]
        own += [sheet.value(r, source_col) for r in cols.values()]
        unit = table_unit(sheet, label_row, own)
        table = FundTable(sheet.name, label_row, items, cols, label_row, unit, transposed=True)
        _provincial_form(sheet, table, paths, unread)
        return table
    return None


def _source_rows(sheet: Sheet, label_row: int, col: int) -> tuple[dict[str, tuple[int, list[str]]], bool]:
    """Source key -> (sheet row, header path) for the source labels below ``label_row`` in ``col``,
    and whether a short label among them names no source xlscore knows (``省级``)."""
    found: dict[str, tuple[int, list[str]]] = {}
    unread = False
    for r in range(label_row + 1, min(sheet.nrows, label_row + 1 + MAX_SOURCE_ROWS)):
        text = norm(sheet.value(r, col))
        if not text:
            if found:
                break
            continue
        if len(label_key(text)) > 12:  # a sentence under the table
            break
        key = labels.fund_column([text])
        if key is None or key in found:
            unread = unread or bool(found)
            continue
        found[key] = (r, [text])
    return found, unread


def _unread_columns(sheet: Sheet, table: FundTable) -> bool:
    """Whether a column among the table's source columns has a header xlscore read as no source
    of its own (``省级`` beside ``市级``): then the table's cross-column sums are not checked."""
    read = set(table.cols.values())
    first_row = min(table.rows.values())
    for c in range(min(read), max(read) + 1):
        if c not in read and any(norm(sheet.value(r, c)) for r in range(table.header_top, first_row)):
            return True
    return False


def _provincial_form(sheet: Sheet, table: FundTable, paths: dict[str, list[str]], unread: bool) -> None:
    """Set what the provincial table's rows, columns, sums and rates are, from its own labels.
    ``unread``: a source label among the table's was not understood, so no cross-column sum is
    checked (what it holds might belong in any of them)."""
    table.form = "provincial"
    cols = table.cols
    # A lone non-fiscal source with no 其他资金 column (财政资金 | 单位自筹) is the other funds.
    loose = [key for key in OTHER_SOURCES if key in cols]
    if "other" not in cols and len(loose) == 1:
        key = loose[0]
        cols["other"], paths["other"] = cols.pop(key), paths.pop(key)
    table.col_names = {key: _header_name(paths[key]) for key in cols}
    for key in ("fiscal", "other", "total"):
        table.col_names.setdefault(key, COL_ZH[key])
    # Which columns add up to which: the levels into 财政资金; the sources into 其他资金 when they
    # stand under it (a header path through 其他资金, or after a "其中：" that follows it) or when the
    # table has no 其他资金 column; a source beside a 其他资金 column is a source of its own;
    # 合计 = the top-level sources.
    fiscal_parts = tuple(key for key in FISCAL_LEVELS if key in cols)
    under_other, own_sources, breakdown = [], [], "other" not in cols
    for key in sorted((k for k in OTHER_SOURCES if k in cols), key=cols.get):
        breakdown = breakdown or (cols[key] > cols["other"] and any("其中" in p for p in paths[key]))
        (under_other if breakdown or any("其他" in p for p in paths[key]) else own_sources).append(key)
    under_other, own_sources = tuple(under_other), tuple(own_sources)
    top = tuple(key for key, parts in (("fiscal", fiscal_parts), ("other", under_other))
                if key in cols or parts) + own_sources
    if not unread:
        table.sums = [(sub, parts) for sub, parts in (("fiscal", fiscal_parts), ("other", under_other)) if parts]
        table.sums.append(("total", top))
    names = {}
    for row in table.rows:
        r, c = (table.label_col, table.rows[row]) if table.transposed else (table.rows[row], table.label_col)
        names[row] = label_key(sheet.value(r, c)) or FUND_ROW_PLAIN[row]
    table.row_names = dict(FUND_ROW_PLAIN) | names
    table.row_words = table.row_names
    _provincial_rates(sheet, table)


def _header_name(path: list[str]) -> str:
    words = [label_key(p) for p in path]
    return "".join(dict.fromkeys(w for w in words if w)) or "".join(path)


def _provincial_rates(sheet: Sheet, table: FundTable) -> None:
    """What each rate of a provincial table is.

    A rate label that states its formula in words (``执行率（实际支出/资金到位）``) is read so. Otherwise:

    - 资金到位率 = 资金到位 ÷ 预算安排, and 资金支出率 = 实际支出 ÷ 资金到位: the provincial indicator
      table itself defines them so (附件2: 实际到位金额/年度安排资金, 实际支出金额/实际到位金额), and its
      资金到位率 / 资金支出率 indicators are scored from these figures;
    - 预算执行率 = 实际支出 ÷ 预算安排: the form has no printed formula for it, the word says "of the
      budget", and 财预〔2020〕10号 defines 执行率 as 执行数 ÷ 预算数 (money spent, not money arrived;
      the municipal (6)=(3)÷(1) is that form's own numbering and does not carry over).
    """
    table.rate_of = {"execution_rate": ("spent", "budget"), "arrival_rate": ("arrived", "budget"),
                     "spend_rate": ("spent", "arrived")}
    for row in labels.RATE_ROWS:
        if row in table.rows:
            r, c = (table.label_col, table.rows[row]) if table.transposed else (table.rows[row], table.label_col)
            stated = labels.rate_formula(sheet.value(r, c))
            if stated is not None and stated[0] != "input" and stated[1] != "input":
                table.rate_of[row] = stated
    table.rate_rules = {row: f"{table.row_names[num]}÷{table.row_names[den]}"
                        for row, (num, den) in table.rate_of.items()}


def _read(sheet: Sheet, table: FundTable) -> None:
    factor = unit_factor(table.unit)
    for row_key in table.rows:
        line = {}
        for col_key in table.cols:
            r, c = table.at(row_key, col_key)
            if row_key in labels.RATE_ROWS:
                line[col_key] = read_rate(sheet, r, c, table.findings)
            else:
                line[col_key] = read_amount(sheet, r, c, factor, table.findings)
        table.stated[row_key] = line
