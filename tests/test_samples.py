"""Every workbook in samples/ gives the seeds' figures (issue 2 §8)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from conftest import (
    ALL_SAMPLES,
    COLS,
    HAND_002,
    ROWS,
    SAMPLE_000,
    SAMPLE_002,
    WAN_000,
    check_json,
    codes,
    findings_of,
    foundation_findings,
    run_check,
)

DEPT = "郑州市工业和信息化局"


@pytest.fixture(scope="module")
def reports():
    return {path.name: run_check(path) for path in ALL_SAMPLES}


def test_samples_directory_holds_the_four_documented_workbooks():
    assert all(path.exists() for path in ALL_SAMPLES)


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: p.stem)
def test_every_sample_reads_all_three_tables(reports, path):
    report = reports[path.name]
    assert report["status"] == "ok" and report["error"] is None
    assert report["unit"] == "元"
    assert set(report["fund"]) == set(ROWS) and set(report["fund_stated"]) == set(ROWS)
    for row in ROWS:
        assert set(report["fund"][row]) == set(COLS)
    assert report["tables"]["fund"] and report["tables"]["usage"] and report["tables"]["scoring"]
    assert "TABLE_MISSING" not in codes(report)
    assert "VALUE_UNPARSED" not in codes(report) and "FORMULA_UNCOMPUTED" not in codes(report)


# --- seed 000 ---------------------------------------------------------------------------------


def test_seed_000_execution_rate_and_balance(reports):
    report = reports[SAMPLE_000.name]
    fund = report["fund"]
    assert fund["execution_rate"]["total"] == 107.49
    assert fund["execution_rate"]["fiscal"] == 107.49
    assert fund["balance"]["total"] == 0
    assert fund["budget"]["total"] == 68_000_000
    assert fund["arrived"]["total"] == fund["spent"]["total"] == 73_096_200
    assert fund["arrival_rate"]["total"] == 100 and fund["spend_rate"]["total"] == 100
    assert report["fund_stated"]["execution_rate"]["total"] == 107.49
    assert report["usage"][0]["item"] == "费用补贴" and report["usage"][0]["total"] == 73_096_200


def test_seed_000_flags_the_rate_over_100_where_it_stands(reports):
    report = reports[SAMPLE_000.name]
    over = findings_of(report, "FUND_RATE_OVER_100")
    assert [(f["severity"], f["sheet"], f["cell"]) for f in over] == [("warning", "资金安排情况", "C12")]
    assert "107.49%" in over[0]["message"] and "73,096,200" in over[0]["message"] and "68,000,000" in over[0]["message"]
    # Nothing else in its fund and usage tables is wrong.
    assert foundation_findings(report) == [("FUND_RATE_OVER_100", "warning", "资金安排情况", "C12")]


def test_seed_000_exit_code():
    # The fund and usage tables of seed 000 carry only a warning; since the scoring issue landed, the
    # seed's own scoring error (财务监控有效性) makes the whole file exit 1 — whatever it is, the exit
    # code follows the error count.
    code, report = check_json(SAMPLE_000)
    assert code == (1 if report["counts"]["error"] else 0)
    assert not [f for f in foundation_findings(report) if f[1] == "error"]


def test_seed_000_fund_and_usage_alone_exit_0(tmp_path):
    wb = load_workbook(SAMPLE_000)
    del wb["自评价评分附件表"]
    path = tmp_path / "seed000_fund_only.xlsx"
    wb.save(path)
    code, report = check_json(path)
    assert code == 0, report["findings"]
    assert "FUND_RATE_OVER_100" in codes(report)
    assert report["fund"]["execution_rate"]["total"] == 107.49


# --- seed 002 ---------------------------------------------------------------------------------


def test_seed_002_balance_spend_rate_and_usage(reports):
    report = reports[SAMPLE_002.name]
    fund = report["fund"]
    assert fund["balance"]["total"] == 724_657
    assert fund["balance"]["city"] == 724_657
    assert fund["spend_rate"]["total"] == 64.99
    assert fund["spent"]["total"] == 1_345_343
    assert fund["arrived"]["total"] == 2_070_000
    usage = [(u["item"], u["total"], u["fiscal"]) for u in report["usage"]]
    assert usage == [("会议费", 270_000, 270_000), ("培训费", 542_543, 542_543), ("维修（护）费", 532_800, 532_800)]
    assert sum(u["total"] for u in report["usage"]) == 1_345_343 == fund["spent"]["total"]


def test_seed_002_warns_about_the_low_spend_rate(reports):
    report = reports[SAMPLE_002.name]
    low = findings_of(report, "FUND_SPEND_LOW")
    assert [(f["severity"], f["sheet"], f["cell"]) for f in low] == [("warning", "资金安排情况", "C14")]
    assert "64.99%" in low[0]["message"] and "724,657" in low[0]["message"]
    assert foundation_findings(report) == [("FUND_SPEND_LOW", "warning", "资金安排情况", "C14")]


def test_seed_002_exit_0():
    code, report = check_json(SAMPLE_002)
    assert report["counts"]["error"] == 0
    assert code == 0


# --- the hand-laid samples give their seed's figures ------------------------------------------


@pytest.mark.parametrize("hand, seed", [(HAND_002, SAMPLE_002), (WAN_000, SAMPLE_000)],
                         ids=["hand002", "wan000"])
def test_hand_laid_sample_matches_its_seed(reports, hand, seed):
    got, want = reports[hand.name], reports[seed.name]
    assert got["fund"] == want["fund"]
    assert [(u["item"], u["total"], u["fiscal"]) for u in got["usage"]] == \
        [(u["item"], u["total"], u["fiscal"]) for u in want["usage"]]
    # Same fund/usage findings, in the hand-laid workbook's own sheet.
    assert [f[:2] for f in foundation_findings(got)] == [f[:2] for f in foundation_findings(want)]


def test_hand_002_is_in_yuan_with_text_and_percent_cells(reports):
    report = reports[HAND_002.name]
    assert report["source_unit"] == "元"
    stated = report["fund_stated"]
    assert stated["budget"]["total"] == 2_070_000  # "2,070,000"
    assert stated["balance"]["total"] == 724_657  # "724,657元"
    assert stated["execution_rate"]["fiscal"] == 100  # "100%"
    assert stated["arrival_rate"]["city"] == 100  # "１００％"
    assert stated["spend_rate"]["total"] == 64.99  # 0.6499 in a 0.00% cell
    assert stated["budget"]["central"] is None  # blank stays blank
    assert stated["balance"]["central"] == 0
    assert findings_of(report, "FUND_SPEND_LOW")[0]["sheet"] == "表一 资金"
    assert findings_of(report, "FUND_SPEND_LOW")[0]["cell"] == "C13"


def test_wan_000_is_converted_to_yuan(reports):
    report = reports[WAN_000.name]
    assert report["source_unit"] == "万元"
    assert report["unit"] == "元"
    stated = report["fund_stated"]
    assert stated["budget"]["total"] == 68_000_000  # 6800.00 万元
    assert stated["arrived"]["total"] == 73_096_200  # 7309.62 万元
    assert stated["spent"]["total"] == 73_096_200  # "7,309.62万元"
    assert stated["execution_rate"]["total"] == 107.49  # "107.49%"
    assert report["usage"][0]["total"] == 73_096_200
    over = findings_of(report, "FUND_RATE_OVER_100")
    assert [(f["sheet"], f["cell"]) for f in over] == [("Sheet1", "C11")]
    assert "万元" in over[0]["message"]  # figures shown in the unit the table is written in


@pytest.mark.parametrize("path, name", [
    (SAMPLE_000, "铝工业转型升级专项资金"),
    (SAMPLE_002, "企业服务活动专项经费"),
    (HAND_002, "企业服务活动专项经费"),
    (WAN_000, "铝工业转型升级专项资金"),
], ids=lambda v: getattr(v, "stem", None) or "")
def test_project_header_fields(reports, path, name):
    assert reports[path.name]["project"] == {"name": name, "department": DEPT, "year": 2021}
