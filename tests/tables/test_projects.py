"""Several projects in one workbook (issue 23, section 5): each reviewed as its own, none dropped."""

import json

import openpyxl
import pytest

from xlscore.pipeline import check_reports
from xlscore.review import score_file

from conftest import SAMPLE_000, SAMPLE_002, run_cli

SHEETS = ("资金安排情况", "资金使用情况", "自评价评分附件表")


def signature(report: dict) -> dict:
    """What a reviewer reads of a project's review (positions move with the layout)."""
    return {
        "project": report["project"]["name"],
        "totals": {k: report["totals"].get(k) for k in ("weight", "self_score", "review_score", "review_complete")},
        "grade": {k: report["grade"].get(k) for k in ("self", "review")},
        "indicators": [(i["name"], i["weight"], i["self_score"], i["review_score"]) for i in report["indicators"]],
        "fund": report["fund"],
        "codes": sorted(f["code"] for f in report["findings"]),
    }


def _copy_block(src_ws, dst_ws, row_offset: int) -> int:
    """Copy a sheet's cells (values, number formats) and merged ranges ``row_offset`` rows down;
    the next free row."""
    for row in src_ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                target = dst_ws.cell(cell.row + row_offset, cell.column)
                target.value, target.number_format = cell.value, cell.number_format
    for merged in src_ws.merged_cells.ranges:
        dst_ws.merge_cells(start_row=merged.min_row + row_offset, start_column=merged.min_col,
                           end_row=merged.max_row + row_offset, end_column=merged.max_col)
    return row_offset + src_ws.max_row + 2


def _without_totals(book):
    """The scoring sheet without its 总计 and 评价等级 rows (many departments leave them out)."""
    ws = book[SHEETS[2]]
    rows = [row[0].row for row in ws.iter_rows()
            if any(isinstance(c.value, str) and c.value.strip() in ("总计", "评价等级") for c in row)]
    for r in rows:
        for merged in [m for m in ws.merged_cells.ranges if m.min_row <= r <= m.max_row]:
            ws.unmerge_cells(str(merged))
        for c in range(1, ws.max_column + 1):
            ws.cell(r, c).value = None
    return book


def stacked(path, sources, layout, totals=True):
    """A workbook holding the projects of ``sources``: ``sheet`` — one sheet each (its three
    tables one below another); ``blocks`` — all on one sheet; ``apart`` — the fund and usage
    tables on one sheet each, then the scoring tables on one sheet each."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    books = [openpyxl.load_workbook(src) for src in sources]
    if not totals:
        books = [_without_totals(book) for book in books]
    if layout == "copies":  # the three sheets of each sample one after another, numbered
        for i, book in enumerate(books, 1):
            for name in SHEETS:
                _copy_block(book[name], wb.create_sheet(f"{name}{i}"), 0)
    elif layout == "apart":
        for i, book in enumerate(books, 1):
            ws = wb.create_sheet(f"资金{i}")
            at = _copy_block(book[SHEETS[0]], ws, 0)
            _copy_block(book[SHEETS[1]], ws, at)
        for i, book in enumerate(books, 1):
            _copy_block(book[SHEETS[2]], wb.create_sheet(f"评分{i}"), 0)
    else:
        at, ws = 0, None
        for i, book in enumerate(books, 1):
            if layout == "sheet" or ws is None:
                ws, at = wb.create_sheet(f"项目{i}"), 0
            for name in SHEETS:
                at = _copy_block(book[name], ws, at)
    wb.save(path)
    return path


SOURCES = [SAMPLE_000, SAMPLE_002, SAMPLE_000]


@pytest.mark.parametrize("layout", ["sheet", "blocks", "apart"])
def test_each_project_reviewed_as_its_own(tmp_path, layout):
    expected = [signature(check_reports(src)[0].to_dict()) for src in SOURCES]
    reports = [r.to_dict() for r in check_reports(stacked(tmp_path / "three.xlsx", SOURCES, layout))]
    assert [r["part"] for r in reports] == [{"index": i, "of": 3} for i in (1, 2, 3)]
    got = [signature(r) for r in reports]
    for g in got:
        g["codes"] = [c for c in g["codes"] if c not in ("PROJECTS_PAIRED", "TABLE_MISSING")]
    if layout == "apart":
        assert all("PROJECTS_PAIRED" in {f["code"] for f in r["findings"]} for r in reports)
    for g, e in zip(got, expected):
        e = {**e, "codes": [c for c in e["codes"] if c != "TABLE_MISSING"]}
        assert g == e


def test_check_prints_every_project_and_json_lists_them(tmp_path):
    path = stacked(tmp_path / "two.xlsx", [SAMPLE_000, SAMPLE_002], "sheet")
    result = run_cli("check", "--format", "json", path)
    data = json.loads(result.stdout)
    assert isinstance(data, list) and [d["project"]["name"] for d in data] == [
        "铝工业转型升级专项资金", "企业服务活动专项经费"]
    lines = run_cli("check", path).stdout.splitlines()
    summaries = [line for line in lines if "个项目（共 2 个）" in line]
    assert len(summaries) == 2  # one summary line per project
    assert any("项目2!" in line for line in lines)  # the second project's findings point into its own sheet


def test_the_copy_annotates_every_project(tmp_path):
    path = stacked(tmp_path / "two.xlsx", [SAMPLE_000, SAMPLE_002], "blocks")
    result = score_file(path, tmp_path / "out")
    assert len(result.reports) == 2 and result.workbook is not None
    wb = openpyxl.load_workbook(result.workbook)
    assert wb.sheetnames[:2] == ["复核结果（项目1）", "复核结果（项目2）"]
    ws = wb["项目1"]
    reviewed = [ws.cell(r, c).value for r in range(1, ws.max_row + 1) for c in range(1, ws.max_column + 1)
                if ws.cell(r, c).value == "复核得分"]
    assert len(reviewed) == 2  # each project's scoring table has its 复核得分 column filled
    saved = json.loads(result.json.read_text(encoding="utf-8"))
    assert isinstance(saved, list) and len(saved) == 2
    # and the copy, read again, is still two projects (its review sheets are xlscore's own)
    assert len(check_reports(result.workbook)) == 2


def test_one_project_workbook_is_one_report(tmp_path):
    reports = check_reports(SAMPLE_000)
    assert len(reports) == 1 and reports[0].part is None


def test_a_batch_gives_one_summary_row_per_project(tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    stacked(inbox / "两个项目.xlsx", [SAMPLE_000, SAMPLE_002], "apart")
    result = run_cli("score", inbox, "--out", tmp_path / "out", "--jobs", "1")
    assert result.exception is None
    lines = [json.loads(line) for line in (tmp_path / "out" / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["project"]["name"] for line in lines] == ["铝工业转型升级专项资金", "企业服务活动专项经费"]
    ws = openpyxl.load_workbook(tmp_path / "out" / "汇总.xlsx").worksheets[0]
    names = [row[2] for row in ws.iter_rows(min_row=2, values_only=True) if row[3] == "两个项目.xlsx"]  # 项目, 来源文件
    assert names == ["铝工业转型升级专项资金", "企业服务活动专项经费"]


def test_more_projects_than_the_limit_are_not_dropped_silently(tmp_path):
    from xlscore.tables.projects import MAX_PROJECTS

    path = tmp_path / "many.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(MAX_PROJECTS + 5):
        ws.append(["三级指标", "权重", "业绩值", "评分结果", "评分标准"])
        ws.append([f"指标{i}", 100, "100%", 100, "业绩值为100%得满分，每降低1%扣权重分的1%"])
        ws.append(["总计", 100, None, 100, None])
    wb.save(path)
    reports = check_reports(path)
    assert len(reports) == MAX_PROJECTS
    assert [f.code for f in reports[-1].findings].count("PROJECTS_LIMIT") == 1
    assert not any(f.code == "PROJECTS_LIMIT" for r in reports[:-1] for f in r.findings)


@pytest.mark.parametrize("layout", ["copies", "blocks"])
def test_projects_without_total_rows_stay_apart(tmp_path, layout):
    """A scoring table with no 总计 row ends where the next project's fund table or header begins:
    it is not continued onto (or read into) the next project."""
    path = stacked(tmp_path / "two.xlsx", [SAMPLE_000, SAMPLE_002], layout, totals=False)
    reports = [r.to_dict() for r in check_reports(path)]
    assert [r["project"]["name"] for r in reports] == ["铝工业转型升级专项资金", "企业服务活动专项经费"]
    assert [r["totals"]["weight"] for r in reports] == [100, 100]
    assert [len(r["indicators"]) for r in reports] == [len(check_reports(src)[0].indicators)
                                                       for src in (SAMPLE_000, SAMPLE_002)]
    assert "FUND_SPEND_LOW" in {f["code"] for f in reports[1]["findings"]}  # project 2's own fund table
    assert not {"VALUE_UNPARSED", "INDICATOR_FUND_MISMATCH", "WEIGHT_SUM"} & {
        f["code"] for r in reports for f in r["findings"]}
    assert score_file(path, tmp_path / "out").workbook is not None
