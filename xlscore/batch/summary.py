"""The bureau's summary workbook ``OUT/汇总.xlsx`` of a batch, built from ``reports.jsonl`` with
pandas and xlsxwriter: one row per workbook (largest self/review difference first), every finding,
the files that could not be read, and charts of the grades and scores. Text taken from the inputs
is always written as text: a cell holding ``=HYPERLINK(...)`` stays inert."""

from __future__ import annotations

import json
from pathlib import Path

from ..findings.catalog import SEVERITY_ZH
from ..write.atomic import replacing
from ..write.printsetup import lines_needed

SUMMARY = "汇总.xlsx"
GRADE_ORDER = ("优秀", "优", "良好", "良", "中", "合格", "低", "差", "不合格")
COLUMNS = ["来源文件", "来源邮件", "单位", "项目", "预算安排", "实际支出", "执行率", "自评得分", "复核得分", "差异",
           "自评等级", "复核等级", "错误数", "警告数", "状态"]


def load_reports(path: Path) -> list[dict]:
    reports = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            try:
                reports.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return reports


def _mail(report: dict) -> str | None:
    mail = (report.get("source") or {}).get("email")
    if not mail:
        return None
    return "；".join(str(v) for v in (mail.get("from"), mail.get("subject"), mail.get("date")) if v)


# the national form's budget block names the same figures differently
_ALIASES = {"budget": ("budget", "budget_full"), "spent": ("spent", "executed"), "execution_rate": ("execution_rate", "rate")}


def _total(report: dict, row: str):
    fund = report.get("fund") or {}
    for key in _ALIASES.get(row, (row,)):
        value = (fund.get(key) or {}).get("total")
        if value is not None:
            return value
    return None


def _grade(grade: dict, who: str) -> str | None:
    """The grade, or 未评定 with the short reason when none is given (the report's reason is
    ``<short reason>：<details>``; the details are in the report and on the copy's 复核结果 sheet)."""
    reason = grade.get(f"{who}_withheld")
    if grade.get(who) or not reason:
        return grade.get(who)
    return "未评定（" + "；".join(part.split("：", 1)[0] for part in reason.split("；") if "：" in part) + "）"


def frames(reports: list[dict]):
    import pandas as pd  # start-up guard: pandas costs 290 ms to import; only the summary needs it

    rows, findings, unreadable = [], [], []
    # by file: reports.jsonl is in the order the workers finished, which differs from run to run
    for report in sorted(reports, key=lambda report: str(report.get("file") or "")):
        if report.get("status") == "error":
            error = report.get("error") or {}
            unreadable.append({"文件": report.get("file"), "来源邮件": _mail(report), "代码": error.get("code"),
                               "原因": error.get("message")})
        totals, grade, counts = report.get("totals") or {}, report.get("grade") or {}, report.get("counts") or {}
        self_score, review = totals.get("self_score"), totals.get("review_score")
        rate = _total(report, "execution_rate")
        project = report.get("project") or {}
        rows.append({
            "来源文件": report.get("file"), "来源邮件": _mail(report), "单位": project.get("department"),
            "项目": project.get("name"), "预算安排": _total(report, "budget"), "实际支出": _total(report, "spent"),
            "执行率": None if rate is None else rate / 100, "自评得分": self_score, "复核得分": review,
            "差异": None if self_score is None or review is None else round(review - self_score, 2),
            "自评等级": _grade(grade, "self"), "复核等级": _grade(grade, "review"),
            "错误数": counts.get("error", 0), "警告数": counts.get("warning", 0),
            "状态": "无法读取" if report.get("status") == "error" else ("有错误" if counts.get("error") else "正常"),
        })
        for finding in report.get("findings") or []:
            findings.append({"文件": report.get("file"), "工作表": finding.get("sheet"), "单元格": finding.get("cell"),
                             "代码": finding.get("code"), "严重程度": SEVERITY_ZH.get(finding.get("severity"), ""),
                             "指标": finding.get("indicator"), "说明": finding.get("message")})
    table = pd.DataFrame(rows, columns=COLUMNS)
    # (a column of only blanks is of object type, whose abs() fails: a folder where no file has both scores)
    table = table.assign(_order=pd.to_numeric(table["差异"], errors="coerce").abs()).sort_values(
        ["_order", "来源文件"], ascending=[False, True], na_position="last").drop(columns="_order")
    return (table.reset_index(drop=True),
            pd.DataFrame(findings, columns=["文件", "工作表", "单元格", "代码", "严重程度", "指标", "说明"]),
            pd.DataFrame(unreadable, columns=["文件", "来源邮件", "代码", "原因"]))


def write_summary(out_dir: Path, skipped: list[tuple[str, str]] | None = None) -> Path:
    """Write OUT/汇总.xlsx from OUT/reports.jsonl, atomically; returns its path."""
    import pandas as pd  # start-up guard: pandas costs 290 ms to import; only the summary needs it

    reports = load_reports(out_dir / "reports.jsonl")
    table, findings, unreadable = frames(reports)
    dest = out_dir / SUMMARY
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with replacing(dest, ".xlsx") as tmp, \
            pd.ExcelWriter(tmp, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        book = writer.book
        book.set_properties({"title": "项目支出绩效自评复核汇总", "author": "xlscore"})
        _main_sheet(writer, table)
        _plain_sheet(writer, findings, "检查结果", {"说明": 70, "文件": 36, "指标": 20, "代码": 26,
                                                   "工作表": 16, "单元格": 8, "严重程度": 9})
        _plain_sheet(writer, unreadable, "无法读取", {"文件": 40, "原因": 60, "来源邮件": 40})
        _charts(writer, table)
        skipped_frame = pd.DataFrame(skipped or [], columns=["文件", "跳过原因"])
        _plain_sheet(writer, skipped_frame, "已跳过", {"文件": 50, "跳过原因": 30})
    return dest


def _print(ws, rows: int, cols: int) -> None:
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.print_area(0, 0, max(rows, 1), max(cols - 1, 0))
    ws.set_header("&C&10项目支出绩效自评复核汇总 —— &A")
    ws.set_footer("&C&9第 &P 页 共 &N 页")


def _header(book, ws, columns) -> None:
    fmt = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "align": "center", "valign": "vcenter",
                           "text_wrap": True})
    for i, column in enumerate(columns):
        ws.write_string(0, i, str(column), fmt)


def _main_sheet(writer, table) -> None:
    table.to_excel(writer, sheet_name="汇总", index=False)
    book, ws = writer.book, writer.sheets["汇总"]
    money = book.add_format({"num_format": "#,##0.00"})
    percent = book.add_format({"num_format": "0.00%"})
    score = book.add_format({"num_format": "0.00"})
    wrap = book.add_format({"valign": "top"})
    widths = {"来源文件": 38, "来源邮件": 20, "单位": 16, "项目": 18, "预算安排": 15, "实际支出": 15, "执行率": 9,
              "自评得分": 9, "复核得分": 9, "差异": 8, "自评等级": 10, "复核等级": 10, "错误数": 7, "警告数": 7, "状态": 9}
    formats = {"预算安排": money, "实际支出": money, "执行率": percent, "自评得分": score, "复核得分": score, "差异": score}
    for i, column in enumerate(table.columns):
        ws.set_column(i, i, widths.get(column, 12), formats.get(column, wrap))
    _header(book, ws, table.columns)
    rows = len(table)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(rows, 1), len(table.columns) - 1)
    if rows:
        errors = table.columns.get_loc("错误数")
        status = table.columns.get_loc("状态")
        shade = book.add_format({"bg_color": "#FFC7CE"})
        col = chr(65 + errors)
        ws.conditional_format(1, 0, rows, len(table.columns) - 1,
                              {"type": "formula", "criteria": f"=${col}2>0", "format": shade})
        col = chr(65 + status)
        ws.conditional_format(1, 0, rows, len(table.columns) - 1,
                              {"type": "formula", "criteria": f'=${col}2="无法读取"',
                               "format": book.add_format({"bg_color": "#D9D9D9"})})
    _print(ws, rows, len(table.columns))


WRAPPED = ("说明", "原因")  # long text columns: wrapped, with row heights to match


def _plain_sheet(writer, frame, name: str, widths: dict[str, int]) -> None:

    frame.to_excel(writer, sheet_name=name, index=False)
    ws = writer.sheets[name]
    wrap = writer.book.add_format({"text_wrap": True, "valign": "top"})
    plain = writer.book.add_format({"valign": "top"})
    for i, column in enumerate(frame.columns):
        ws.set_column(i, i, widths.get(column, 12), wrap if column in WRAPPED else plain)
    for column in (c for c in frame.columns if c in WRAPPED):
        width = widths.get(column, 12)
        for i, text in enumerate(frame[column]):
            lines = lines_needed(str(text), width) if isinstance(text, str) else 1
            if lines > 1:
                ws.set_row(i + 1, 15 * lines + 2)
    _header(writer.book, ws, frame.columns)
    ws.freeze_panes(1, 0)
    if len(frame):
        ws.autofilter(0, 0, len(frame), len(frame.columns) - 1)
    _print(ws, len(frame), len(frame.columns))


def _charts(writer, table) -> None:
    import pandas as pd  # start-up guard: pandas costs 290 ms to import; only the summary needs it

    grades = [g for g in GRADE_ORDER if g in set(table["自评等级"].dropna()) | set(table["复核等级"].dropna())]
    counts = pd.DataFrame({
        "等级": grades,
        "自评": [int((table["自评等级"] == g).sum()) for g in grades],
        "复核": [int((table["复核等级"] == g).sum()) for g in grades],
    })
    counts.to_excel(writer, sheet_name="图表", index=False)
    scores = table[["来源文件", "自评得分", "复核得分"]].dropna()
    scores.to_excel(writer, sheet_name="图表", index=False, startcol=5)
    book, ws = writer.book, writer.sheets["图表"]
    ws.set_column(0, 2, 10)
    ws.set_column(5, 5, 30)
    ws.set_column(6, 7, 10)
    if grades:
        chart = book.add_chart({"type": "column"})
        for col, name in ((1, "自评"), (2, "复核")):
            chart.add_series({"name": name, "categories": ["图表", 1, 0, len(grades), 0],
                              "values": ["图表", 1, col, len(grades), col], "data_labels": {"value": True}})
        chart.set_title({"name": "评价等级分布（自评 / 复核）"})
        chart.set_y_axis({"name": "项目数", "major_gridlines": {"visible": True}})
        ws.insert_chart("J2", chart, {"x_scale": 1.2, "y_scale": 1.1})
    if len(scores):
        scatter = book.add_chart({"type": "scatter"})
        scatter.add_series({"name": "项目", "categories": ["图表", 1, 6, len(scores), 6],
                            "values": ["图表", 1, 7, len(scores), 7], "marker": {"type": "circle", "size": 6}})
        scatter.set_title({"name": "自评得分与复核得分"})
        scatter.set_x_axis({"name": "自评得分", "min": 0, "max": 100})
        scatter.set_y_axis({"name": "复核得分", "min": 0, "max": 100})
        scatter.set_legend({"none": True})
        ws.insert_chart("J20", scatter, {"x_scale": 1.2, "y_scale": 1.1})
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 1)
    ws.set_footer("&C&9第 &P 页 共 &N 页")
