"""The metamorphic suite of issue 18: layouts that must leave the whole review unchanged.

Every case is a sample × a transformation of ``tests/metamorphic.py`` (which documents each one):
the transformed workbook is written into ``tmp_path`` and its report's :func:`review_signature`
must be the sample's. A case that xlscore gets wrong today is marked ``xfail(strict=True)`` with
what differs; when the reader is fixed the case passes, the strict mark turns that into a failure,
and the entry is to be removed from :data:`KNOWN_DIFFERENCES`.

``python tests/metamorphic.py diff SAMPLE TRANSFORMATION`` prints how one case's review differs.
"""

from __future__ import annotations

import shutil
from functools import lru_cache

import pytest

from xlscore.pipeline import check_file

import metamorphic as mm

ALL = tuple(mm.SAMPLES)
MUNICIPAL = ("seed000", "seed002", "hand002", "wan000", "tpl000", "tpl002")
HAND_LAID = ("seed000", "seed002", "hand002", "wan000")  # the samples whose scores are typed in, not summed by formulas


def _known(names: tuple[str, ...], samples: tuple[str, ...], reason: str) -> dict:
    return {(name, sample): reason for name in names for sample in samples}


# (transformation, sample) -> what differs in xlscore's review today.
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    # Every layout of every sample gives the sample's review (issue 18). An entry here, when one is
    # needed again, is `**_known(transformations, samples, "what differs")`.
}

XLS_NOT_RECALCULATED = (
    "LibreOffice converted the template-made sample without recalculating it: the .xls itself stores 0 "
    "as the cached result of every formula that had none (xlrd reads the same 0s), so the element lists "
    "of 业绩值 are empty, the stated 评价等级 is lost and the fund table's blank results are 0.0 — a "
    "workbook saved by a spreadsheet program carries its results")
KNOWN_LIBREOFFICE: dict[str, str] = {
    "tpl000.xls": XLS_NOT_RECALCULATED,
    "tpl002.xls": XLS_NOT_RECALCULATED,
    "national.xls": XLS_NOT_RECALCULATED,
}


@lru_cache(maxsize=None)
def expected_signature(sample: str, name: str | None = None) -> dict:
    """The review of the sample (or of one of its layouts, for a LibreOffice copy of it)."""
    if name is None:
        return signature(mm.SAMPLES_DIR / mm.SAMPLES[sample])
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return signature(mm.generate(sample, name, tmp))


def signature(path) -> dict:
    return mm.review_signature(check_file(path).to_dict())


CASES = mm.cases()


def _params():
    for sample, name in CASES:
        reason = KNOWN_DIFFERENCES.get((name, sample))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(sample, name, id=f"{name}-{sample}", marks=marks)


@pytest.mark.parametrize(("sample", "name"), list(_params()))
def test_layout_keeps_the_review(sample, name, tmp_path):
    original = mm.load_sample(sample)
    book = mm.build(sample, name)
    assert book.content() != original.content(), "the transformation changed nothing"
    path = mm.save(book, tmp_path / mm.file_name(sample, name))
    got, expected = signature(path), expected_signature(sample)
    assert got == expected, "\n".join(mm.describe_difference(expected, got))


def test_known_differences_name_real_cases():
    cases = {(name, sample) for sample, name in CASES}
    assert set(KNOWN_DIFFERENCES) <= cases, sorted(set(KNOWN_DIFFERENCES) - cases)
    assert set(KNOWN_LIBREOFFICE) <= {fixture for _s, _n, fixture in mm.libreoffice_copies()}


def test_every_transformation_applies_to_the_samples():
    """Each transformation and each synonym family reaches most samples (a generator that stops
    finding its table would quietly drop cases)."""
    applied: dict[str, set] = {}
    for sample, name in CASES:
        family = name.split("=")[0].split(":")[0] if name.startswith("synonym[") else name.split("[")[0]
        applied.setdefault(family, set()).add(sample)
    for family in ("weight_cols", "reorder", "blank_rows", "blank_cols", "title_lines", "moved", "split_sheets",
                   "repeat_header", "header_breaks", "levels", "compose"):
        assert applied[family] == set(ALL), (family, applied[family])
    assert applied["units"] == set(ALL)
    distinct = set(ALL) - set(mm.SAME_LAYOUT_AS)
    assert applied["label_synonyms"] == distinct
    for role in ("name", "weight", "target", "actual", "self_score"):
        assert applied[f"synonym[{role}"] == distinct, role
    assert len(CASES) > 350


# --- LibreOffice copies -----------------------------------------------------------------------

def _lo_params():
    for sample, name, fixture in mm.libreoffice_copies():
        reason = KNOWN_LIBREOFFICE.get(fixture)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        yield pytest.param(sample, name, fixture, id=fixture, marks=marks)


@pytest.mark.parametrize(("sample", "name", "fixture"), list(_lo_params()))
def test_libreoffice_copy_keeps_the_review(sample, name, fixture):
    path = mm.FIXTURES_DIR / fixture
    got, expected = signature(path), expected_signature(sample, name)
    assert got == expected, "\n".join(mm.describe_difference(expected, got))


def test_libreoffice_fixtures_are_described():
    readme = (mm.FIXTURES_DIR / "README.md").read_text(encoding="utf-8")
    for _sample, _name, fixture in mm.libreoffice_copies():
        assert (mm.FIXTURES_DIR / fixture).exists(), fixture
        assert f"`{fixture}`" in readme, fixture


def test_libreoffice_copies_are_remade(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("soffice is not installed: the committed LibreOffice copies are not re-made")
        pytest.skip("soffice (LibreOffice) is not installed")
    made = {path.name: path for path in mm.make_libreoffice_copies(tmp_path, soffice)}
    for _sample, _name, fixture in mm.libreoffice_copies():
        committed = mm.FIXTURES_DIR / fixture
        assert mm.sheet_values(made[fixture]) == mm.sheet_values(committed), fixture
        assert signature(made[fixture]) == signature(committed), fixture


# --- the generator and the signature themselves ---------------------------------------------------

def _row(book, sheet, row):
    s = book.sheet(sheet)
    return [s.raw(row, c) for c in range(1, s.max_col + 1)]


def test_weight_columns_give_each_level_weight_its_own_header():
    book = mm.build("seed000", "weight_cols[分值]")
    t = mm.find_scoring(book)
    assert _row(book, t.sheet, t.header)[:5] == ["一级指标", "分值", None, "三级指标", "权重"]
    assert (t.level1_weight, t.level2_weight) == (2, 3)
    national = mm.build("national", "weight_cols[一级权重+二级权重]")
    t = mm.find_scoring(national)
    sheet = national.sheet(t.sheet)
    assert [sheet.raw(t.header, c) for c in range(2, 7)] == ["一级指标", "一级权重", "二级指标", "二级权重", "三级指标"]
    # 产出指标 holds 10 + 5 + 10 + 10 + 10 + 5, merged down its block; 数量指标 10 + 5
    assert sheet.raw(t.first, 3) == 50 and sheet.merge_at(t.first, 3) == (t.first, 3, t.first + 5, 3)
    assert sheet.raw(t.first, 5) == 15


def test_split_repeats_the_header_and_carries_the_total_formula():
    book = mm.build("tpl000", "split_sheets")
    assert [s.title for s in book.sheets][-2:] == ["附表1", "附表1（续）"]
    first, cont = mm.find_scoring(book), book.sheet("附表1（续）")
    header = _row(book, "附表1", first.header)
    assert _row(book, "附表1（续）", 2) == header
    total = next(r for r in range(1, cont.max_row + 1) if cont.raw(r, 1) == "总计")
    # the weight total adds up both sheets
    assert cont.raw(total, 6) == "=SUM('附表1'!F3:F56,F3:F14)"


def test_relocate_rewrites_references_from_other_sheets():
    book = mm.load_sample("tpl000")
    usage_check = book.sheet("资金使用情况").raw(19, 2)
    assert "'资金安排情况'!C8" in usage_check
    mm.insert_rows(book, "资金安排情况", 1, 2)
    assert "'资金安排情况'!C10" in book.sheet("资金使用情况").raw(19, 2)
    assert book.sheet("资金安排情况").raw(11, 3) == "=IF(COUNT(C9,C10)=0,\"\",SUM(C9)-SUM(C10))"


def test_units_write_figures_as_text():
    book = mm.build("seed002", "units[figures_text]")
    t = mm.find_scoring(book)
    s = book.sheet(t.sheet)
    rows = {s.raw(r, t.name): r for r in mm.indicator_rows(book, t)}
    assert s.raw(rows["培训和参加论坛人数（人次）"], t.roles["actual"]) == "900人次"
    assert s.raw(rows["企业问题办结率"], t.roles["target"]) == "90%"
    scores = mm.build("seed000", "units[scores_分]")
    t = mm.find_scoring(scores)
    assert scores.sheet(t.sheet).raw(t.first, t.roles["self_score"]) == "2.22分"
    wan = mm.build("seed000", "units[rescaled]")
    fund = mm.find_fund(wan)
    sheet = wan.sheet(fund.sheet)
    budget = next(r for r, k in fund.rows.items() if k == "budget")
    assert sheet.raw(budget, 3) == 6800 and any(c.value == "单位：万元" for c in sheet.cells.values())


def test_signature_drops_locations_and_keeps_the_review():
    report = check_file(mm.SAMPLES_DIR / mm.SAMPLES["seed000"]).to_dict()
    moved = {**report, "file": "other.xlsx", "tables": {"scoring": {"sheet": "附表1", "row": 9}},
             "findings": [{**f, "sheet": "附表1", "cell": "Z99", "message": f["message"].replace("F16", "Z99")}
                          for f in report["findings"]],
             "indicators": [{**i, "sheet": "附表1", "row": i["row"] + 5} for i in report["indicators"]]}
    assert mm.review_signature(moved) == mm.review_signature(report)
    rescored = {**report, "indicators": [{**report["indicators"][0], "review_score": 1.0}, *report["indicators"][1:]]}
    assert mm.review_signature(rescored) != mm.review_signature(report)
    refound = {**report, "findings": report["findings"][1:]}
    assert mm.review_signature(refound) != mm.review_signature(report)
    assert mm.describe_difference(mm.review_signature(report), mm.review_signature(refound))[0].startswith(
        "finding -FUND_RATE_OVER_100")
