"""The budget block of the national form (财预〔2020〕10号 项目支出绩效自评表).

Rows 年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金; columns 年初预算数 / 全年预算数 /
全年执行数 / 分值 / 执行率 / 得分, amounts usually in 万元. 执行率 = 全年执行数 ÷ 全年预算数;
得分 = 执行率 × 分值, at most the 分值. In the report it stands under ``fund`` with rows
budget_initial, budget_full, executed, rate, score and columns total, fiscal, carryover, other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..read.book import Book, Sheet, a1
from ..findings.finding import Finding, make
from .labels import label_key
from .measure import Measure
from .reading import Stated, nearer, rate_allowance, read_amount, read_rate, table_unit
from .scoresheet import NO_CELL, Cell, IndicatorRow
from ..read.textnum import Unparsed, fmt_rate, norm, parse_number, unit_factor
from ..findings.tolerance import AMOUNT, POINTS, PRINTED_RATE

COLUMNS = {"年初预算数": "budget_initial", "全年预算数": "budget_full", "全年执行数": "executed", "分值": "weight",
           "执行率": "rate", "得分": "score"}
AMOUNTS = ("budget_initial", "budget_full", "executed")
ROWS = ("total", "fiscal", "carryover", "other")
ROW_ZH = {"total": "年度资金总额", "fiscal": "当年财政拨款", "carryover": "上年结转资金", "other": "其他资金"}
COL_ZH = {"budget_initial": "年初预算数", "budget_full": "全年预算数", "executed": "全年执行数", "rate": "执行率",
          "score": "得分"}


def _row_key(text: object) -> str | None:
    flat = norm(text)
    if "年度资金总额" in flat or flat in ("资金总额", "合计"):
        return "total"
    if "财政拨款" in flat:
        return "fiscal"
    if "结转" in flat:
        return "carryover"
    if "其他资金" in flat:
        return "other"
    return None


@dataclass
class BudgetBlock:
    """The national form's budget block (年初预算数, 全年预算数, 全年执行数, …) as located."""

    sheet: str
    header_row: int
    cols: dict[str, int]
    rows: dict[str, int]
    unit: str
    stated: dict[str, dict[str, Stated]] = field(default_factory=dict)  # column key -> row key -> figure
    weight: Cell = NO_CELL
    score: Cell = NO_CELL
    findings: list[Finding] = field(default_factory=list)


def locate(book: Book) -> BudgetBlock | None:
    for sheet in book.sheets:
        for r, line in enumerate(sheet.rows):
            cols = {}
            for c, value in enumerate(line):
                key = COLUMNS.get(label_key(value)) if isinstance(value, str) else None
                if key and key not in cols:
                    cols[key] = c
            if sum(k in cols for k in AMOUNTS) < 2 or "executed" not in cols:
                continue
            first = min(cols.values())
            rows: dict[str, int] = {}
            for rr in range(r + 1, min(r + 8, sheet.nrows)):
                for c in range(first):
                    key = _row_key(sheet.value(rr, c)) if not sheet.is_merged_child(rr, c) or c == first - 1 else None
                    if key and key not in rows:
                        rows[key] = rr
                        break
            if "total" not in rows:
                continue
            own = [sheet.value(rr, c) for rr in range(r, r + 6) for c in range(first)]
            block = BudgetBlock(sheet.name, r, cols, rows, table_unit(sheet, r, own + list(line)))
            _read(sheet, block)
            return block
    return None


def _read(sheet: Sheet, block: BudgetBlock) -> None:
    factor = unit_factor(block.unit)
    for col in (*AMOUNTS, "rate"):
        if col not in block.cols:
            continue
        block.stated[col] = {}
        for row, r in block.rows.items():
            c = block.cols[col]
            if col == "rate":
                block.stated[col][row] = read_rate(sheet, r, c, block.findings)
            else:
                block.stated[col][row] = read_amount(sheet, r, c, factor, block.findings)
    total = block.rows["total"]
    for key in ("weight", "score"):
        if key in block.cols:
            r, c = sheet.anchor(total, block.cols[key])
            try:
                value = parse_number(sheet.value(r, c)).value
            except Unparsed as exc:
                block.findings.append(make("VALUE_UNPARSED", sheet.name, a1(r, c), text=exc.text,
                                           what=("分值" if key == "weight" else "得分") + exc.reason))
                value = None
            setattr(block, key, Cell(value, a1(r, c)))


def _money(value: float | None, unit: str) -> str:
    from ..check.reconcile import money

    return money(value, unit)


def reconcile(block: BudgetBlock) -> tuple[dict, dict, list[Finding]]:
    """(recomputed fund, stated fund, findings) in the report's shape."""
    findings: list[Finding] = []
    fund: dict[str, dict[str, float | None]] = {}
    stated: dict[str, dict[str, float | None]] = {}
    for col in AMOUNTS:
        cells = block.stated.get(col, {})
        stated[col] = {row: (None if row not in cells or cells[row].blank else cells[row].value) for row in ROWS}
        parts = [cells[r] for r in ("fiscal", "carryover", "other") if r in cells and not cells[r].blank]
        computed = dict(stated[col])
        if parts and "total" in cells:
            summed = sum(p.value for p in parts)
            tol = sum(p.half_unit for p in parts) + cells["total"].half_unit + AMOUNT
            total = cells["total"]
            if total.blank or abs(total.value - summed) > tol:
                findings.append(make("FUND_SUM", total.sheet, total.cell, row=ROW_ZH["total"], col=COL_ZH[col],
                                     parts="当年财政拨款+上年结转资金+其他资金", expected=_money(summed, block.unit),
                                     stated="空" if total.blank else _money(total.value, block.unit)))
            computed["total"] = summed if total.blank else total.value
        fund[col] = {row: None if v is None else round(v, 2) for row, v in computed.items()}
    rates: dict[str, float | None] = {}
    stated["rate"] = {}
    for row in ROWS:
        full, done = fund.get("budget_full", {}).get(row), fund.get("executed", {}).get(row)
        rate = None if full in (None, 0) or done is None else done / full * 100
        rates[row] = None if rate is None else round(rate, 2)
        cell = block.stated.get("rate", {}).get(row)
        stated["rate"][row] = None if cell is None or cell.blank else round(cell.value, 4)
        if cell is None or cell.blank or rate is None:
            continue
        cell = nearer(cell, rate)
        stated["rate"][row] = round(cell.value, 4)
        if abs(cell.value - rate) > rate_allowance(cell) + PRINTED_RATE + AMOUNT:
            findings.append(make("FUND_FORMULA", cell.sheet, cell.cell, row=ROW_ZH[row], col="执行率",
                                 expected=fmt_rate(rate), stated=fmt_rate(cell.value),
                                 rule=f"全年执行数 ÷ 全年预算数 = {_money(done, block.unit)} ÷ {_money(full, block.unit)}"))
    fund["rate"] = rates
    total_rate = rates.get("total")
    if total_rate is not None and total_rate > 100 + POINTS:
        cell = block.stated.get("rate", {}).get("total")
        where = (cell.sheet, cell.cell) if cell else (block.sheet, None)
        findings.append(make("FUND_RATE_OVER_100", *where, row="年度资金总额", col="执行率", rate=fmt_rate(total_rate),
                             why=f"全年执行数 {_money(fund['executed']['total'], block.unit)} 超出全年预算数 "
                                 f"{_money(fund['budget_full']['total'], block.unit)}"))
    weight = block.weight.value
    expected = None if weight is None or total_rate is None else round(min(total_rate, 100) / 100 * weight, 2)
    fund["score"] = {"total": expected}
    stated["score"] = {"total": block.score.value}
    if expected is not None and block.score.value is not None and abs(block.score.value - expected) > 0.01 + AMOUNT:
        findings.append(make("FUND_FORMULA", block.sheet, block.score.ref, row="年度资金总额", col="得分",
                             expected=f"{expected:g}", stated=f"{block.score.value:g}",
                             rule=f"执行率 {fmt_rate(total_rate)} × 分值 {weight:g}，不超过分值"))
    return fund, stated, findings


def indicator_row(block: BudgetBlock, rate: float | None) -> IndicatorRow:
    """The 预算执行率 line as the first indicator: weight = its 分值, actual = the recomputed rate."""
    row = IndicatorRow(block.sheet, block.rows["total"], "预算执行率")
    row.level1 = "预算执行率"
    row.weight = block.weight
    row.self_score = block.score
    if rate is not None:
        row.actual = Measure(f"{rate:.2f}%", rate, True)
    cell = block.stated.get("rate", {}).get("total")
    row.cells = {"actual": cell.cell if cell else None, "self_score": block.score.ref, "weight": block.weight.ref}
    return row
