"""What was read where: each table found, its range, and what each column (and row) was read as.

The report's ``layout`` part (codes, for machines) and ``xlscore check --explain`` (Chinese, for
the clerk who wants to see at a glance whether a column was misread).
"""

from __future__ import annotations

from ..read.book import Book, a1
from ..read.cellref import col_letter
from ..read.textnum import clean
from .labels import COL_ZH, ROW_ZH
from .scoresheet import ROLE_ZH

TABLE_ZH = {"fund": "资金安排情况表", "usage": "资金使用情况表", "budget": "预算执行情况", "scoring": "评分表"}
USAGE_ZH = {"total": "合计", "fiscal": "财政资金支出数", "other": "其他资金支出数", "earmarked": "财政资金专款专用数"}
BUDGET_ZH = {"budget_initial": "年初预算数", "budget_full": "全年预算数", "executed": "全年执行数", "weight": "分值",
             "rate": "执行率", "score": "得分", "total": "年度资金总额", "fiscal": "财政拨款", "carryover": "上年结转资金",
             "other": "其他资金"}


def _header_text(book: Book, sheet_name: str, header_rows: range, col: int) -> str:
    sheet = book.sheet(sheet_name)
    if sheet is None:
        return ""
    words = []
    for r in header_rows:
        text = clean(sheet.value(r, col))
        if text and text not in words:
            words.append(text)
    return " / ".join(words)


def grid(book: Book, table: str, sheet: str, header_rows: range, cols: dict[str, int],
         rows: dict[str, int] | None = None, label_col: int | None = None, last_row: int | None = None) -> dict:
    """A table located by labelled rows and columns (the fund table, the usage table, the budget block)."""
    last_row = max([*(rows or {}).values(), header_rows.stop - 1, *([last_row] if last_row is not None else [])])
    first_col = min([*cols.values(), *([label_col] if label_col is not None else [])])
    part = {
        "sheet": sheet,
        "range": f"{a1(header_rows.start, first_col)}:{a1(last_row, max(cols.values()))}",
        "columns": [{"column": col_letter(c), "header": _header_text(book, sheet, header_rows, c), "role": key}
                    for key, c in sorted(cols.items(), key=lambda kv: kv[1])],
    }
    if rows:
        label = label_col if label_col is not None else first_col
        sheet_of = book.sheet(sheet)
        part["rows"] = [{"row": r + 1, "label": clean(sheet_of.value(r, label)) if sheet_of else "", "role": key}
                        for key, r in sorted(rows.items(), key=lambda kv: kv[1])]
    return {"table": table, "parts": [part]}


def role_zh(table: str, role: str) -> str:
    names = {"scoring": ROLE_ZH, "usage": USAGE_ZH, "budget": BUDGET_ZH}.get(table, {**COL_ZH, **ROW_ZH})
    return names.get(role, role)


def explain_lines(data: dict) -> list[str]:
    """``xlscore check --explain``: each table found and what each column was read as, in Chinese."""
    lines = [f"{data.get('file')}："]
    layout = data.get("layout") or []
    if not layout:
        lines.append("  未找到任何表格")
    for table in layout:
        name = TABLE_ZH.get(table["table"], table["table"])
        for i, part in enumerate(table["parts"]):
            more = "（续）" if i else ""
            lines.append(f"  {name}{more}：工作表“{part['sheet']}” {part['range']}")
            for column in part["columns"]:
                header = f"“{column['header']}”" if column["header"] else "（无表头）"
                lines.append(f"    {column['column']} 列 {header} → {role_zh(table['table'], column['role'])}")
            for row in part.get("rows", []):
                lines.append(f"    第 {row['row']} 行 “{row['label']}” → {role_zh(table['table'], row['role'])}")
        if table.get("weights_in_doubt"):
            lines.append(f"    权重列无法确定：{'、'.join(table['weights_in_doubt'])} 列都可能是三级指标的权重")
    return lines
