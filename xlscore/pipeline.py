"""read → reconcile → score → report, for one workbook. Never raises for a bad file."""

from __future__ import annotations

import os
from pathlib import Path

from defusedxml import DefusedXmlException

from .check import budget as check_budget
from .check.reconcile import SPEND_RATE_WARN, reconcile_fund, reconcile_usage
from .findings.finding import make
from .findings.report import Report
from .read import book as book_mod
from .read.cellref import col_letter
from .read.errors import WorkbookError
from .read.files import dtd_refused
from .score.analysis import Analysis
from .score.table import prepare, score_table
from .tables import budget as budget_mod
from .tables import fund as fund_mod
from .tables import header, layout, projects
from .tables import usage as usage_mod
from .tables.reading import table_blank, table_missing


def out_of_memory() -> WorkbookError:
    """A workbook that took more memory than the machine had."""
    return WorkbookError("FILE_TOO_LARGE", "memory")


def _failed(report: Report, error: WorkbookError) -> None:
    report.status = "error"
    report.error = {"code": error.code, "message": error.message}


def analyse_all(path: str | os.PathLike, display: str | None = None, scheme=None) -> list[Analysis]:
    """Read, reconcile and score every project of one workbook (one, unless it holds several
    scoring tables: see :mod:`xlscore.tables.projects`); a file that cannot be read gives one analysis
    of status error. Never raises for a bad file."""
    name = display if display is not None else str(path)
    report = Report(file=name)
    try:
        workbook = book_mod.load(Path(path))
        found = projects.split(workbook)
    except WorkbookError as exc:
        _failed(report, exc)
        return [Analysis(report)]
    except DefusedXmlException:
        _failed(report, dtd_refused())
        return [Analysis(report)]
    except MemoryError:
        _failed(report, out_of_memory())
        return [Analysis(report)]
    analyses = []
    for project in found:
        report = Report(file=name)
        if project.count > 1:
            report.part = {"index": project.index, "of": project.count}
        analysis = Analysis(report, project.book, workbook=workbook)
        try:
            check_book(project.book, report, scheme, analysis)
        except WorkbookError as exc:
            _failed(report, exc)
        except MemoryError:
            _failed(report, out_of_memory())
        if report.status == "error":
            analysis.book = analysis.workbook = None
        else:
            if project.paired_by_order:
                report.findings.insert(0, make("PROJECTS_PAIRED", None, None, index=str(project.index),
                                               count=str(project.count)))
            if project.more_after:
                report.findings.insert(0, make("PROJECTS_LIMIT", None, None, limit=str(projects.MAX_PROJECTS)))
        analyses.append(analysis)
    return analyses


def analyse(path: str | os.PathLike, display: str | None = None, scheme=None) -> Analysis:
    """The first project of :func:`analyse_all` (a workbook of one project: its only one)."""
    return analyse_all(path, display, scheme)[0]


def check_reports(path: str | os.PathLike, display: str | None = None, scheme=None) -> list[Report]:
    """The report of every project of one workbook (see :func:`analyse_all`)."""
    return [analysis.report for analysis in analyse_all(path, display, scheme)]


def check_file(path: str | os.PathLike, display: str | None = None, scheme=None) -> Report:
    """The report of a workbook's first project (see :func:`check_reports` for all of them)."""
    return analyse(path, display, scheme).report


def check_book(book: book_mod.Book, report: Report, scheme=None, analysis: Analysis | None = None) -> Report:
    analysis = analysis or Analysis(report, book)
    report.project = header.read(book)
    fund = fund_mod.locate(book)
    usage = usage_mod.locate(book)
    block = budget_mod.locate(book) if fund is None else None  # the national form's budget block
    prepared = prepare(book, scheme, block.weight.value or 0.0 if block is not None else 0.0)
    if fund is None and usage is None and prepared is None and block is None:
        raise WorkbookError("NO_TABLES", "")
    analysis.fund, analysis.usage = fund, usage
    report.tables = {
        "fund": {"sheet": fund.sheet, "cell": fund.label_cell(min(fund.rows, key=fund.rows.get))} if fund else None,
        "usage": {"sheet": usage.sheet, "cell": f"{_col(usage.label_col)}{usage.header_top + 1}"} if usage else None,
        "scoring": {"sheet": prepared[0].sheet, "row": prepared[0].header_row + 1} if prepared else None,
    }
    if block is not None:
        report.tables["budget"] = {"sheet": block.sheet, "row": block.header_row + 1}
        scoring_fund, extra_rows = _national(block, report)
    else:
        warn = getattr(prepared[1], "spend_rate_warn", None) if prepared else None
        _annex(fund, usage, book, report, SPEND_RATE_WARN if warn is None else warn)
        scoring_fund, extra_rows = report.fund or None, []
    report.layout = _layout(book, fund, usage, block, prepared[0] if prepared else None)
    if prepared is None:
        report.findings.append(table_missing("自评价评分附件表"))
    else:
        scored = analysis.scoring = score_table(*prepared, scoring_fund, extra_rows, report.project.grades)
        report.scheme = getattr(scored.scheme, "id", None)
        report.indicators = scored.indicators()
        report.totals = scored.totals
        report.grade = scored.grade
        report.findings += scored.findings
    return report


def _layout(book, fund, usage, block, table) -> list[dict]:
    """The report's ``layout``: each table found and what each of its columns was read as."""
    found = []
    if fund is not None and fund.transposed:  # items across, sources down
        found.append(layout.grid(book, "fund", fund.sheet, range(fund.label_col, fund.label_col + 1), fund.rows,
                                 fund.cols, min(fund.rows.values()) - 1))
    elif fund is not None:
        first = min(fund.rows.values())
        found.append(layout.grid(book, "fund", fund.sheet, range(fund.header_top, first), fund.cols,
                                 fund.rows, fund.label_col))
    if usage is not None:
        body = usage.body()
        found.append(layout.grid(book, "usage", usage.sheet, range(usage.header_top, body.start), usage.cols,
                                 label_col=usage.label_col, last_row=max(body.stop - 1, usage.header_top)))
    if block is not None:
        found.append(layout.grid(book, "budget", block.sheet, range(block.header_row, block.header_row + 1),
                                 block.cols, block.rows, min(block.cols.values()) - 1))
    if table is not None:
        found.append(table.layout())
    return found


def _national(block, report: Report) -> tuple[dict | None, list]:
    """The national form's budget block: reconciled, and its 预算执行率 line as the first indicator."""
    if all(cell.blank for column in block.stated.values() for cell in column.values()):
        report.findings.append(table_blank(block.sheet, "项目资金（预算执行情况）表"))
        return None, []
    report.source_unit = block.unit
    report.findings += block.findings
    report.fund, report.fund_stated, found = check_budget.reconcile(block)
    report.findings += found
    rate = report.fund["rate"].get("total")
    return {"execution_rate": {"total": rate}}, [budget_mod.indicator_row(block, rate)]


def _annex(fund, usage, book, report: Report, spend_rate_warn: float) -> None:
    """The 附表 layout: the fund table (资金安排情况) and the usage table (资金使用情况)."""
    reconciled = None
    if fund is None:
        report.findings.append(table_missing("资金安排情况表"))
    elif fund.is_blank():
        report.source_unit = fund.unit
        report.findings += fund.findings
        report.findings.append(table_blank(fund.sheet, "资金安排情况表"))
    else:
        report.source_unit = fund.unit
        report.findings += fund.findings
        reconciled = reconcile_fund(fund, book, spend_rate_warn)
        report.fund, report.fund_stated = reconciled.fund, reconciled.stated
        report.findings += reconciled.findings
    if usage is None:
        if fund is None or fund.form == "municipal":  # the provincial form has no usage table
            report.findings.append(table_missing("资金使用情况表"))
        return
    report.findings += usage.findings
    report.usage = [
        {"item": row.item, "total": _amount(row.values.get("total")), "fiscal": _amount(row.values.get("fiscal")),
         "other": _amount(row.values.get("other")), "row": row.row + 1}
        for row in usage.items
    ]
    report.findings += reconcile_usage(usage, reconciled)


def _amount(stated) -> float | None:
    return None if stated is None or stated.blank else round(stated.value, 2)


def _col(index: int) -> str:
    return col_letter(index)
