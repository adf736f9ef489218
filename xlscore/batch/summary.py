"""The bureau's summary workbook ``OUT/汇总.xlsx`` of a batch, built from ``reports.jsonl`` with
pandas and xlsxwriter, written to be read upward and printed on A4:

- 汇总: one row per workbook (largest self/review difference first), 预算执行率 as the form defines
  it (municipal (6) = 资金到位 ÷ 预算安排; the national form's 全年执行数 ÷ 全年预算数) beside
  资金实际支出率 (8) = 实际支出 ÷ 资金到位, the grades on one scale with the form's own word kept
  beside, a totals row and a note saying how each figure is made;
- 按单位: one row per department (projects, money, mean scores, grades) and a totals row;
- 检查结果: every finding, errors first, then warnings, then notes, each by file;
- 图表: the review-minus-self gap per project and the grade counts on the one scale;
- 无法读取 and 已跳过 only when some file was unreadable or passed over (no empty page printed).

Text taken from the inputs is always written as text: a cell holding ``=HYPERLINK(...)`` stays
inert; the totals are values, not formulas."""

from __future__ import annotations

import json
import math
from pathlib import Path

from ..findings.catalog import CATALOG, SEVERITIES, SEVERITY_ZH
from ..write.atomic import replacing
from ..write.printsetup import LINE_POINTS, lines_needed

SUMMARY = "汇总.xlsx"
TITLE = "项目支出绩效自评复核汇总"

# One grade scale across schemes: each scheme's words (优秀 / 优, 良好 / 良, 中 / 中等 …) on it.
GRADE_SCALE = ("优秀", "良好", "中等", "低", "差")
GRADE_WORDS = {"优秀": "优秀", "优": "优秀", "良好": "良好", "良": "良好", "中等": "中等", "中": "中等",
               "合格": "中等", "一般": "中等", "低": "低", "差": "差", "不合格": "差"}
UNRATED = "未评定"

MONEY = ("预算安排（元）", "资金到位（元）", "实际支出（元）")
RATES = ("预算执行率", "资金实际支出率")
COLUMNS = ["序号", "单位", "项目", "来源文件", *MONEY, *RATES, "自评得分", "复核得分", "差异",
           "自评等级", "复核等级", "错误数", "警告数", "状态", "来源邮件"]
DEPT_COLUMNS = ["单位", "项目数", "预算安排（元）", "实际支出（元）", *RATES, "平均自评得分", "平均复核得分",
                "自评等级", "复核等级", "错误数", "警告数"]
FINDING_COLUMNS = ["文件", "严重程度", "工作表", "单元格", "指标", "问题", "说明"]
UNREADABLE_COLUMNS = ["文件", "来源邮件", "问题", "原因"]
NOTE = ("说明：预算执行率按各表口径——市级表为 (6) = 资金到位 ÷ 预算安排；全国表为 全年执行数 ÷ 全年预算数"
        "（“实际支出”列为全年执行数）。资金实际支出率 = 实际支出 ÷ 资金到位，即市级表的 (8)；全国表无资金到位数，不计。"
        "等级统一为 优秀、良好、中等、低、差 五档，括号内为原表用词。合计行的金额为各项目之和，比率为合计金额之比，"
        "得分与差异为各项目的平均值。")
GAP_CHART_ROWS = 30  # the gap chart shows the projects with the largest differences


def load_reports(path: Path) -> list[dict]:
    reports = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            try:
                reports.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return reports


def copies(out_dir: Path) -> list[Path]:
    """The annotated copies the batch's reports name (``source.output``, OUT-relative), in file order."""
    named = []
    for report in sorted(load_reports(out_dir / "reports.jsonl"), key=lambda report: str(report.get("file") or "")):
        output = (report.get("source") or {}).get("output")
        if output and (out_dir / output).is_file():
            named.append(out_dir / output)
    return list(dict.fromkeys(named))


def _mail(report: dict) -> str | None:
    mail = (report.get("source") or {}).get("email")
    if not mail:
        return None
    return "；".join(str(v) for v in (mail.get("from"), mail.get("subject"), mail.get("date")) if v)


# the national form's budget block names the same figures differently
_ALIASES = {"budget": ("budget", "budget_full"), "spent": ("spent", "executed"),
            "execution_rate": ("execution_rate", "rate")}


def _total(report: dict, row: str):
    fund = report.get("fund") or {}
    for key in _ALIASES.get(row, (row,)):
        value = (fund.get(key) or {}).get("total")
        if value is not None:
            return value
    return None


def _percent(value):
    return None if value is None else value / 100


def unified_grade(word: str | None) -> str | None:
    """The grade on the one scale (优 -> 优秀, 良 -> 良好, 中 -> 中等 …); a word of no known scale as it is."""
    if not word:
        return None
    return GRADE_WORDS.get(word, word)


def _grade(grade: dict, who: str) -> str | None:
    """The grade on the one scale with the form's own word beside it when that differs (``优秀（优）``),
    or 未评定 with the short reason when none is given (the report's reason is
    ``<short reason>：<details>``; the details are in the report and on the copy's 复核结果 sheet)."""
    word = grade.get(who)
    if word:
        scaled = unified_grade(word)
        return scaled if scaled == word else f"{scaled}（{word}）"
    reason = grade.get(f"{who}_withheld")
    if not reason:
        return None
    return UNRATED + "（" + "；".join(part.split("：", 1)[0] for part in reason.split("；") if "：" in part) + "）"


def _scale_of(cell) -> str | None:
    """The one-scale grade a 汇总 grade cell shows: ``优秀（优）`` -> 优秀, ``未评定（…）`` -> 未评定."""
    if not isinstance(cell, str) or not cell:
        return None
    return cell.split("（", 1)[0]


def _severity_rank(severity) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def _title(code) -> str | None:
    entry = CATALOG.get(code)
    return entry.title if entry is not None else None


def frames(reports: list[dict]):
    """The 汇总 rows, the findings (by severity, then file), and the unreadable files, as frames."""
    import pandas as pd  # start-up guard: pandas costs 290 ms to import; only the summary needs it

    rows, findings, unreadable = [], [], []
    # by file: reports.jsonl is in the order the workers finished, which differs from run to run
    for report in sorted(reports, key=lambda report: str(report.get("file") or "")):
        failed = report.get("status") == "error"
        if failed:
            error = report.get("error") or {}
            unreadable.append({"文件": report.get("file"), "来源邮件": _mail(report), "问题": _title(error.get("code")),
                               "原因": error.get("message")})
        totals, grade, counts = report.get("totals") or {}, report.get("grade") or {}, report.get("counts") or {}
        self_score, review = totals.get("self_score"), totals.get("review_score")
        project = report.get("project") or {}
        rows.append({
            "单位": project.get("department"), "项目": project.get("name"), "来源文件": report.get("file"),
            "预算安排（元）": _total(report, "budget"), "资金到位（元）": _total(report, "arrived"),
            "实际支出（元）": _total(report, "spent"),
            "预算执行率": _percent(_total(report, "execution_rate")),
            "资金实际支出率": _percent(_total(report, "spend_rate")),
            "自评得分": self_score, "复核得分": review,
            "差异": None if self_score is None or review is None else round(review - self_score, 2),
            "自评等级": _grade(grade, "self"), "复核等级": _grade(grade, "review"),
            "错误数": counts.get("error", 0), "警告数": counts.get("warning", 0),
            "状态": "无法读取" if failed else ("有错误" if counts.get("error") else "正常"),
            "来源邮件": _mail(report),
        })
        for finding in report.get("findings") or []:
            findings.append({"_rank": _severity_rank(finding.get("severity")),
                             "文件": report.get("file"), "严重程度": SEVERITY_ZH.get(finding.get("severity"), ""),
                             "工作表": finding.get("sheet"), "单元格": finding.get("cell"),
                             "指标": finding.get("indicator"), "问题": _title(finding.get("code")),
                             "说明": finding.get("message")})
    table = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "序号"])
    # (a column of only blanks is of object type, whose abs() fails: a folder where no file has both scores)
    table = table.assign(_order=pd.to_numeric(table["差异"], errors="coerce").abs()).sort_values(
        ["_order", "来源文件"], ascending=[False, True], na_position="last").drop(columns="_order")
    table = table.reset_index(drop=True)
    table.insert(0, "序号", range(1, len(table) + 1))
    # errors first, then warnings, then notes; by file within each; a file's own order kept (stable sort)
    found = pd.DataFrame(findings, columns=["_rank", *FINDING_COLUMNS]).sort_values(
        ["_rank", "文件"], kind="stable").drop(columns="_rank").reset_index(drop=True)
    return table, found, pd.DataFrame(unreadable, columns=UNREADABLE_COLUMNS)


def _sum(values):
    present = [v for v in values if v is not None and v == v]
    return sum(present) if present else None


def _mean(values):
    present = [v for v in values if v is not None and v == v]
    return round(sum(present) / len(present), 2) if present else None


def _ratio(rates, bases):
    """Σ(rate × base) ÷ Σbase over the rows with both: the rate of the summed money, each row's rate
    taken as its form defines it."""
    pairs = [(r, b) for r, b in zip(rates, bases) if r is not None and r == r and b is not None and b == b and b]
    base = sum(b for _, b in pairs)
    return sum(r * b for r, b in pairs) / base if base else None


def _counts(cells) -> str:
    """``优秀 5；良好 1；未评定 1`` for a column of grade cells, on the one scale, best first."""
    scaled = [g for g in (_scale_of(c) for c in cells) if g]
    order = [*GRADE_SCALE, UNRATED]
    known = [g for g in order if g in scaled] + sorted({g for g in scaled if g not in order})
    return "；".join(f"{g} {scaled.count(g)}" for g in known)


def totals_row(table) -> dict:
    """The 合计 line of 汇总 (the unreadable files counted, their blanks not)."""
    read = table[table["状态"] != "无法读取"]
    count = len(table)
    unreadable = count - len(read)
    label = f"{count} 个" + (f"（无法读取 {unreadable} 个）" if unreadable else "")
    return {"序号": None, "单位": "合计", "项目": label, "来源文件": None,
            **{m: _sum(read[m]) for m in MONEY},
            "预算执行率": _ratio(read["预算执行率"], read["预算安排（元）"]),
            "资金实际支出率": _ratio(read["资金实际支出率"], read["资金到位（元）"]),
            "自评得分": _mean(read["自评得分"]), "复核得分": _mean(read["复核得分"]), "差异": _mean(read["差异"]),
            "自评等级": _counts(read["自评等级"]), "复核等级": _counts(read["复核等级"]),
            "错误数": int(table["错误数"].sum()), "警告数": int(table["警告数"].sum()), "状态": None, "来源邮件": None}


def departments(table):
    """按单位: one row per department of the readable files (in name order), then a 合计 row."""
    import pandas as pd  # start-up guard: pandas costs 290 ms to import; only the summary needs it

    read = table[table["状态"] != "无法读取"].copy()
    read["单位"] = read["单位"].fillna("（未填写单位）")
    rows = []
    for name, group in [*sorted(read.groupby("单位", sort=False), key=lambda item: str(item[0])), ("合计", read)]:
        rows.append({
            "单位": name, "项目数": len(group),
            "预算安排（元）": _sum(group["预算安排（元）"]), "实际支出（元）": _sum(group["实际支出（元）"]),
            "预算执行率": _ratio(group["预算执行率"], group["预算安排（元）"]),
            "资金实际支出率": _ratio(group["资金实际支出率"], group["资金到位（元）"]),
            "平均自评得分": _mean(group["自评得分"]), "平均复核得分": _mean(group["复核得分"]),
            "自评等级": _counts(group["自评等级"]), "复核等级": _counts(group["复核等级"]),
            "错误数": int(group["错误数"].sum()), "警告数": int(group["警告数"].sum()),
        })
    return pd.DataFrame(rows, columns=DEPT_COLUMNS)


def write_summary(out_dir: Path, skipped: list[tuple[str, str]] | None = None) -> Path:
    """Write OUT/汇总.xlsx from OUT/reports.jsonl, atomically; returns its path."""
    import pandas as pd  # start-up guard: pandas costs 290 ms to import; only the summary needs it

    reports = load_reports(out_dir / "reports.jsonl")
    table, findings, unreadable = frames(reports)
    if not table["来源邮件"].notna().any():  # no file came by e-mail: no empty column
        table = table.drop(columns="来源邮件")
    if not unreadable["来源邮件"].notna().any():
        unreadable = unreadable.drop(columns="来源邮件")
    dest = out_dir / SUMMARY
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with replacing(dest, ".xlsx") as tmp, \
            pd.ExcelWriter(tmp, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        book = writer.book
        book.set_properties({"title": TITLE, "author": "xlscore"})
        _main_sheet(writer, table)
        _department_sheet(writer, departments(table))
        _plain_sheet(writer, findings, "检查结果", {"文件": 30, "严重程度": 8, "工作表": 14, "单元格": 7, "指标": 16,
                                                   "问题": 16, "说明": 56})
        if len(unreadable):
            _plain_sheet(writer, unreadable, "无法读取", {"文件": 40, "来源邮件": 30, "问题": 14, "原因": 56})
        _charts(writer, table)
        if skipped:
            _plain_sheet(writer, pd.DataFrame(skipped, columns=["文件", "跳过原因"]), "已跳过",
                         {"文件": 60, "跳过原因": 40})
    return dest


# --- layout ------------------------------------------------------------------------------------

WIDTHS = {"序号": 5, "单位": 14, "项目": 18, "来源文件": 20, "预算安排（元）": 14, "资金到位（元）": 14,
          "实际支出（元）": 14, "预算执行率": 9, "资金实际支出率": 9, "自评得分": 7, "复核得分": 7, "差异": 7,
          "自评等级": 10, "复核等级": 10, "错误数": 6, "警告数": 6, "状态": 8, "来源邮件": 24,
          "项目数": 7, "平均自评得分": 9, "平均复核得分": 9}
WRAPPED = ("单位", "项目", "来源文件", "来源邮件", "自评等级", "复核等级", "说明", "原因", "文件", "跳过原因", "问题", "指标",
           "工作表")


def _print(ws, last_row: int, cols: int, header_rows: int = 1) -> None:
    """A4 landscape, one page wide, the header rows repeated on every page, page numbers."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
    ws.center_horizontally()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, header_rows - 1)
    ws.print_area(0, 0, max(last_row, 1), max(cols - 1, 0))
    ws.set_header(f"&C&10{TITLE} —— &A")
    ws.set_footer("&C&9第 &P 页 共 &N 页")


def _formats(book) -> dict:
    base = {"valign": "top", "font_size": 10}
    return {
        "header": book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "align": "center",
                                   "valign": "vcenter", "text_wrap": True, "font_size": 10}),
        "money": book.add_format({**base, "num_format": "#,##0.00"}),
        "percent": book.add_format({**base, "num_format": "0.00%"}),
        "score": book.add_format({**base, "num_format": "0.00"}),
        "wrap": book.add_format({**base, "text_wrap": True}),
        "plain": book.add_format(base),
        "total": book.add_format({**base, "bold": True, "top": 2, "text_wrap": True}),
        "total_money": book.add_format({**base, "bold": True, "top": 2, "num_format": "#,##0.00"}),
        "total_percent": book.add_format({**base, "bold": True, "top": 2, "num_format": "0.00%"}),
        "total_score": book.add_format({**base, "bold": True, "top": 2, "num_format": "0.00"}),
        "note": book.add_format({**base, "text_wrap": True, "italic": True}),
    }


def _kind(column: str) -> str:
    if column in MONEY or column in ("预算安排（元）", "实际支出（元）"):
        return "money"
    if column in RATES:
        return "percent"
    if column in ("自评得分", "复核得分", "差异", "平均自评得分", "平均复核得分"):
        return "score"
    return "wrap" if column in WRAPPED else "plain"


def _header(fmt, ws, columns) -> None:
    for i, column in enumerate(columns):
        ws.write_string(0, i, str(column), fmt)
    height = max(lines_needed(str(c), WIDTHS.get(c, 12)) for c in columns) if len(columns) else 1
    ws.set_row(0, LINE_POINTS * height + 4)


def _height(values: dict, widths: dict) -> float | None:
    """The row height its wrapped text needs, or None for one line."""
    lines = max([lines_needed(v, widths.get(k, 12)) for k, v in values.items()
                 if k in WRAPPED and isinstance(v, str) and v] or [1])
    return LINE_POINTS * lines + 2 if lines > 1 else None


def _write_row(ws, r: int, row: dict, columns, fmts: dict, total: bool = False) -> None:
    for c, column in enumerate(columns):
        value, kind = row.get(column), _kind(column)
        fmt = fmts[("total_" + kind) if total and kind in ("money", "percent", "score") else
                   ("total" if total else kind)]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            ws.write_blank(r, c, None, fmt)
        elif isinstance(value, str):
            ws.write_string(r, c, value, fmt)
        else:
            ws.write_number(r, c, value, fmt)
    height = _height(row, WIDTHS)
    if height:
        ws.set_row(r, height)


def _new_sheet(writer, name: str, columns: list, widths: dict[str, int]):
    """A sheet named ``name`` with its columns' widths and header row; (the sheet, its formats)."""
    ws = writer.book.add_worksheet(name)
    fmts = _formats(writer.book)
    for c, column in enumerate(columns):
        ws.set_column(c, c, widths.get(column, 12))
    _header(fmts["header"], ws, columns)
    return ws, fmts


def _table_sheet(writer, frame, name: str, total: dict | None, note: str | None):
    columns = list(frame.columns)
    ws, fmts = _new_sheet(writer, name, columns, WIDTHS)
    for r, row in enumerate(frame.to_dict("records"), start=1):
        _write_row(ws, r, row, columns, fmts)
    last = len(frame)
    ws.freeze_panes(1, 0)
    if last:
        ws.autofilter(0, 0, last, len(columns) - 1)
    if total is not None:
        last += 1
        _write_row(ws, last, total, columns, fmts, total=True)
    if note:
        last += 2
        ws.merge_range(last, 0, last, len(columns) - 1, note, fmts["note"])
        width = sum(WIDTHS.get(c, 12) for c in columns)
        ws.set_row(last, LINE_POINTS * lines_needed(note, width) + 4)
    _print(ws, last, len(columns))
    return ws, fmts


def _main_sheet(writer, table) -> None:
    ws, fmts = _table_sheet(writer, table, "汇总", totals_row(table) if len(table) else None, NOTE)
    rows, columns = len(table), list(table.columns)
    if rows:
        errors, status = chr(65 + columns.index("错误数")), chr(65 + columns.index("状态"))
        ws.conditional_format(1, 0, rows, len(columns) - 1, {
            "type": "formula", "criteria": f"=${errors}2>0", "format": writer.book.add_format({"bg_color": "#FFC7CE"})})
        ws.conditional_format(1, 0, rows, len(columns) - 1, {
            "type": "formula", "criteria": f'=${status}2="无法读取"',
            "format": writer.book.add_format({"bg_color": "#D9D9D9"})})


def _department_sheet(writer, frame) -> None:
    body, total = frame.iloc[:-1], frame.iloc[-1].to_dict()
    _table_sheet(writer, body, "按单位", total, "说明：只计可以读取的文件；比率为合计金额之比，得分为各项目的平均值，等级为各档的项目数。")


def _plain_sheet(writer, frame, name: str, widths: dict[str, int]) -> None:
    columns = list(frame.columns)
    ws, fmts = _new_sheet(writer, name, columns, widths)
    for r, row in enumerate(frame.to_dict("records"), start=1):
        for c, column in enumerate(columns):
            value = row.get(column)
            fmt = fmts["wrap"] if column in WRAPPED else fmts["plain"]
            if value is None or (isinstance(value, float) and math.isnan(value)):
                ws.write_blank(r, c, None, fmt)
            else:
                ws.write_string(r, c, str(value), fmt)
        height = _height(row, widths)
        if height:
            ws.set_row(r, height)
    ws.freeze_panes(1, 0)
    if len(frame):
        ws.autofilter(0, 0, len(frame), len(columns) - 1)
    _print(ws, len(frame), len(columns))


def grade_counts(table):
    """自评 and 复核 counts per grade of the one scale (and 未评定), the grades that occur."""
    self_grades = [_scale_of(c) for c in table["自评等级"]]
    review_grades = [_scale_of(c) for c in table["复核等级"]]
    present = set(self_grades) | set(review_grades)
    order = [g for g in (*GRADE_SCALE, UNRATED) if g in present] + \
        sorted(g for g in present if g and g not in (*GRADE_SCALE, UNRATED))
    return [(g, self_grades.count(g), review_grades.count(g)) for g in order]


def _gap_scale(bars: int) -> float:
    return max(1.0, bars / 12)


def _charts(writer, table) -> None:
    book = writer.book
    ws = book.add_worksheet("图表")
    fmts = _formats(book)
    counts = grade_counts(table)
    _header(fmts["header"], ws, ["等级", "自评", "复核"])
    for r, (grade, own, review) in enumerate(counts, start=1):
        ws.write_string(r, 0, grade, fmts["plain"])
        ws.write_number(r, 1, own, fmts["plain"])
        ws.write_number(r, 2, review, fmts["plain"])
    gaps = table[table["差异"].notna()].head(GAP_CHART_ROWS)  # the table is largest difference first
    for c, head in enumerate(["序号　项目", "自评得分", "复核得分", "差异"], start=5):
        ws.write_string(0, c, head, fmts["header"])
    for r, row in enumerate(gaps.to_dict("records"), start=1):
        ws.write_string(r, 5, f"{row['序号']} {row['项目'] or row['来源文件']}", fmts["plain"])
        for c, key in ((6, "自评得分"), (7, "复核得分"), (8, "差异")):
            ws.write_number(r, c, row[key], fmts["score"])
    ws.set_column(0, 0, 10)
    ws.set_column(1, 2, 6)
    ws.set_column(3, 4, 2)
    ws.set_column(5, 5, 34)
    ws.set_column(6, 8, 8)
    if counts:
        chart = book.add_chart({"type": "column"})
        for col, name, color in ((1, "自评", "#8EA9DB"), (2, "复核", "#2F5597")):
            chart.add_series({"name": name, "categories": ["图表", 1, 0, len(counts), 0],
                              "values": ["图表", 1, col, len(counts), col], "data_labels": {"value": True},
                              "fill": {"color": color}})
        chart.set_title({"name": "评价等级分布（统一为五档）", "name_font": {"size": 12}})
        chart.set_y_axis({"name": "项目数", "major_gridlines": {"visible": True}, "min": 0})
        chart.set_legend({"position": "bottom"})
        ws.insert_chart("K2", chart, {"x_scale": 1.1, "y_scale": 1.0})
    if len(gaps):
        bar = book.add_chart({"type": "bar"})
        bar.add_series({"name": "复核 − 自评（分）", "categories": ["图表", 1, 5, len(gaps), 5],
                        "values": ["图表", 1, 8, len(gaps), 8], "data_labels": {"value": True, "num_format": "0.00"},
                        "fill": {"color": "#C00000"}, "invert_if_negative": False})
        more = f"（差异最大的 {GAP_CHART_ROWS} 个）" if table["差异"].notna().sum() > GAP_CHART_ROWS else ""
        bar.set_title({"name": f"复核得分与自评得分之差{more}", "name_font": {"size": 12}})
        bar.set_x_axis({"name": "分", "major_gridlines": {"visible": True}})
        bar.set_y_axis({"reverse": True, "label_position": "low"})
        bar.set_legend({"none": True})
        ws.insert_chart("K18", bar, {"x_scale": 1.1, "y_scale": _gap_scale(len(gaps))})
    # the print area takes in the charts (a 1.0-scale chart is 15 rows of 20 px high, 8 columns wide)
    last = max(len(counts), len(gaps), 17 + (math.ceil(15 * _gap_scale(len(gaps))) if len(gaps) else 0), 16)
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
    ws.fit_to_pages(1, 1)
    ws.print_area(0, 0, last, 19)
    ws.set_header(f"&C&10{TITLE} —— &A")
    ws.set_footer("&C&9第 &P 页 共 &N 页")
