"""The annotated copy as its readers get it on paper: Chinese only, every finding numbered on its
cell and located by the labels on the page, and pages that carry their headers and keep their
blocks together (issue 21, points 1–3)."""

from __future__ import annotations

import re
import shutil
import subprocess

import openpyxl
import pytest

from xlscore.findings.catalog import SEVERITIES
from xlscore.findings.finding import make
from xlscore.pipeline import check_file
from xlscore.review import score_file
from xlscore.write import marks, printsetup
from xlscore.write.annotate import paper_message

from conftest import ROOT

SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))
SEED000 = ROOT / "samples" / "000_铝工业转型升级专项资金.xlsx"
NATIONAL = ROOT / "samples" / "全国表样例_农村饮水安全工程维修养护补助资金.xlsx"
CODE = re.compile(r"[A-Z]+_[A-Z_]+")
SOFFICE = shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    out = tmp_path_factory.mktemp("paper")
    return {path.name: score_file(path, out) for path in SAMPLES}


def _texts(wb) -> list[tuple[str, str]]:
    """(where, text) of every cell text, comment, page header and footer of a workbook."""
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    found.append((f"{ws.title}!{cell.coordinate}", cell.value))
                if cell.comment is not None:
                    found.append((f"{ws.title}!{cell.coordinate} 批注", f"{cell.comment.author} {cell.comment.text}"))
        for item in (ws.oddHeader, ws.oddFooter):
            for part in (item.left, item.center, item.right):
                if part.text:
                    found.append((f"{ws.title} 页眉页脚", part.text))
    return found


def _review(wb):
    return wb["复核结果"]


def _review_rows(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def _finding_rows(ws) -> list[list]:
    """The rows of section 四's list (序号, 问题, 严重程度, 位置, …, 说明)."""
    rows = _review_rows(ws)
    out = []
    for row in rows:
        if row[0] in (None, "序号") or not isinstance(row[0], str):
            continue
        if re.fullmatch(r"[①-⑳]|\[\d+\]", row[0]):
            out.append(row)
    return out


# --- 1. Chinese only ---------------------------------------------------------------------------

def test_no_codes_in_the_copy(copies):
    for name, result in copies.items():
        wb = openpyxl.load_workbook(result.workbook)
        texts = _texts(wb)
        coded = [(where, text) for where, text in texts if CODE.search(text)]
        assert not coded, (name, coded[:3])
        ours = [text for where, text in texts if where.startswith("复核结果") or "批注" in where]
        assert not [t for t in ours if "xlscore" in t.lower()], name
        assert "代码" not in [c.value for row in _review(wb).iter_rows() for c in row], name


def test_scheme_by_its_name_and_the_file_by_its_name(copies):
    wb = openpyxl.load_workbook(copies[SEED000.name].workbook)
    rows = {row[0]: row[2] for row in _review_rows(_review(wb)) if row[0] in ("指标体系", "来源文件")}
    assert rows["指标体系"] == "市级项目支出绩效自评价（附表1 自评价评分附件表）"
    assert rows["来源文件"] == SEED000.name  # scored by its full path: the name only
    national = openpyxl.load_workbook(copies[NATIONAL.name].workbook)
    rows = {row[0]: row[2] for row in _review_rows(_review(national)) if row[0] == "指标体系"}
    assert rows["指标体系"] == "项目支出绩效自评表（财预〔2020〕10号）"


def test_a_message_naming_the_scheme_prints_its_name():
    finding = make("RULE_SCHEME_CONFLICT", "评分表", "J3", indicator="预算执行率", scheme="municipal",
                   scheme_rule="每少 1% 扣 1%")
    assert "municipal" in finding.message  # the JSON keeps the id
    printed = paper_message(finding, "市级项目支出绩效自评价")
    assert "municipal" not in printed and "指标体系 市级项目支出绩效自评价 的标准" in printed


# --- 2. located by labels, marked by number ----------------------------------------------------

def test_findings_located_by_labels_beside_their_reference(copies):
    wb = openpyxl.load_workbook(copies[SEED000.name].workbook)
    listed = {row[0]: row for row in _finding_rows(_review(wb))}
    assert listed["①"][1] == "比率超过 100%" and listed["①"][2] == "警告"
    assert listed["①"][3] == "资金安排情况表 · 预算执行率(6) · 合计\n（资金安排情况!C10）"
    assert listed["②"][3] == "评分表 · 财务监控有效性 · 自评得分\n（自评价评分附件表!I25）"
    assert listed["③"][3].startswith("评分表 · 铝及铝精深加工产业规模以上工业增加值 · 目标值")
    texts = [t for where, t in _texts(wb) if where.startswith("复核结果")]
    assert not [t for t in texts if "点击" in t or "批注" in t]  # nothing that means nothing on paper


def test_each_flagged_cell_carries_its_number_and_a_frame(copies):
    for name, result in copies.items():
        wb = openpyxl.load_workbook(result.workbook)
        findings = result.report.findings
        listed = _finding_rows(_review(wb))
        assert [row[0] for row in listed] == [marks.marker(i) for i in range(1, len(findings) + 1)], name
        worst: dict[tuple, str] = {}
        for finding in findings:
            if finding.cell:
                key = (finding.sheet, finding.cell)
                worst[key] = min(worst.get(key, "info"), finding.severity, key=SEVERITIES.index)
        for number, finding in enumerate(findings, 1):
            if not finding.cell:
                continue
            marker = marks.marker(number)
            cell = wb[finding.sheet][finding.cell]
            assert marker in marks.sections(cell.number_format)[0], (name, finding.cell, cell.number_format)
            assert cell.comment.text.startswith(marker) or f"\n{marker}" in cell.comment.text
            line = marks.LINES[worst[finding.sheet, finding.cell]]  # black and white: the frame tells
            assert _rim(wb[finding.sheet], finding.cell) == [line] * 4, (name, finding.cell)


def _rim(ws, ref: str) -> list[str]:
    """The left, right, top and bottom line of the cell ``ref`` or of the merged range it heads."""
    merged = next((m for m in ws.merged_cells.ranges if ref in m), None)
    top, left = ws[ref].row, ws[ref].column
    bottom, right = (merged.max_row, merged.max_col) if merged else (top, left)
    return [ws.cell(row=top, column=left).border.left.style, ws.cell(row=top, column=right).border.right.style,
            ws.cell(row=top, column=left).border.top.style, ws.cell(row=bottom, column=left).border.bottom.style]


def test_the_marker_shows_after_the_value_in_any_format():
    assert marks.marked_format("0.00", "①") == '0.00" ①";-0.00" ①";0.00" ①";@" ①"'
    assert marks.marked_format("General", "②③") == 'General" ②③";-General" ②③";General" ②③";@" ②③"'
    assert marks.marked_format("@", "①") == '@" ①"'
    assert marks.marked_format('0;-0;;@', "④") == '0" ④";-0" ④";;@" ④"'  # hidden zeros stay hidden
    assert marks.marked_format(marks.marked_format("0%", "①"), "⑤") == '0%" ⑤";-0%" ⑤";0%" ⑤";@" ⑤"'
    assert marks.marker(20) == "⑳" and marks.marker(21) == "[21]"


def test_the_reason_in_the_review_note_column(copies):
    wb = openpyxl.load_workbook(copies[SEED000.name].workbook)
    ws = wb["自评价评分附件表"]
    note = ws["N25"].value  # 财务监控有效性's 复核说明
    assert note.startswith("②自评与复核不一致：自评得分 2.22 与复核得分 1.48 不一致")
    assert "③目标可能偏低：" in ws["N61"].value and ws["N61"].value.startswith("业绩值 17.1%")


def test_a_marked_number_fits_its_column(copies):
    wb = openpyxl.load_workbook(copies[SEED000.name].workbook)
    ws = wb["资金安排情况"]
    needed = printsetup.text_width("107.49 ①", 10) + 1
    assert printsetup.column_width(ws, 3) >= needed


def test_the_copy_rechecks_with_its_blocks_whole(copies):
    result = copies[SEED000.name]
    again = check_file(result.workbook)
    assert [(i["level1"], i["name"]) for i in again.to_dict()["indicators"]] == \
        [(i["level1"], i["name"]) for i in result.report.to_dict()["indicators"]]
    assert not [f for f in again.findings if f.code == "WEIGHT_SUM"]


# --- 3. pages ----------------------------------------------------------------------------------

def test_print_titles_on_every_sheet(copies):
    for name, result in copies.items():
        wb = openpyxl.load_workbook(result.workbook)
        for ws in wb.worksheets:
            assert ws.print_title_rows, (name, ws.title)
        assert _review(wb).print_title_rows == "$1:$1"
    hand = openpyxl.load_workbook(copies["手工录入_铝工业转型升级专项资金_万元.xlsx"].workbook)
    assert hand["Sheet1"].print_title_rows == "$21:$21"  # the scoring table's, below the fund tables


def test_review_sheet_pages_repeat_their_table_headers(copies):
    wb = openpyxl.load_workbook(copies[SEED000.name].workbook)
    ws = _review(wb)
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks
    continued = 0
    for b in breaks:  # each page begins with a section, or with the table it goes on with
        heading, header = ws.cell(row=b + 1, column=1).value, ws.cell(row=b + 2, column=1).value
        assert re.match("^[一二三四]、", heading), (b, heading)
        if heading.endswith("（续）"):
            continued += 1
            assert header == "序号", (b, heading, header)
    assert continued
    for r in range(1, ws.max_row + 1):
        assert ws.row_dimensions[r].height, r  # every row's height set: the pages are planned on them


def test_scoring_pages_keep_indicators_whole_and_repeat_the_level1_label(copies):
    wb = openpyxl.load_workbook(copies[SEED000.name].workbook)
    ws = wb["自评价评分附件表"]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks
    starts = {row["row"] for row in copies[SEED000.name].report.to_dict()["indicators"]}
    assert all(b + 1 in starts for b in breaks), breaks  # each page begins with an indicator
    inside = [b for b in breaks if 3 <= b + 1 <= 56]  # pages that begin inside 投入和管理目标
    assert inside
    for b in inside:
        assert ws.cell(row=b + 1, column=1).value == "投入和管理目标"
    # the 产出/效果 blocks fit a page: no page begins inside them
    assert not [b for b in breaks if 57 < b + 1 <= 65 and b + 1 != 61]


def test_row_heights_from_the_text(copies):
    wb = openpyxl.load_workbook(copies[SEED000.name].workbook)
    original = openpyxl.load_workbook(SEED000)["自评价评分附件表"]
    ws = wb["自评价评分附件表"]
    # a formula is no text to make room for (row 43's =IF(…) made it 258 points high)
    assert ws.row_dimensions[43].height == original.row_dimensions[43].height
    for r in range(3, 69):  # every wrapped note shows in full
        note = ws.cell(row=r, column=14)
        if isinstance(note.value, str) and note.__class__.__name__ == "Cell":
            needed = printsetup.text_points(note.value, printsetup.column_width(ws, 14), printsetup.cell_size(note))
            rows = next((m for m in ws.merged_cells.ranges if note.coordinate in m), None)
            have = sum(printsetup.row_points(ws, x) for x in (range(rows.min_row, rows.max_row + 1) if rows else [r]))
            assert have >= needed - 0.5, (r, have, needed)


def test_fit_rows_gives_a_merged_text_its_height(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.column_dimensions["A"].width = 10
    ws["A1"] = "很长的一段说明文字，" * 6
    ws["A1"].alignment = openpyxl.styles.Alignment(wrap_text=True)
    ws.merge_cells("A1:A3")
    ws["B4"] = "=IF(A1=\"是\",\"很长很长很长很长很长很长很长很长很长的结果\",\"否\")"
    ws["B4"].alignment = openpyxl.styles.Alignment(wrap_text=True)
    printsetup.fit_rows(ws, range(1, 5))
    total = sum(printsetup.row_points(ws, r) for r in (1, 2, 3))
    assert total >= printsetup.text_points(ws["A1"].value, 10)
    assert ws.row_dimensions[4].height is None  # a formula's text is not what prints


def test_national_review_shows_the_budget_block(copies):
    wb = openpyxl.load_workbook(copies[NATIONAL.name].workbook)
    rows = _review_rows(_review(wb))
    heads = [row[0] for row in rows if isinstance(row[0], str) and row[0].startswith("二、")]
    assert heads == ["二、预算执行情况（金额单位：元，执行率单位：%）"]
    lines = {row[1]: row for row in rows if row[1] in ("年度资金总额", "当年财政拨款", "上年结转资金", "其他资金")}
    assert lines["年度资金总额"][2:6] == [5000000.0, 5200000.0, 4940000.0, 95.0]
    assert lines["其他资金"][4] == 190000.0
    texts = [v for row in rows for v in row if isinstance(v, str)]
    assert not [t for t in texts if "资金到位" in t or "预算安排" in t]  # no empty municipal fund table
    score = next(row for row in rows if row[1] == "预算执行率得分")
    assert score[2] == "分值 10.00，表中填写 9.50，重新计算 9.50"


# --- on paper ----------------------------------------------------------------------------------

@pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None,
                    reason="需要 LibreOffice（soffice）和 pdftotext 才能把副本打印为 PDF 来看")
def test_printed_copy_reads_on_paper(copies, tmp_path):
    src = tmp_path / "copy.xlsx"
    shutil.copy(copies[SEED000.name].workbook, src)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=300)
    text = subprocess.run([PDFTOTEXT, "-layout", str(tmp_path / "copy.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")
    assert not CODE.search(text) and "xlscore" not in text
    review = [p for p in pages if "项目支出绩效自评复核结果" in p]
    assert len(review) >= 2 and all(re.search("^ *[一二三四]、", p, re.M) for p in review[1:])
    assert any("（续）" in p for p in review[1:])
    scoring = [p for p in pages if "附表1.自评价评分附件表" in p or ("一级指标" in p and "复核说明" in p
                                                                   and "项目支出绩效自评复核结果" not in p)]
    assert len(scoring) >= 3
    assert all("一级指标" in p and "复核业绩值" in p for p in scoring)  # the header on every page
    level1 = [p for p in scoring if "目标值" in p and ("要素" in p) and "投入和管理" in p]
    assert len(level1) >= 2  # the 投入和管理目标 label on each of its pages
    for marker in "①②③④":
        assert marker in text
