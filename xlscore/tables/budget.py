"""The budget block of the national form (财预〔2020〕10号 项目支出绩效自评表).

Rows 年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金; columns 年初预算数 / 全年预算数 /
全年执行数 / 分值 / 执行率 / 得分, amounts usually in 万元. 执行率 = 全年执行数 ÷ 全年预算数;
得分 = 执行率 × 分值, at most the 分值. In the report it stands under ``fund`` with rows
budget_initial, budget_full, executed, rate, score and columns total, fiscal, carryover, other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..findings.finding import Finding
from ..read.book import Book, Sheet, a1
from ..read.textnum import Unparsed, label_key, norm, parse_number, unit_factor
from .measure import Measure
from .reading import Stated, read_amount, read_rate, table_unit, unparsed
from .scoresheet import NO_CELL, Cell, IndicatorRow

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
                block.findings.append(unparsed(sheet.name, a1(r, c), exc.text,
                                               ("分值" if key == "weight" else "得分") + exc.reason))
                value = None
            setattr(block, key, Cell(value, a1(r, c)))


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
