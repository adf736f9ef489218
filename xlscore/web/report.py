"""One workbook's report as HTML: its project, every finding located by labels, the fund figures
stated beside recomputed, and the review scores per indicator."""

from __future__ import annotations

from ..batch.replies import locate
from ..batch.summary import _grade
from ..findings.catalog import CATALOG, SEVERITIES, SEVERITY_ZH
from ..tables.budget import AMOUNTS as BUDGET_AMOUNTS
from ..tables.budget import COL_ZH as BUDGET_COL_ZH
from ..tables.budget import ROW_ZH as BUDGET_ROW_ZH
from ..tables.budget import ROWS as BUDGET_ROWS
from ..tables.layout import role_zh
from .html import esc, number, table, td

FUND_ROWS = ("budget", "input", "arrived", "spent", "balance", "execution_rate", "arrival_rate", "spend_rate")
FUND_COLUMNS = ("total", "fiscal", "central", "city", "county", "township", "other", "self_raised", "loans", "social")
TOLERANCE = 0.005


def title_of(code) -> str:
    entry = CATALOG.get(code)
    return entry.title if entry is not None else "其他问题"


def render(report: dict) -> str:
    """The HTML of one report (one project of a workbook)."""
    parts = []
    project = report.get("project") or {}
    if report.get("status") == "error":
        error = report.get("error") or {}
        return (f'<div class="box"><p class="msg">无法读取“{esc(report.get("file"))}”：'
                f'{esc(title_of(error.get("code")))}。{esc(error.get("message"))}</p></div>')
    totals, grade, counts = report.get("totals") or {}, report.get("grade") or {}, report.get("counts") or {}
    parts.append('<div class="box">' + table(
        ["单位", "项目", "年度", "自评得分", "复核得分", "自评等级", "复核等级", "错误", "警告", "提示"],
        [[td(project.get("department")), td(project.get("name")), td(project.get("year")),
          td(totals.get("self_score"), True), td(totals.get("review_score"), True),
          td(_grade(grade, "self")), td(_grade(grade, "review")),
          td(counts.get("error", 0)), td(counts.get("warning", 0)), td(counts.get("info", 0))]]) + "</div>")
    parts.append(findings_html(report))
    parts.append(fund_html(report))
    parts.append(indicators_html(report))
    return "".join(parts)


def findings_html(report: dict) -> str:
    findings = sorted(report.get("findings") or [],
                      key=lambda f: SEVERITIES.index(f.get("severity")) if f.get("severity") in SEVERITIES else 9)
    if not findings:
        return "<h3>检查结果</h3><p>未发现问题。</p>"
    rows, classes = [], []
    for finding in findings:
        severity = finding.get("severity")
        rows.append([f'<td class="{esc(severity)}">{esc(SEVERITY_ZH.get(severity, ""))}</td>',
                     td(title_of(finding.get("code"))), td(finding.get("message")), td(locate(report, finding))])
        classes.append("")
    return f"<h3>检查结果（{len(findings)} 项）</h3>" + table(["严重程度", "问题", "说明", "位置"], rows, classes)


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) <= TOLERANCE
    except (TypeError, ValueError):
        return a == b


def _compared(label: str, pairs: list[tuple]) -> tuple[list[str], bool]:
    """A table row of (stated, recomputed) figures, each pair marked ≠ where they differ; and
    whether any does."""
    cells, differs = [td(label)], False
    for stated, recomputed in pairs:
        same = _close(stated, recomputed)
        differs = differs or not same
        cells.append(f'<td class="num">{number(stated)} / {number(recomputed)}{"" if same else " ≠"}</td>')
    return cells, differs


def fund_html(report: dict) -> str:
    """资金安排情况: each figure as the form states it beside the recomputed one; a row where
    they differ is marked."""
    stated, fund = report.get("fund_stated") or {}, report.get("fund") or {}
    if not stated and not fund:
        return "<h3>资金情况</h3><p>未读到资金安排情况表。</p>"
    if "budget_full" in fund:
        return _budget_html(report, stated, fund)
    columns = [c for c in FUND_COLUMNS
               if any((stated.get(r) or {}).get(c) is not None or (fund.get(r) or {}).get(c) is not None
                      for r in FUND_ROWS)]
    headers = ["项目"] + [f"{role_zh('fund', c)}（表中 / 复算）" for c in columns]
    rows, classes = [], []
    for role in FUND_ROWS:
        if role not in stated and role not in fund:
            continue
        s, f = stated.get(role) or {}, fund.get(role) or {}
        cells, differs = _compared(role_zh("fund", role), [(s.get(column), f.get(column)) for column in columns])
        rows.append(cells)
        classes.append("diff" if differs else "")
    unit = report.get("unit") or "元"
    return (f"<h3>资金情况（单位：{esc(unit)}；表中所填 / 复核重算，不一致处标 ≠）</h3>"
            + table(headers, rows, classes))


def _budget_html(report: dict, stated: dict, fund: dict) -> str:
    """The national form's 预算执行情况 (columns by kind of figure, rows by source of the money)."""
    columns = [c for c in (*BUDGET_AMOUNTS, "rate") if c in fund]
    headers = ["资金"] + [f"{BUDGET_COL_ZH[c]}（表中 / 复算）" for c in columns]
    rows, classes = [], []
    for role in BUDGET_ROWS:
        cells, differs = _compared(BUDGET_ROW_ZH[role], [((stated.get(column) or {}).get(role),
                                                          (fund.get(column) or {}).get(role)) for column in columns])
        rows.append(cells)
        classes.append("diff" if differs else "")
    unit = report.get("unit") or "元"
    return (f"<h3>预算执行情况（单位：{esc(unit)}，执行率：%；表中所填 / 复核重算，不一致处标 ≠）</h3>"
            + table(headers, rows, classes))


def indicators_html(report: dict) -> str:
    indicators = report.get("indicators") or []
    if not indicators:
        return "<h3>评分</h3><p>未读到评分表。</p>"
    rows, classes = [], []
    for item in indicators:
        rows.append([td(item.get("level1")), td(item.get("level2")), td(item.get("name")),
                     td(item.get("weight"), True), td(item.get("self_score"), True),
                     td(item.get("review_score"), True), td(item.get("review_note"))])
        classes.append("" if _close(item.get("self_score"), item.get("review_score")) else "diff")
    totals = report.get("totals") or {}
    rows.append([td("合计"), td(""), td(""), td(totals.get("weight"), True), td(totals.get("self_score"), True),
                 td(totals.get("review_score"), True), td("")])
    classes.append("")
    return "<h3>评分（各指标自评与复核）</h3>" + table(
        ["一级指标", "二级指标", "三级指标", "权重", "自评得分", "复核得分", "复核说明"], rows, classes)
