"""Reconcile the fund table and the usage table: every stated figure against the arithmetic.

Per column: (5)=(3)−(4), (6)=(3)/(1), (7)=(3)/(2), (8)=(4)/(3) in percent; across columns:
合计 = 财政资金小计 + 其他资金小计, 财政资金小计 = 中央级+市级+区县级+乡镇级, 其他资金小计 = 单位自筹+银行贷款等+
社会资本; usage rows and their 合计 row, and the usage total against 实际支出(4). A stated figure is
flagged only when it differs from the recomputed one by more than the rounding its written
precision allows.

The provincial fund table (``FundTable.form == "provincial"``) is reconciled by the same rules on
the rows and columns it has: 合计 = 财政资金 + 其他资金 (or + 单位自筹, …, as ``FundTable.sums`` says),
资金结余 = 资金到位 − 实际支出, and its rates as ``FundTable.rate_of`` defines them; a row or column the
table does not have is not reconciled. Messages name rows and columns in the table's own words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from ..findings.finding import Finding, make
from ..findings.tolerance import AMOUNT, POINTS
from ..read.book import Book
from ..read.textnum import fmt_amount, fmt_rate, money, norm
from ..tables.fund import FundTable
from ..tables.labels import AMOUNT_ROWS, COL_ZH, FISCAL_LEVELS, FUND_COLS, OTHER_SOURCES, RATE_ROWS
from ..tables.reading import Stated, nearer, rate_allowance
from ..tables.usage import UsageTable
from . import emit

INPUT_ROWS = ("budget", "input", "arrived", "spent")
SPEND_RATE_WARN = 90.0  # below this spend rate an unexplained balance is worth a question (a scheme may set its own)
RATE_OVER = 100.0
_EMPTY: dict = {}  # what a missing row reads as (never written to)
_EXPLAIN_WORDS = ("结余原因", "结余说明", "结转原因", "未支出原因", "结余资金说明", "资金结余原因", "支出进度慢的原因")


class Value(NamedTuple):
    """A number used in the arithmetic and the half-unit of rounding it carries."""

    value: float | None
    half: float = 0.0


_NONE = Value(None)  # a figure nobody stated and nothing computes


@dataclass
class Reconciled:
    """The fund table recomputed: figures, those stated, rounding allowances and findings."""

    fund: dict[str, dict[str, float | None]] = field(default_factory=dict)
    stated: dict[str, dict[str, float | None]] = field(default_factory=dict)
    half: dict[str, dict[str, float]] = field(default_factory=dict)  # rounding half-unit of stated cells
    findings: list[Finding] = field(default_factory=list)


def _total(values: list[Value]) -> Value:
    present = [v for v in values if v.value is not None]
    if not present:
        return Value(None)
    return Value(sum(v.value for v in present), sum(v.half for v in present))


class _Fund:
    def __init__(self, table: FundTable):
        self.table = table
        self.unit = table.unit
        self.findings: list[Finding] = []
        self.canon: dict[str, dict[str, Value]] = {}
        self.cells = table.stated
        # The amounts as stated, as Values (made once: every check reads them several times; the
        # rate rows are not among them, as a rate's reading may still change in _check_rate).
        self.amounts = {row: {col: _NONE if cell.value is None else Value(cell.value, cell.half_unit)
                              for col, cell in table.stated.get(row, _EMPTY).items()} for row in AMOUNT_ROWS}
        self.cols = [col for col in FUND_COLS if col in table.cols]  # the table's columns, in order
        if table.form == "provincial":  # a sum the table has no column for is still a figure
            summed = {sub for sub, _ in table.sums}
            self.cols = [col for col in FUND_COLS if col in table.cols or col in summed]
        self.row_zh, self.col_zh = table.row_names, table.col_names
        self.rate_of, self.rate_rules = table.rate_of, table.rate_rules
        self.effective_rows: dict[str, dict[str, Value]] = {}  # see inputs()
        self.rates_read: dict[str, dict[str, Stated]] = {}  # each stated rate as read against its arithmetic

    def stated(self, row: str, col: str) -> Stated | None:
        return self.cells.get(row, _EMPTY).get(col)

    def has(self, col: str) -> bool:
        return col in self.table.cols

    def _stated_value(self, row: str, col: str) -> Value:
        return self.amounts[row].get(col, _NONE)

    def effective(self, row: str, col: str) -> Value:
        """The figure a cell's neighbours were computed from: stated, or recomputed when blank."""
        stated = self._stated_value(row, col)
        return stated if stated.value is not None else self.canon.get(row, _EMPTY).get(col, _NONE)

    # -- input rows -----------------------------------------------------------------------------
    def inputs(self) -> None:
        if self.table.form == "provincial":
            self._summed_inputs()
            return
        for row in INPUT_ROWS:
            if row not in self.table.rows:
                continue
            amounts = self.amounts[row]
            canon = {col: amounts.get(col, _NONE) for col in self.cols}
            for sub, parts in (("fiscal", FISCAL_LEVELS), ("other", OTHER_SOURCES)):
                present = [p for p in parts if self.has(p)]
                summed = _total([canon[p] for p in present])
                if summed.value is not None:
                    self._check_sum(row, sub, summed, [COL_ZH[p].replace("财政资金", "").replace("其他资金", "") for p in present])
                    canon[sub] = summed
                elif sub not in canon:
                    canon[sub] = Value(None)
            self.canon[row] = canon
            halves = [self.effective(row, s) for s in ("fiscal", "other") if self.has(s)]
            summed = _total(halves)
            if self.has("total") and summed.value is not None:
                self._check_sum(row, "total", summed, ["财政资金小计", "其他资金小计"])
                canon["total"] = summed
            elif "total" not in canon:
                canon["total"] = Value(None)
        self._inputs_final()

    def _inputs_final(self) -> None:
        # The input rows are final: the figures the derived rows are computed from, once.
        for row in INPUT_ROWS:
            self.effective_rows[row] = {col: self.effective(row, col) for col in self.cols}

    def _summed_inputs(self) -> None:
        """The input rows of a table whose sums are its own (``FundTable.sums``, in order: the
        sub-sums, then 合计)."""
        for row in INPUT_ROWS:
            if row not in self.table.rows:
                continue
            amounts = self.amounts[row]
            canon = self.canon[row] = {col: amounts.get(col, _NONE) for col in self.cols}
            for sub, parts in self.table.sums:
                summed = _total([self.effective(row, p) for p in parts])
                if summed.value is not None:
                    self._check_sum(row, sub, summed, [self.col_zh[p] for p in parts])
                    canon[sub] = summed
        self._inputs_final()

    def _check_sum(self, row: str, col: str, summed: Value, parts: list[str]) -> None:
        cell = self.stated(row, col)
        if cell is None:
            return
        tol = summed.half + (cell.half_unit if not cell.blank else 0) + AMOUNT
        if cell.blank:
            if abs(summed.value) > tol:
                self._sum_off(cell, row, col, parts, summed)
        elif abs(cell.value - summed.value) > tol:
            self._sum_off(cell, row, col, parts, summed)

    def _sum_off(self, cell: Stated, row: str, col: str, parts: list[str], summed: Value) -> None:
        stated = "空" if cell.blank else money(cell.value, self.unit)
        self.findings.append(emit.fund_sum(cell, self.row_zh[row], self.col_zh[col], "+".join(parts),
                                           money(summed.value, self.unit), stated, fund_row=row))

    def _missing(self, cell: Stated, row: str, col: str) -> None:
        self.findings.append(emit.fund_missing(cell, self.row_zh[row], self.col_zh[col], fund_row=row))

    # -- derived rows ---------------------------------------------------------------------------
    def balance(self) -> None:
        canon = {}
        effective_arrived, effective_spent = self.effective_rows["arrived"], self.effective_rows["spent"]
        canon_arrived, canon_spent = self.canon.get("arrived", _EMPTY), self.canon.get("spent", _EMPTY)
        cells = self.cells.get("balance", _EMPTY) if "balance" in self.table.rows else _EMPTY
        for col in self.cols:
            arrived, spent = effective_arrived[col], effective_spent[col]
            expected = None
            if arrived.value is not None or spent.value is not None:
                expected = Value((arrived.value or 0.0) - (spent.value or 0.0), arrived.half + spent.half)
            ca, cs = canon_arrived.get(col, _NONE), canon_spent.get(col, _NONE)
            canon[col] = (_NONE if ca.value is None and cs.value is None
                          else Value((ca.value or 0) - (cs.value or 0), 0.0))
            cell = cells.get(col)
            if cell is None:
                continue
            if expected is None:
                continue
            if cell.blank:
                if col == "total":
                    self._missing(cell, "balance", col)
                continue
            if abs(cell.value - expected.value) > expected.half + cell.half_unit + AMOUNT:
                rule = (f"{self.row_zh['arrived']} − {self.row_zh['spent']} = "
                        f"{money(arrived.value or 0, self.unit)} − {money(spent.value or 0, self.unit)}")
                self._formula_off(cell, "balance", col, money(expected.value, self.unit), rule,
                                  money(cell.value, self.unit))
        self.canon["balance"] = canon

    def rates(self) -> None:
        for row, (num_row, den_row) in self.rate_of.items():
            canon = {}
            canon_num, canon_den = self.canon.get(num_row, _EMPTY), self.canon.get(den_row, _EMPTY)
            effective_num, effective_den = self.effective_rows[num_row], self.effective_rows[den_row]
            cells = self.cells.get(row, _EMPTY) if row in self.table.rows else _EMPTY
            for col in self.cols:
                ratio = _ratio(canon_num.get(col, _NONE).value, canon_den.get(col, _NONE).value)
                canon[col] = Value(ratio, 0.0)
                cell = cells.get(col)
                if cell is None:
                    continue
                num, den = effective_num[col], effective_den[col]
                self._check_rate(row, col, cell, _ratio(num.value, den.value), num, den)
            self.canon[row] = canon

    def reading(self, row: str, col: str) -> Stated | None:
        """The stated figure as the arithmetic reads it: a rate's nearer reading (see ``nearer``)."""
        return self.rates_read.get(row, _EMPTY).get(col) or self.stated(row, col)

    def _check_rate(self, row: str, col: str, cell: Stated, expected: float | None, num: Value, den: Value) -> None:
        cell = self.rates_read.setdefault(row, {})[col] = nearer(cell, expected)
        if expected is None:
            if not cell.blank and abs(cell.value) > AMOUNT:
                self._formula_off(cell, row, col, "空", f"{self.rate_rules[row]}，分母为空或 0，不应有比率",
                                  fmt_rate(cell.value))
            return
        if cell.blank:
            if col == "total":
                self._missing(cell, row, col)
            return
        # Rounding allowance: the stated rate's own last digit (a truncated last digit too) plus
        # what rounding of the amounts can move the quotient.
        own = rate_allowance(cell)
        carried = 100 * (num.half / abs(den.value) + abs(num.value or 0) * den.half / (den.value * den.value))
        if abs(cell.value - expected) > own + carried + AMOUNT:
            rule = f"{self.rate_rules[row]} = {money(num.value, self.unit)} ÷ {money(den.value, self.unit)}"
            self._formula_off(cell, row, col, fmt_rate(expected), rule, fmt_rate(cell.value))

    def _formula_off(self, cell: Stated, row: str, col: str, expected: str, rule: str, stated: str) -> None:
        self.findings.append(emit.fund_formula(cell, self.row_zh[row], self.col_zh[col], expected, stated, rule,
                                               fund_row=row))

    # -- plausibility ---------------------------------------------------------------------------
    def plausibility(self, book: Book, spend_rate_warn: float) -> None:
        for row in INPUT_ROWS:
            cells = self.cells.get(row, _EMPTY)
            for col in FUND_COLS:
                cell = cells.get(col)
                if cell is not None and not cell.blank and cell.value < -AMOUNT:
                    self.findings.append(make("FUND_NEGATIVE", cell.sheet, cell.cell, fund_row=row,
                                              row=self.row_zh[row], col=self.col_zh[col],
                                              stated=money(cell.value, self.unit)))
        for row in ("budget", "arrived", "spent"):
            cell = self.stated(row, "total")
            if cell is not None and row in self.table.rows and self.canon.get(row, _EMPTY).get("total", _NONE).value is None:
                self._missing(cell, row, "total")
        # Money arrived beyond what it is measured against (the budget, the project's input) needs a
        # reason; a spend rate over 100% is FUND_SPENT_OVER_ARRIVED below, and spending beyond the
        # budget is one of the two.
        words = self.table.row_words
        for row in RATE_ROWS:
            num_row, den_row = self.rate_of[row]
            if num_row != "arrived":
                continue
            why = f"{words[num_row]} {{num}} 超出{words[den_row]} {{den}}"
            for col in self.cols:
                rate = self.canon.get(row, _EMPTY).get(col, _NONE).value
                if rate is not None and rate > RATE_OVER + POINTS:
                    cell = self.stated(row, col)
                    if cell is None and self.table.form == "provincial":  # no rate row: the money that arrived
                        cell = self.stated(num_row, col)
                    where = (cell.sheet, cell.cell) if cell else (self.table.sheet, self.table.label_cell(row))
                    text = why.format(num=money(self.canon[num_row][col].value, self.unit),
                                      den=money(self.canon[den_row][col].value, self.unit))
                    self.findings.append(emit.rate_over_100(where, self.row_zh[row], self.col_zh[col],
                                                            fmt_rate(rate), text, fund_row=row))
                    break
        for col in self.cols:
            arrived = self.canon.get("arrived", _EMPTY).get(col, _NONE).value
            spent = self.canon.get("spent", _EMPTY).get(col, _NONE).value
            if arrived is not None and spent is not None and spent > arrived + AMOUNT:
                cell = self.stated("spent", col)
                where = (cell.sheet, cell.cell) if cell else (self.table.sheet, self.table.label_cell("spent"))
                self.findings.append(make("FUND_SPENT_OVER_ARRIVED", *where, col=self.col_zh[col],
                                          spent=fmt_amount(spent), arrived=fmt_amount(arrived)))
                break
        rate = self.canon.get("spend_rate", _EMPTY).get("total", _NONE).value
        balance = self.canon.get("balance", _EMPTY).get("total", _NONE).value
        if rate is not None and rate < spend_rate_warn and (balance or 0) > AMOUNT and not _explained(book):
            cell = self.stated("spend_rate", "total")
            if cell is None and self.table.form == "provincial":  # no rate row: the money spent
                cell = self.stated("spent", "total")
            where = (cell.sheet, cell.cell) if cell else (self.table.sheet, self.table.label_cell("spend_rate"))
            self.findings.append(make("FUND_SPEND_LOW", *where, rate=fmt_rate(rate), threshold=f"{spend_rate_warn:g}",
                                      balance=fmt_amount(balance)))


def _ratio(num: float | None, den: float | None) -> float | None:
    if num is None or den is None or abs(den) < AMOUNT:
        return None
    return num / den * 100


def _explained(book: Book) -> bool:
    """Whether the workbook says anywhere why money is left over (结余原因：……)."""
    for sheet in book.sheets:
        for r, c, value in sheet.strings:
            said = _explanation(value)
            if said is None:
                continue
            if said:
                return True
            same = sheet.anchor(r, c + 1) == sheet.anchor(r, c)
            right = None if same else sheet.value(r, c + 1)
            if isinstance(right, str) and len(norm(right)) >= 4:
                return True
    return False


def _explanation(value: str) -> bool | None:
    """For a text: None when it names no reason for a balance, True when it gives one after the
    label (four characters or more), False for a bare label (the reason may be in the next cell)."""
    text = norm(value)
    found = None
    for word in _EXPLAIN_WORDS:
        if word in text:
            if len(text.split(word, 1)[1].lstrip(":：")) >= 4:
                return True
            found = False
    return found


def reconcile_fund(table: FundTable, book: Book, spend_rate_warn: float = SPEND_RATE_WARN) -> Reconciled:
    fund = _Fund(table)
    fund.inputs()
    fund.balance()
    fund.rates()
    fund.plausibility(book, spend_rate_warn)
    result = Reconciled(findings=fund.findings)
    for row in (*AMOUNT_ROWS, *RATE_ROWS):
        canon_row = fund.canon.get(row, _EMPTY)
        computed, stated, half = result.fund[row], result.stated[row], result.half[row] = {}, {}, {}
        for col in FUND_COLS:
            canon = canon_row.get(col)
            value = canon.value if canon is not None else None
            computed[col] = None if value is None else round(value, 2)
            cell = fund.reading(row, col)
            if cell is None or cell.value is None:
                stated[col], half[col] = None, 0.0
            else:
                stated[col], half[col] = round(cell.value, 6), cell.half_unit
    return result


def reconcile_usage(usage: UsageTable, fund: Reconciled | None) -> list[Finding]:
    findings: list[Finding] = []
    unit = usage.unit
    rows = [*usage.items, *([usage.total] if usage.total else [])]
    for row in rows:
        parts = [row.values[k] for k in ("fiscal", "other") if k in row.values]
        summed = _total([Value(p.value, p.half_unit) for p in parts if not p.blank])
        total = row.values.get("total")
        if total is None or summed.value is None:
            continue
        if total.blank or abs(total.value - summed.value) > summed.half + total.half_unit + AMOUNT:
            findings.append(make("USAGE_ROW", total.sheet, total.cell, item=row.item,
                                 expected=money(summed.value, unit),
                                 stated="空" if total.blank else money(total.value, unit)))
    if usage.total is not None:
        for col in ("total", "fiscal", "other"):
            cell = usage.total.values.get(col)
            if cell is None:
                continue
            summed = _total([Value(i.values[col].value, i.values[col].half_unit) for i in usage.items if not i.values[col].blank])
            if summed.value is None:
                continue
            if cell.blank or abs(cell.value - summed.value) > summed.half + cell.half_unit + AMOUNT:
                findings.append(make("USAGE_TOTAL", cell.sheet, cell.cell, col=_USAGE_COL_ZH[col],
                                     expected=money(summed.value, unit),
                                     stated="空" if cell.blank else money(cell.value, unit)))
    if fund is not None:
        for col in ("total", "fiscal"):
            spent = fund.fund.get("spent", _EMPTY).get(col)
            if usage.total is not None and col in usage.total.values and not usage.total.values[col].blank:
                cell = usage.total.values[col]
                value, half, where = cell.value, cell.half_unit, (cell.sheet, cell.cell)
            else:
                summed = _total([Value(i.values[col].value, i.values[col].half_unit)
                                 for i in usage.items if col in i.values and not i.values[col].blank])
                value, half = summed.value, summed.half
                where = (usage.sheet, None)
            if spent is None or value is None:
                continue
            fund_half = fund.half.get("spent", _EMPTY).get(col, 0.0)
            if abs(value - spent) > half + fund_half + AMOUNT:
                findings.append(make("USAGE_SPENT", *where, col=_USAGE_COL_ZH[col], usage=fmt_amount(value),
                                     spent=fmt_amount(spent)))
    return findings


_USAGE_COL_ZH = {"total": "合计", "fiscal": "财政资金支出数", "other": "其他资金支出数"}
