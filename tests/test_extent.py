"""Issue 19, item 3: a workbook of a few KB whose data reaches far — one value at XFD1048576 or at
NTP20000, an .xls cell moved to IV65536, an .ods cell repeated over a million rows and thousands of
columns — is refused with FILE_TOO_LARGE before calamine reads it; one whose far cell is only
formatted (an empty styled cell at ZZ50000) is read, scored and laid out for print as if that cell
were not there.

Each hostile run goes through a subprocess whose peak memory is measured (os.wait4): under 1 GiB.
Its address space is capped at 3 GiB, so that a regression fails instead of taking the machine's
memory. The measuring itself (xlscore/extent.py) is compared with calamine on sheets written by
hand and on the samples and fixtures."""

from __future__ import annotations

import io
import json
import os
import re
import resource
import shutil
import struct
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from openpyxl.styles import Font

from conftest import FIXTURES, SAMPLES, SAMPLE_000, edited_copy
from xlscore.read import extent
from xlscore.read.errors import WorkbookError
from xlscore.read.files import open_workbook
from xlscore.write import printsetup
from xlscore.review import score_file

CJK = re.compile(r"[\u4e00-\u9fff]")
GIB = 1 << 30
SCORING = "自评价评分附件表"
FUND = "资金安排情况"


# --- running xlscore in a child whose memory is measured -------------------------------------------

def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 * GIB, 3 * GIB))


def _xlscore(tmp_path: Path, *args: str, timeout: float = 300) -> tuple[int, str, str, int]:
    """(exit code, stdout, stderr, peak RSS in bytes of the child and the workers it waited for).
    The timeout only keeps a regression from hanging the suite; nothing is timed."""
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "xlscore", *args], stdin=subprocess.DEVNULL,
                                stdout=stdout, stderr=stderr, preexec_fn=_capped)
    watchdog = threading.Timer(timeout, proc.kill)
    watchdog.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        watchdog.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return (proc.returncode, out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8"),
            usage.ru_maxrss * 1024)


def _clean(stderr: str) -> None:
    for sign in ("Traceback", "panicked", "memory allocation", "MemoryError"):
        assert sign not in stderr, stderr[-2000:]


# --- the hostile workbooks, built from the samples and fixtures --------------------------------------

def far_value(tmp_path: Path, ref: str) -> Path:
    """The sample with one more value, at ``ref`` of its scoring sheet."""
    def edit(wb):
        wb[SCORING][ref] = "远处"
    return edited_copy(SAMPLE_000, tmp_path, f"远处_{ref}.xlsx", edit)


def far_style(tmp_path: Path, ref: str = "ZZ50000") -> Path:
    """The sample with an empty, formatted cell at ``ref`` of its scoring sheet."""
    def edit(wb):
        wb[SCORING][ref].font = Font(bold=True)
    return edited_copy(SAMPLE_000, tmp_path, f"格式_{ref}.xlsx", edit)


def far_xls(tmp_path: Path) -> Path:
    """The .xls fixture with its first text cell (资金安排情况!A1) moved to IV65536, the last cell
    an .xls sheet has (the record's row and column rewritten in place)."""
    import olefile

    path = tmp_path / "远处.xls"
    shutil.copy(FIXTURES / "seed000.xls", path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        data = bytearray(ole.openstream("Workbook").read())
        at = 0
        while struct.unpack_from("<H", data, at)[0] != 0x00FD:  # LABELSST
            at += 4 + struct.unpack_from("<H", data, at + 2)[0]
        struct.pack_into("<HH", data, at + 4, 65535, 255)
        ole.write_stream("Workbook", bytes(data))
    return path


REPEATED = ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
            'table:number-columns-repeated="10000" office:value-type="float" office:value="1">'
            "<text:p>1</text:p></table:table-cell></table:table-row>")


def _ods_with(tmp_path: Path, name: str, rows: str) -> Path:
    """The .ods fixture with ``rows`` added at the end of its first table."""
    path = tmp_path / name
    with zipfile.ZipFile(FIXTURES / "seed000.ods") as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "content.xml":
                data = data.replace(b"</table:table>", rows.encode() + b"</table:table>", 1)
            dst.writestr(info, data)
    return path


def far_ods(tmp_path: Path) -> Path:
    """One cell holding 1, repeated over a million rows and ten thousand columns (10 billion cells)."""
    return _ods_with(tmp_path, "重复.ods", REPEATED)


HOSTILE = {
    "XFD1048576": (lambda tmp_path: far_value(tmp_path, "XFD1048576"), SCORING),
    "NTP20000": (lambda tmp_path: far_value(tmp_path, "NTP20000"), SCORING),
    "xls IV65536": (far_xls, FUND),
    "ods repeated": (far_ods, FUND),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_workbook_whose_data_reaches_far_is_refused_within_bounded_memory(tmp_path, case):
    build, sheet = HOSTILE[case]
    path = build(tmp_path)
    assert path.stat().st_size < 100_000  # a few KB on disk
    code, stdout, stderr, peak = _xlscore(tmp_path, "check", "--format", "json", str(path))
    _clean(stderr)
    assert code == 2, (code, stdout, stderr[-2000:])
    report = json.loads(stdout)
    assert report["status"] == "error" and report["error"]["code"] == "FILE_TOO_LARGE", report["error"]
    message = report["error"]["message"]
    assert CJK.search(message) and f"工作表“{sheet}”" in message, message
    assert f"{extent.MAX_CELLS:,}" in message
    assert peak < GIB, f"peak memory {peak / 2**20:.0f} MB"


def _print_areas(path: Path) -> dict[str, str]:
    workbook = openpyxl.load_workbook(path)
    return {ws.title: ws.print_area for ws in workbook.worksheets}


def test_an_empty_formatted_cell_far_away_reaches_nothing(tmp_path):
    path = far_style(tmp_path)
    out = tmp_path / "out"
    code, _, stderr, peak = _xlscore(tmp_path, "score", str(path), "--out", str(out))
    _clean(stderr)
    assert peak < GIB, f"peak memory {peak / 2**20:.0f} MB"
    plain = score_file(SAMPLE_000, tmp_path / "plain")
    assert code == plain.report.exit_code
    report = json.loads((out / f"{path.stem}_复核.json").read_text(encoding="utf-8"))
    assert report["status"] == "ok"
    assert [f["code"] for f in report["findings"]] == [f.code for f in plain.report.findings]
    # The copy prints what the sample's copy prints: the formatted cell widens no print area.
    assert _print_areas(out / f"{path.stem}_复核.xlsx") == _print_areas(plain.workbook)


def test_a_workbook_just_under_the_limit_is_read_within_bounded_memory(tmp_path):
    rows = extent.MAX_CELLS // 100 - 2000  # its scoring sheet 100 columns wide, the others small
    path = far_value(tmp_path, f"CV{rows}")
    assert sum(e.cells for e in extent.measure(open_workbook(path)).values()) <= extent.MAX_CELLS
    code, _, stderr, peak = _xlscore(tmp_path, "score", str(path), "--out", str(tmp_path / "out"))
    _clean(stderr)
    assert code == 1  # the sample's findings, read as usual
    assert peak < GIB, f"peak memory {peak / 2**20:.0f} MB"


def test_a_batch_with_every_far_reaching_workbook_finishes_within_bounded_memory(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLE_000, inbox / "样例.xlsx")
    for case, (build, _) in HOSTILE.items():
        made = build(tmp_path)
        shutil.move(made, inbox / made.name)
    shutil.move(far_style(tmp_path), inbox / "格式.xlsx")
    out = tmp_path / "out"
    code, _, stderr, peak = _xlscore(tmp_path, "score", str(inbox), "--out", str(out), "--jobs", "2")
    _clean(stderr)
    assert code == 1
    assert (out / "汇总.xlsx").exists()
    lines = [json.loads(line) for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    refused = sorted(Path(r["file"]).name for r in lines if (r.get("error") or {}).get("code") == "FILE_TOO_LARGE")
    assert refused == sorted(["远处_XFD1048576.xlsx", "远处_NTP20000.xlsx", "远处.xls", "重复.ods"])
    assert peak < GIB, f"peak memory {peak / 2**20:.0f} MB"


# --- the measuring, against calamine ---------------------------------------------------------------

_CT = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
             '<sheet name="表" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0"?><Relationships '
                  'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                  'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                  'Target="worksheets/sheet1.xml"/></Relationships>')
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _xlsx(tmp_path: Path, sheet_data: str, prefix: str = "") -> Path:
    """A one-sheet .xlsx whose sheet's ``<sheetData>`` holds ``sheet_data`` (elements in ``prefix``)."""
    p = f"{prefix}:" if prefix else ""
    xmlns = f'xmlns:{prefix}="{_MAIN}"' if prefix else f'xmlns="{_MAIN}"'
    sheet = (f'<?xml version="1.0"?><{p}worksheet {xmlns}><{p}dimension ref="A1"/>'
             f"<{p}sheetData>{sheet_data}</{p}sheetData></{p}worksheet>")
    path = tmp_path / "hand.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS), ("xl/workbook.xml", _WORKBOOK),
                           ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS), ("xl/worksheets/sheet1.xml", sheet)):
            z.writestr(name, text)
    return path


def _calamine_grid(data: bytes, name: str) -> tuple[int, int]:
    """The grid calamine gives the sheet: rows and columns from A1 to its last cell."""
    sheet = pc.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(name)
    return (sheet.end[0] + 1, sheet.end[1] + 1) if sheet.end is not None else (0, 0)


V = "<v>1</v>"
SHEETS = {  # sheetData -> (rows, cols) of the grid from A1 to the last cell holding something
    "as programs write it": (f'<row r="1"><c r="A1" s="1" t="n">{V}</c></row><row r="9"><c r="J9">{V}</c></row>', (9, 10)),
    "a styled empty cell": (f'<row r="1"><c r="A1">{V}</c></row><row r="900"><c r="ZZ900" s="1"/></row>', (1, 1)),
    "an empty cell closed": (f'<row r="1"><c r="A1">{V}</c></row><row r="9"><c r="J9"></c></row>', (1, 1)),
    "inline text": ('<row r="9"><c r="J9" t="inlineStr"><is><t>字</t></is></c></row>', (9, 10)),
    "rows out of order": (f'<row r="9"><c r="J9">{V}</c></row><row r="1"><c r="A1">{V}</c></row>', (9, 10)),
    "whitespace in a cell": (f'<row r="9"><c r="J9">\n  {V}\n</c ></row>', (9, 10)),
    "cells without r": (f'<row r="9"><c>{V}</c><c>{V}</c><c>{V}</c></row>', (9, 3)),
    "rows without r": (f'<row><c>{V}</c></row><row><c>{V}</c></row><row><c>{V}</c><c>{V}</c></row>', (3, 2)),
    "no r after r": (f'<row r="5"><c r="C5">{V}</c><c>{V}</c></row><row><c>{V}</c></row>', (6, 4)),
    "a cell's r in another row": (f'<row r="100"><c r="C1">{V}</c><c>{V}</c></row><row><c>{V}</c></row>', (101, 4)),
    "r not first": (f'<row r="9"><c s="0" r="J9">{V}</c></row>', (9, 10)),
    "lower-case r": (f'<row r="9"><c r="j9">{V}</c></row>', (9, 10)),
    "single quotes": (f"<row r='9'><c r='J9'>{V}</c></row>", (9, 10)),
    "a cell in CDATA": ('<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[<c r="ZZ99"><v>]]></t></is></c></row>',
                        (1, 1)),
    "a cell in a comment": (f'<row r="1"><c r="A1">{V}</c></row><!-- <c r="ZZ99"><v>1</v></c> -->', (1, 1)),
    "a far cell": (f'<row r="1"><c r="A1">{V}</c></row><row r="1048576"><c r="XFD1048576">{V}</c></row>',
                   (1048576, 16384)),
}


@pytest.mark.parametrize("case", SHEETS)
def test_the_extent_of_a_sheet_is_the_grid_calamine_reads(tmp_path, case):
    sheet_data, expected = SHEETS[case]
    path = _xlsx(tmp_path, sheet_data)
    opened = open_workbook(path)
    measured = extent.measure(opened)["表"]
    assert (measured.rows, measured.cols) == expected
    # What is sure by byte searches is what the parser finds.
    part = opened.parts["xl/worksheets/sheet1.xml"]
    fast = extent._fast_extent(part)
    assert fast is None or fast == extent._parsed(io.BytesIO(part), "sheet", extent._XlsxCells()).extent
    if expected[0] * expected[1] <= extent.MAX_CELLS:
        assert _calamine_grid(opened.data, "表") == expected


def test_a_formula_without_a_value_counts_as_data(tmp_path):
    """openpyxl reads it as the formula's text; calamine as an empty cell. The grid covers it."""
    path = _xlsx(tmp_path, f'<row r="1"><c r="A1">{V}</c></row><row r="9"><c r="J9"><f>1+1</f></c></row>')
    assert extent.measure(open_workbook(path))["表"] == extent.Extent(9, 10)


def test_a_sheet_in_a_namespace_prefix_is_measured(tmp_path):
    path = _xlsx(tmp_path, f'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
                           f'<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>', prefix="x")
    assert extent.measure(open_workbook(path))["表"] == extent.Extent(1048576, 16384)
    with pytest.raises(WorkbookError) as refused:
        extent.check(open_workbook(path))
    assert refused.value.code == "FILE_TOO_LARGE"


def test_a_cell_with_two_references_is_a_corrupt_sheet(tmp_path):
    """calamine takes the second r, a byte search the first: XML allows neither, and the sheet is refused."""
    path = _xlsx(tmp_path, f'<row r="1"><c r="A1" r="XFD1048576">{V}</c></row>')
    with pytest.raises(WorkbookError) as refused:
        extent.check(open_workbook(path))
    assert refused.value.code == "FILE_CORRUPT" and CJK.search(refused.value.message)


@pytest.mark.parametrize("path", [*sorted(SAMPLES.glob("*.xlsx")), *sorted(FIXTURES.glob("*.xls")),
                                  *sorted(FIXTURES.glob("*.ods"))], ids=lambda p: p.name)
def test_the_samples_and_fixtures_measure_as_calamine_reads_them(path):
    opened = open_workbook(path)
    measured = extent.measure(opened)
    workbook = pc.CalamineWorkbook.from_filelike(io.BytesIO(opened.data))
    for name in workbook.sheet_names:
        assert (measured[name].rows, measured[name].cols) == _calamine_grid(opened.data, name), name


_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


_MANIFEST = ('<?xml version="1.0"?><manifest:manifest '
             'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
             'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
             '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
             "</manifest:manifest>")


def _ods(tmp_path: Path, rows: str) -> Path:
    """A one-table .ods (table 表) whose table holds ``rows``."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.2">'
               f'<office:body><office:spreadsheet><table:table table:name="表">{rows}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    path = tmp_path / "hand.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", _MANIFEST, zipfile.ZIP_DEFLATED)
    return path


ONE = '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
EMPTY_TO_THE_END = ('<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
                    'table:number-columns-repeated="16384" table:style-name="ce1"/></table:table-row>')
ODS_TABLES = {  # the table's rows -> (rows, cols) of its grid
    "repeated empty cells cost nothing": (f"<table:table-row>{ONE}</table:table-row>{EMPTY_TO_THE_END}", (1, 1)),
    "a value after repeated empty rows": (
        '<table:table-row table:number-rows-repeated="5000"><table:table-cell table:number-columns-repeated="300"/>'
        f"</table:table-row><table:table-row>{ONE}</table:table-row>", (5001, 1)),
    "a repeated value counts in full": (
        '<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="20"/>'
        '<table:table-cell table:number-columns-repeated="2" office:value-type="float" office:value="1"/>'
        "</table:table-row>", (3, 22)),
    "rows in header rows and groups": (
        f"<table:table-header-rows><table:table-row>{ONE}</table:table-row></table:table-header-rows>"
        f'<table:table-row-group><table:table-row table:number-rows-repeated="2">{ONE}{ONE}</table:table-row>'
        "</table:table-row-group>", (3, 2)),
}


@pytest.mark.parametrize("case", ODS_TABLES)
def test_the_extent_of_an_ods_table_is_the_grid_calamine_reads(tmp_path, case):
    rows, expected = ODS_TABLES[case]
    opened = open_workbook(_ods(tmp_path, rows))
    measured = extent.measure(opened)["表"]
    assert (measured.rows, measured.cols) == expected
    assert _calamine_grid(opened.data, "表") == expected


def test_an_ods_value_repeated_over_millions_of_cells_is_counted_in_full(tmp_path):
    measured = extent.measure(open_workbook(_ods(tmp_path, REPEATED)))["表"]
    assert measured == extent.Extent(1_000_000, 10_000)


# --- the print layout visits only the cells a sheet holds --------------------------------------------

def test_print_layout_visits_only_the_cells_a_sheet_holds():
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws["A1"] = "标题"
    ws["B2"] = "第一行\n第二行"
    ws["ZZ500"].font = Font(bold=True)  # formatted, empty
    held = len(list(printsetup.held_cells(ws)))
    assert printsetup.used_range(ws) == (2, 2)
    printsetup.fit_rows(ws, range(1, 501))
    assert ws.row_dimensions[2].height == 2 * printsetup.LINE_POINTS + 3
    printsetup.page(ws, project="项目", title_rows=None)
    assert ws.print_area == "'Sheet'!$A$1:$B$2"
    assert len(list(printsetup.held_cells(ws))) == held  # no cell made on the way


def test_a_far_reaching_file_where_a_copy_would_go_is_kept_not_read(tmp_path):
    """Before writing ``X_复核.xlsx``, xlscore looks whether the file already there is its own copy
    (the review sheet's A1 mark). One that looks like it, with a value at XFD1048576, is refused
    as any input would be: not known to be xlscore's, so kept, and the run stops saying so."""
    path = tmp_path / "样例.xlsx"
    shutil.copy(SAMPLE_000, path)
    out = tmp_path / "out"
    out.mkdir()
    workbook = openpyxl.Workbook()
    workbook.active.title = "复核结果"
    workbook.active["A1"] = "xlscore 复核结果"
    workbook.active["XFD1048576"] = 1
    workbook.save(out / "样例_复核.xlsx")
    code, stdout, stderr, peak = _xlscore(tmp_path, "score", str(path), "--out", str(out))
    _clean(stderr)
    assert code == 2 and "不是 xlscore 写出的复核结果" in stdout + stderr, (stdout, stderr[-2000:])
    assert openpyxl.load_workbook(out / "样例_复核.xlsx")["复核结果"]["XFD1048576"].value == 1
    assert peak < GIB, f"peak memory {peak / 2**20:.0f} MB"
