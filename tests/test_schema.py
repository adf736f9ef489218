"""Every report validates against the published JSON Schema (issue 2 §7)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from conftest import (
    ALL_SAMPLES, CLEAN, CLEAN_USAGE, FIXTURES, ROOT, SAMPLE_000, SAMPLE_002, SEED_000, SEED_002, SEED_002_USAGE,
    figures, run_check, run_cli,
)

jsonschema = pytest.importorskip("jsonschema")

SCHEMA_PATH = ROOT / "xlscore" / "schema" / "report.schema.json"


@pytest.fixture(scope="module")
def validator():
    if not SCHEMA_PATH.exists():
        pytest.fail(f"{SCHEMA_PATH} is missing: the report must be published as a JSON Schema")
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def assert_valid(validator, report: dict) -> None:
    errors = sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_schema_is_packaged():
    assert SCHEMA_PATH.exists()
    import xlscore

    assert (Path(xlscore.__file__).parent / "schema" / "report.schema.json").exists()


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: p.stem)
def test_samples(validator, path):
    assert_valid(validator, run_check(path))


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
])
def test_schema_rejects_broken_reports(validator, break_it):
    report = copy.deepcopy(run_check(SAMPLE_000))
    break_it(report)
    assert list(validator.iter_errors(report)), "the schema accepted a broken report"
