"""The pages, as Python string templates: everything that comes from a user or a workbook goes
through :func:`esc` (html.escape, quotes included)."""

from __future__ import annotations

import math
from html import escape

STYLE = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:0 auto;max-width:1200px;padding:0 1em;color:#222}
header{border-bottom:2px solid #a00;margin-bottom:1em}header a{margin-right:1.5em}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #bbb;padding:.25em .5em;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;white-space:nowrap}tr.diff td{background:#fff1f0}
.error{color:#a00}.warning{color:#b36b00}.info{color:#555}.box{border:1px solid #ccc;padding:1em;margin:1em 0}
.msg{border:2px solid #a00;padding:1em;background:#fff6f6}
"""


def esc(value) -> str:
    """``value`` as HTML text; None as empty."""
    return "" if value is None else escape(str(value), quote=True)


def number(value, places: int = 2) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return esc(value)
    if math.isnan(value):  # a blank the summary table holds as NaN
        return ""
    return f"{value:,.{places}f}"


def page(title: str, body: str, refresh: int | None = None) -> str:
    meta = f'<meta http-equiv="refresh" content="{int(refresh)}">' if refresh else ""
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">{meta}'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{esc(title)} - 绩效自评复核</title><style>{STYLE}</style></head><body>"
            f'<header><h1>项目支出绩效自评表复核</h1><nav><a href="/">首页</a><a href="/check">部门自查</a>'
            f'<a href="/batch">财政局批量复核</a><a href="/register">登记簿</a></nav></header>'
            f"<main><h2>{esc(title)}</h2>{body}</main></body></html>")


def message(title: str, text: str, back: str = "/") -> str:
    return page(title, f'<p class="msg">{esc(text)}</p><p><a href="{esc(back)}">返回</a></p>')


def table(headers: list[str], rows: list[list[str]], classes: list[str] | None = None) -> str:
    """``rows`` are already HTML (each cell escaped by its maker)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    lines = []
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if classes and classes[i] else ""
        lines.append(f"<tr{cls}>" + "".join(row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>"


def td(value, num: bool = False) -> str:
    if num:
        return f'<td class="num">{number(value)}</td>'
    return f"<td>{esc(value)}</td>"
