"""Shared helpers: a builder for fund-table workbooks, and ways to run a check.

``build_book(path, figures, ...)`` writes a workbook laid out like samples/000's 资金安排情况 sheet
(two-row merged header 财政资金 over 小计/中央级/市级/区县级/乡镇级, 其他资金 over
小计/单位自筹/银行贷款等/社会资本) and returns a :class:`Layout` that knows the A1 reference of every
figure, so tests can assert exactly where a finding must point.

Figures are given in 元 and rates in percent (107.49), whatever unit the table is written in.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

SAMPLE_000 = SAMPLES / "原表版式_000_铝工业转型升级专项资金.xlsx"
SAMPLE_002 = SAMPLES / "原表版式_002_企业服务活动专项经费.xlsx"
HAND_002 = SAMPLES / "手工录入_企业服务活动专项经费.xlsx"
WAN_000 = SAMPLES / "手工录入_铝工业转型升级专项资金_万元.xlsx"
ALL_SAMPLES = [SAMPLE_000, SAMPLE_002, HAND_002, WAN_000]

# The finding codes of the foundation (issue 2): fund and usage reconciliation, reading, tables.
FOUNDATION_CODES = (
    "FUND_FORMULA", "FUND_SUM", "FUND_MISSING", "FUND_NEGATIVE", "FUND_RATE_OVER_100",
    "FUND_SPENT_OVER_ARRIVED", "FUND_SPEND_LOW", "USAGE_ROW", "USAGE_TOTAL", "USAGE_SPENT",
    "VALUE_UNPARSED", "FORMULA_UNCOMPUTED", "TABLE_MISSING", "NO_TABLES",
)
FILE_CODES = ("FILE_NOT_FOUND", "FILE_NOT_WORKBOOK", "FILE_CORRUPT", "FILE_ENCRYPTED", "FILE_TOO_LARGE",
              "FILE_UNREADABLE")

ROWS = ("budget", "input", "arrived", "spent", "balance", "execution_rate", "arrival_rate", "spend_rate")
AMOUNT_ROWS = ROWS[:5]
RATE_ROWS = ROWS[5:]
COLS = ("total", "fiscal", "central", "city", "county", "township", "other", "self_raised", "loans", "social")

ROW_LABELS = {
    "budget": ("预算安排", "(1)"),
    "input": ("项目实际投入", "(2)"),
    "arrived": ("资金到位", "(3)"),
    "spent": ("实际支出", "(4)"),
    "balance": ("资金结余", "(5)=(3)-(4)"),
    "execution_rate": ("预算执行率(%)", "(6)=(3)/(1)"),
    "arrival_rate": ("资金到位率(%)", "(7)=(3)/(2)"),
    "spend_rate": ("资金实际支出率(%)", "(8)=(4)/(3)"),
}
SUBHEAD = ("小计", "中央级", "市级", "区县级", "乡镇级", "小计", "单位自筹", "银行贷款等", "社会资本")


def _line(total, fiscal, city, other):
    return {"total": total, "fiscal": fiscal, "central": None, "city": city, "county": None,
            "township": None, "other": other, "self_raised": None, "loans": None, "social": None}


def _full(total, fiscal, city):
    return {"total": total, "fiscal": fiscal, "central": 0, "city": city, "county": 0,
            "township": 0, "other": 0, "self_raised": 0, "loans": 0, "social": 0}


# Seed 002 (企业服务活动专项经费): balance 724,657, spend rate 64.99 — exactly as samples/002 states it.
SEED_002 = {
    "budget": _line(2070000, 2070000, 2070000, 0),
    "input": _line(2070000, 2070000, 2070000, 0),
    "arrived": _line(2070000, 2070000, 2070000, 0),
    "spent": _line(1345343, 1345343, 1345343, 0),
    "balance": _full(724657, 724657, 724657),
    "execution_rate": _full(100, 100, 100),
    "arrival_rate": _full(100, 100, 100),
    "spend_rate": _full(64.99, 64.99, 64.99),
}
SEED_002_USAGE = [("会议费", 270000, 270000, None), ("培训费", 542543, 542543, None),
                  ("维修（护）费", 532800, 532800, None)]

# Seed 000 (铝工业转型升级专项资金): execution rate 107.49, balance 0.
SEED_000 = {
    "budget": _line(68000000, 68000000, 68000000, 0),
    "input": _line(73096200, 73096200, 73096200, 0),
    "arrived": _line(73096200, 73096200, 73096200, 0),
    "spent": _line(73096200, 73096200, 73096200, 0),
    "balance": _full(0, 0, 0),
    "execution_rate": _full(107.49, 107.49, 107.49),
    "arrival_rate": _full(100, 100, 100),
    "spend_rate": _full(100, 100, 100),
}

# A table with nothing to object to: everything spent, every rate 100%.
CLEAN = {
    "budget": _line(2070000, 2070000, 2070000, 0),
    "input": _line(2070000, 2070000, 2070000, 0),
    "arrived": _line(2070000, 2070000, 2070000, 0),
    "spent": _line(2070000, 2070000, 2070000, 0),
    "balance": _full(0, 0, 0),
    "execution_rate": _full(100, 100, 100),
    "arrival_rate": _full(100, 100, 100),
    "spend_rate": _full(100, 100, 100),
}
CLEAN_USAGE = [("会议费", 1000000, 1000000, 0), ("培训费", 1070000, 1070000, 0)]


def figures(base: dict | None = None, **rows: dict) -> dict:
    """A deep copy of ``base`` (default CLEAN) with some cells replaced: figures(spent={"total": 1})."""
    out = copy.deepcopy(base if base is not None else CLEAN)
    for row, cells in rows.items():
        out.setdefault(row, {c: None for c in COLS}).update(cells)
    return out


@dataclass
class Layout:
    """Where the builder put things (all 1-based like openpyxl, A1 references for assertions)."""

    path: Path
    sheet: str
    top: int  # first header row
    left: int  # label column
    usage_sheet: str | None = None
    usage_top: int | None = None  # first usage header row
    usage_rows: dict[str, int] = field(default_factory=dict)  # item -> row ("合计" too)

    def row_of(self, row: str) -> int:
        return self.top + 2 + ROWS.index(row)

    def col_of(self, col: str) -> int:
        return self.left + 2 + COLS.index(col)

    def cell(self, row: str, col: str) -> str:
        return f"{get_column_letter(self.col_of(col))}{self.row_of(row)}"

    def label(self, row: str) -> str:
        return f"{get_column_letter(self.left)}{self.row_of(row)}"

    def usage_cell(self, item: str, col: str) -> str:
        index = {"total": 1, "fiscal": 2, "other": 3}[col]
        return f"{get_column_letter(self.left + index)}{self.usage_rows[item]}"


def _fmt_amount_text(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def build_book(
    path: Path,
    fig: dict | None = None,
    *,
    unit: str | None = None,
    unit_text: str | None = None,
    amounts_as_text: bool = False,
    rates: str = "number",
    top: int = 5,
    left: int = 1,
    sheet: str = "资金安排情况",
    usage: list[tuple] | None = None,
    usage_total: tuple | None | bool = True,
    usage_sheet: str | None = "资金使用情况",
    usage_unit: str | None = "same",
    scoring: bool = True,
    project: bool = True,
    cells: dict[str, object] | None = None,
    formats: dict[str, str] | None = None,
    notes: list[str] | None = None,
    edit: Callable | None = None,
    extra_sheets: list[str] = (),
    merged_header: bool = True,
) -> Layout:
    """Write a fund-table workbook to ``path`` and return its :class:`Layout`.

    fig            {row: {col: value}} in 元 / percent; None (or a missing key) leaves the cell blank.
    unit           None (no unit line, 元 implied) or '元'/'万元': amounts written in that unit.
    unit_text      the unit line's exact text (default ``单位：万元`` at the table's last column).
    amounts_as_text  amounts written as text with thousands separators ("2,070,000").
    rates          'number' (107.49 in a (%) row), 'fraction' (1.0749 in a 0.00%-formatted cell),
                   'text' ("107.49%").
    top, left      1-based first header row and label column of the fund table.
    usage          [(item, total, fiscal, other)] — a usage table (资金使用情况), in 元.
    usage_total    True: a 合计 row computed from the items; a tuple (total, fiscal, other) to state
                   it; None/False: no 合计 row.
    usage_sheet    sheet for the usage table; None puts it below the fund table.
    usage_unit     the usage table's unit ('元'/'万元'), declared in its header; default: as the fund table.
    scoring        a minimal scoring-table header (三级指标/权重) on its own sheet, so a clean
                   workbook has no TABLE_MISSING.
    cells          {"C11": value} raw overrides on the fund sheet after everything is written
                   (formulas as "=C9-C10": openpyxl stores no cached value).
    formats        {"C12": "0.00%"} number formats on the fund sheet.
    notes          lines written under the tables (e.g. "结余原因：……").
    edit           callable(workbook, layout) for anything else, run before saving.
    extra_sheets   blank-ish sheets created *before* the fund sheet.
    """
    fig = fig if fig is not None else CLEAN
    factor = {None: 1, "元": 1, "万元": 10000}[unit]
    wb = Workbook()
    first = wb.active
    for i, name in enumerate(extra_sheets):
        ws_extra = first if i == 0 else wb.create_sheet(name)
        ws_extra.title = name
        ws_extra["A1"] = f"{name}：说明文字"
    ws = wb.create_sheet(sheet) if extra_sheets else first
    ws.title = sheet
    layout = Layout(path, sheet, top, left)

    if project and top > 4:
        ws.cell(row=1, column=left, value="项目名称")
        ws.cell(row=1, column=left + 1, value="测试项目专项经费")
        ws.cell(row=2, column=left, value="主管部门")
        ws.cell(row=2, column=left + 1, value="郑州市测试局")
        ws.cell(row=3, column=left, value="年度")
        ws.cell(row=3, column=left + 1, value=2021)
    if unit is not None and top > 1:
        text = unit_text or f"单位：{unit}"
        ws.cell(row=top - 1, column=left + 11, value=text)

    # Two-row header, merged like samples/000.
    L = left
    ws.cell(row=top, column=L, value="项目")
    ws.cell(row=top, column=L + 1, value="行次")
    ws.cell(row=top, column=L + 2, value="合计")
    ws.cell(row=top, column=L + 3, value="财政资金")
    ws.cell(row=top, column=L + 8, value="其他资金")
    for j, text in enumerate(SUBHEAD):
        ws.cell(row=top + 1, column=L + 3 + j, value=text)
    if merged_header:
        for c in (L, L + 1, L + 2):
            ws.merge_cells(start_row=top, start_column=c, end_row=top + 1, end_column=c)
        ws.merge_cells(start_row=top, start_column=L + 3, end_row=top, end_column=L + 7)
        ws.merge_cells(start_row=top, start_column=L + 8, end_row=top, end_column=L + 11)

    for row in ROWS:
        r = layout.row_of(row)
        label, line = ROW_LABELS[row]
        ws.cell(row=r, column=L, value=label)
        ws.cell(row=r, column=L + 1, value=line)
        for col in COLS:
            value = fig.get(row, {}).get(col)
            if value is None:
                continue
            cell = ws.cell(row=r, column=layout.col_of(col))
            if row in RATE_ROWS:
                if rates == "fraction":
                    cell.value = round(value / 100, 10)
                    cell.number_format = "0.00%"
                elif rates == "text":
                    cell.value = f"{value:g}%"
                else:
                    cell.value = value
            else:
                scaled = value / factor
                if factor > 1:
                    scaled = round(scaled, 2)
                if amounts_as_text:
                    cell.value = _fmt_amount_text(scaled, 2 if factor > 1 else 0)
                else:
                    cell.value = scaled
                    if factor > 1:
                        cell.number_format = "0.00"
    end = layout.row_of("spend_rate") + 1

    if usage is not None:
        if usage_sheet is None:
            us, utop = ws, end + 2
        else:
            us = wb.create_sheet(usage_sheet)
            utop = 1
        layout.usage_sheet = us.title
        layout.usage_top = utop
        u_unit = (unit or "元") if usage_unit == "same" else (usage_unit or "元")
        ufactor = {"元": 1, "万元": 10000}[u_unit]
        us.cell(row=utop, column=L, value="项目支出内容")
        us.cell(row=utop, column=L + 1, value=f"资金情况（单位：{u_unit}）")
        us.cell(row=utop, column=L + 4, value="财政资金专款专用数")
        for j, text in enumerate(("合计", "财政资金支出数", "其他资金支出数")):
            us.cell(row=utop + 1, column=L + 1 + j, value=text)
        us.merge_cells(start_row=utop, start_column=L, end_row=utop + 1, end_column=L)
        us.merge_cells(start_row=utop, start_column=L + 1, end_row=utop, end_column=L + 3)
        us.merge_cells(start_row=utop, start_column=L + 4, end_row=utop + 1, end_column=L + 4)
        r = utop + 2
        if usage_total is not None and usage_total is not False:
            if usage_total is True:
                stated = tuple(
                    sum(item[k] for item in usage if item[k] is not None) if any(item[k] is not None for item in usage) else None
                    for k in (1, 2, 3)
                )
            else:
                stated = usage_total
            us.cell(row=r, column=L, value="合计")
            for j, v in enumerate(stated):
                if v is not None:
                    us.cell(row=r, column=L + 1 + j, value=round(v / ufactor, 2) if ufactor > 1 else v)
            layout.usage_rows["合计"] = r
            r += 1
        for item, *values in usage:
            us.cell(row=r, column=L, value=item)
            for j, v in enumerate(values):
                if v is not None:
                    us.cell(row=r, column=L + 1 + j, value=round(v / ufactor, 2) if ufactor > 1 else v)
            layout.usage_rows[item] = r
            r += 1
        if usage_sheet is None:
            end = r
    if notes:
        for i, text in enumerate(notes):
            ws.cell(row=end + 2 + i, column=L, value=text)

    if scoring:
        write_scoring(wb.create_sheet("自评价评分附件表"))
    for ref, value in (cells or {}).items():
        ws[ref] = value
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    if edit is not None:
        edit(wb, layout)
    wb.save(path)
    return layout


SCORING_HEADERS = ("一级指标", "二级指标", "三级指标", "权重", "标值", "业绩值", "评分结果", "评分标准",
                   "数据来源及支持材料")


def write_scoring(ws, headers=SCORING_HEADERS, top: int = 1) -> None:
    """A minimal, consistent scoring table (one indicator weighing 100, fully scored, a 总计 row),
    so that a workbook built for the fund checks has all three tables and nothing to score against."""
    ws.cell(row=top, column=1, value="附表1.自评价评分附件表")
    for j, text in enumerate(headers):
        ws.cell(row=top + 1, column=1 + j, value=text)
    row = ("产出目标", "数量指标", "培训计划完成率", 100, "100%", "100%", 100,
           "业绩值为100%得满分，每降低1%扣权重分的1%，扣完为止", "培训签到表")
    for j, value in enumerate(row):
        ws.cell(row=top + 2, column=1 + j, value=value)
    ws.cell(row=top + 3, column=1, value="总计")
    ws.cell(row=top + 3, column=4, value=100)
    ws.cell(row=top + 3, column=7, value=100)


def run_check(path) -> dict:
    """The JSON report of one workbook, as a dict."""
    from xlscore.pipeline import check_file

    return check_file(path).to_dict()


@dataclass
class CliResult:
    exit_code: int
    output: str
    stdout: str
    stderr: str
    exception: BaseException | None


def indicator_row(weight, actual, rule=None, target="", self_score=None, name="指标", deviation=None):
    """An indicator row as the scoring-table reader makes it (sheet 表, row 6), for scoring tests."""
    from xlscore.tables.measure import parse_measure
    from xlscore.tables.scoresheet import Cell, IndicatorRow

    r = IndicatorRow("表", 5, name)
    r.weight = Cell(weight, "E6")
    r.actual = parse_measure(actual)
    r.target = parse_measure(target)
    r.rule = rule
    r.self_score = Cell(self_score, "H6")
    r.deviation = deviation
    return r


def edited_copy(src, tmp_path, name: str, edit) -> Path:
    """A copy of the workbook ``src`` as ``tmp_path/name``, changed by ``edit(openpyxl workbook)``."""
    import shutil

    from openpyxl import load_workbook

    dest = tmp_path / name
    shutil.copy(src, dest)
    wb = load_workbook(dest)
    edit(wb)
    wb.save(dest)
    return dest


def set_cells(src, tmp_path, sheet: str, edits: dict, name: str = "edited.xlsx") -> Path:
    """A copy of the workbook ``src`` as ``tmp_path/name`` with ``edits`` (A1 -> value) written on ``sheet``."""
    def edit(wb):
        for ref, value in edits.items():
            wb[sheet][ref] = value
    return edited_copy(src, tmp_path, name, edit)


def run_cli(*args: str) -> CliResult:
    """Run ``xlscore ARGS`` in-process with click's CliRunner."""
    from xlscore.cli import main

    runner = CliRunner()
    result = runner.invoke(main, [str(a) for a in args], prog_name="xlscore", catch_exceptions=True)
    try:
        stderr = result.stderr
    except ValueError:
        stderr = ""
    exc = result.exception if not isinstance(result.exception, SystemExit) else None
    return CliResult(result.exit_code, result.output, result.stdout, stderr, exc)


def check_json(path) -> tuple[int, dict]:
    """``xlscore check --format json PATH``: exit code and the parsed report."""
    result = run_cli("check", "--format", "json", path)
    assert result.exception is None, result.exception
    return result.exit_code, json.loads(result.stdout)


def codes(report: dict) -> list[str]:
    return [f["code"] for f in report["findings"]]


def foundation_findings(report: dict) -> list[tuple]:
    """(code, severity, sheet, cell) of the findings the foundation owns (scoring ones left out)."""
    return [(f["code"], f["severity"], f["sheet"], f["cell"]) for f in report["findings"]
            if f["code"] in FOUNDATION_CODES]


def findings_of(report: dict, code: str) -> list[dict]:
    return [f for f in report["findings"] if f["code"] == code]


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def book(tmp_path):
    """build_book bound to a fresh file in tmp_path: book(fig, **options) -> Layout."""
    counter = {"n": 0}

    def make(fig=None, name=None, **options):
        counter["n"] += 1
        path = tmp_path / (name or f"book{counter['n']}.xlsx")
        return build_book(path, fig, **options)

    return make


# --- every report any test builds validates against the JSON Schema (issue 18, class 9) -----------

SCHEMA_PATH = ROOT / "xlscore" / "schema" / "report.schema.json"
_PROBLEMS: list[Path] = []  # the file the schema problems of the session's reports are written to


def schema_validator():
    """A validator for ``xlscore/schema/report.schema.json``, the schema itself checked first."""
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_errors(validator, report: dict) -> list[str]:
    """``path: message`` of every way ``report`` breaks the schema, in document order."""
    errors = sorted(validator.iter_errors(report), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{list(e.absolute_path)}: {e.message}" for e in errors]


@pytest.fixture(scope="session", autouse=True)
def every_report_validates(tmp_path_factory):
    """``Report.to_dict`` wrapped for the whole session: each report built anywhere — in a test, a
    fixture, the CLI or a batch's forked worker — is validated against the schema. The problems
    go to a file (a worker's too), and the test during which they were written fails (see
    :func:`pytest_runtest_call`)."""
    from xlscore.findings.report import Report

    validator = schema_validator()
    problems = tmp_path_factory.mktemp("schema") / "problems.txt"
    problems.write_text("", encoding="utf-8")
    original = Report.to_dict

    def to_dict(self):
        data = original(self)
        errors = schema_errors(validator, data)
        if errors:
            with problems.open("a", encoding="utf-8") as out:
                out.write(f"{data.get('file')}: " + "；".join(errors[:10]) + "\n")
        return data

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Report, "to_dict", to_dict)
        _PROBLEMS.append(problems)
        yield
        _PROBLEMS.clear()
    left = problems.read_text(encoding="utf-8")
    assert not left, f"reports that do not validate against {SCHEMA_PATH.name}:\n{left}"


def _take_problems() -> str:
    if not _PROBLEMS:
        return ""
    found = _PROBLEMS[0].read_text(encoding="utf-8")
    if found:
        _PROBLEMS[0].write_text("", encoding="utf-8")
    return found


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a test that built a report the schema rejects (in its body or its fixtures)."""
    try:
        result = yield
    except BaseException:
        found = _take_problems()  # the test fails anyway: show the problems with its failure
        if found:
            item.add_report_section("call", "schema", found)
        raise
    found = _take_problems()
    if found:
        raise AssertionError(f"reports that do not validate against {SCHEMA_PATH.name}:\n{found}")
    return result
