"""Every report validates against the published JSON Schema (issue 2 §7, issue 18 class 9).

Besides the tests here, tests/conftest.py validates every report any test builds (its
``every_report_validates`` fixture wraps ``Report.to_dict``)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import conftest
from conftest import (
    ALL_SAMPLES,
    CLEAN,
    CLEAN_USAGE,
    FIXTURES,
    ROOT,
    SAMPLE_000,
    SAMPLE_002,
    SAMPLES,
    SCHEMA_PATH,
    SEED_000,
    SEED_002,
    SEED_002_USAGE,
    check_json,
    figures,
    run_check,
    run_cli,
    schema_errors,
    schema_validator,
)

NATIONAL = SAMPLES / "全国表样例_农村饮水安全工程维修养护补助资金.xlsx"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
# Every workbook the project ships or tests with.
ALL_WORKBOOKS = sorted(
    path for folder in (SAMPLES, ROOT / "workbook_templates", FIXTURES) for path in folder.iterdir()
    if path.suffix.lower() in WORKBOOK_SUFFIXES
)


@pytest.fixture(scope="module")
def validator():
    if not SCHEMA_PATH.exists():
        pytest.fail(f"{SCHEMA_PATH} is missing: the report must be published as a JSON Schema")
    return schema_validator()


def assert_valid(validator, report: dict) -> None:
    errors = schema_errors(validator, report)
    assert not errors, "\n".join(errors[:10])


def test_schema_is_packaged():
    assert SCHEMA_PATH.exists()
    import xlscore

    assert (Path(xlscore.__file__).parent / "schema" / "report.schema.json").exists()


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: p.stem)
def test_samples(validator, path):
    assert_valid(validator, run_check(path))


def test_every_shipped_workbook_is_covered():
    names = {path.relative_to(ROOT).as_posix() for path in ALL_WORKBOOKS}
    assert len(names) >= 14
    assert "samples/全国表样例_农村饮水安全工程维修养护补助资金.xlsx" in names
    assert "workbook_templates/自评表模板_national-2020.xlsx" in names
    assert "tests/fixtures/seed000.ods" in names


@pytest.mark.parametrize("path", ALL_WORKBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_workbook_of_the_project_gives_a_valid_json_report(validator, path):
    code, report = check_json(path)
    if path.parent != FIXTURES:  # (a fixture may be unreadable on purpose: its report validates all the same)
        assert code in (0, 1) and report["status"] == "ok", report["error"]
    assert_valid(validator, report)


def test_national_report_describes_its_budget_rows(validator):
    report = run_check(NATIONAL)
    assert report["scheme"] == "national-2020" and report["tables"]["budget"]["row"] >= 1
    for fund in (report["fund"], report["fund_stated"]):
        assert set(fund) == {"budget_initial", "budget_full", "executed", "rate", "score"}
        assert set(fund["executed"]) == {"total", "fiscal", "carryover", "other"}
    assert report["fund"]["rate"]["total"] == 95.0 and report["fund"]["score"] == {"total": 9.5}
    assert_valid(validator, report)


@pytest.mark.parametrize("break_it", [
    lambda r: r["fund"].update(budget={"total": 1.0}),  # an annex row in a national report
    lambda r: r["fund"]["executed"].update(central=1.0),  # an annex column
    lambda r: r["fund"]["rate"].pop("carryover"),
    lambda r: r["fund_stated"].pop("score"),
    lambda r: r["fund"]["score"].update(fiscal=1.0),
    lambda r: r["fund"]["budget_full"].update(total="5,200,000"),
    lambda r: r["tables"].pop("budget"),  # then its fund must be the annex table
], ids=["annex-row", "annex-col", "no-carryover", "no-score", "score-fiscal", "text-amount", "no-budget-table"])
def test_schema_rejects_broken_national_reports(validator, break_it):
    report = copy.deepcopy(run_check(NATIONAL))
    assert_valid(validator, report)
    break_it(report)
    assert list(validator.iter_errors(report)), "the schema accepted a broken report"


def test_the_guard_catches_a_report_that_does_not_validate():
    # Every Report.to_dict of the session is validated (conftest.every_report_validates); a bad
    # one is written down for pytest_runtest_call to fail the test with. Taken back here.
    from xlscore.findings.report import Report

    assert conftest._take_problems() == ""
    Report(file="bad.xlsx", status="maybe").to_dict()
    Report(file="bad2.xlsx", fund={"budget": {"bogus": 1}}).to_dict()
    found = conftest._take_problems()
    assert "bad.xlsx: ['status']" in found and "'maybe' is not one of" in found
    assert "bad2.xlsx: ['fund', 'budget']: 'bogus'" in found
    assert conftest._take_problems() == ""


@pytest.mark.parametrize("name", ["seed000.xls", "seed000.ods", "handlaid002.xls", "handlaid002.ods"])
def test_fixtures(validator, name):
    assert_valid(validator, run_check(FIXTURES / name))


def _bad_files(tmp_path: Path) -> list[Path]:
    text = tmp_path / "text.xlsx"
    text.write_text("不是工作簿", encoding="utf-8")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    data = SAMPLE_000.read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    return [text, empty, cut, tmp_path / "missing.xlsx"]


def test_bad_files(validator, tmp_path):
    for path in _bad_files(tmp_path):
        report = run_check(path)
        assert report["status"] == "error"
        assert_valid(validator, report)


@pytest.mark.parametrize("options", [
    dict(fig=CLEAN, usage=CLEAN_USAGE),
    dict(fig=SEED_000),  # no usage table
    dict(fig=SEED_002, usage=SEED_002_USAGE, unit="万元", rates="text"),
    dict(fig=figures(SEED_002, balance={"total": 0}), usage=SEED_002_USAGE, amounts_as_text=True),
    dict(fig=CLEAN, usage=CLEAN_USAGE, cells={"C9": "约200万", "C11": '=VLOOKUP("x",A1:B2,2,FALSE)'}),
    dict(fig=CLEAN, usage=CLEAN_USAGE, unit="万元", unit_text="单位：千元"),
    dict(fig=CLEAN, usage=CLEAN_USAGE, usage_total=None, scoring=False),
], ids=["clean", "no-usage", "wan", "formula-error", "unparsed", "qian", "no-scoring"])
def test_built_workbooks(validator, book, options):
    options = dict(options)
    fig = options.pop("fig")
    assert_valid(validator, run_check(book(fig, **options).path))


def test_cli_json_output(validator, tmp_path):
    single = run_cli("check", "--format", "json", SAMPLE_002)
    assert_valid(validator, json.loads(single.stdout))
    bad = _bad_files(tmp_path)[0]
    several = run_cli("check", "--format", "json", SAMPLE_000, SAMPLE_002, bad)
    lines = [line for line in several.stdout.splitlines() if line.strip()]
    assert len(lines) == 3  # one JSON object per line
    for line in lines:
        assert_valid(validator, json.loads(line))


@pytest.mark.parametrize("break_it", [
    lambda r: r.update(status="maybe"),
    lambda r: r.update(unit="万元"),
    lambda r: r["fund"].update(bogus_row={}),
    lambda r: r["fund"]["budget"].update(total="68,000,000"),
    lambda r: r["findings"].append({"code": "FUND_SUM", "severity": "fatal", "sheet": "S", "cell": "C7", "message": "x"}),
    lambda r: r["findings"].append({"code": "FUND_SUM", "severity": "error", "sheet": "S", "cell": "第7行", "message": "x"}),
    lambda r: r["project"].update(year="2021"),
    lambda r: r.pop("fund_stated"),
    lambda r: r.update(layout=[{"table": "scoring", "parts": []}]),  # a table with no part
    lambda r: r["layout"][-1]["parts"][0]["columns"].append({"column": "B", "header": "分值"}),  # no role
    lambda r: r.update(bogus=[]),  # a new part must be described in the schema first
    lambda r: r["totals"].update(bogus=1),
    lambda r: r["grade"].update(bogus="优"),
    lambda r: r["tables"].update(bogus=None),
    lambda r: r["indicators"][0].update(bogus=1),
    lambda r: r["indicators"][0].pop("review_actual"),
    lambda r: r["indicators"][0].update(rule_kind="guess"),
    lambda r: r["findings"][0].update(bogus=1),
    lambda r: r["usage"][0].update(bogus=1),
    lambda r: r["counts"].update(fatal=0),
    lambda r: r.update(error={"code": "FILE_CORRUPT", "message": "x"}),  # status ok with an error
])
def test_schema_rejects_broken_reports(validator, break_it):
    report = copy.deepcopy(run_check(SAMPLE_000))
    break_it(report)
    assert list(validator.iter_errors(report)), "the schema accepted a broken report"


def test_an_error_report_must_say_why(validator, tmp_path):
    report = run_check(_bad_files(tmp_path)[0])
    assert_valid(validator, report)
    report["error"] = None
    assert list(validator.iter_errors(report)), "the schema accepted an error report with no error"
