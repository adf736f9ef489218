""".ods merged ranges (issue 18, class 2): calamine reads none from an .ods, so xlscore reads them
from content.xml (``table:number-rows-spanned`` / ``table:number-columns-spanned``), counting
repeated rows and columns into the positions without expanding them.

The .ods files here are written by hand the way LibreOffice writes them: a merged range is its
anchor cell with the spans, followed by ``table:covered-table-cell`` elements; runs of empty cells
and rows are one element with a repeat count, and the sheet ends with a row repeated to row 1048576.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook

from xlscore.read import book as book_mod
from xlscore.read import cells as cellinfo

from conftest import findings_of, run_check

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
MAX_ROWS, MAX_COLS = 1048576, 16384


def content_xml(tables: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS} office:version="1.3">'
            f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
            "</office:document-content>").encode("utf-8")


def write_ods(path: Path, content: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>"))
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _cell(value, spans: tuple[int, int] | None) -> str:
    attrs = ""
    if spans is not None:
        attrs = f' table:number-rows-spanned="{spans[0]}" table:number-columns-spanned="{spans[1]}"'
    if value is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, (int, float)):
        return (f'<table:table-cell office:value-type="float" office:value="{value}"{attrs}>'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell office:value-type="string"{attrs}><text:p>{escape(value)}</text:p></table:table-cell>'


def ods_table(name: str, grid: list[list], merges: list[tuple[int, int, int, int]]) -> str:
    """One ``table:table`` for ``grid`` (rows of values, None for empty) with ``merges``
    ((r0, c0, r1, c1), 0-based), in LibreOffice's way of writing it."""
    anchors = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in merges}
    covered = {(r, c) for r0, c0, r1, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    covered -= set(anchors)
    rows = []
    for r, line in enumerate(grid):
        cells, c, empty = [], 0, 0
        while c < len(line):
            if (r, c) in covered:
                cells.append("<table:covered-table-cell/>")
            elif line[c] is None and (r, c) not in anchors:
                empty = 1
                while c + empty < len(line) and line[c + empty] is None and (r, c + empty) not in covered | set(anchors):
                    empty += 1
                cells.append(f'<table:table-cell table:number-columns-repeated="{empty}"/>')
                c += empty
                continue
            else:
                cells.append(_cell(line[c], anchors.get((r, c))))
            c += 1
        cells.append(f'<table:table-cell table:number-columns-repeated="{MAX_COLS - len(line)}"/>')
        rows.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
    rows.append(f'<table:table-row table:number-rows-repeated="{MAX_ROWS - len(grid)}">'
                f'<table:table-cell table:number-columns-repeated="{MAX_COLS}"/></table:table-row>')
    return (f'<table:table table:name="{escape(name)}">'
            f'<table:table-column table:number-columns-repeated="{MAX_COLS}"/>{"".join(rows)}</table:table>')


# --- the merge reader on content.xml ---------------------------------------------------------------

def test_positions_count_repeated_rows_and_columns_before_a_spanned_cell():
    table = (
        '<table:table table:name="S">'
        '<table:table-column table:number-columns-repeated="16384"/>'
        # rows 1-3 empty, as one element
        '<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="16384"/>'
        "</table:table-row>"
        # row 4: two empty cells as one, then C4:D5 merged (its covered cell D4 follows)
        '<table:table-row><table:table-cell table:number-columns-repeated="2"/>'
        '<table:table-cell office:value-type="string" table:number-rows-spanned="2" table:number-columns-spanned="2">'
        "<text:p>a</text:p></table:table-cell><table:covered-table-cell/>"
        '<table:table-cell table:number-columns-repeated="16380"/></table:table-row>'
        # row 5, inside a row group: covered cells repeated over C5:D5, then F5:F7 merged
        '<table:table-row-group><table:table-row><table:table-cell table:number-columns-repeated="2"/>'
        '<table:covered-table-cell table:number-columns-repeated="2"/><table:table-cell/>'
        '<table:table-cell office:value-type="float" office:value="20" table:number-rows-spanned="3">'
        "<text:p>20</text:p></table:table-cell></table:table-row></table:table-row-group>"
        # rows 6-7 as one element: F covered; a 1x1 span is no merge
        '<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="5"'
        ' table:number-rows-spanned="1" table:number-columns-spanned="1"/><table:covered-table-cell/>'
        "</table:table-row>"
        # the rest of the sheet: each of its rows has B:C merged (only the first few are looked at)
        '<table:table-row table:number-rows-repeated="1048569"><table:table-cell/>'
        '<table:table-cell table:number-columns-spanned="2"/><table:covered-table-cell/>'
        '<table:table-cell table:number-columns-repeated="16381"/></table:table-row>'
        "</table:table>"
        '<table:table table:name="T"><table:table-row><table:table-cell table:number-columns-repeated="3"/>'
        # a merge down a whole column, from D1
        '<table:table-cell office:value-type="string" table:number-rows-spanned="1048576"><text:p>x</text:p>'
        "</table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="3"/>'
        "<table:covered-table-cell/></table:table-row></table:table>"
    )
    tables = cellinfo._ods_tables(content_xml(table))
    assert set(tables) == {"S", "T"}
    assert tables["S"].merged_ranges(9, 20) == [
        (3, 2, 4, 3),  # C4:D5
        (4, 5, 6, 5),  # F5:F7
        (7, 1, 7, 2), (8, 1, 8, 2), (9, 1, 9, 2),  # B8:C8 .. B10:C10, the repeated row's first three
    ]
    assert tables["T"].merged_ranges(9, 20) == [(0, 3, 9, 3)]  # clipped to the rows looked at
    assert tables["S"].merged_ranges(2, 20) == []  # every anchor below the rows looked at


def test_bad_counts_read_as_one():
    table = ('<table:table table:name="S"><table:table-row table:number-rows-repeated="x">'
             '<table:table-cell table:number-columns-repeated="-2"/>'
             '<table:table-cell table:number-columns-spanned="２" table:number-rows-spanned="0"/>'
             '<table:table-cell table:number-columns-spanned="3"/></table:table-row></table:table>')
    assert cellinfo._ods_tables(content_xml(table))["S"].merged_ranges(10, 10) == [(0, 2, 0, 4)]


def test_a_loaded_ods_sheet_has_its_merged_ranges(tmp_path):
    grid = [["标题", None, None], [None, None, None], [None, "一级", "值"], [None, 20, "a"], [None, None, "b"]]
    merges = [(0, 0, 0, 2), (3, 1, 4, 1)]
    path = write_ods(tmp_path / "m.ods", content_xml(ods_table("S", grid, merges)))
    sheet = book_mod.load(path).sheet("S")
    assert sorted(sheet.merged) == sorted(merges)
    assert sheet.value(4, 1) == 20 and sheet.anchor(4, 1) == (3, 1)
    assert sheet.value(0, 2) == "标题" and sheet.is_merged_child(0, 2)
    assert not sheet.is_merged_child(4, 2)


# --- a scoring table with merged 一级/二级 weights: the .ods is read as the .xlsx -----------------

HEAD = ["一级指标", "一级指标", "二级指标", "二级指标", "三级指标", "权重", "标值", "业绩值", "评分结果", "评分标准"]
BODY = [
    ["产出目标", 60, "数量指标", 40, "培训人数", 20, "100人", "100人", 20, None],
    [None, None, None, None, "培训场次", 20, "5场", "5场", 20, None],
    [None, None, "质量指标", 20, "培训合格率", 20, "95%", "96%", 20, None],
    ["效果目标", 40, "满意度指标", 40, "学员满意度", 20, "90%", "92%", 20, None],
    [None, None, None, None, "企业满意度", 20, "90%", "91%", 20, None],
]
GRID = [["附表1.自评价评分附件表"] + [None] * 9, HEAD, *BODY,
        ["总计", None, None, None, None, 100, None, None, 100, None]]
# The 一级 name and weight over rows 3-5 and 6-7; the 二级 over 3-4, 5 and 6-7.
MERGES = [(2, 0, 4, 0), (2, 1, 4, 1), (2, 2, 3, 2), (2, 3, 3, 3), (5, 0, 6, 0), (5, 1, 6, 1), (5, 2, 6, 2),
          (5, 3, 6, 3)]
SHEET = "自评价评分附件表"


def _xlsx(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    for r, line in enumerate(GRID):
        for c, value in enumerate(line):
            if value is not None:
                ws.cell(row=r + 1, column=c + 1, value=value)
    for r0, c0, r1, c1 in MERGES:
        ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    wb.save(path)
    return path


def test_merged_level_weights_of_an_ods_are_read_as_in_the_xlsx(tmp_path):
    want = run_check(_xlsx(tmp_path / "scoring.xlsx"))
    got = run_check(write_ods(tmp_path / "scoring.ods", content_xml(ods_table(SHEET, GRID, MERGES))))
    assert findings_of(want, "WEIGHT_SUM") == []
    assert got["findings"] == want["findings"]  # no false WEIGHT_SUM for each group
    assert got["totals"] == want["totals"]
    assert got["indicators"] == want["indicators"]
    assert [i["level1"] for i in got["indicators"]] == ["产出目标"] * 3 + ["效果目标"] * 2
    assert [i["level2"] for i in got["indicators"]] == ["数量指标", "数量指标", "质量指标", "满意度指标", "满意度指标"]
