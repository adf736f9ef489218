"""The national form's budget block (预算执行情况) recomputed: each column's total from its parts,
the execution rate from executed ÷ full-year budget, and the 预算执行率 line's score from its weight."""

from __future__ import annotations

from ..findings.finding import Finding
from ..findings.tolerance import AMOUNT, POINTS, PRINTED_RATE
from ..read.textnum import fmt_rate, money
from ..tables.budget import AMOUNTS, COL_ZH, ROW_ZH, ROWS, BudgetBlock
from ..tables.reading import nearer, rate_allowance
from . import emit


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
                findings.append(emit.fund_sum(total, ROW_ZH["total"], COL_ZH[col], "当年财政拨款+上年结转资金+其他资金",
                                              money(summed, block.unit),
                                              "空" if total.blank else money(total.value, block.unit)))
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
            findings.append(emit.fund_formula(
                cell, ROW_ZH[row], "执行率", fmt_rate(rate), fmt_rate(cell.value),
                f"全年执行数 ÷ 全年预算数 = {money(done, block.unit)} ÷ {money(full, block.unit)}"))
    fund["rate"] = rates
    total_rate = rates.get("total")
    if total_rate is not None and total_rate > 100 + POINTS:
        cell = block.stated.get("rate", {}).get("total")
        where = (cell.sheet, cell.cell) if cell else (block.sheet, None)
        findings.append(emit.rate_over_100(where, "年度资金总额", "执行率", fmt_rate(total_rate),
                                           f"全年执行数 {money(fund['executed']['total'], block.unit)} 超出全年预算数 "
                                           f"{money(fund['budget_full']['total'], block.unit)}"))
    weight = block.weight.value
    expected = None if weight is None or total_rate is None else round(min(total_rate, 100) / 100 * weight, 2)
    fund["score"] = {"total": expected}
    stated["score"] = {"total": block.score.value}
    if expected is not None and block.score.value is not None and abs(block.score.value - expected) > 0.01 + AMOUNT:
        findings.append(emit.fund_formula((block.sheet, block.score.ref), "年度资金总额", "得分", f"{expected:g}",
                                          f"{block.score.value:g}", f"执行率 {fmt_rate(total_rate)} × 分值 {weight:g}，不超过分值"))
    return fund, stated, findings
