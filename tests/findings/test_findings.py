"""For every finding code of the foundation: a workbook that triggers it (code, severity, sheet,
exact cell) and one that must not (issue 2 §4, §5, §8)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pytest
from openpyxl import Workbook

from xlscore.findings.catalog import CATALOG

from conftest import (
    CLEAN,
    CLEAN_USAGE,
    FILE_CODES,
    FOUNDATION_CODES,
    SEED_000,
    SEED_002,
    SEED_002_USAGE,
    build_book,
    codes,
    figures,
    findings_of,
    foundation_findings,
    run_check,
)

# Codes the scoring issue owns (its own tests cover them); everything else in the catalog must have
# a case here (FILE_* are covered in test_files.py).
SCORING_CODES = {
    "SCHEME_UNKNOWN", "WEIGHT_SUM", "WEIGHT_MISSING", "SCORE_OVER_WEIGHT", "SCORE_MISMATCH", "SCORE_MISSING",
    "TOTAL_MISMATCH", "GRADE_MISMATCH", "RULE_UNPARSED", "RULE_SCHEME_CONFLICT", "MANUAL_REVIEW",
    "INDICATOR_FUND_MISMATCH", "ACTUAL_MISSING", "SOURCE_MISSING", "TARGET_TOO_LOW",
    "DEVIATION_MISSING", "TABLE_BLANK",  # national form, blank forms: tests/template/test_template.py
    "COPY_DROPS", "COPY_FAILED",  # the annotated copy's codes: tests/write/test_annotate.py
    "LAYOUT_AMBIGUOUS",  # columns in doubt: tests/tables/test_layout_roles.py
    "PROJECTS_PAIRED", "PROJECTS_LIMIT",  # several projects in one workbook: tests/tables/test_projects.py
    "OVERSHOOT_UNEXPLAINED",  # over-achievement without a reason: tests/score/test_rule_families.py
    "FILE_TIMEOUT", "WORKER_DIED", "INTERNAL_ERROR",  # a batch's worker: tests/batch/test_batch.py
}

EXPLAINED = ["结余原因：部分培训项目受疫情影响推迟至下一年度实施，结余资金已按规定结转"]
USAGE_2M = [("会议费", 1_000_000, 1_000_000, 0), ("培训费", 1_000_000, 1_000_000, 0)]


@dataclass
class Case:
    code: str
    severity: str
    bad: dict  # build_book options (fig under "fig")
    good: dict
    sheet: str | None = "资金安排情况"
    cell: Callable | None = None  # layout -> expected A1 reference (None: no cell)
    words: tuple = ()  # figures the message must show
    extra: dict = field(default_factory=dict)


def _fund_cell(row, col):
    return lambda lay: lay.cell(row, col)


def _usage_cell(item, col):
    return lambda lay: lay.usage_cell(item, col)


CASES = [
    Case("FUND_FORMULA", "error",
         bad=dict(fig=figures(SEED_002, balance={"total": 0}), usage=SEED_002_USAGE, notes=EXPLAINED),
         good=dict(fig=SEED_002, usage=SEED_002_USAGE, notes=EXPLAINED),
         cell=_fund_cell("balance", "total"), words=("724,657", "0 元", "2,070,000", "1,345,343")),
    Case("FUND_SUM", "error",
         bad=dict(fig=figures(budget={"fiscal": 2_000_000}), usage=CLEAN_USAGE),
         good=dict(fig=CLEAN, usage=CLEAN_USAGE),
         cell=_fund_cell("budget", "fiscal"), words=("2,070,000", "2,000,000")),
    Case("FUND_MISSING", "warning",
         bad=dict(fig=figures(balance={"total": None}), usage=CLEAN_USAGE),
         good=dict(fig=CLEAN, usage=CLEAN_USAGE),
         cell=_fund_cell("balance", "total"), words=("资金结余",)),
    Case("FUND_NEGATIVE", "error",
         bad=dict(fig=figures(spent={"social": -5000}), usage=CLEAN_USAGE),
         good=dict(fig=figures(spent={"social": 0}), usage=CLEAN_USAGE),
         cell=_fund_cell("spent", "social"), words=("-5,000",)),
    Case("FUND_RATE_OVER_100", "warning",
         bad=dict(fig=SEED_000, usage=[("费用补贴", 73_096_200, 73_096_200, 0)]),
         good=dict(fig=CLEAN, usage=CLEAN_USAGE),
         cell=_fund_cell("execution_rate", "total"), words=("107.49%", "73,096,200", "68,000,000")),
    Case("FUND_SPENT_OVER_ARRIVED", "error",
         bad=dict(fig=figures(spent={"total": 2_100_000, "fiscal": 2_100_000, "city": 2_100_000},
                              balance={"total": -30_000, "fiscal": -30_000, "city": -30_000},
                              spend_rate={"total": 101.45, "fiscal": 101.45, "city": 101.45}),
                  usage=[("会议费", 1_100_000, 1_100_000, 0), ("培训费", 1_000_000, 1_000_000, 0)]),
         good=dict(fig=CLEAN, usage=CLEAN_USAGE),
         cell=_fund_cell("spent", "total"), words=("2,100,000", "2,070,000")),
    Case("FUND_SPEND_LOW", "warning",
         bad=dict(fig=SEED_002, usage=SEED_002_USAGE),
         good=dict(fig=SEED_002, usage=SEED_002_USAGE, notes=EXPLAINED),
         cell=_fund_cell("spend_rate", "total"), words=("64.99%", "724,657")),
    Case("USAGE_ROW", "error",
         bad=dict(fig=CLEAN, usage=[("会议费", 1_000_000, 990_000, 0), ("培训费", 1_070_000, 1_070_000, 0)],
                  usage_total=(2_070_000, 2_060_000, 0)),
         good=dict(fig=CLEAN, usage=CLEAN_USAGE),
         sheet="资金使用情况", cell=_usage_cell("会议费", "total"), words=("会议费", "990,000", "1,000,000")),
    Case("USAGE_TOTAL", "error",
         bad=dict(fig=CLEAN, usage=CLEAN_USAGE, usage_total=(2_000_000, 2_000_000, 0)),
         good=dict(fig=CLEAN, usage=CLEAN_USAGE),
         sheet="资金使用情况", cell=_usage_cell("合计", "total"), words=("2,070,000", "2,000,000")),
    Case("USAGE_SPENT", "error",
         bad=dict(fig=CLEAN, usage=USAGE_2M),
         good=dict(fig=CLEAN, usage=CLEAN_USAGE),
         sheet="资金使用情况", cell=_usage_cell("合计", "total"), words=("2,000,000", "2,070,000")),
    Case("VALUE_UNPARSED", "error",
         bad=dict(fig=CLEAN, usage=CLEAN_USAGE, cells={"C9": "约200万"}),
         good=dict(fig=CLEAN, usage=CLEAN_USAGE, cells={"C9": "207万元"}),
         cell=lambda lay: "C9", words=("约200万",)),
    Case("FORMULA_UNCOMPUTED", "warning",
         bad=dict(fig=CLEAN, usage=CLEAN_USAGE, cells={"C11": '=VLOOKUP("x",A1:B2,2,FALSE)'}),
         good=dict(fig=CLEAN, usage=CLEAN_USAGE, cells={"C11": "=C9-C10"}),
         cell=lambda lay: "C11", words=("VLOOKUP",)),
    Case("TABLE_MISSING", "warning",
         bad=dict(fig=CLEAN),
         good=dict(fig=CLEAN, usage=CLEAN_USAGE),
         sheet=None, cell=None, words=("资金使用情况表",)),
]
BY_CODE = {case.code: case for case in CASES}


def _build(tmp_path, name, options):
    options = dict(options)
    fig = options.pop("fig")
    return build_book(tmp_path / name, fig, **options)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.code)
def test_triggers(tmp_path, case):
    lay = _build(tmp_path, "bad.xlsx", case.bad)
    report = run_check(lay.path)
    assert report["status"] == "ok"
    hits = findings_of(report, case.code)
    assert hits, f"{case.code} not reported: {report['findings']}"
    expected_cell = case.cell(lay) if case.cell else None
    located = [f for f in hits if f["cell"] == expected_cell and f["sheet"] == case.sheet]
    assert located, f"{case.code} not at {case.sheet}!{expected_cell}: {hits}"
    finding = located[0]
    assert finding["severity"] == case.severity
    for word in case.words:
        assert word in finding["message"], (word, finding["message"])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.code)
def test_clean_counterpart(tmp_path, case):
    lay = _build(tmp_path, "good.xlsx", case.good)
    report = run_check(lay.path)
    assert report["status"] == "ok"
    assert case.code not in codes(report), findings_of(report, case.code)


def test_clean_workbook_has_no_fund_or_usage_findings(book):
    report = run_check(book(CLEAN, usage=CLEAN_USAGE).path)
    assert foundation_findings(report) == []
    assert report["fund"]["spend_rate"]["total"] == 100


# --- NO_TABLES (file-level) ---------------------------------------------------------------------


def test_no_tables(tmp_path):
    wb = Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "本项目自评报告见正文，附表另行报送。"
    wb.active["A2"] = 2021
    path = tmp_path / "no_tables.xlsx"
    wb.save(path)
    report = run_check(path)
    assert report["status"] == "error"
    assert report["error"]["code"] == "NO_TABLES"
    assert CATALOG["NO_TABLES"].severity == "error"
    assert "资金安排情况" in report["error"]["message"]


def test_no_tables_not_for_a_workbook_with_only_a_fund_table(book):
    report = run_check(book(CLEAN, scoring=False).path)
    assert report["status"] == "ok" and report["error"] is None
    missing = findings_of(report, "TABLE_MISSING")
    assert sorted(m["message"] for m in missing) == sorted(
        ["未找到资金使用情况表，相关核对未进行", "未找到自评价评分附件表，相关核对未进行"])


def test_table_missing_for_the_fund_table(tmp_path):
    lay = build_book(tmp_path / "usage_only.xlsx", CLEAN, usage=CLEAN_USAGE)
    # Keep the usage and scoring tables, drop the fund table's sheet.
    from openpyxl import load_workbook

    wb = load_workbook(lay.path)
    del wb[lay.sheet]
    wb.save(lay.path)
    report = run_check(lay.path)
    assert report["status"] == "ok"
    assert [f["message"] for f in findings_of(report, "TABLE_MISSING")] == ["未找到资金安排情况表，相关核对未进行"]
    assert report["source_unit"] is None
    assert not {"FUND_FORMULA", "FUND_SUM", "USAGE_SPENT"} & set(codes(report))


def test_every_catalog_code_has_a_case():
    covered = set(BY_CODE) | {"NO_TABLES"}
    assert set(FOUNDATION_CODES) <= covered
    assert set(FOUNDATION_CODES) <= set(CATALOG)
    owned_elsewhere = set(FILE_CODES) | SCORING_CODES
    missing = set(CATALOG) - owned_elsewhere - covered
    assert not missing, f"catalog codes without a trigger/clean case in test_findings.py: {sorted(missing)}"
    # every code a file is refused with when it is read (not by the batch around it) is tried there
    assert {c for c, e in CATALOG.items() if e.file_level and e.emitter != "batch"} <= set(FILE_CODES) | {"NO_TABLES"}


# --- FUND_FORMULA in detail: every derived row, and rounding ------------------------------------


@pytest.mark.parametrize("row, col, value", [
    ("balance", "total", 724_656),  # one 元 off is wrong in a 元 table
    ("balance", "city", 0),
    ("execution_rate", "total", 90),
    ("arrival_rate", "fiscal", 99),
    ("spend_rate", "city", 100),
])
def test_fund_formula_on_each_derived_row(book, row, col, value):
    lay = book(figures(SEED_002, **{row: {col: value}}), usage=SEED_002_USAGE, notes=EXPLAINED)
    report = run_check(lay.path)
    found = [(f["sheet"], f["cell"]) for f in findings_of(report, "FUND_FORMULA")]
    assert found == [("资金安排情况", lay.cell(row, col))]


@pytest.mark.parametrize("stated, flagged", [
    (64.99, False),  # 1,345,343 ÷ 2,070,000 = 64.9924…%
    (64.9924, False),
    (65, False),  # written without decimals: 65 is 64.99 rounded
    (64.98, True),
    (64.90, True),
    (64.9, True),
    (6499, True),
])
def test_rate_rounding(book, stated, flagged):
    lay = book(figures(SEED_002, spend_rate={"total": stated}), usage=SEED_002_USAGE, notes=EXPLAINED)
    report = run_check(lay.path)
    cells = [f["cell"] for f in findings_of(report, "FUND_FORMULA")]
    assert cells == ([lay.cell("spend_rate", "total")] if flagged else [])


@pytest.mark.parametrize("rates", ["number", "fraction", "text"])
def test_rate_rounding_whatever_the_rate_is_written_as(book, rates):
    good = run_check(book(SEED_002, usage=SEED_002_USAGE, rates=rates).path)
    assert "FUND_FORMULA" not in codes(good)
    lay = book(figures(SEED_002, spend_rate={"total": 64.90}), usage=SEED_002_USAGE, rates=rates)
    bad = run_check(lay.path)
    assert [f["cell"] for f in findings_of(bad, "FUND_FORMULA")] == [lay.cell("spend_rate", "total")]
    assert "64.99%" in findings_of(bad, "FUND_FORMULA")[0]["message"]
    assert "64.90%" in findings_of(bad, "FUND_FORMULA")[0]["message"]


def test_wan_table_rounded_to_two_decimals_is_fine(book):
    # 1,345,343 元 is written 134.53 万元, 724,657 元 is 72.47 万元: rounding, not an error.
    report = run_check(book(SEED_002, unit="万元", usage=SEED_002_USAGE).path)
    assert report["source_unit"] == "万元"
    assert not {"FUND_FORMULA", "FUND_SUM", "USAGE_SPENT", "USAGE_TOTAL", "USAGE_ROW"} & set(codes(report))
    assert report["fund"]["spend_rate"]["total"] == pytest.approx(64.99, abs=0.01)


def test_wan_rounding_of_small_amounts_moves_the_rate_within_tolerance(book):
    # 15,000 元 = 1.50 万元, 4,940 元 = 0.49 万元: 0.49/1.50 = 32.67%, the clerk wrote the exact 32.93%.
    amounts = {"total": 15_000, "fiscal": 15_000, "city": 15_000}
    fig = figures(budget=amounts, input=amounts, arrived=amounts,
                  spent={"total": 4_940, "fiscal": 4_940, "city": 4_940},
                  balance={"total": 10_060, "fiscal": 10_060, "city": 10_060},
                  spend_rate={"total": 32.93, "fiscal": 32.93, "city": 32.93})
    report = run_check(book(fig, unit="万元", notes=EXPLAINED).path)
    assert not {"FUND_FORMULA", "FUND_SUM"} & set(codes(report))


def test_wan_table_real_error_is_still_flagged(book):
    lay = book(figures(SEED_002, balance={"total": 700_000}), unit="万元", usage=SEED_002_USAGE)
    report = run_check(lay.path)
    found = findings_of(report, "FUND_FORMULA")
    assert [(f["sheet"], f["cell"]) for f in found] == [("资金安排情况", lay.cell("balance", "total"))]
    assert "万元" in found[0]["message"]


def test_wan_sum_of_rounded_levels_is_fine(book):
    levels = {"total": 100_000, "fiscal": 100_000, "central": 33_333, "city": 33_333, "county": 33_334,
              "township": 0, "other": 0}
    fig = figures(budget=levels, input=levels, arrived=levels, spent=levels,
                  balance={"total": 0, "fiscal": 0, "central": 0, "city": 0, "county": 0},
                  **{r: {"central": 100, "county": 100} for r in ("execution_rate", "arrival_rate", "spend_rate")})
    report = run_check(book(fig, unit="万元").path)
    assert "FUND_SUM" not in codes(report)
    assert "FUND_FORMULA" not in codes(report)


# --- FUND_SUM: every sum ------------------------------------------------------------------------


@pytest.mark.parametrize("change, where", [
    ({"budget": {"fiscal": 2_000_000}}, ("budget", "fiscal")),  # 小计 ≠ 四级之和
    ({"arrived": {"total": 2_100_000}}, ("arrived", "total")),  # 合计 ≠ 财政 + 其他
    ({"spent": {"other": 5, "self_raised": 3, "total": 2_070_005}}, ("spent", "other")),  # 其他小计 ≠ 三项来源
])
def test_fund_sum_each_sum(book, change, where):
    lay = book(figures(**change), usage=CLEAN_USAGE)
    report = run_check(lay.path)
    assert ("资金安排情况", lay.cell(*where)) in [(f["sheet"], f["cell"]) for f in findings_of(report, "FUND_SUM")]


def test_fund_sum_blank_total_with_parts(book):
    lay = book(figures(budget={"total": None}), usage=CLEAN_USAGE)
    report = run_check(lay.path)
    found = findings_of(report, "FUND_SUM")
    assert [f["cell"] for f in found] == [lay.cell("budget", "total")]
    assert "空" in found[0]["message"]
    assert report["fund"]["budget"]["total"] == 2_070_000  # recomputed
    assert report["fund_stated"]["budget"]["total"] is None  # as stated


# --- FUND_MISSING: each place ---------------------------------------------------------------------


@pytest.mark.parametrize("change, where", [
    ({"balance": {"total": None}}, ("balance", "total")),
    ({"execution_rate": {"total": None}}, ("execution_rate", "total")),
    ({"spend_rate": {"total": None}}, ("spend_rate", "total")),
    ({"budget": {"total": None, "fiscal": None, "city": None, "other": None},
      "execution_rate": {"total": None, "fiscal": None, "city": None}}, ("budget", "total")),
])
def test_fund_missing_each_place(book, change, where):
    lay = book(figures(**change), usage=CLEAN_USAGE)
    report = run_check(lay.path)
    found = findings_of(report, "FUND_MISSING")
    assert [(f["severity"], f["sheet"], f["cell"]) for f in found] == [("warning", "资金安排情况", lay.cell(*where))]


def test_blank_level_columns_are_not_missing(book):
    # Seed 002 leaves 中央级/区县级/乡镇级 and the other-fund sources blank: that is no finding.
    report = run_check(book(SEED_002, usage=SEED_002_USAGE, notes=EXPLAINED).path)
    assert "FUND_MISSING" not in codes(report)
    assert foundation_findings(report) == []


# --- rates over 100, zero denominators ---------------------------------------------------------


def test_arrival_rate_over_100(book):
    fig = figures(input={"total": 2_000_000, "fiscal": 2_000_000, "city": 2_000_000},
                  arrival_rate={"total": 103.5, "fiscal": 103.5, "city": 103.5})
    lay = book(fig, usage=CLEAN_USAGE)
    report = run_check(lay.path)
    over = findings_of(report, "FUND_RATE_OVER_100")
    assert [(f["severity"], f["cell"]) for f in over] == [("warning", lay.cell("arrival_rate", "total"))]
    assert "FUND_FORMULA" not in codes(report)


def test_exactly_100_is_not_over(book):
    assert "FUND_RATE_OVER_100" not in codes(run_check(book(CLEAN, usage=CLEAN_USAGE).path))


def test_zero_denominator_gives_no_rate_not_an_error(book):
    zero = {"total": 0, "fiscal": 0, "city": 0, "other": 0}
    fig = figures(budget=zero, input=zero, arrived=zero, spent=zero,
                  balance={"total": 0, "fiscal": 0, "city": 0},
                  execution_rate={"total": None, "fiscal": None, "city": None},
                  arrival_rate={"total": None, "fiscal": None, "city": None},
                  spend_rate={"total": None, "fiscal": None, "city": None})
    report = run_check(book(fig).path)
    assert report["status"] == "ok"
    for row in ("execution_rate", "arrival_rate", "spend_rate"):
        assert report["fund"][row]["total"] is None
    assert not {"FUND_FORMULA", "FUND_MISSING", "FUND_RATE_OVER_100", "FUND_SPEND_LOW"} & set(codes(report))


def test_rate_stated_where_the_denominator_is_zero(book):
    zero = {"total": 0, "fiscal": 0, "city": 0, "other": 0}
    lay = book(figures(budget=zero), usage=CLEAN_USAGE)  # execution rate still says 100
    report = run_check(lay.path)
    cells = [f["cell"] for f in findings_of(report, "FUND_FORMULA")]
    assert lay.cell("execution_rate", "total") in cells


# --- FUND_SPEND_LOW and its explanation -------------------------------------------------------


def test_spend_low_explained_in_the_cell_to_the_right(book):
    def note(wb, lay):
        ws = wb[lay.sheet]
        ws["A20"] = "结余原因"
        ws["B20"] = "部分培训项目推迟至下一年度实施"
    report = run_check(book(SEED_002, usage=SEED_002_USAGE, edit=note).path)
    assert "FUND_SPEND_LOW" not in codes(report)


def test_spend_low_explained_on_another_sheet(book):
    def note(wb, lay):
        wb.create_sheet("说明")["A1"] = "资金结余原因：培训项目推迟，结余资金已结转下年使用"
    report = run_check(book(SEED_002, usage=SEED_002_USAGE, edit=note).path)
    assert "FUND_SPEND_LOW" not in codes(report)


def test_spend_low_empty_explanation_does_not_count(book):
    report = run_check(book(SEED_002, usage=SEED_002_USAGE, notes=["结余原因："]).path)
    assert "FUND_SPEND_LOW" in codes(report)


def test_spend_rate_of_90_is_not_low(book):
    spent = {"total": 1_863_000, "fiscal": 1_863_000, "city": 1_863_000}
    fig = figures(spent=spent, balance={"total": 207_000, "fiscal": 207_000, "city": 207_000},
                  spend_rate={"total": 90, "fiscal": 90, "city": 90})
    report = run_check(book(fig, usage=[("会议费", 1_863_000, 1_863_000, 0)]).path)
    assert "FUND_SPEND_LOW" not in codes(report)
    assert foundation_findings(report) == []


# --- usage ------------------------------------------------------------------------------------


def test_usage_spent_without_a_total_row_sums_the_items(book):
    lay = book(CLEAN, usage=USAGE_2M, usage_total=None)
    report = run_check(lay.path)
    found = findings_of(report, "USAGE_SPENT")
    assert found and all(f["sheet"] == "资金使用情况" for f in found)
    assert "2,000,000" in found[0]["message"]
    fine = run_check(book(CLEAN, usage=CLEAN_USAGE, usage_total=None).path)
    assert "USAGE_SPENT" not in codes(fine)


def test_usage_total_row_after_the_items(book):
    def move_total(wb, lay):
        ws = wb[lay.usage_sheet]
        ws.delete_rows(lay.usage_rows["合计"])
        ws.append(["合计", 2_070_000, 2_070_000, 0])
    report = run_check(book(CLEAN, usage=CLEAN_USAGE, edit=move_total).path)
    assert not {"USAGE_ROW", "USAGE_TOTAL", "USAGE_SPENT"} & set(codes(report))
    assert [u["item"] for u in report["usage"]] == ["会议费", "培训费"]


def test_usage_in_wan_against_a_fund_table_in_yuan(book):
    # 542,543 元 written 54.25 万元 in the usage table: rounding of the usage table, not an error.
    report = run_check(book(SEED_002, usage=SEED_002_USAGE, usage_unit="万元", notes=EXPLAINED).path)
    assert not {"USAGE_SPENT", "USAGE_TOTAL", "USAGE_ROW"} & set(codes(report))
    assert [u["total"] for u in report["usage"]] == [270_000, 542_500, 532_800]


def test_usage_in_yuan_against_a_fund_table_in_wan(book):
    report = run_check(book(SEED_002, unit="万元", usage=SEED_002_USAGE, usage_unit="元", notes=EXPLAINED).path)
    assert report["source_unit"] == "万元"
    assert [u["total"] for u in report["usage"]] == [270_000, 542_543, 532_800]
    assert "USAGE_SPENT" not in codes(report)


def test_usage_spent_across_units_still_catches_a_real_difference(book):
    usage = [("会议费", 270_000, 270_000, None), ("培训费", 442_543, 442_543, None), ("维修（护）费", 532_800, 532_800, None)]
    report = run_check(book(SEED_002, unit="万元", usage=usage, usage_unit="元", notes=EXPLAINED).path)
    assert "USAGE_SPENT" in codes(report)


# --- reading findings -------------------------------------------------------------------------


def test_value_unparsed_is_never_read_as_zero(book):
    lay = book(CLEAN, usage=CLEAN_USAGE, cells={"C9": "见附件"})
    report = run_check(lay.path)
    assert report["fund_stated"]["arrived"]["total"] is None
    assert [f["cell"] for f in findings_of(report, "VALUE_UNPARSED")] == ["C9"]
    # The recomputed 合计 comes from its parts.
    assert report["fund"]["arrived"]["total"] == 2_070_000


@pytest.mark.parametrize("text", ["见说明", "约100%", "100万元"])
def test_unreadable_rate_is_unparsed(book, text):
    lay = book(CLEAN, usage=CLEAN_USAGE, cells={"C12": text})
    report = run_check(lay.path)
    found = findings_of(report, "VALUE_UNPARSED")
    assert [(f["severity"], f["sheet"], f["cell"]) for f in found] == [("error", "资金安排情况", "C12")]
    assert "比率" in found[0]["message"]
    assert report["fund_stated"]["execution_rate"]["total"] is None
    assert report["fund"]["execution_rate"]["total"] == 100


def test_percent_in_an_amount_cell_is_unparsed(book):
    lay = book(CLEAN, usage=CLEAN_USAGE, cells={"F8": "100%"})
    report = run_check(lay.path)
    assert ("资金安排情况", "F8") in [(f["sheet"], f["cell"]) for f in findings_of(report, "VALUE_UNPARSED")]


def test_formula_uncomputed_is_never_read_as_zero(book):
    lay = book(CLEAN, usage=CLEAN_USAGE, cells={"C11": '=VLOOKUP("x",A1:B2,2,FALSE)'})
    report = run_check(lay.path)
    assert report["fund_stated"]["balance"]["total"] is None
    found = findings_of(report, "FORMULA_UNCOMPUTED")
    assert [(f["severity"], f["sheet"], f["cell"]) for f in found] == [("warning", "资金安排情况", "C11")]
    assert "VLOOKUP" in found[0]["message"]


def test_finding_messages_are_chinese_and_located(book):
    lay = book(figures(SEED_002, balance={"total": 0}), usage=SEED_002_USAGE)
    report = run_check(lay.path)
    for finding in report["findings"]:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in finding["message"])
        assert finding["severity"] in ("error", "warning", "info")
        assert finding["severity"] == CATALOG[finding["code"]].severity
    assert report["counts"]["error"] == sum(f["severity"] == "error" for f in report["findings"])
