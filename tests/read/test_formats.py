""".xls and .ods inputs (issue 2 §3, §8): the committed LibreOffice fixtures give the same figures
and findings as the .xlsx they were converted from; percent-formatted fractions still read as
percents through xlscore/read/cells.py's .xls and .ods paths."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from xlscore.read import book as book_mod

from conftest import (
    FIXTURES,
    HAND_002,
    SAMPLE_000,
    SAMPLE_002,
    SAMPLES,
    SEED_002,
    SEED_002_USAGE,
    findings_of,
    foundation_findings,
    run_check,
    run_cli,
)

PAIRS = [
    ("seed000.xls", SAMPLE_000, "xls"),
    ("seed000.ods", SAMPLE_000, "ods"),
    ("handlaid002.xls", HAND_002, "xls"),
    ("handlaid002.ods", HAND_002, "ods"),
]


def same_report(got: dict, want: dict) -> None:
    assert got["status"] == "ok", got["error"]
    assert got["fund"] == want["fund"]
    assert got["fund_stated"] == want["fund_stated"]
    assert [(u["item"], u["total"], u["fiscal"], u["other"]) for u in got["usage"]] == \
        [(u["item"], u["total"], u["fiscal"], u["other"]) for u in want["usage"]]
    assert foundation_findings(got) == foundation_findings(want)
    assert got["project"] == want["project"]
    assert got["source_unit"] == want["source_unit"]


def same_review(got: dict, want: dict) -> None:
    """The whole review the same: every finding (with its message), the indicators as read and
    scored, the totals and the grade."""
    assert got["findings"] == want["findings"]
    assert got["indicators"] == want["indicators"]
    assert got["totals"] == want["totals"]
    assert got["grade"] == want["grade"]


@pytest.mark.parametrize("fixture, source, kind", PAIRS, ids=[p[0] for p in PAIRS])
def test_fixture_matches_its_xlsx(fixture, source, kind):
    path = FIXTURES / fixture
    assert path.exists() and path.stat().st_size < 100_000
    loaded = book_mod.load(path)
    assert loaded.kind.kind == kind
    got, want = run_check(path), run_check(source)
    same_report(got, want)
    # Merged ranges too: an .ods's come from its content.xml (calamine reads none there), so a
    # 一级/二级 name or weight merged down its rows counts on each of them (issue 18, class 2).
    same_review(got, want)


@pytest.mark.parametrize("fixture", ["seed000.xls", "seed000.ods", "handlaid002.xls", "handlaid002.ods"])
def test_fixture_has_the_merged_ranges_of_its_xlsx(fixture):
    source = SAMPLE_000 if fixture.startswith("seed000") else HAND_002
    want = {s.name: sorted(s.merged) for s in book_mod.load(source).sheets}
    assert {s.name: sorted(s.merged) for s in book_mod.load(FIXTURES / fixture).sheets} == want
    assert any(want.values())


def test_seed000_fixtures_keep_the_figures():
    for name in ("seed000.xls", "seed000.ods"):
        report = run_check(FIXTURES / name)
        assert report["fund"]["execution_rate"]["total"] == 107.49
        assert report["fund"]["balance"]["total"] == 0
        over = findings_of(report, "FUND_RATE_OVER_100")
        assert [(f["sheet"], f["cell"]) for f in over] == [("资金安排情况", "C12")]


def test_handlaid002_fixtures_keep_the_figures():
    for name in ("handlaid002.xls", "handlaid002.ods"):
        report = run_check(FIXTURES / name)
        assert report["fund"]["balance"]["total"] == 724_657
        assert report["fund"]["spend_rate"]["total"] == 64.99
        assert report["fund_stated"]["spend_rate"]["total"] == 64.99  # 0.6499 in a 0.00% cell
        assert report["fund_stated"]["arrival_rate"]["city"] == 100  # "１００％"
        assert sum(u["total"] for u in report["usage"]) == 1_345_343
        low = findings_of(report, "FUND_SPEND_LOW")
        assert [(f["sheet"], f["cell"]) for f in low] == [("表一 资金", "C13")]


@pytest.mark.parametrize("ext", ["xlsx", "xls", "ods"])
def test_percent_format_is_known_in_every_format(ext):
    path = HAND_002 if ext == "xlsx" else FIXTURES / f"handlaid002.{ext}"
    sheet = book_mod.load(path).sheet("表一 资金")
    # Row 13 (资金实际支出率) holds 0.6499 in 0.00%-formatted cells; row 7 (预算安排) holds amounts.
    assert sheet.raw(12, 2) == pytest.approx(0.6499)
    assert [sheet.is_percent(12, c) for c in range(2, 12)] == [True] * 10
    assert sheet.is_percent(6, 3) is False  # #,##0 amount
    assert sheet.is_percent(11, 2) is True  # 0% formatted 1 (100%)


@pytest.mark.parametrize("fixture, source, exit_code", [
    ("seed000.xls", SAMPLE_000, 1),  # errors to mend
    ("handlaid002.ods", HAND_002, 0),  # a warning only (the spend rate)
])
def test_cli_on_fixtures_answers_as_on_the_workbook_they_came_from(fixture, source, exit_code):
    converted, original = run_cli("check", FIXTURES / fixture), run_cli("check", source)
    assert converted.exit_code == original.exit_code == exit_code
    assert converted.output.splitlines()[-1].replace(str(FIXTURES / fixture), "F") == \
        original.output.splitlines()[-1].replace(str(source), "F")  # "F: 共 n 条：错误 e，警告 w，提示 i"


def test_xlsm_name(tmp_path):
    as_xlsm = tmp_path / "seed002.xlsm"
    shutil.copy(SAMPLE_002, as_xlsm)
    same_report(run_check(as_xlsm), run_check(SAMPLE_002))


def test_upper_case_extension_and_no_extension(tmp_path):
    upper, bare = tmp_path / "SEED002.XLSX", tmp_path / "seed002"
    shutil.copy(SAMPLE_002, upper)
    shutil.copy(SAMPLE_002, bare)
    same_report(run_check(upper), run_check(SAMPLE_002))
    same_report(run_check(bare), run_check(SAMPLE_002))


MISNAMED = [
    ("handlaid002.ods", "handlaid002.xlsx", HAND_002),
    ("seed000.xls", "seed000.xlsx", SAMPLE_000),
    (SAMPLE_002, "seed002.xls", SAMPLE_002),
    (SAMPLE_002, "seed002.ods", SAMPLE_002),
]


@pytest.mark.parametrize("source, name, reference", MISNAMED, ids=[m[1] for m in MISNAMED])
def test_kind_is_told_by_content_not_name(tmp_path, source, name, reference):
    path = tmp_path / name
    shutil.copy(source if isinstance(source, Path) else FIXTURES / source, path)
    same_report(run_check(path), run_check(reference))


# --- converting at test time, where LibreOffice is installed --------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _convert(source: Path, ext: str, outdir: Path, profile: Path) -> Path:
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", ext,
         "--outdir", str(outdir), str(source)],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(profile)},
    )
    out = outdir / f"{source.stem}.{ext}"
    assert out.exists(), f"LibreOffice did not write {out}"
    return out


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed")
def test_convert_at_test_time(book, tmp_path):
    lay = book(SEED_002, usage=SEED_002_USAGE, rates="fraction", amounts_as_text=True, name="built.xlsx")
    want = run_check(lay.path)
    outdir, profile = tmp_path / "out", tmp_path / "lo-profile"
    outdir.mkdir()
    profile.mkdir()
    for ext in ("xls", "ods"):
        converted = _convert(lay.path, ext, outdir, profile)
        same_report(run_check(converted), want)
        same_review(run_check(converted), want)
        sheet = book_mod.load(converted).sheet(lay.sheet)
        r = lay.row_of("spend_rate") - 1
        assert sheet.is_percent(r, lay.col_of("total") - 1) is True
        assert sheet.is_percent(lay.row_of("budget") - 1, lay.col_of("total") - 1) is False


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed")
def test_a_workbook_saved_by_a_spreadsheet_has_no_formula_to_evaluate(tmp_path):
    # The template-made sample carries its formulas' values, except those that show nothing (""),
    # which xlsxwriter leaves for the spreadsheet to compute. Saved by LibreOffice, as a department
    # saves it, every formula has its value (those showing nothing as the text "", t="str"): the
    # report is the same, and no formula is evaluated again.
    original = SAMPLES / "000_铝工业转型升级专项资金.xlsx"
    assert sum(len(s.info.formulas()) for s in book_mod.load(original).sheets) > 0
    outdir, profile = tmp_path / "out", tmp_path / "lo-profile"
    outdir.mkdir()
    profile.mkdir()
    saved = _convert(original, "xlsx", outdir, profile)
    book = book_mod.load(saved)
    assert [s.info.formulas() for s in book.sheets] == [{} for _ in book.sheets]
    got, want = run_check(saved), run_check(original)
    same_report(got, want)
    assert got["totals"] == want["totals"] and got["grade"] == want["grade"]
    assert sorted(f["code"] for f in got["findings"]) == sorted(f["code"] for f in want["findings"])
