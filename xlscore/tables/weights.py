"""The weights of a scoring table added up level by level: 三级 → 二级 → 一级 → 100.

Used twice: by the scoring, to report every sum that does not hold (WEIGHT_SUM), and by the
scoring-table reader, to choose among the readings of its columns the one under which the table
adds up (a ``分值`` column may hold the 一级 weights, the 三级 ones, or both a table's 权重 and
分值 columns may be candidates). Rows are anything with ``weight``, ``level1_weight``,
``level1_key``, ``level2_weight``, ``level2_key`` and ``level1``/``level2``/``name`` attributes.
"""

from __future__ import annotations

from ..findings.finding import Finding, make
from ..findings.tolerance import FLOAT, POINTS


def r2(value: float) -> float:
    return round(value + 0.0, 2)


def groups(rows: list, level: str) -> list[tuple[object, list]]:
    """Rows grouped under their 一级/二级 weight cell: a merged cell is one group; an unmerged
    weight repeated on consecutive rows is one group until its rows' weights reach it; a block
    whose label and weight are repeated after a page break (or on the continuation sheet) is one."""
    found: list[tuple[object, list, tuple | None]] = []
    weight_of, key_of = f"{level}_weight", f"{level}_key"
    for row in rows:
        cell = getattr(row, weight_of)
        key = getattr(row, key_of)
        if cell.value is None and key is None:
            continue
        if found:
            last_cell, members, last_key = found[-1]
            same_key = key is not None and key == last_key
            repeated = (
                not same_key and cell.value is not None and last_cell.value is not None
                and abs(cell.value - last_cell.value) < FLOAT and level == "level2"
                and sum(m.weight.value or 0 for m in members) < last_cell.value - (POINTS + FLOAT)
                and len({getattr(m, key_of) for m in members}) == len(members)
            )
            name = getattr(row, level)
            # The block goes on past a page break or onto a continuation sheet, its label repeated.
            continued = (not same_key and name is not None and name == getattr(members[-1], level)
                         and cell.value == last_cell.value)
            if same_key or repeated or continued:
                members.append(row)
                continue
        found.append((cell, [row], key))
    return [(cell, members) for cell, members, _ in found]


def weight_findings(rows: list, total_sheet: str, stated_total) -> list[Finding]:
    """A WEIGHT_SUM finding for every level whose weights do not add up; ``stated_total`` is the
    total row's weight cell (value and ref), on ``total_sheet``."""
    out: list[Finding] = []

    def off(sheet: str, ref: str | None, what: str, stated: float, expected: float, parts: str) -> None:
        out.append(make("WEIGHT_SUM", sheet, ref, what=what, stated=f"{stated:g}", expected=f"{r2(expected):g}",
                        parts=parts))

    level2 = groups(rows, "level2")
    for cell, members in level2:
        summed = sum(m.weight.value or 0 for m in members)
        if cell.value is not None and abs(summed - cell.value) > (POINTS + FLOAT):
            off(members[0].sheet, cell.ref, f"二级指标（{members[0].level2 or members[0].name} 等）", cell.value, summed,
                "所属三级指标权重")
    level1 = groups(rows, "level1")
    for cell, members in level1:
        if cell.value is None:
            continue
        member_ids = {id(m) for m in members}
        subgroups = [c for c, ms in level2 if id(ms[0]) in member_ids and c.value is not None]
        if subgroups:
            summed, parts = sum(c.value for c in subgroups), "所属二级指标权重"
        else:
            summed, parts = sum(m.weight.value or 0 for m in members), "所属三级指标权重"
        if abs(summed - cell.value) > (POINTS + FLOAT):
            off(members[0].sheet, cell.ref, f"一级指标“{members[0].level1 or ''}”", cell.value, summed, parts)
    total = sum(r.weight.value or 0 for r in rows)
    grouped = {id(m) for c, members in level1 if c.value is not None for m in members}
    # a row outside every 一级 block (the national form's 预算执行率 line) counts with its own weight
    level1_total = (sum(c.value for c, _ in level1 if c.value is not None)
                    + sum(r.weight.value or 0 for r in rows if id(r) not in grouped)) if grouped else 0
    if rows and abs(total - 100) > (POINTS + FLOAT):
        ref = stated_total.ref or rows[0].weight.ref
        off(total_sheet if stated_total.ref else rows[0].sheet, ref, "全部三级指标", 100, total, "三级指标权重")
    elif level1_total and abs(level1_total - 100) > (POINTS + FLOAT):
        first = next(r for r in rows if id(r) in grouped)
        off(first.sheet, first.level1_weight.ref, "全部一级指标", 100, level1_total, "一级指标权重")
    if stated_total.value is not None and abs(stated_total.value - total) > (POINTS + FLOAT):
        off(total_sheet, stated_total.ref, "总计行", stated_total.value, total, "三级指标权重")
    return out
