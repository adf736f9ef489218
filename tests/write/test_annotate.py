"""The annotated review copy written by `xlscore score`."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xlscore.pipeline import check_file
from xlscore.review import score_file

from conftest import ROOT, run_cli, sha256

SAMPLES = sorted((ROOT / "samples").glob("*.xlsx"))
SEED000 = ROOT / "samples" / "原表版式_000_铝工业转型升级专项资金.xlsx"
SEED002 = ROOT / "samples" / "原表版式_002_企业服务活动专项经费.xlsx"
FIXTURES = ROOT / "tests" / "fixtures"
SOFFICE = shutil.which("soffice")


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return {path.name: score_file(path, out) for path in SAMPLES}, out


def _cells(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None}


def test_outputs_named_and_written(scored):
    results, out = scored
    for sample in SAMPLES:
        result = results[sample.name]
        assert result.workbook == out / f"{sample.stem}_复核.xlsx" and result.workbook.exists()
        data = json.loads((out / "报告" / f"{sample.stem}_复核.json").read_text(encoding="utf-8"))
        assert data["status"] == "ok" and data["indicators"]
    assert not [p for p in out.iterdir() if p.name.startswith(".~xlscore")]  # no temporary left behind


def test_review_figures_in_the_seed_columns(scored):
    results, _ = scored
    wb = openpyxl.load_workbook(results[SEED000.name].workbook)
    ws = wb["自评价评分附件表"]
    assert [ws[f"{c}2"].value for c in "KLM"] == ["复核业绩值", "复核得分", "复核说明"]
    assert ws["D8"].value == "财务监控有效性"
    assert ws["K8"].value == "2" and ws["L8"].value == 1.48 and "1/3" in ws["M8"].value
    assert ws["L3"].value == 2.22 and ws["K3"].value == "107.49%" and "上限" in ws["M3"].value
    assert ws["L24"].value == 99.26  # 总计 row
    assert ws["L25"].value == "优秀"  # 评价等级 row


def test_review_columns_added_when_missing(tmp_path):
    src = tmp_path / "no_review.xlsx"
    wb = openpyxl.load_workbook(SEED002)
    wb["自评价评分附件表"].delete_cols(11, 3)
    wb.save(src)
    result = score_file(src, tmp_path / "out")
    ws = openpyxl.load_workbook(result.workbook)["自评价评分附件表"]
    assert [ws[f"{c}2"].value for c in "KLM"] == ["复核业绩值", "复核得分", "复核说明"]
    assert ws["L2"].font.b == ws["I2"].font.b and ws["L2"].fill.fgColor.rgb == ws["I2"].fill.fgColor.rgb
    assert ws["L3"].value == 2.22 and ws["M3"].value


def test_flagged_cells_filled_and_commented_values_untouched(scored):
    results, _ = scored
    copy = openpyxl.load_workbook(results[SEED000.name].workbook)
    original = openpyxl.load_workbook(SEED000)
    h8 = copy["自评价评分附件表"]["H8"]
    assert h8.value == original["自评价评分附件表"]["H8"].value == 2.22
    assert h8.fill.fgColor.rgb.endswith("FFC7CE")  # error: red
    assert h8.comment.text.startswith("②【自评与复核不一致】") and "1.48" in h8.comment.text
    c12 = copy["资金安排情况"]["C12"]
    assert c12.value == 107.49 and c12.fill.fgColor.rgb.endswith("FFEB9C")  # warning: amber
    f16 = copy["自评价评分附件表"]["F16"]
    assert f16.fill.fgColor.rgb.endswith("DDEBF7") and "【目标可能偏低】" in f16.comment.text  # info: blue
    for ws in original.worksheets:  # every value the department wrote is still there, unchanged
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert copy[ws.title][cell.coordinate].value == cell.value, (ws.title, cell.coordinate)


def test_review_sheet_first_with_links_and_legend(scored):
    results, _ = scored
    wb = openpyxl.load_workbook(results[SEED000.name].workbook)
    assert wb.sheetnames[0] == "复核结果"
    ws = wb["复核结果"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert ws["A1"].value == "项目支出绩效自评复核结果"
    assert "铝工业转型升级专项资金" in texts and "郑州市工业和信息化局" in texts
    assert any(t.startswith("复核人") for t in texts)
    assert {"错误", "警告", "提示"} <= set(texts)
    links = [c.hyperlink.location or c.hyperlink.target for row in ws.iter_rows() for c in row if c.hyperlink]
    assert "'自评价评分附件表'!H8" in {link.lstrip("#") for link in links}
    values = [c.value for row in ws.iter_rows() for c in row]
    assert 99.26 in values and 107.49 in values


def test_review_sheet_merges_keep_their_borders(scored):
    # The findings table's 指标 spans E:F: merged, the covered F cell boxed like E (xlscore merges
    # its own freshly styled cells itself; openpyxl's merge_cells rebuilt every edge's border)
    results, _ = scored
    ws = openpyxl.load_workbook(results[SEED000.name].workbook)["复核结果"]
    header = next(c.row for row in ws.iter_rows() for c in row if c.value == "严重程度")
    first = header + 1
    assert f"D{first}:F{first}" in {str(r) for r in ws.merged_cells.ranges}  # 位置
    assert "A1:G1" in {str(r) for r in ws.merged_cells.ranges}
    covered = ws.cell(row=first, column=6)
    assert covered.__class__.__name__ == "MergedCell"
    assert covered.border.right.style == "thin" and covered.border.top.style == "thin"
    assert ws.cell(row=first, column=4).border.left.style == "thin"


def test_page_setup_on_every_sheet(scored):
    results, _ = scored
    wb = openpyxl.load_workbook(results[SEED000.name].workbook)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.print_area and "第 &P 页 共 &N 页" in ws.oddFooter.center.text
        assert ws.page_setup.cellComments == "atEnd"
        if ws.title != "复核结果":
            assert ws.oddHeader.center.text == "铝工业转型升级专项资金"
    scoring = wb["自评价评分附件表"]
    assert scoring.print_title_rows == "$2:$2"
    assert scoring["I3"].alignment.wrap_text and scoring.column_dimensions["I"].width == 26
    assert wb["资金安排情况"].print_title_rows == "$5:$6"


def test_input_byte_identical_and_rerun_identical(tmp_path):
    src = tmp_path / "in.xlsx"
    shutil.copy(SEED000, src)
    before = sha256(src)
    first = score_file(src, tmp_path / "a")
    second = score_file(src, tmp_path / "b")
    assert sha256(src) == before
    assert _cells(first.workbook) == _cells(second.workbook)


def test_copy_rechecks_to_the_same_findings(scored):
    results, _ = scored
    for sample in SAMPLES:
        result = results[sample.name]
        again = check_file(result.workbook)
        key = lambda f: (f.code, f.sheet, f.cell)  # noqa: E731
        original = sorted(key(f) for f in result.report.findings if not f.code.startswith("COPY_"))
        assert sorted(key(f) for f in again.findings) == original, sample.name
        assert again.to_dict()["fund"] == result.report.to_dict()["fund"]
        assert [i["review_score"] for i in again.to_dict()["indicators"]] == \
            [i["review_score"] for i in result.report.to_dict()["indicators"]]


@pytest.mark.parametrize("name", ["seed000.xls", "seed000.ods", "handlaid002.ods"])
def test_xls_and_ods_give_an_xlsx_copy(tmp_path, name):
    result = score_file(FIXTURES / name, tmp_path)
    assert result.workbook.suffix == ".xlsx" and zipfile.is_zipfile(result.workbook)
    assert any(f.code == "COPY_DROPS" for f in result.report.findings)
    again = check_file(result.workbook)
    assert again.to_dict()["fund"] == check_file(FIXTURES / name).to_dict()["fund"]


def test_parts_openpyxl_drops_are_reported(tmp_path):
    src = tmp_path / "with_image.xlsx"
    with zipfile.ZipFile(SEED002) as zin, zipfile.ZipFile(src, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n")
        zout.writestr("xl/charts/chart1.xml", b"<c:chartSpace xmlns:c='x'/>")
    result = score_file(src, tmp_path / "out")
    drops = [f for f in result.report.findings if f.code == "COPY_DROPS"]
    assert len(drops) == 1 and "图片" in drops[0].message and "图表" in drops[0].message
    texts = [c.value for row in openpyxl.load_workbook(result.workbook)["复核结果"].iter_rows() for c in row]
    assert any(isinstance(t, str) and "图片" in t for t in texts)
    clean = score_file(SEED002, tmp_path / "clean")
    assert not [f for f in clean.report.findings if f.code == "COPY_DROPS"]


def test_copy_failure_keeps_the_report(tmp_path, monkeypatch):
    import xlscore.review as review

    def broken(*args, **kwargs):
        raise ValueError("无法打开")

    monkeypatch.setattr(review, "annotate", broken)  # the copy cannot be made
    result = score_file(SEED002, tmp_path)
    assert result.workbook is None and not (tmp_path / "原表版式_002_企业服务活动专项经费_复核.xlsx").exists()
    codes = [f.code for f in result.report.findings]
    assert "COPY_FAILED" in codes and result.report.exit_code == 1
    assert json.loads(result.json.read_text(encoding="utf-8"))["indicators"]


def test_formula_looking_text_stays_text(tmp_path):
    src = tmp_path / "inert.xlsx"
    wb = openpyxl.load_workbook(SEED002)
    wb["资金安排情况"]["B1"].value = "=HYPERLINK(\"http://x\",\"点我\")"
    wb["资金安排情况"]["B1"].data_type = "s"
    wb.save(src)
    result = score_file(src, tmp_path / "out")
    copy = openpyxl.load_workbook(result.workbook)
    assert copy["资金安排情况"]["B1"].data_type == "s"
    review = copy["复核结果"]
    cells = [c for row in review.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert all(c.data_type == "s" for c in cells) and cells


def test_score_cli_folder_and_exit_codes(tmp_path):
    result = run_cli("score", *map(str, SAMPLES), "--out", str(tmp_path))
    assert result.exit_code == 1  # single files: seed 000's own score does not follow its rule
    assert result.output.count("已写出：") == len(SAMPLES)
    folder = run_cli("score", str(ROOT / "samples"), "--out", str(tmp_path / "all"))
    assert folder.exit_code == 0  # a folder is a batch: 0 when every input could be read
    assert len(list((tmp_path / "all").glob("*_复核.xlsx"))) == len(SAMPLES)
    assert run_cli("score", "--help").exit_code == 0 and "复核" in run_cli("score", "--help").output
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    result = run_cli("score", str(bad), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "FILE_NOT_WORKBOOK" in result.output
    assert (tmp_path / "o" / "报告" / "bad_复核.json").exists() and not (tmp_path / "o" / "bad_复核.xlsx").exists()


def _dark_bbox(pgm: bytes) -> tuple[int, int, int]:
    """(page width, leftmost dark column, rightmost dark column) of a binary PGM image."""
    parts = pgm.split(maxsplit=4)
    width, height, data = int(parts[1]), int(parts[2]), parts[4]
    cols = [x for x in range(width) if any(data[y * width + x] < 128 for y in range(0, height, 2))]
    return width, (min(cols) if cols else 0), (max(cols) if cols else 0)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) 未安装")
def test_seed000_copy_prints_landscape_and_wide(scored, tmp_path):
    results, _ = scored
    src = tmp_path / "copy.xlsx"
    shutil.copy(results[SEED000.name].workbook, src)
    subprocess.run([SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "copy.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    w, h = (float(v) for v in size.split(":")[1].split("pts")[0].split("x"))
    assert w > h  # landscape
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages")).split()[1])
    assert 3 <= pages <= 12
    subprocess.run(["pdftoppm", "-r", "20", "-gray", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    for image in sorted(tmp_path.glob("page-*.pgm")):
        width, left, right = _dark_bbox(image.read_bytes())
        assert right - left > width * 0.5, f"{image.name}: content only {right - left}px of {width}px wide"
